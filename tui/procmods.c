/* procmods.c — shared objects from a memory map (procmods.h). */
#include "tui/procmods.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "tui/fmt.h"

bool procmods_is_module(const char *path) {
  if (!path || path[0] != '/') return false;
  size_t n = strlen(path);
  return (n >= 3 && !strcmp(path + n - 3, ".so")) || strstr(path, ".so.") != NULL;
}

json_t *procmods_collect(const json_t *map) {
  json_t *seen = json_object(); /* path → [base, end] */
  json_t *order = json_array();
  size_t i;
  const json_t *r;
  json_array_foreach(map, i, r) {
    const char *path = json_string_value(json_object_get(r, "FILE_PATH"));
    if (!json_is_object(r) || !procmods_is_module(path)) continue;
    uint64_t base = (uint64_t)fmt_int(r, "BASE_ADDRESS");
    uint64_t end = base + (uint64_t)fmt_int(r, "MEMORY_SIZE");
    json_t *s = json_object_get(seen, path);
    if (!s) {
      if (json_array_size(order) >= PROCMODS_MAX) continue;
      json_object_set_new(seen, path, json_pack("[I, I]", (json_int_t)base, (json_int_t)end));
      json_array_append_new(order, json_string(path));
      continue;
    }
    if (base < (uint64_t)json_integer_value(json_array_get(s, 0)))
      json_array_set_new(s, 0, json_integer((json_int_t)base));
    if (end > (uint64_t)json_integer_value(json_array_get(s, 1)))
      json_array_set_new(s, 1, json_integer((json_int_t)end));
  }
  json_t *out = json_array();
  const json_t *p;
  json_array_foreach(order, i, p) {
    const json_t *s = json_object_get(seen, json_string_value(p));
    uint64_t base = (uint64_t)json_integer_value(json_array_get(s, 0));
    uint64_t end = (uint64_t)json_integer_value(json_array_get(s, 1));
    char hex[32], sz[32];
    snprintf(hex, sizeof hex, "0x%" PRIx64, base);
    json_array_append_new(out, json_pack("{s:s, s:s, s:s}", "MODULE", json_string_value(p), "BASE", hex,
                                         "SIZE", fmt_bytes(end - base, sz, sizeof sz)));
  }
  json_decref(seen);
  json_decref(order);
  return out;
}
