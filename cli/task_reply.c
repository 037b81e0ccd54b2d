/* task_reply.c — the last reply of a sensor command (task_reply.h). */
#include "cli/task_reply.h"

#include <stdio.h>
#include <string.h>

#include "shared/event_types.h"

bool task_reply_final(const char *command, const json_t *ev) {
  char name[64];
  size_t n = strcspn(command, " \t");
  snprintf(name, sizeof name, "%.*s", (int)(n < sizeof name - 1 ? n : sizeof name - 1), command);
  const char *type = json_string_value(json_object_get(json_object_get(ev, "routing"), "event_type"));
  const json_t *body = json_object_get(ev, "event");
  const struct vg_event_type *t = vg_event_type_by_command(name);
  if (!type) return false;
  if (!t) return !strcmp(type, "RECEIPT");
  if (strcmp(type, t->name) != 0) return false;
  return !json_is_true(json_object_get(body, "MORE")) || json_integer_value(json_object_get(body, "ERROR")) != 0;
}
