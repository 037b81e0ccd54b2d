/* selection.c — the live event selection (see selection.h). */
#include "sensor/selection.h"

#include <string.h>

#include "shared/alloc.h"
#include "shared/event_types.h"

struct selection {
  json_t *backend; /* object name → true, or NULL = everything */
  json_t *local;   /* object name → expiry ms (0 = never) */
};

struct selection *selection_create(void) {
  struct selection *s = vg_xcalloc(1, sizeof(*s));
  s->local = json_object();
  return s;
}

void selection_free(struct selection *s) {
  if (!s) return;
  json_decref(s->backend);
  json_decref(s->local);
  free(s);
}

void selection_set_backend(struct selection *s, const json_t *types) {
  json_decref(s->backend);
  s->backend = NULL;
  if (!json_is_array(types)) return;
  s->backend = json_object();
  size_t i;
  const json_t *v;
  json_array_foreach(types, i, v) {
    const char *n = json_string_value(v);
    if (n && vg_event_type_valid_name(n)) json_object_set_new(s->backend, n, json_true());
  }
}

json_t *selection_get_backend(const struct selection *s) {
  if (!s->backend) return NULL;
  json_t *a = json_array();
  const char *k;
  json_t *v;
  json_object_foreach(s->backend, k, v) json_array_append_new(a, json_string(k));
  return a;
}

int selection_local_add(struct selection *s, const char *name, int64_t expire_ms) {
  if (!name || !vg_event_type_valid_name(name)) return -VG_EINVAL;
  if (!json_object_get(s->local, name) && json_object_size(s->local) >= SELECTION_MAX_LOCAL)
    return -VG_ELIMIT;
  json_object_set_new(s->local, name, json_integer(expire_ms < 0 ? 0 : expire_ms));
  return 0;
}

int selection_local_del(struct selection *s, const char *name) {
  return name && json_object_del(s->local, name) == 0 ? 0 : -VG_ENOTFOUND;
}

json_t *selection_local_get(struct selection *s, int64_t now_ms) {
  const char *k;
  json_t *v, *tmp;
  json_object_foreach_safe(s->local, tmp, k, v) {
    json_int_t exp = json_integer_value(v);
    if (exp && exp <= now_ms) json_object_del(s->local, k);
  }
  return json_deep_copy(s->local);
}

bool selection_always(const char *type) {
  static const char *const always[] = {"RECEIPT", "STARTING_UP", "SHUTTING_DOWN", "CONNECTED",
                                       "DATA_DROPPED", NULL};
  for (int i = 0; always[i]; i++)
    if (strcmp(type, always[i]) == 0) return true;
  return vg_event_type_is_reply(vg_event_type_id(type));
}

bool selection_wants(struct selection *s, const char *type, int64_t now_ms) {
  if (!type) return false;
  if (!s->backend || json_object_get(s->backend, type) || selection_always(type)) return true;
  json_t *v = json_object_get(s->local, type);
  if (!v) return false;
  json_int_t exp = json_integer_value(v);
  if (exp && exp <= now_ms) {
    json_object_del(s->local, type);
    return false;
  }
  return true;
}
