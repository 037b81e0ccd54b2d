/* api_org.c — org.info: the caller's organisation and a sensor count. */
#include "backend/api_int.h"
#include "backend/orgs.h"
#include "backend/registry.h"
#include "backend/vigild.h"

API_HANDLER(api_org_info) {
  (void)params;
  json_t *org = orgs_get(c->vd->store, c->oid, err);
  if (!org) return err && err->code ? -err->code : -VG_ENOTFOUND;
  struct registry_filter any = {.plat = -1, .online = -1};
  json_t *all = registry_list(c->vd->reg, c->oid, &any);
  size_t online = 0, i;
  json_t *rec;
  json_array_foreach(all, i, rec) online += json_is_true(json_object_get(rec, "online"));
  json_object_set_new(org, "sensors", json_integer((json_int_t)json_array_size(all)));
  json_object_set_new(org, "online", json_integer((json_int_t)online));
  json_decref(all);
  *result = org;
  return 0;
}
