/* cmd.c — replies, errors, lookup and the command-line splitter (cmd.h).
 * (Minimal version in the collectors' branch; the runtime's is the one
 * merged.) */
#include "sensor/cmd.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/alloc.h"
#include "shared/event.h"
#include "shared/limits.h"

void cmd_reply(struct cmd_call *c, json_t *body) {
  json_t *ev = vg_event_new(c->reply_type, vg_event_now_ms());
  json_object_set_new(ev, "event", body ? body : json_object());
  if (c->investigation_id && c->investigation_id[0])
    json_object_set_new(vg_event_routing(ev), "investigation_id", json_string(c->investigation_id));
  __atomic_add_fetch(&c->replies, 1, __ATOMIC_RELAXED);
  sensor_emit(c->ctx, ev);
}

int cmd_error(struct cmd_call *c, int code, const char *fmt, ...) {
  char msg[VG_LIMIT_ERR_MSG_BYTES];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  cmd_reply(c, json_pack("{s:i, s:s}", "ERROR", code, "ERROR_MESSAGE", msg));
  return code;
}

const struct cmd *cmd_find(const char *name) {
  size_t n;
  const struct cmd *t = cmd_table(&n);
  for (size_t i = 0; i < n; i++)
    if (strcmp(t[i].name, name) == 0) return &t[i];
  return NULL;
}

int cmd_split(const char *line, int *argc, char ***argv, struct vg_err *err) {
  size_t len = strlen(line);
  *argc = 0;
  *argv = NULL;
  if (len > VG_LIMIT_TASK_COMMAND_BYTES)
    return vg_err_fail(err, VG_ELIMIT, "command line: %zu bytes, at most %d", len,
                       VG_LIMIT_TASK_COMMAND_BYTES);
  /* One block: at most len/2+1 pointers + NULL, then the strings. */
  size_t maxargs = len / 2 + 2;
  char **v = vg_xmalloc(maxargs * sizeof *v + len + 1);
  char *w = (char *)(v + maxargs);
  int n = 0;
  const char *p = line;
  for (;;) {
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
    if (!*p) break;
    v[n++] = w;
    char quote = 0;
    const char *qstart = NULL;
    for (; *p; p++) {
      if (quote) {
        if (*p == quote) quote = 0;
        else if (*p == '\\' && quote == '"' && (p[1] == '"' || p[1] == '\\')) *w++ = *++p;
        else *w++ = *p;
      } else if (*p == '\'' || *p == '"') {
        quote = *p;
        qstart = p;
      } else if (*p == '\\' && p[1]) {
        *w++ = *++p;
      } else if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
        break;
      } else {
        *w++ = *p;
      }
    }
    if (quote) {
      free(v);
      return vg_err_set(err, VG_EPARSE, NULL, 1, (int)(qstart - line) + 1,
                        "command line: unterminated %c quote", quote);
    }
    *w++ = '\0';
  }
  v[n] = NULL;
  *argc = n;
  *argv = v;
  return 0;
}
