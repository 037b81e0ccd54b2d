/* store_scan.h — a resumable, budgeted scan of an organisation's events:
 * the engine under insight.search and insight.export. Each call examines at
 * most `budget` keys (so an API handler on the service thread does bounded
 * work) and leaves a position to continue from, in key order: day partition
 * by day partition, within one sensor by sensor (sid order), each sensor's
 * events in (time, seq) order. Like every store read it holds the partition
 * map shared for the call (store_events.h for the callback rules). */
#ifndef VIGILD_STORE_SCAN_H
#define VIGILD_STORE_SCAN_H

#include "backend/store_events.h"

/* Where a scan stands: partitions before `day` are done; with `started`,
 * the last key examined in partition `day`. Plain bytes (a cursor can carry
 * it). Zero it to start at the beginning of the range. */
struct store_scan_pos {
  uint8_t started;
  int32_t day;
  uint8_t sid[STORE_ID_BYTES];
  int64_t time_ms;
  uint64_t seq;
};

struct store_scan_q {
  const uint8_t *oid;
  int64_t t0, t1;              /* [t0, t1) */
  const uint8_t (*sids)[STORE_ID_BYTES]; /* sorted ascending; NULL = every sensor */
  size_t nsids;
  const uint16_t *types;       /* type ids; NULL = every type (checked before cb) */
  size_t ntypes;
  uint64_t budget;             /* keys and seeks one call may cost (≥ 1) */
};

/* Scan from *pos: cb for every event in range of a listed sensor and type.
 * Returns 1 when the range is exhausted, 0 when the budget ran out or cb
 * asked to stop (then *pos is where to continue: after the last key
 * examined), or -VG_EINVAL / -VG_EDB. *examined (if non-NULL) receives the
 * keys examined by this call. */
int store_scan_run(struct store *s, const struct store_scan_q *q, struct store_scan_pos *pos,
                   store_rec_cb cb, void *ctx, uint64_t *examined, struct vg_err *err);

#endif
