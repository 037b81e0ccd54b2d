/* api_sensors.c — sensors.*: list, get, delete, tags, event selection,
 * isolation. Every call names the caller's organisation to the registry, so a
 * sid of another organisation is simply not found. */
#include <libwebsockets.h> /* gateway.h declares an lws_protocols array */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backend/api_int.h"
#include "backend/gateway.h"
#include "backend/registry.h"
#include "backend/vigild.h"
#include "shared/alloc.h"
#include "shared/event_types.h"
#include "shared/limits.h"
#include "shared/platform.h"

#define LIST_DEFAULT 100

const struct api_param api_sid_params[] = {
  {"sid", API_P_UUID, true, 0, 0, 0},
  {NULL, 0, false, 0, 0, 0},
};

const struct api_param api_sensors_list_params[] = {
  {"tag", API_P_STRING, false, 1, VG_LIMIT_TAG_BYTES, 0},
  {"platform", API_P_STRING, false, 1, 32, 0},
  {"online", API_P_BOOL, false, 0, 0, 0},
  {"hostname", API_P_STRING, false, 0, VG_LIMIT_HOSTNAME_BYTES, 0},
  {"limit", API_P_INT, false, 1, VG_LIMIT_API_PAGE, 0},
  {"cursor", API_P_CURSOR, false, 0, 0, 0},
  {NULL, 0, false, 0, 0, 0},
};

const struct api_param api_sensors_tags_add_params[] = {
  {"sid", API_P_UUID, true, 0, 0, 0},
  {"tag", API_P_STRING, true, 1, VG_LIMIT_TAG_BYTES, 0},
  {"ttl", API_P_INT, false, 0, 10LL * 365 * 86400, 0},
  {NULL, 0, false, 0, 0, 0},
};

const struct api_param api_sensors_tags_remove_params[] = {
  {"sid", API_P_UUID, true, 0, 0, 0},
  {"tag", API_P_STRING, true, 1, VG_LIMIT_TAG_BYTES, 0},
  {NULL, 0, false, 0, 0, 0},
};

const struct api_param api_sensors_events_set_params[] = {
  {"sid", API_P_UUID, true, 0, 0, 0},
  {"events", API_P_STRINGS, true, 0, VG_LIMIT_API_FILTER_ITEMS, VG_LIMIT_EVENT_TYPE_BYTES},
  {NULL, 0, false, 0, 0, 0},
};

const struct api_param api_sensors_isolation_set_params[] = {
  {"sid", API_P_UUID, true, 0, 0, 0},
  {"isolated", API_P_BOOL, true, 0, 0, 0},
  {NULL, 0, false, 0, 0, 0},
};

/* The list cursor is "<sid>:<hostname>" of the last record returned: the
 * registry sorts by hostname (case-insensitive) then sid. */
static int after_cursor(json_t *rec, const char *cursor) {
  const char *h = json_string_value(json_object_get(rec, "hostname"));
  const char *sid = json_string_value(json_object_get(rec, "sid"));
  int c = strcasecmp(h ? h : "", cursor + VG_UUID_STR_LEN + 1);
  if (c) return c > 0;
  return strncmp(sid ? sid : "", cursor, VG_UUID_STR_LEN) > 0;
}

API_HANDLER(api_sensors_list) {
  struct registry_filter f = {.plat = -1, .online = -1};
  f.tag = api_param_str(params, "tag");
  f.hostname = api_param_str(params, "hostname");
  f.online = api_param_bool(params, "online", -1);
  const char *plat = api_param_str(params, "platform");
  if (plat) {
    uint32_t code;
    if (vg_platform_code(plat, &code))
      return vg_err_fail(err, VG_EINVAL, "params.platform: windows, linux or macos");
    f.plat = code;
  }
  const char *cursor = api_param_str(params, "cursor");
  if (cursor && (strlen(cursor) <= VG_UUID_STR_LEN || cursor[VG_UUID_STR_LEN] != ':'))
    return vg_err_fail(err, VG_EINVAL, "params.cursor: not from sensors.list");
  size_t limit = (size_t)api_param_int(params, "limit", LIST_DEFAULT);

  json_t *all = registry_list(c->vd->reg, c->oid, &f);
  json_t *page = json_array(), *rec;
  size_t i;
  int more = 0;
  json_array_foreach(all, i, rec) {
    if (cursor && !after_cursor(rec, cursor)) continue;
    if (json_array_size(page) == limit) {
      more = 1;
      break;
    }
    json_array_append(page, rec);
  }
  json_t *next = json_null();
  if (more) {
    json_t *last = json_array_get(page, json_array_size(page) - 1);
    char *cur = vg_xasprintf("%s:%s", json_string_value(json_object_get(last, "sid")),
                             json_string_value(json_object_get(last, "hostname")));
    next = json_string(cur);
    free(cur);
    if (!next) next = json_null(); /* hostname not UTF-8: cannot happen (validated on hello) */
  }
  json_decref(all);
  *result = json_pack("{s:o, s:o}", "sensors", page, "next", next);
  return 0;
}

