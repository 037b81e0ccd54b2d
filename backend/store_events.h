/* store_events.h — reads of stored events: a sensor's timeline (paged both
 * ways with a stable cursor), an organisation's time range, the atom index
 * (an event by its atom, the children of an atom) and counts.
 *
 * Every read holds the partition map shared for the whole call, so it is
 * safe against a concurrent writer and retention (store.h). Callbacks get
 * records valid only during the call; they return 0 to go on, non-zero to
 * stop after that record; they must not call into the store. Time ranges
 * are half-open [t0, t1) in ms since the epoch. */
#ifndef VIGILD_STORE_EVENTS_H
#define VIGILD_STORE_EVENTS_H

#include "backend/store.h"

struct store_rec {
  const uint8_t *oid, *sid; /* STORE_ID_BYTES each */
  int64_t time_ms;          /* key time (arrival time for far-future events) */
  uint64_t seq;
  uint16_t type_id; /* the event type id */
  const char *data; /* the event bytes as written */
  size_t len;
};

typedef int (*store_rec_cb)(void *ctx, const struct store_rec *r);

enum store_dir { STORE_FORWARD, STORE_BACKWARD };

/* Opaque paging position: the last key a page returned. Zero it (or use
 * STORE_CURSOR_INIT) to start at from_ms; pass it back unchanged for the
 * next page. Plain bytes: it may be copied, stored, and sent to a client. */
struct store_cursor {
  uint8_t set;
  uint8_t pos[16];
};
#define STORE_CURSOR_INIT \
  {                       \
    0, {                  \
      0                   \
    }                     \
  }

struct store_timeline_q {
  const uint8_t *oid, *sid;
  int64_t from_ms; /* forward: time ≥ from_ms; backward: time ≤ from_ms */
  enum store_dir dir;
  size_t limit;          /* 1..VG_LIMIT_STORE_PAGE events per page */
  const uint16_t *types; /* type filter, NULL = all */
  size_t ntypes;         /* ≤ VG_LIMIT_STORE_TYPE_FILTER */
};

/* One page of a sensor's events in (time, seq) order — ascending forward,
 * descending backward — across partitions. With cur->set the page starts
 * strictly after (forward) or before (backward) the cursor and from_ms is
 * ignored; cur is updated to the last event delivered. Pages are stable
 * under concurrent ingest: no gap, no duplicate in key order. Returns the
 * number of events delivered (< limit only at the end, or when cb stopped)
 * or -VG_EINVAL / -VG_EDB. */
int store_events_timeline(struct store *s, const struct store_timeline_q *q,
                          struct store_cursor *cur, store_rec_cb cb, void *ctx, struct vg_err *err);

/* Every event of oid with t0 ≤ time < t1: day partition by day partition,
 * and within one, sensor by sensor (sid order), each sensor's events in
 * (time, seq) order. A time-ordered org view merges per-sensor timelines.
 * Returns the number delivered or -VG_EDB. */
int64_t store_events_scan(struct store *s, const uint8_t *oid, int64_t t0, int64_t t1,
                          store_rec_cb cb, void *ctx, struct vg_err *err);

/* The event whose routing/this is atom (newest partition first). Returns 1
 * (cb called once), 0 if unknown, or -VG_EDB. */
int store_events_atom(struct store *s, const uint8_t *oid, const uint8_t *atom, store_rec_cb cb,
                      void *ctx, struct vg_err *err);

/* Events whose routing/parent is atom, with t0 ≤ time < t1, in time order
 * (pass 0, INT64_MAX when the parent's time is unknown). Returns the number
 * delivered or -VG_EDB. */
int64_t store_events_children(struct store *s, const uint8_t *oid, const uint8_t *atom, int64_t t0,
                              int64_t t1, store_rec_cb cb, void *ctx, struct vg_err *err);

/* Number of events of oid (sid NULL) or of one sensor with t0 ≤ time < t1
 * into *out. 0 or -VG_EDB. Walks the keys: for tests and small ranges;
 * histograms use store_counters_get. */
int store_events_count(struct store *s, const uint8_t *oid, const uint8_t *sid, int64_t t0,
                       int64_t t1, uint64_t *out, struct vg_err *err);

#endif
