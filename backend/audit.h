/* audit.h — the audit trail of the client API: one record per state-changing
 * call, appended to the store's audit stream of the caller's organisation.
 *
 * Record (what audit.list returns):
 *   {"time": ms, "key_id": "…", "role": "admin", "method": "keys.create",
 *    "params": {…secrets removed…}, "outcome": "ok" | "EPERM" | …,
 *    "message": "…" (failures only)}
 * Thread-safe (the store is). */
#ifndef VIGILD_AUDIT_H
#define VIGILD_AUDIT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/err.h"

struct store;

/* A deep copy of params without secrets: members named api_key, key, secret,
 * password or token (at any depth) are replaced by "(redacted)". New
 * reference; {} for NULL. */
json_t *audit_redact(const json_t *params);

/* Append one record for oid. params is redacted here. code is 0 (outcome
 * "ok") or a negative VG code; message may be NULL. 0 or the store's code. */
int audit_append(struct store *st, const char *oid, const char *key_id, const char *role,
                 const char *method, const json_t *params, int code, const char *message,
                 struct vg_err *err);

/* One page of oid's records with from ≤ time < to, newest first, at most
 * limit (1..VG_LIMIT_API_PAGE). cursor (NULL for the first page) is a value
 * a previous page returned as *next. *records gets a new array; *next a heap
 * string (free it) or NULL on the last page. 0, -VG_EINVAL (bad cursor or
 * oid), -VG_EDB. The scan is bounded by limit: it reads at most
 * limit + 1 + (records skipped within one millisecond) records. */
int audit_list(struct store *st, const char *oid, int64_t from, int64_t to, size_t limit,
               const char *cursor, json_t **records, char **next, struct vg_err *err);

#endif
