/* auth.h — API keys (one organisation, one role each) and installation keys
 * (per organisation, for enrollment). Secrets are shown once, at creation;
 * only their SHA-256 is stored, so a stolen database reveals no key.
 *
 *   API key           "vk_" + 64 hex           meta(STORE_META_API_KEY, oid, sha256)
 *   installation key  "<oid>.<iid>.<64 hex>"   meta(STORE_META_INSTALL_KEY, oid, iid)
 *
 * Records (what the list methods return): API key {"key_id","name","role",
 * "created"}; installation key {"iid","name","created","tags"}. */
#ifndef VIGILD_AUTH_H
#define VIGILD_AUTH_H

#include <jansson.h>

#include "shared/atom.h"
#include "shared/err.h"

struct store;

enum auth_role { AUTH_NONE = 0, AUTH_VIEWER = 1, AUTH_ANALYST = 2, AUTH_ADMIN = 3 };

#define AUTH_API_KEY_LEN 67      /* "vk_" + 64 hex */
#define AUTH_INSTALL_KEY_LEN 138 /* 36 + 1 + 36 + 1 + 64 */

const char *auth_role_name(enum auth_role r);
/* "viewer"|"analyst"|"admin" → role; AUTH_NONE for anything else. */
enum auth_role auth_role_parse(const char *s);

/* Create an API key; the secret is written to key_out (shown once). *rec
 * (may be NULL) receives a new reference to the record. */
int auth_key_create(struct store *st, const char *oid, const char *name, enum auth_role role,
                    char key_out[AUTH_API_KEY_LEN + 1], json_t **rec, struct vg_err *err);
/* Check key against oid: 0 with *role (and key_id, 17 bytes, may be NULL), or
 * -VG_EAUTH (unknown, revoked, other organisation, malformed). */
int auth_key_check(struct store *st, const char *oid, const char *key, enum auth_role *role,
                   char *key_id, struct vg_err *err);
json_t *auth_key_list(struct store *st, const char *oid, struct vg_err *err);
/* -VG_ENOTFOUND if oid has no such key. */
int auth_key_revoke(struct store *st, const char *oid, const char *key_id, struct vg_err *err);

int auth_install_key_create(struct store *st, const char *oid, const char *name,
                            char key_out[AUTH_INSTALL_KEY_LEN + 1], json_t **rec,
                            struct vg_err *err);
/* Check an installation key: 0 with oid and iid filled, or -VG_EAUTH. */
int auth_install_key_check(struct store *st, const char *key, char oid[VG_UUID_STR_LEN + 1],
                           char iid[VG_UUID_STR_LEN + 1], struct vg_err *err);
json_t *auth_install_key_list(struct store *st, const char *oid, struct vg_err *err);
int auth_install_key_revoke(struct store *st, const char *oid, const char *iid,
                            struct vg_err *err);

#endif
