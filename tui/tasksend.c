/* tasksend.c — task.send from a tab, and the shape of its pushes. */
#include "tui/tasksend.h"

#include <stdio.h>
#include <string.h>

#include "tui/app.h"
#include "tui/fmt.h"
#include "tui/view_live.h"

void tasksend(struct app *a, struct view *v, int tag, const char *command, int timeout_s) {
  app_call(a, v, tag, "task.send",
           json_pack("{s:s, s:s, s:i}", "sid", view_live_sid(v->parent), "command", command,
                     "timeout", timeout_s));
}

const char *tasksend_quote(const char *s, char *buf, size_t n) {
  if (s[0] && !strpbrk(s, " \t\"'\\")) {
    snprintf(buf, n, "%s", s);
    return buf;
  }
  size_t u = 0;
  if (n < 3) return "\"\"";
  buf[u++] = '"';
  for (const char *p = s; *p && u + 3 < n; p++) {
    if (*p == '"' || *p == '\\') buf[u++] = '\\';
    buf[u++] = *p;
  }
  buf[u++] = '"';
  buf[u] = '\0';
  return buf;
}

int64_t tasksend_sub(const json_t *push) { return fmt_int(push, "sub"); }

const char *tasksend_type(const json_t *push) {
  json_t *ev = json_object_get(push, "event");
  return fmt_str(json_object_get(ev, "routing"), "event_type");
}

json_t *tasksend_body(const json_t *push) {
  return json_object_get(json_object_get(push, "event"), "event");
}

bool tasksend_done(const json_t *push) { return json_is_true(json_object_get(push, "done")); }

const char *tasksend_error(const json_t *body, char *buf, size_t n) {
  if (!fmt_int(body, "ERROR")) return NULL;
  snprintf(buf, n, "%s: %s", json_object_get(body, "ERROR_CODE") ? fmt_str(body, "ERROR_CODE") : "error",
           fmt_str(body, "ERROR_MESSAGE"));
  return buf;
}
