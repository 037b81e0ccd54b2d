/* events_file.c — JSON array or NDJSON event files (events_file.h). */
#include "cli/events_file.h"

#include <stdbool.h>
#include <string.h>

/* An envelope: an object with objects "routing" and "event". */
static int check(const json_t *ev, const char *name, size_t line, size_t index, struct vg_err *err) {
  if (!json_is_object(ev) || !json_is_object(json_object_get(ev, "routing")) ||
      !json_is_object(json_object_get(ev, "event")))
    return vg_err_fail(err, VG_EINVAL, "%s:%zu: event %zu is not an envelope {\"routing\": {…}, \"event\": {…}}",
                       name, line, index);
  return 0;
}

static int limit(const char *name, size_t line, struct vg_err *err) {
  return vg_err_fail(err, VG_ELIMIT, "%s:%zu: more than %d events", name, line, EVENTS_FILE_MAX);
}

int events_file_parse(const char *text, size_t len, const char *name, json_t **events, struct vg_err *err) {
  *events = NULL;
  size_t i = 0;
  while (i < len && strchr(" \t\r\n", text[i])) i++;
  json_error_t je;
  if (i < len && text[i] == '[') {
    json_t *arr = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (!arr) return vg_err_fail(err, VG_EINVAL, "%s:%d:%d: %s", name, je.line, je.column, je.text);
    if (!json_is_array(arr) || json_array_size(arr) > EVENTS_FILE_MAX || !json_array_size(arr)) {
      bool big = json_array_size(arr) > EVENTS_FILE_MAX;
      json_decref(arr);
      return big ? limit(name, 1, err) : vg_err_fail(err, VG_EINVAL, "%s: no events", name);
    }
    size_t k;
    json_t *ev;
    json_array_foreach(arr, k, ev) {
      if (check(ev, name, 1, k + 1, err)) {
        json_decref(arr);
        return -VG_EINVAL;
      }
    }
    *events = arr;
    return 0;
  }
  json_t *arr = json_array();
  size_t line = 0;
  for (size_t at = 0; at < len;) {
    const char *nl = memchr(text + at, '\n', len - at);
    size_t end = nl ? (size_t)(nl - text) : len;
    line++;
    size_t s = at;
    while (s < end && strchr(" \t\r", text[s])) s++;
    if (s < end) {
      if (json_array_size(arr) >= EVENTS_FILE_MAX) {
        json_decref(arr);
        return limit(name, line, err);
      }
      json_t *ev = json_loadb(text + s, end - s, JSON_REJECT_DUPLICATES, &je);
      if (!ev) {
        json_decref(arr);
        return vg_err_fail(err, VG_EINVAL, "%s:%zu:%d: %s", name, line, je.column, je.text);
      }
      if (check(ev, name, line, json_array_size(arr) + 1, err)) {
        json_decref(ev);
        json_decref(arr);
        return -VG_EINVAL;
      }
      json_array_append_new(arr, ev);
    }
    at = end + 1;
  }
  if (!json_array_size(arr)) {
    json_decref(arr);
    return vg_err_fail(err, VG_EINVAL, "%s: no events", name);
  }
  *events = arr;
  return 0;
}
