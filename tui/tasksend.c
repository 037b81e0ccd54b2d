/* tasksend.c — task.send from a tab, and the shape of its pushes. */
#include "tui/tasksend.h"

#include <stdio.h>
#include <string.h>

#include "shared/event_types.h"
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

bool tasksend_final(const char *command, const json_t *push) {
  const struct vg_event_type *t = vg_event_type_by_name(tasksend_type(push));
  size_t n = strcspn(command, " ");
  if (!t || !t->command || strlen(t->command) != n || strncmp(t->command, command, n)) return false;
  return !json_is_true(json_object_get(tasksend_body(push), "MORE"));
}

void tasksend_close(struct app *a, struct view *v, int64_t sub) {
  if (!sub) return;
  app_sub_forget(a, sub);
  if (a->online) app_call(a, v, TASKSEND_TAG_UNSUB, "stream.unsubscribe", json_pack("{s:I}", "sub", (json_int_t)sub));
}
