/* store_audit.h — the append-only audit trail (who did what, per
 * organisation) in the `audit` column family: key oid | time_ms | counter →
 * record bytes, which the store does not interpret. Appends are synced.
 * Thread-safe (see store.h). Audit records are not subject to retention. */
#ifndef VIGILD_STORE_AUDIT_H
#define VIGILD_STORE_AUDIT_H

#include "backend/store.h"

/* Record valid during the call only. Return 0 to go on, non-zero to stop. */
typedef int (*store_audit_cb)(void *ctx, int64_t time_ms, const char *rec, size_t len);

/* Append one record (≤ VG_LIMIT_STORE_META_VALUE_BYTES). Records with the
 * same time keep their append order. 0, -VG_EINVAL/-VG_ELIMIT, -VG_EDB. */
int store_audit_append(struct store *s, const uint8_t *oid, int64_t time_ms, const void *rec,
                       size_t len, struct vg_err *err);

/* Records of oid with t0 ≤ time < t1, newest first, at most limit (0 = no
 * limit). Returns the number delivered or -VG_EINVAL / -VG_EDB. */
int store_audit_list(struct store *s, const uint8_t *oid, int64_t t0, int64_t t1, size_t limit,
                     store_audit_cb cb, void *ctx, struct vg_err *err);

#endif
