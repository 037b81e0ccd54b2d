/* auth.c — hashed API keys and installation keys in the meta CF. */
#include "backend/auth.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/orgs.h"
#include "backend/store_meta.h"
#include "shared/event.h"
#include "shared/pki.h"

static const char *const role_names[] = {"none", "viewer", "analyst", "admin"};

const char *auth_role_name(enum auth_role r) {
  return (unsigned)r <= AUTH_ADMIN ? role_names[r] : "none";
}

enum auth_role auth_role_parse(const char *s) {
  for (int i = AUTH_VIEWER; s && i <= AUTH_ADMIN; i++)
    if (strcmp(s, role_names[i]) == 0) return (enum auth_role)i;
  return AUTH_NONE;
}

static void sha256(const char *s, uint8_t out[32]) {
  unsigned int n = 0;
  EVP_Digest(s, strlen(s), out, &n, EVP_sha256(), NULL);
}

static int put_json(struct store *st, uint8_t kind, const uint8_t oid[16], const void *id,
                    size_t idlen, json_t *rec, struct vg_err *err) {
  char *s = json_dumps(rec, JSON_COMPACT);
  int r = store_meta_put(st, kind, oid, id, idlen, s, strlen(s), err);
  free(s);
  return r;
}

static json_t *get_json(struct store *st, uint8_t kind, const uint8_t oid[16], const void *id,
                        size_t idlen) {
  char *val = NULL;
  size_t len = 0;
  if (store_meta_get(st, kind, oid, id, idlen, &val, &len, NULL)) return NULL;
  json_t *rec = json_loadb(val, len, 0, NULL);
  free(val);
  return rec;
}

int auth_key_create(struct store *st, const char *oid, const char *name, enum auth_role role,
                    char key_out[AUTH_API_KEY_LEN + 1], json_t **rec_out, struct vg_err *err) {
  uint8_t o[16], h[32];
  if (orgs_id_parse(oid, o)) return vg_err_fail(err, VG_EINVAL, "oid: not a UUID");
  if (role == AUTH_NONE) return vg_err_fail(err, VG_EINVAL, "role: viewer, analyst or admin");
  char secret[65], key_id[17];
  if (vg_random_hex(secret, 32) || vg_random_hex(key_id, 8))
    return vg_err_fail(err, VG_EIO, "no randomness");
  snprintf(key_out, AUTH_API_KEY_LEN + 1, "vk_%s", secret);
  sha256(key_out, h);
  json_t *rec = json_pack("{s:s, s:s, s:s, s:I}", "key_id", key_id, "name", name ? name : "",
                          "role", auth_role_name(role), "created",
                          (json_int_t)vg_event_now_ms());
  int r = put_json(st, STORE_META_API_KEY, o, h, sizeof(h), rec, err);
  if (r == 0 && rec_out)
    *rec_out = rec;
  else
    json_decref(rec);
  OPENSSL_cleanse(secret, sizeof(secret));
  return r;
}

int auth_key_check(struct store *st, const char *oid, const char *key, enum auth_role *role,
                   char *key_id, struct vg_err *err) {
  uint8_t o[16], h[32];
  if (orgs_id_parse(oid, o) || !key || strlen(key) != AUTH_API_KEY_LEN ||
      strncmp(key, "vk_", 3) != 0)
    return vg_err_fail(err, VG_EAUTH, "invalid API key or organisation");
  sha256(key, h);
  json_t *rec = get_json(st, STORE_META_API_KEY, o, h, sizeof(h));
  if (!rec) return vg_err_fail(err, VG_EAUTH, "invalid API key or organisation");
  *role = auth_role_parse(json_string_value(json_object_get(rec, "role")));
  const char *kid = json_string_value(json_object_get(rec, "key_id"));
  if (key_id) snprintf(key_id, 17, "%s", kid ? kid : "");
  json_decref(rec);
  return *role == AUTH_NONE ? vg_err_fail(err, VG_EAUTH, "key has no role") : 0;
}

struct find_ctx {
  json_t *list;
  const char *want_id; /* when set: find this key_id, remember its hash */
  const char *field;
  uint8_t id[64];
  size_t idlen;
  int found;
};

static int collect(void *ctx, const uint8_t *id, size_t idlen, const char *val, size_t vlen) {
  struct find_ctx *f = ctx;
  json_t *rec = json_loadb(val, vlen, 0, NULL);
  if (!rec) return 0;
  if (f->want_id) {
    const char *v = json_string_value(json_object_get(rec, f->field));
    if (v && strcmp(v, f->want_id) == 0 && idlen <= sizeof(f->id)) {
      memcpy(f->id, id, idlen);
      f->idlen = idlen;
      f->found = 1;
    }
    json_decref(rec);
    return f->found;
  }
  json_object_del(rec, "hash");
  json_array_append_new(f->list, rec);
  return 0;
}

