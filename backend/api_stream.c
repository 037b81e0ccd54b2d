/* api_stream.c — stream.subscribe / stream.unsubscribe: the live stream of
 * the organisation's events, filtered by sensor, event type and tag. The
 * matching itself (api_stream_match) runs on the ingest hook thread. */
#include <string.h>

#include "backend/api_int.h"
#include "backend/registry.h"
#include "backend/vigild.h"
#include "shared/event_types.h"
#include "shared/limits.h"
#include "shared/routing.h"

const struct api_param api_stream_subscribe_params[] = {
  {"sids", API_P_UUIDS, false, 0, VG_LIMIT_API_FILTER_ITEMS, 0},
  {"event_types", API_P_STRINGS, false, 0, VG_LIMIT_API_FILTER_ITEMS, VG_LIMIT_EVENT_TYPE_BYTES},
  {"tags", API_P_STRINGS, false, 0, VG_LIMIT_API_FILTER_ITEMS, VG_LIMIT_TAG_BYTES},
  {NULL, 0, false, 0, 0, 0},
};

const struct api_param api_stream_unsubscribe_params[] = {
  {"sub", API_P_INT, true, 1, INT64_MAX, 0},
  {NULL, 0, false, 0, 0, 0},
};

static bool has(const json_t *arr, const char *s) {
  size_t i;
  const json_t *v;
  json_array_foreach(arr, i, v) if (strcmp(json_string_value(v), s) == 0) return true;
  return false;
}

bool api_stream_match(const struct api_stream_filter *f, const struct vg_routing *r) {
  if (f->sids && !has(f->sids, r->sid)) return false;
  if (f->event_types && !has(f->event_types, r->event_type)) return false;
  if (f->tags) {
    bool any = false;
    for (size_t i = 0; i < r->ntags && !any; i++) any = has(f->tags, r->tags[i]);
    if (!any) return false;
  }
  return true;
}

/* An empty or absent array means "any". */
static json_t *take(const json_t *params, const char *name) {
  json_t *v = json_object_get(params, name);
  return v && json_array_size(v) ? json_deep_copy(v) : NULL;
}

API_HANDLER(api_stream_subscribe) {
  const json_t *sids = json_object_get(params, "sids");
  size_t i;
  const json_t *v;
  json_array_foreach(sids, i, v) {
    if (!registry_exists(c->vd->reg, c->oid, json_string_value(v)))
      return vg_err_fail(err, VG_ENOTFOUND, "params.sids[%zu]: no sensor %s", i,
                         json_string_value(v));
  }
  json_array_foreach(json_object_get(params, "event_types"), i, v) {
    if (!vg_event_type_valid_name(json_string_value(v)))
      return vg_err_fail(err, VG_EINVAL, "params.event_types[%zu]: not an event type name", i);
  }
  struct api_stream_filter f = {take(params, "sids"), take(params, "event_types"),
                                take(params, "tags")};
  uint64_t sub = 0;
  int r = api_sub_open(c, API_SUB_STREAM, &f, &sub, err);
  if (r) return r;
  *result = json_pack("{s:I}", "sub", (json_int_t)sub);
  return 0;
}

API_HANDLER(api_stream_unsubscribe) {
  uint64_t sub = (uint64_t)api_param_int(params, "sub", 0);
  int r = api_sub_close(c, sub, err);
  if (r) return r;
  *result = json_pack("{s:I, s:b}", "sub", (json_int_t)sub, "unsubscribed", 1);
  return 0;
}