API_HANDLER(api_sensors_get) {
  json_t *rec = registry_get(c->vd->reg, c->oid, api_param_str(params, "sid"), err);
  if (!rec) return -VG_ENOTFOUND;
  *result = rec;
  return 0;
}

API_HANDLER(api_sensors_delete) {
  const char *sid = api_param_str(params, "sid");
  int r = registry_delete(c->vd->reg, c->oid, sid, err);
  if (r) return r;
  /* The registry no longer knows the sensor in this organisation: kick its
   * session (the sid was just proven to belong to c->oid). */
  if (c->vd->gw) gateway_kick(c->vd->gw, sid, "sensor deleted");
  *result = json_pack("{s:s, s:b}", "sid", sid, "deleted", 1);
  return 0;
}

static int tags_result(struct api_call *c, const char *sid, json_t **result, struct vg_err *err) {
  json_t *rec = registry_get(c->vd->reg, c->oid, sid, err);
  if (!rec) return -VG_ENOTFOUND;
  *result = json_pack("{s:s, s:O}", "sid", sid, "tags", json_object_get(rec, "tags"));
  json_decref(rec);
  return 0;
}

API_HANDLER(api_sensors_tags_add) {
  const char *sid = api_param_str(params, "sid");
  int r = registry_tag_add(c->vd->reg, c->oid, sid, api_param_str(params, "tag"),
                           api_param_int(params, "ttl", 0), err);
  return r ? r : tags_result(c, sid, result, err);
}

API_HANDLER(api_sensors_tags_remove) {
  const char *sid = api_param_str(params, "sid");
  int r = registry_tag_remove(c->vd->reg, c->oid, sid, api_param_str(params, "tag"), err);
  return r ? r : tags_result(c, sid, result, err);
}

API_HANDLER(api_sensors_events_get) {
  const char *sid = api_param_str(params, "sid");
  json_t *sel = registry_get_selection(c->vd->reg, c->oid, sid);
  if (!sel) return vg_err_fail(err, VG_ENOTFOUND, "no sensor %s", sid);
  *result = json_pack("{s:s, s:o}", "sid", sid, "events", sel);
  return 0;
}

API_HANDLER(api_sensors_events_set) {
  const char *sid = api_param_str(params, "sid");
  const json_t *types = json_object_get(params, "events");
  size_t i;
  const json_t *t;
  json_array_foreach(types, i, t) {
    if (!vg_event_type_valid_name(json_string_value(t)))
      return vg_err_fail(err, VG_EINVAL, "params.events[%zu]: not an event type name", i);
  }
  if (!registry_exists(c->vd->reg, c->oid, sid))
    return vg_err_fail(err, VG_ENOTFOUND, "no sensor %s", sid);
  int r = registry_set_selection(c->vd->reg, c->oid, sid, types, err);
  if (r) return r;
  if (c->vd->gw) gateway_push_selection(c->vd->gw, c->oid, sid);
  json_t *sel = registry_get_selection(c->vd->reg, c->oid, sid);
  *result = json_pack("{s:s, s:o}", "sid", sid, "events", sel ? sel : json_array());
  return 0;
}

API_HANDLER(api_sensors_isolation_set) {
  const char *sid = api_param_str(params, "sid");
  int on = api_param_bool(params, "isolated", 0);
  int r = registry_set_isolated(c->vd->reg, c->oid, sid, on, err);
  if (r) return r;
  if (c->vd->gw) gateway_push_isolation(c->vd->gw, c->oid, sid);
  *result = json_pack("{s:s, s:b, s:b}", "sid", sid, "isolated", on, "online",
                      c->vd->gw ? gateway_online(c->vd->gw, sid) : 0);
  return 0;
}
