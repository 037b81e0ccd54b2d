/* orgs.c — organisation records in the meta column family. */
#include "backend/orgs.h"

#include <stdlib.h>
#include <string.h>

#include "backend/store_meta.h"
#include "shared/event.h"

static const uint8_t zero_oid[16];

int orgs_id_parse(const char *uuid, uint8_t out[16]) {
  return uuid && vg_atom_uuid_parse(uuid, out) == 0 ? 0 : -VG_EINVAL;
}

int orgs_create(struct store *st, const char *name, char oid_out[VG_UUID_STR_LEN + 1],
                struct vg_err *err) {
  uint8_t id[16];
  vg_atom_uuid_new(oid_out);
  vg_atom_uuid_parse(oid_out, id);
  json_t *rec = json_pack("{s:s, s:s, s:I}", "oid", oid_out, "name", name, "created",
                          (json_int_t)vg_event_now_ms());
  char *s = json_dumps(rec, JSON_COMPACT);
  int r = store_meta_put(st, STORE_META_ORG, zero_oid, id, 16, s, strlen(s), err);
  free(s);
  json_decref(rec);
  return r;
}

json_t *orgs_get(struct store *st, const char *oid, struct vg_err *err) {
  uint8_t id[16];
  if (orgs_id_parse(oid, id)) return vg_err_fail(err, VG_EINVAL, "oid: not a UUID"), NULL;
  char *val = NULL;
  size_t len = 0;
  if (store_meta_get(st, STORE_META_ORG, zero_oid, id, 16, &val, &len, err)) return NULL;
  json_t *rec = json_loadb(val, len, 0, NULL);
  free(val);
  if (!rec) vg_err_fail(err, VG_EDB, "organisation record of %s is corrupt", oid);
  return rec;
}

static int collect(void *ctx, const uint8_t *id, size_t idlen, const char *val, size_t vlen) {
  (void)id, (void)idlen;
  json_t *rec = json_loadb(val, vlen, 0, NULL);
  if (rec) json_array_append_new(ctx, rec);
  return 0;
}

json_t *orgs_list(struct store *st, struct vg_err *err) {
  json_t *arr = json_array();
  if (store_meta_iter(st, STORE_META_ORG, zero_oid, NULL, 0, collect, arr, err) < 0) {
    json_decref(arr);
    return NULL;
  }
  return arr;
}