static json_t *list_kind(struct store *st, uint8_t kind, const char *oid, struct vg_err *err) {
  uint8_t o[16];
  if (orgs_id_parse(oid, o)) return vg_err_fail(err, VG_EINVAL, "oid: not a UUID"), NULL;
  struct find_ctx f = {.list = json_array()};
  if (store_meta_iter(st, kind, o, NULL, 0, collect, &f, err) < 0) {
    json_decref(f.list);
    return NULL;
  }
  return f.list;
}

static int revoke_kind(struct store *st, uint8_t kind, const char *field, const char *oid,
                       const char *id, struct vg_err *err) {
  uint8_t o[16];
  if (orgs_id_parse(oid, o)) return vg_err_fail(err, VG_EINVAL, "oid: not a UUID");
  if (!id) return vg_err_fail(err, VG_EINVAL, "%s: required", field);
  struct find_ctx f = {.want_id = id, .field = field};
  if (store_meta_iter(st, kind, o, NULL, 0, collect, &f, err) < 0) return -VG_EDB;
  if (!f.found) return vg_err_fail(err, VG_ENOTFOUND, "no key %s", id);
  return store_meta_delete(st, kind, o, f.id, f.idlen, err);
}

json_t *auth_key_list(struct store *st, const char *oid, struct vg_err *err) {
  return list_kind(st, STORE_META_API_KEY, oid, err);
}

int auth_key_revoke(struct store *st, const char *oid, const char *key_id, struct vg_err *err) {
  return revoke_kind(st, STORE_META_API_KEY, "key_id", oid, key_id, err);
}

int auth_install_key_create(struct store *st, const char *oid, const char *name,
                            char key_out[AUTH_INSTALL_KEY_LEN + 1], json_t **rec_out,
                            struct vg_err *err) {
  uint8_t o[16], i[16];
  if (orgs_id_parse(oid, o)) return vg_err_fail(err, VG_EINVAL, "oid: not a UUID");
  char iid[VG_UUID_STR_LEN + 1], secret[65], hash[65];
  vg_atom_uuid_new(iid);
  vg_atom_uuid_parse(iid, i);
  if (vg_random_hex(secret, 32)) return vg_err_fail(err, VG_EIO, "no randomness");
  snprintf(key_out, AUTH_INSTALL_KEY_LEN + 1, "%s.%s.%s", oid, iid, secret);
  vg_sha256_hex(key_out, strlen(key_out), hash);
  json_t *rec = json_pack("{s:s, s:s, s:I, s:s}", "iid", iid, "name", name ? name : "",
                          "created", (json_int_t)vg_event_now_ms(), "hash", hash);
  int r = put_json(st, STORE_META_INSTALL_KEY, o, i, sizeof(i), rec, err);
  json_object_del(rec, "hash");
  if (r == 0 && rec_out)
    *rec_out = rec;
  else
    json_decref(rec);
  OPENSSL_cleanse(secret, sizeof(secret));
  return r;
}

int auth_install_key_check(struct store *st, const char *key, char oid[VG_UUID_STR_LEN + 1],
                           char iid[VG_UUID_STR_LEN + 1], struct vg_err *err) {
  uint8_t o[16], i[16];
  if (!key || strlen(key) != AUTH_INSTALL_KEY_LEN || key[36] != '.' || key[73] != '.')
    return vg_err_fail(err, VG_EAUTH, "malformed installation key");
  memcpy(oid, key, 36);
  oid[36] = '\0';
  memcpy(iid, key + 37, 36);
  iid[36] = '\0';
  if (orgs_id_parse(oid, o) || orgs_id_parse(iid, i))
    return vg_err_fail(err, VG_EAUTH, "malformed installation key");
  json_t *rec = get_json(st, STORE_META_INSTALL_KEY, o, i, sizeof(i));
  char hash[65];
  vg_sha256_hex(key, strlen(key), hash);
  const char *want = rec ? json_string_value(json_object_get(rec, "hash")) : NULL;
  int ok = want && CRYPTO_memcmp(want, hash, 64) == 0;
  json_decref(rec);
  return ok ? 0 : vg_err_fail(err, VG_EAUTH, "installation key revoked or unknown");
}

json_t *auth_install_key_list(struct store *st, const char *oid, struct vg_err *err) {
  return list_kind(st, STORE_META_INSTALL_KEY, oid, err);
}

int auth_install_key_revoke(struct store *st, const char *oid, const char *iid,
                            struct vg_err *err) {
  return revoke_kind(st, STORE_META_INSTALL_KEY, "iid", oid, iid, err);
}
