/* store_counters.h — per-bucket event counts (histograms) kept by the store:
 * store_write_events adds every stored event to its minute, hour and day
 * bucket, for its sensor and for its whole organisation. Counts are exact:
 * an event written twice counts once. Thread-safe (see store.h). */
#ifndef VIGILD_STORE_COUNTERS_H
#define VIGILD_STORE_COUNTERS_H

#include "backend/store.h"

enum store_gran { STORE_GRAN_MINUTE = 1, STORE_GRAN_HOUR = 2, STORE_GRAN_DAY = 3 };

/* One bucket of one type: start of the bucket (ms, UTC-aligned), the type
 * id, the count. Return 0 to go on, non-zero to stop. */
typedef int (*store_counter_cb)(void *ctx, int64_t bucket_ms, uint16_t type_id, uint64_t count);

/* Calls cb for every non-empty (bucket, type) whose bucket starts in
 * [bucket of t0, t1), in bucket order then type order. sid NULL = the whole
 * organisation; type_id 0 = every type. Returns the number of callbacks
 * made (≥ 0) or -VG_EINVAL / -VG_EDB. */
int store_counters_get(struct store *s, const uint8_t *oid, const uint8_t *sid,
                       enum store_gran gran, int64_t t0, int64_t t1, uint16_t type_id,
                       store_counter_cb cb, void *ctx, struct vg_err *err);

#endif
