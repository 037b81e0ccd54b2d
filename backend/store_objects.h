/* store_objects.h — the object index: where a domain, IP address, hash,
 * file path or user name has been seen (insight.objects, docs/storage.md).
 *
 * Column family `objects`, key oid(16) | type(1) | value hash(8, BE) |
 * day(4, BE) | sid(16) → count(8) | first ms(8) | last ms(8), little-endian,
 * combined by the merge operator `vigil.objstat` (add, min, max). Ingest
 * extracts the objects of each event (store_event.objs); the write path sums
 * them per batch (one row per distinct object, day and sensor) and keeps
 * the sums pending, durable in the same WriteBatch as the events, until a
 * fold ingests them into the family as a sorted file (store_objects_fold.c).
 * Reads see the family and the pending sums together. Values are hashed
 * after normalisation (store_objects_hash), never stored: a read names the
 * value it looks for. */
#ifndef VIGILD_STORE_OBJECTS_H
#define VIGILD_STORE_OBJECTS_H

#include "backend/store.h"

#define STORE_KEY_OBJECT_LEN 45
#define STORE_OBJECT_PREFIX_LEN 25 /* oid | type | hash: one object, what a read scans */
#define STORE_OBJECT_VALUE_LEN 24
#define STORE_OBJECT_DAY_KEY_LEN 29 /* oid | type | hash | day */
#define STORE_OBJECT_ROW_LEN (STORE_KEY_OBJECT_LEN + STORE_OBJECT_VALUE_LEN) /* a pending row */

/* The hash of value (len bytes) as the index keys it: domains and hashes
 * compare without case (lower-cased; a domain's trailing '.' dropped),
 * IP addresses, paths and user names exactly. */
uint64_t store_objects_hash(enum store_obj_type type, const char *value, size_t len);

/* One (day, sensor) row of an object: count, first and last event time. */
struct store_obj_row {
  int32_t day;
  const uint8_t *sid;
  uint64_t count;
  int64_t first_ms, last_ms;
};
typedef int (*store_obj_cb)(void *ctx, const struct store_obj_row *r);

/* Rows of the object (type, value) in oid with day in [day0, day1], in
 * (day, sid) order; cb returns non-zero to stop. Returns rows delivered or
 * -VG_EINVAL / -VG_EDB. */
int64_t store_objects_get(struct store *s, const uint8_t *oid, enum store_obj_type type,
                          const char *value, size_t len, int32_t day0, int32_t day1,
                          store_obj_cb cb, void *ctx, struct vg_err *err);

/* Fold the pending sums into the family now (the fold thread does this
 * once a second). 0 or -VG_EDB; on failure they stay pending. */
int store_objects_fold(struct store *s, struct vg_err *err);

/* The first day the index still answers for: the day of now − retention.
 * Rows of earlier days are hidden from reads and dropped by compaction
 * (store_objects_filter on the `objects` family; store_retention_run
 * compacts it once partitions have been dropped). */
int32_t store_objects_horizon_day(const struct store *s);

/* The type named name ("domain", "ip", "hash", "file_path", "user_name"),
 * 0 if unknown; and back. */
enum store_obj_type store_objects_type(const char *name);
const char *store_objects_type_name(enum store_obj_type t);

#endif
