/* orgs.h — organisations: the unit of isolation. Every API key, installation
 * key, sensor, rule and event belongs to exactly one. Stored in the meta
 * column family under kind STORE_META_ORG with the all-zero oid as the
 * owner and the org's 16-byte id as the key; value {"oid","name","created"}. */
#ifndef VIGILD_ORGS_H
#define VIGILD_ORGS_H

#include <jansson.h>
#include <stdint.h>

#include "shared/atom.h"
#include "shared/err.h"

struct store;

/* Create an organisation; writes its oid (UUID text). */
int orgs_create(struct store *st, const char *name, char oid_out[VG_UUID_STR_LEN + 1],
                struct vg_err *err);
/* New reference to {"oid","name","created"} or NULL (-VG_ENOTFOUND). */
json_t *orgs_get(struct store *st, const char *oid, struct vg_err *err);
/* New reference to an array of every organisation record. */
json_t *orgs_list(struct store *st, struct vg_err *err);

/* UUID text → 16 bytes; -VG_EINVAL if not a UUID. */
int orgs_id_parse(const char *uuid, uint8_t out[16]);

#endif
