/* cmd.c — command-line splitting, lookup and the reply helpers (cmd.h). */
#include "sensor/cmd.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/alloc.h"
#include "shared/event.h"
#include "shared/limits.h"

const struct cmd *cmd_find(const char *name) {
  size_t n;
  const struct cmd *t = cmd_table(&n);
  if (!name) return NULL;
  for (size_t i = 0; i < n; i++)
    if (strcmp(t[i].name, name) == 0) return &t[i];
  return NULL;
}

int cmd_split(const char *line, int *argc, char ***argv, struct vg_err *err) {
  *argc = 0;
  *argv = NULL;
  size_t len = strlen(line);
  if (len > VG_LIMIT_TASK_COMMAND_BYTES)
    return vg_err_fail(err, VG_ELIMIT, "command line of %zu bytes (at most %u)", len,
                       VG_LIMIT_TASK_COMMAND_BYTES);
  char *tmp = vg_xmalloc(len + 1);
  size_t o = 0;
  int n = 0;
  const char *p = line;
  for (;;) {
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
    if (!*p) break;
    n++;
    while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') {
      if (*p == '\'') {
        const char *q = strchr(p + 1, '\'');
        if (!q) goto unterminated;
        memcpy(tmp + o, p + 1, (size_t)(q - p - 1));
        o += (size_t)(q - p - 1);
        p = q + 1;
      } else if (*p == '"') {
        const char *start = p++;
        while (*p && *p != '"') {
          if (*p == '\\' && (p[1] == '"' || p[1] == '\\')) p++;
          tmp[o++] = *p++;
        }
        if (!*p) {
          p = start;
          goto unterminated;
        }
        p++;
      } else if (*p == '\\' && p[1]) {
        tmp[o++] = p[1];
        p += 2;
      } else {
        tmp[o++] = *p++;
      }
    }
    tmp[o++] = '\0';
  }
  /* One block: n+1 pointers, then the strings. */
  char **v = vg_xmalloc((size_t)(n + 1) * sizeof(char *) + o + 1);
  char *s = (char *)(v + n + 1);
  memcpy(s, tmp, o);
  for (int i = 0; i < n; i++) {
    v[i] = s;
    s += strlen(s) + 1;
  }
  v[n] = NULL;
  free(tmp);
  *argc = n;
  *argv = v;
  return 0;
unterminated:
  free(tmp);
  return vg_err_set(err, VG_EPARSE, NULL, 1, (int)(p - line) + 1, "unterminated %s quote",
                    *p == '\'' ? "single" : "double");
}

void cmd_reply(struct cmd_call *c, json_t *body) {
  json_t *ev = vg_event_new(c->reply_type, vg_event_now_ms());
  if (c->investigation_id)
    json_object_set_new(vg_event_routing(ev), "investigation_id",
                        json_string(c->investigation_id));
  json_object_set_new(ev, "event", body ? body : json_object());
  __atomic_add_fetch(&c->replies, 1, __ATOMIC_RELAXED);
  sensor_emit(c->ctx, ev);
}

int cmd_error(struct cmd_call *c, int code, const char *fmt, ...) {
  char msg[VG_LIMIT_ERR_MSG_BYTES];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  if (code > 0) code = -code;
  if (code == 0) code = -VG_EINTERNAL;
  cmd_reply(c, json_pack("{s:i, s:s, s:s}", "ERROR", -code, "ERROR_NAME", vg_code_name(code),
                         "ERROR_MESSAGE", msg));
  return code;
}
