/* store_meta.h — the backend's records (sensors, tags, keys, rules,
 * detections' index, outputs, orgs) as typed key-values in the `meta` column
 * family: key kind(1) | oid(16) | id bytes → value bytes. The store does not
 * interpret ids or values. Every write is synced (fsync of the WAL): these
 * records are few and must survive a crash. Thread-safe (see store.h). */
#ifndef VIGILD_STORE_META_H
#define VIGILD_STORE_META_H

#include "backend/store.h"

enum store_meta_kind {
  STORE_META_ORG = 1,
  STORE_META_SENSOR,
  STORE_META_TAG,
  STORE_META_INSTALL_KEY,
  STORE_META_API_KEY,
  STORE_META_RULE,
  STORE_META_DETECTION,
  STORE_META_OUTPUT,
};

/* One operation of an atomic batch; val NULL = delete. */
struct store_meta_op {
  uint8_t kind;
  const uint8_t *oid; /* STORE_ID_BYTES */
  const void *id;     /* 1..VG_LIMIT_STORE_META_ID_BYTES bytes */
  size_t idlen;
  const void *val; /* ≤ VG_LIMIT_STORE_META_VALUE_BYTES */
  size_t vlen;
};

/* Called per record of an iteration in id byte order; id and val are valid
 * during the call only. Return 0 to go on, non-zero to stop. */
typedef int (*store_meta_cb)(void *ctx, const uint8_t *id, size_t idlen, const char *val,
                             size_t vlen);

/* Put or replace one record. 0, -VG_EINVAL/-VG_ELIMIT, -VG_EDB. */
int store_meta_put(struct store *s, uint8_t kind, const uint8_t *oid, const void *id, size_t idlen,
                   const void *val, size_t vlen, struct vg_err *err);
/* Fetch one record into *val (heap, caller frees; NUL-terminated beyond
 * *vlen for convenience). 0, -VG_ENOTFOUND, -VG_EINVAL, -VG_EDB. */
int store_meta_get(struct store *s, uint8_t kind, const uint8_t *oid, const void *id, size_t idlen,
                   char **val, size_t *vlen, struct vg_err *err);
/* Delete one record (absent is not an error). 0, -VG_EINVAL, -VG_EDB. */
int store_meta_delete(struct store *s, uint8_t kind, const uint8_t *oid, const void *id,
                      size_t idlen, struct vg_err *err);
/* Every record of (kind, oid), or those whose id starts with id_prefix
 * (NULL/0 = all). Returns the number of callbacks or -VG_EDB. */
int store_meta_iter(struct store *s, uint8_t kind, const uint8_t *oid, const void *id_prefix,
                    size_t prefix_len, store_meta_cb cb, void *ctx, struct vg_err *err);
/* Apply n puts/deletes atomically (all or none). 0 or negative. */
int store_meta_batch(struct store *s, const struct store_meta_op *ops, size_t n,
                     struct vg_err *err);

#endif
