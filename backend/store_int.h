/* store_int.h — the inside of struct store, shared by the store*.c files and
 * by nothing else. */
#ifndef VIGILD_STORE_INT_H
#define VIGILD_STORE_INT_H

#include <pthread.h>
#include <rocksdb/c.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "backend/store.h"

struct store_part {
  int32_t day;                        /* UTC day number */
  rocksdb_column_family_handle_t *cf; /* ev_YYYYMMDD */
};

struct store_agg; /* store_write.c: per-batch counter sums */
struct store_seq; /* store_seq.c: highest seq stored per sensor */

struct store {
  char *path;
  rocksdb_t *db;
  rocksdb_options_t *db_opts, *ev_opts, *cnt_opts, *meta_opts, *obj_opts; /* live until close */
  rocksdb_cache_t *cache;
  rocksdb_writeoptions_t *wo, *wo_sync;
  rocksdb_readoptions_t *ro;
  rocksdb_column_family_handle_t *cf_default, *cf_counters, *cf_meta, *cf_audit,
      *cf_objects;
  int64_t retention_ms;
  int64_t (*clock_ms)(void *ctx);
  void *clock_ctx;

  pthread_rwlock_t lock;    /* guards parts/nparts/capparts */
  struct store_part *parts; /* sorted by day, ascending */
  size_t nparts, capparts;

  pthread_mutex_t write_mu; /* one store_write_events at a time; guards agg, seq */
  struct store_agg *agg;
  rocksdb_writebatch_t *wb; /* store_write.c: reused (its buffer keeps its size); under write_mu */
  struct store_seq *seq;
  struct store_objagg *objagg; /* store_objects.c: per-batch object sums; under write_mu */
  struct store_objfold *objfold; /* store_objects_fold.c: pending sums, the fold thread */
  struct store_childagg *childagg; /* store_children.c: the batch's children; under write_mu */

  rocksdb_compactionfilter_t *obj_filter; /* retention of the object index */
  pthread_t obj_compactor;                 /* store_retention_run's compaction */
  bool obj_compacting;                     /* obj_compactor started, not joined */
  _Atomic bool obj_compact_done;

  _Atomic uint64_t events_written, events_duplicate, events_refused;
  _Atomic uint64_t audit_seq; /* next audit counter */
};

/* "now" from the configured clock. */
int64_t store_now_ms(const struct store *s);
/* Fill err from a RocksDB error string (freed here) and return -VG_EDB. */
int store_db_fail(struct vg_err *err, char *dberr, const char *what);

/* Partition map (store_part.c). Caller holds s->lock unless noted. */
/* Index of the first partition with day ≥ day (nparts if none). */
size_t store_part_lower(const struct store *s, int32_t day);
/* Handle of day's partition or NULL. */
rocksdb_column_family_handle_t *store_part_find(const struct store *s, int32_t day);
/* Add an opened handle (open time, no lock needed). */
void store_part_add(struct store *s, int32_t day, rocksdb_column_family_handle_t *cf);
/* Create day's partition if missing. Takes s->lock exclusive itself: the
 * caller must NOT hold it. 0 or -VG_EDB. */
int store_part_ensure(struct store *s, int32_t day, struct vg_err *err);
/* Drop partitions with day < before_day; takes s->lock exclusive. Count or -VG_EDB. */
int store_part_drop_before(struct store *s, int32_t before_day, struct vg_err *err);
/* Destroy every handle (close time). */
void store_part_free_all(struct store *s);

/* Counter merge operator (store_counters.c); ownership passes to options. */
rocksdb_mergeoperator_t *store_counters_merge_operator(void);
/* Remove counters past retention (store_counters.c). 0 or -VG_EDB. */
int store_counters_expire(struct store *s, int64_t horizon_ms, struct vg_err *err);
/* Period number of a bucket for a granularity (store_counters.c). */
uint32_t store_counters_period(int gran, int64_t time_ms);
int64_t store_counters_bucket(int gran, int64_t time_ms);

/* Per-batch aggregation table (store_write.c). */
void store_write_agg_free(struct store_agg *a);

/* Highest stored seq per sensor (store_seq.c); writer only, under write_mu.
 * begin: make room for a batch. maybe_stored: *maybe = the event may
 * already be stored (look it up); notes its seq. emit: add the grown
 * maxima to b (NULL: just forget them; the in-memory maxima stay, which is
 * safe: they only ever overstate what may be stored). */
void store_seq_begin(struct store *s, size_t events);
int store_seq_maybe_stored(struct store *s, const struct store_event *e, bool *maybe,
                           struct vg_err *err);
void store_seq_emit(struct store *s, rocksdb_writebatch_t *b);
void store_seq_free(struct store_seq *q);

/* Object index (store_objects.c). The merge operator passes to options;
 * add/emit run in store_write_events under write_mu: add the objects of an
 * event stored at key time t, then emit one merge per distinct key into b
 * (NULL: discard). */
rocksdb_mergeoperator_t *store_objects_merge_operator(void);
/* Drops object rows of days past retention (store_objects_horizon_day). */
rocksdb_compactionfilter_t *store_objects_filter(struct store *s);
void store_objects_add(struct store *s, const struct store_event *e, int64_t t);
void store_objects_emit(struct store *s, rocksdb_writebatch_t *b);
void store_objects_agg_free(struct store_objagg *a);
/* acc (a 24-byte value) folded with the value v: counts add, first min, last max. */
void store_objects_value_fold(char *acc, const char *v);

/* Pending object sums (store_objects_fold.c). open loads what a stop left
 * pending and starts the fold thread; close stops it and folds the rest. */
int store_objfold_open(struct store *s, struct vg_err *err);
void store_objfold_close(struct store *s);
/* Writer, under write_mu: put the batch's sorted rows (n × STORE_OBJECT_ROW_LEN,
 * owned from here on) into b as a pending group; then, after the write,
 * commit lists it for reads and the fold (written) or drops it. */
void store_objfold_stage(struct store *s, rocksdb_writebatch_t *b, uint8_t *rows, size_t n);
void store_objfold_commit(struct store *s, bool written);
/* Reads: an iterator on `objects` (made with ro) and the pending rows whose
 * 29-byte day key is in [lo, hi), taken at one moment, so that no row is in
 * both or in neither. The rows come sorted by key with equal keys folded
 * (*nrows of them; caller frees *rows). */
rocksdb_iterator_t *store_objfold_snapshot(struct store *s, const rocksdb_readoptions_t *ro,
                                           const uint8_t *lo, const uint8_t *hi, uint8_t **rows,
                                           size_t *nrows);
/* Tests: while held, only an explicit store_objects_fold folds (not the
 * thread, not close), so a test can stop with sums pending. */
void store_objfold_hold(struct store *s, bool hold);

#endif
