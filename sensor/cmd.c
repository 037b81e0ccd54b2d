/* cmd.c — command dispatch helpers (cmd.h): replies, errors, lookup in the
 * table and the shell-like splitting of a command line. */
#include "sensor/cmd.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/alloc.h"
#include "shared/event.h"
#include "shared/limits.h"

/* Seed-compatible numeric ERROR values (EDR-REFERENCE.md §2: 0 OK, 2 not
 * found, 5 denied, 87 bad parameter, 110 open failed / unsupported); any other
 * failure is 1000 + the VG code so nothing maps to 0. */
int cmd_error_number(int code) {
  switch (code < 0 ? -code : code) {
    case VG_OK: return 0;
    case VG_ENOTFOUND: return 2;
    case VG_EPERM: return 5;
    case VG_EINVAL: case VG_EPARSE: case VG_EMISSING: case VG_ERANGE:
    case VG_ELIMIT: case VG_ETYPE: case VG_EUNKNOWN: return 87;
    case VG_EUNSUPPORTED: return 110;
    default: return 1000 + (code < 0 ? -code : code);
  }
}

void cmd_reply(struct cmd_call *c, json_t *body) {
  json_t *ev = vg_event_new(c->reply_type, vg_event_now_ms());
  if (!ev) { /* an invalid reply type is a table bug */
    json_decref(body);
    return;
  }
  json_t *r = vg_event_routing(ev);
  if (c->investigation_id && c->investigation_id[0])
    json_object_set_new(r, "investigation_id", json_string(c->investigation_id));
  if (!json_object_get(body, "ERROR"))
    json_object_set_new(body, "ERROR", json_integer(0));
  json_object_set_new(ev, "event", body);
  __atomic_add_fetch(&c->replies, 1, __ATOMIC_RELAXED);
  sensor_emit(c->ctx, ev);
}

int cmd_error(struct cmd_call *c, int code, const char *fmt, ...) {
  char msg[VG_LIMIT_ERR_MSG_BYTES * 4];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (code > 0) code = -code;
  if (code == 0) code = -VG_EINTERNAL;
  json_t *body = json_object();
  json_object_set_new(body, "ERROR", json_integer(cmd_error_number(code)));
  json_object_set_new(body, "ERROR_CODE", json_string(vg_code_name(code)));
  json_object_set_new(body, "ERROR_MESSAGE", json_string(msg));
  cmd_reply(c, body);
  return code;
}

const struct cmd *cmd_find(const char *name) {
  size_t n;
  const struct cmd *t = cmd_table(&n);
  if (!name) return NULL;
  for (size_t i = 0; i < n; i++)
    if (strcmp(t[i].name, name) == 0) return &t[i];
  return NULL;
}

int cmd_split(const char *line, int *argc, char ***argv, struct vg_err *err) {
  size_t len = strlen(line);
  *argc = 0;
  *argv = NULL;
  if (len > VG_LIMIT_TASK_COMMAND_BYTES)
    return vg_err_fail(err, VG_ELIMIT, "command line: %zu bytes, the limit is %u", len,
                       (unsigned)VG_LIMIT_TASK_COMMAND_BYTES);
  /* At most len/2 + 1 words; their bytes (with NULs) fit in 2 * len + 1. */
  size_t maxw = len / 2 + 2;
  size_t ptrs = maxw * sizeof(char *);
  char *block = vg_xmalloc(ptrs + 2 * len + 2);
  char **v = (char **)(void *)block;
  char *out = block + ptrs;
  int n = 0;
  size_t i = 0;
  for (;;) {
    while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\n' || line[i] == '\r'))
      i++;
    if (i >= len) break;
    v[n++] = out;
    while (i < len && !(line[i] == ' ' || line[i] == '\t' || line[i] == '\n' || line[i] == '\r')) {
      char ch = line[i];
      if (ch == '\'') {
        size_t start = i++;
        while (i < len && line[i] != '\'') *out++ = line[i++];
        if (i >= len) goto unterminated_at_start;
        i++;
        continue;
      unterminated_at_start:
        free(block);
        return vg_err_set(err, VG_EPARSE, NULL, 1, (int)start + 1,
                          "command line: unterminated ' quote at column %zu", start + 1);
      }
      if (ch == '"') {
        size_t start = i++;
        while (i < len && line[i] != '"') {
          if (line[i] == '\\' && i + 1 < len &&
              (line[i + 1] == '"' || line[i + 1] == '\\' || line[i + 1] == '$' || line[i + 1] == '`'))
            i++;
          *out++ = line[i++];
        }
        if (i >= len) {
          free(block);
          return vg_err_set(err, VG_EPARSE, NULL, 1, (int)start + 1,
                            "command line: unterminated \" quote at column %zu", start + 1);
        }
        i++;
        continue;
      }
      if (ch == '\\' && i + 1 < len) {
        *out++ = line[i + 1];
        i += 2;
        continue;
      }
      *out++ = ch;
      i++;
    }
    *out++ = '\0';
  }
  v[n] = NULL;
  if (n == 0) {
    free(block);
    return vg_err_fail(err, VG_EPARSE, "command line: empty");
  }
  *argc = n;
  *argv = v;
  return 0;
}
