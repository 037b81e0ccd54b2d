/* event.c — envelope builder, validator and hot-field accessors. */
#include "shared/event.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "shared/atom.h"
#include "shared/event_types.h"
#include "shared/routing.h"

/* jansson returns NULL only on OOM for the constructors used here. */
static json_t *event_x(json_t *j) {
  if (!j) abort();
  return j;
}

static void event_set(json_t *obj, const char *key, json_t *v) {
  if (json_object_set_new(obj, key, event_x(v))) abort();
}

json_t *vg_event_new(const char *event_type, int64_t event_time_ms) {
  if (!vg_event_type_valid_name(event_type) || event_time_ms < 0) return NULL;
  char id[VG_UUID_STR_LEN + 1], atom[VG_ATOM_HEX_LEN + 1];
  vg_atom_uuid_new(id);
  vg_atom_new(atom);
  json_t *routing = event_x(json_object());
  event_set(routing, "event_type", json_string(event_type));
  event_set(routing, "event_time", json_integer((json_int_t)event_time_ms));
  event_set(routing, "event_id", json_string(id));
  event_set(routing, "this", json_string(atom));
  json_t *ev = event_x(json_object());
  event_set(ev, "routing", routing);
  event_set(ev, "event", json_object());
  return ev;
}

int64_t vg_event_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int vg_event_validate(const json_t *ev, struct vg_err *e) {
  if (!json_is_object(ev)) return vg_err_fail(e, VG_ETYPE, "event envelope: expected an object");
  const json_t *routing = NULL, *payload = NULL;
  const char *key;
  json_t *v;
  json_object_foreach((json_t *)ev, key, v) {
    if (strcmp(key, "routing") == 0)
      routing = v;
    else if (strcmp(key, "event") == 0)
      payload = v;
    else
      return vg_err_fail(e, VG_EUNKNOWN, "%.64s: unknown top-level key (expected routing, event)",
                         key);
  }
  if (!routing) return vg_err_fail(e, VG_EMISSING, "routing: missing");
  if (!payload) return vg_err_fail(e, VG_EMISSING, "event: missing");
  if (!json_is_object(payload)) return vg_err_fail(e, VG_ETYPE, "event: expected an object");
  return vg_routing_check(routing, e);
}

json_t *vg_event_routing(const json_t *ev) {
  json_t *r = json_object_get(ev, "routing");
  return json_is_object(r) ? r : NULL;
}

json_t *vg_event_payload(const json_t *ev) {
  json_t *p = json_object_get(ev, "event");
  return json_is_object(p) ? p : NULL;
}

const char *vg_event_get_type(const json_t *ev) {
  return json_string_value(json_object_get(vg_event_routing(ev), "event_type"));
}

int64_t vg_event_get_time(const json_t *ev) {
  json_t *t = json_object_get(vg_event_routing(ev), "event_time");
  return json_is_integer(t) ? (int64_t)json_integer_value(t) : -1;
}
