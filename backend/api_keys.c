/* api_keys.c — keys.* (API keys) and installation_keys.*: list, create
 * (the secret is in the result once and never again), revoke. Admin only. */
#include <openssl/crypto.h>

#include "backend/api_int.h"
#include "backend/auth.h"
#include "backend/vigild.h"
#include "shared/limits.h"

const struct api_param api_keys_create_params[] = {
  {"name", API_P_STRING, true, 1, VG_LIMIT_API_NAME_BYTES, 0},
  {"role", API_P_STRING, true, 1, 16, 0},
  {NULL, 0, false, 0, 0, 0},
};

const struct api_param api_keys_revoke_params[] = {
  {"key_id", API_P_STRING, true, 1, 16, 0},
  {NULL, 0, false, 0, 0, 0},
};

const struct api_param api_installation_keys_create_params[] = {
  {"name", API_P_STRING, true, 1, VG_LIMIT_API_NAME_BYTES, 0},
  {NULL, 0, false, 0, 0, 0},
};

const struct api_param api_installation_keys_revoke_params[] = {
  {"iid", API_P_UUID, true, 0, 0, 0},
  {NULL, 0, false, 0, 0, 0},
};

static int list_result(json_t *list, const char *field, json_t **result, struct vg_err *err) {
  if (!list) return err && err->code ? -err->code : -VG_EDB;
  *result = json_pack("{s:o}", field, list);
  return 0;
}

API_HANDLER(api_keys_list) {
  (void)params;
  return list_result(auth_key_list(c->vd->store, c->oid, err), "keys", result, err);
}

API_HANDLER(api_keys_create) {
  enum auth_role role = auth_role_parse(api_param_str(params, "role"));
  if (role == AUTH_NONE)
    return vg_err_fail(err, VG_EINVAL, "params.role: viewer, analyst or admin");
  char key[AUTH_API_KEY_LEN + 1];
  json_t *rec = NULL;
  int r = auth_key_create(c->vd->store, c->oid, api_param_str(params, "name"), role, key, &rec,
                          err);
  if (r) return r;
  *result = json_pack("{s:o, s:s}", "key", rec, "api_key", key);
  OPENSSL_cleanse(key, sizeof(key));
  return 0;
}

API_HANDLER(api_keys_revoke) {
  const char *key_id = api_param_str(params, "key_id");
  int r = auth_key_revoke(c->vd->store, c->oid, key_id, err);
  if (r) return r;
  api_close_key_sessions(c, key_id);
  *result = json_pack("{s:s, s:b}", "key_id", key_id, "revoked", 1);
  return 0;
}

API_HANDLER(api_installation_keys_list) {
  (void)params;
  return list_result(auth_install_key_list(c->vd->store, c->oid, err), "installation_keys",
                     result, err);
}

API_HANDLER(api_installation_keys_create) {
  char key[AUTH_INSTALL_KEY_LEN + 1];
  json_t *rec = NULL;
  int r = auth_install_key_create(c->vd->store, c->oid, api_param_str(params, "name"), key, &rec,
                                  err);
  if (r) return r;
  *result = json_pack("{s:o, s:s}", "installation_key", rec, "key", key);
  OPENSSL_cleanse(key, sizeof(key));
  return 0;
}

API_HANDLER(api_installation_keys_revoke) {
  const char *iid = api_param_str(params, "iid");
  int r = auth_install_key_revoke(c->vd->store, c->oid, iid, err);
  if (r) return r;
  *result = json_pack("{s:s, s:b}", "iid", iid, "revoked", 1);
  return 0;
}
