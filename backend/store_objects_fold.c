/* store_objects_fold.c — the object index's pending sums and their fold into
 * the `objects` family (docs/storage.md, "The object index: pending and fold").
 *
 * Each store write adds its object sums, sorted, as one row of the default
 * family ('P' | group number → rows of key | value), in the same WriteBatch
 * as its events, and keeps them in memory. A fold thread, once a second or
 * when FOLD_ROWS are pending, sorts the pending rows of every group it takes
 * into one run, writes them as merge operands to an SST file together with a
 * watermark row (the last group folded) and ingests that file into
 * `objects`; then it forgets those groups and deletes their rows. Reads see
 * the family and the pending rows together (store_objects_get).
 *
 * Why: written as merges through the memtable, the object rows land all
 * over the key space; their inserts and the memtable's sort at flush were
 * 18 % of vigild's CPU in bench_ingest. A sorted file costs neither.
 *
 * Crash safety: a group's pending row is as durable as its events. On open,
 * groups at or below the watermark are already in `objects` (the watermark
 * is ingested in the same file as their sums) and are deleted; the others
 * are loaded and folded again. */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend/store_int.h"
#include "backend/store_keys.h"
#include "backend/store_objects.h"
#include "shared/alloc.h"
#include "shared/log.h"

#define FOLD_INTERVAL_MS 1000
#define FOLD_ROWS (256u << 10)     /* fold at once past this many pending rows */
#define PEND_ROWS_MAX (4u << 20)   /* writers wait past this (folds failing): ~280 MiB */
#define PEND_KEY_LEN 9             /* 'P' | group, u64 BE */
#define PEND_TAG 'P'

/* Sorts after every object key (16 bytes of 0xff is no UUID); not 45 bytes
 * long, so reads and the retention filter pass it by. */
static const char wm_key[] = "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"
                             "folded";
#define WM_KEY_LEN (sizeof(wm_key) - 1)

struct pend_group {
  uint64_t g;
  size_t n;      /* rows */
  uint8_t *rows; /* n × STORE_OBJECT_ROW_LEN, sorted by key, keys unique */
  struct pend_group *next;
};

struct store_objfold {
  pthread_mutex_t mu; /* guards head/tail/rows/stop */
  pthread_cond_t cv;  /* the fold thread waits here */
  pthread_cond_t room; /* writers wait here past PEND_ROWS_MAX */
  struct pend_group *head, **tail;
  size_t rows;
  bool stop;
  struct pend_group *staged; /* the current write's group (writer only, under write_mu) */
  uint64_t next_g;           /* writer only */
  pthread_rwlock_t view;     /* read: iterator + pending taken together; write: ingest + unlist */
  pthread_mutex_t fold_mu;   /* one fold at a time */
  pthread_t thread;
  bool started;
  char *sst_path;
  rocksdb_options_t *sst_opts;
  rocksdb_envoptions_t *env;
  rocksdb_ingestexternalfileoptions_t *ing;
  _Atomic bool hold; /* tests: no fold but an explicit store_objects_fold */
};

static void pend_key(uint8_t *k, uint64_t g) {
  k[0] = PEND_TAG;
  store_keys_put_be64(k + 1, g);
}

/* Delete the pending rows of groups first..last (one range tombstone). */
static int forget(struct store *s, uint64_t first, uint64_t last, struct vg_err *err) {
  uint8_t lo[PEND_KEY_LEN], hi[PEND_KEY_LEN];
  pend_key(lo, first);
  pend_key(hi, last + 1);
  char *dberr = NULL;
  rocksdb_writebatch_t *b = rocksdb_writebatch_create();
  rocksdb_writebatch_delete_range_cf(b, s->cf_default, (const char *)lo, sizeof(lo),
                                     (const char *)hi, sizeof(hi));
  rocksdb_write(s->db, s->wo, b, &dberr);
  rocksdb_writebatch_destroy(b);
  return dberr ? store_db_fail(err, dberr, "object fold: delete pending rows") : 0;
}

static void group_free(struct pend_group *p) {
  if (!p) return;
  free(p->rows);
  free(p);
}

/* --- the writer's side ---------------------------------------------------- */

void store_objfold_stage(struct store *s, rocksdb_writebatch_t *b, uint8_t *rows, size_t n) {
  struct store_objfold *f = s->objfold;
  group_free(f->staged);
  struct pend_group *p = vg_xcalloc(1, sizeof(*p));
  p->g = f->next_g++;
  p->n = n;
  p->rows = rows;
  uint8_t k[PEND_KEY_LEN];
  pend_key(k, p->g);
  rocksdb_writebatch_put_cf(b, s->cf_default, (const char *)k, sizeof(k), (const char *)rows,
                            n * STORE_OBJECT_ROW_LEN);
  f->staged = p;
}

void store_objfold_commit(struct store *s, bool written) {
  struct store_objfold *f = s->objfold;
  struct pend_group *p = f->staged;
  f->staged = NULL;
  if (!p) return;
  if (!written) {
    group_free(p);
    return;
  }
  pthread_mutex_lock(&f->mu);
  while (f->rows > PEND_ROWS_MAX && !f->stop) pthread_cond_wait(&f->room, &f->mu);
  *f->tail = p;
  f->tail = &p->next;
  f->rows += p->n;
  if (f->rows >= FOLD_ROWS) pthread_cond_signal(&f->cv);
  pthread_mutex_unlock(&f->mu);
}

/* --- sorting and folding rows ---------------------------------------------- */

static int cmp_row(const void *a, const void *b) {
  return memcmp(*(const uint8_t *const *)a, *(const uint8_t *const *)b, STORE_KEY_OBJECT_LEN);
}

/* Sort the rows v[0..n) by key and call fn once per key with the values of
 * its rows folded (counts add, first min, last max). Stops at fn's non-zero
 * and returns it. The fold's file and the reads' pending rows both come
 * from here. */
typedef int (*row_fn)(void *ctx, const uint8_t *key, const char *val);
static int sort_fold(const uint8_t **v, size_t n, row_fn fn, void *ctx) {
  if (!n) return 0; /* v may be NULL then */
  qsort(v, n, sizeof(*v), cmp_row);
  int r = 0;
  for (size_t i = 0, j; i < n && !r; i = j) {
    char val[STORE_OBJECT_VALUE_LEN];
    memcpy(val, v[i] + STORE_KEY_OBJECT_LEN, sizeof(val));
    for (j = i + 1; j < n && memcmp(v[j], v[i], STORE_KEY_OBJECT_LEN) == 0; j++)
      store_objects_value_fold(val, (const char *)v[j] + STORE_KEY_OBJECT_LEN);
    r = fn(ctx, v[i], val);
  }
  return r;
}

/* --- reads ------------------------------------------------------------------ */

/* First row of p whose key is ≥ the 29-byte lo. */
static size_t lower(const struct pend_group *p, const uint8_t *lo) {
  size_t a = 0, b = p->n;
  while (a < b) {
    size_t m = a + (b - a) / 2;
    if (memcmp(p->rows + m * STORE_OBJECT_ROW_LEN, lo, STORE_OBJECT_DAY_KEY_LEN) < 0)
      a = m + 1;
    else
      b = m;
  }
  return a;
}

struct rows_out {
  uint8_t *rows;
  size_t n;
};
static int copy_row(void *ctx, const uint8_t *key, const char *val) {
  struct rows_out *o = ctx;
  uint8_t *r = o->rows + o->n++ * STORE_OBJECT_ROW_LEN;
  memcpy(r, key, STORE_KEY_OBJECT_LEN);
  memcpy(r + STORE_KEY_OBJECT_LEN, val, STORE_OBJECT_VALUE_LEN);
  return 0;
}

rocksdb_iterator_t *store_objfold_snapshot(struct store *s, const rocksdb_readoptions_t *ro,
                                           const uint8_t *lo, const uint8_t *hi, uint8_t **rows,
                                           size_t *nrows) {
  struct store_objfold *f = s->objfold;
  const uint8_t **v = NULL;
  size_t n = 0, cap = 0;
  /* No fold moves rows from pending to the family while the view is held,
   * and none frees a listed group: the iterator and the rows agree. */
  pthread_rwlock_rdlock(&f->view);
  rocksdb_iterator_t *it = rocksdb_create_iterator_cf(s->db, ro, s->cf_objects);
  pthread_mutex_lock(&f->mu);
  for (const struct pend_group *p = f->head; p; p = p->next) {
    for (size_t i = lower(p, lo); i < p->n; i++) {
      const uint8_t *r = p->rows + i * STORE_OBJECT_ROW_LEN;
      if (memcmp(r, hi, STORE_OBJECT_DAY_KEY_LEN) >= 0) break;
      if (n == cap) {
        cap = cap ? cap * 2 : 16;
        v = vg_xreallocarray(v, cap, sizeof(*v));
      }
      v[n++] = r;
    }
  }
  pthread_mutex_unlock(&f->mu);
  struct rows_out o = {vg_xreallocarray(NULL, n ? n : 1, STORE_OBJECT_ROW_LEN), 0};
  sort_fold(v, n, copy_row, &o);
  pthread_rwlock_unlock(&f->view);
  free(v);
  *rows = o.rows;
  *nrows = o.n;
  return it;
}

/* --- the fold --------------------------------------------------------------- */

struct sst_out {
  rocksdb_sstfilewriter_t *w;
  char *dberr;
};
static int merge_row(void *ctx, const uint8_t *key, const char *val) {
  struct sst_out *o = ctx;
  rocksdb_sstfilewriter_merge(o->w, (const char *)key, STORE_KEY_OBJECT_LEN, val,
                              STORE_OBJECT_VALUE_LEN, &o->dberr);
  return o->dberr != NULL;
}

/* Sort the rows of the groups [head, last] into one run and write it, with
 * the watermark, to the SST file. Returns 0 or -VG_EDB. */
static int write_sst(struct store *s, struct pend_group *head, struct pend_group *last,
                     size_t nrows, struct vg_err *err) {
  struct store_objfold *f = s->objfold;
  const uint8_t **v = vg_xreallocarray(NULL, nrows ? nrows : 1, sizeof(*v));
  size_t n = 0;
  for (struct pend_group *p = head;; p = p->next) {
    for (size_t i = 0; i < p->n; i++) v[n++] = p->rows + i * STORE_OBJECT_ROW_LEN;
    if (p == last) break;
  }
  struct sst_out o = {rocksdb_sstfilewriter_create(f->env, f->sst_opts), NULL};
  unlink(f->sst_path); /* a file a crash left behind */
  rocksdb_sstfilewriter_open(o.w, f->sst_path, &o.dberr);
  if (!o.dberr) sort_fold(v, n, merge_row, &o);
  uint8_t wm[8];
  store_keys_put_be64(wm, last->g);
  if (!o.dberr)
    rocksdb_sstfilewriter_put(o.w, wm_key, WM_KEY_LEN, (const char *)wm, sizeof(wm), &o.dberr);
  if (!o.dberr) rocksdb_sstfilewriter_finish(o.w, &o.dberr);
  rocksdb_sstfilewriter_destroy(o.w);
  free(v);
  return o.dberr ? store_db_fail(err, o.dberr, "object fold: write file") : 0;
}

int store_objects_fold(struct store *s, struct vg_err *err) {
  struct store_objfold *f = s->objfold;
  if (!f) return 0;
  pthread_mutex_lock(&f->fold_mu);
  pthread_mutex_lock(&f->mu);
  struct pend_group *head = f->head, *last = NULL;
  size_t nrows = 0;
  for (struct pend_group *p = head; p; p = p->next) last = p, nrows += p->n;
  pthread_mutex_unlock(&f->mu);
  int r = 0;
  if (!head) goto out;
  /* Groups are immutable once listed, and only this fold removes them. */
  r = write_sst(s, head, last, nrows, err);
  if (r) goto out;
  pthread_rwlock_wrlock(&f->view);
  char *dberr = NULL;
  const char *files[1] = {f->sst_path};
  rocksdb_ingest_external_file_cf(s->db, s->cf_objects, files, 1, f->ing, &dberr);
  if (!dberr) {
    pthread_mutex_lock(&f->mu);
    f->head = last->next;
    if (!f->head) f->tail = &f->head;
    f->rows -= nrows;
    pthread_cond_broadcast(&f->room);
    pthread_mutex_unlock(&f->mu);
  }
  pthread_rwlock_unlock(&f->view);
  unlink(f->sst_path);
  if (dberr) {
    r = store_db_fail(err, dberr, "object fold: ingest");
    goto out;
  }
  uint64_t first = head->g, lastg = last->g;
  last->next = NULL;
  for (struct pend_group *p = head, *next; p; p = next) {
    next = p->next;
    group_free(p);
  }
  r = forget(s, first, lastg, err); /* if lost, redone on open (≤ watermark) */
out:
  pthread_mutex_unlock(&f->fold_mu);
  return r;
}

static struct timespec deadline(void) {
  struct timespec t;
  clock_gettime(CLOCK_REALTIME, &t);
  t.tv_sec += FOLD_INTERVAL_MS / 1000;
  return t;
}

/* Fold once a second when anything is pending, at once past FOLD_ROWS; after
 * a failed fold, only on the next tick. */
static void *fold_main(void *arg) {
  struct store *s = arg;
  struct store_objfold *f = s->objfold;
  pthread_setname_np(pthread_self(), "vigild-objfold");
  struct timespec until = deadline();
  bool failed = false;
  pthread_mutex_lock(&f->mu);
  while (!f->stop) {
    bool hold = atomic_load(&f->hold);
    bool due = !hold && !failed && f->rows >= FOLD_ROWS;
    if (!due && pthread_cond_timedwait(&f->cv, &f->mu, &until) == ETIMEDOUT) {
      due = !hold && f->rows > 0;
      failed = false;
      until = deadline();
    }
    if (f->stop || !due) continue;
    pthread_mutex_unlock(&f->mu);
    struct vg_err err;
    vg_err_clear(&err);
    failed = store_objects_fold(s, &err) != 0;
    if (failed) vg_warn("store", "%s (tried again in a second)", err.msg);
    pthread_mutex_lock(&f->mu);
  }
  pthread_mutex_unlock(&f->mu);
  return NULL;
}

void store_objfold_hold(struct store *s, bool hold) { atomic_store(&s->objfold->hold, hold); }

/* --- open and close ----------------------------------------------------------- */

/* The watermark: the last group already in `objects` (0: none). */
static int read_watermark(struct store *s, uint64_t *wm, struct vg_err *err) {
  char *dberr = NULL;
  size_t vl = 0;
  char *v = rocksdb_get_cf(s->db, s->ro, s->cf_objects, wm_key, WM_KEY_LEN, &vl, &dberr);
  if (dberr) return store_db_fail(err, dberr, "object fold: watermark");
  *wm = v && vl == 8 ? store_keys_get_be64((const uint8_t *)v) : 0;
  rocksdb_free(v);
  return 0;
}

/* Load the pending groups above the watermark; delete those at or below it. */
static int recover(struct store *s, struct vg_err *err) {
  struct store_objfold *f = s->objfold;
  uint64_t wm = 0, maxg = 0;
  int r = read_watermark(s, &wm, err);
  if (r) return r;
  uint8_t lo[PEND_KEY_LEN], hi[1] = {PEND_TAG + 1};
  pend_key(lo, 0);
  rocksdb_readoptions_t *ro = rocksdb_readoptions_create();
  rocksdb_readoptions_set_iterate_upper_bound(ro, (const char *)hi, sizeof(hi));
  rocksdb_iterator_t *it = rocksdb_create_iterator_cf(s->db, ro, s->cf_default);
  size_t loaded = 0, bad = 0;
  for (rocksdb_iter_seek(it, (const char *)lo, sizeof(lo)); rocksdb_iter_valid(it);
       rocksdb_iter_next(it)) {
    size_t kl, vl;
    const uint8_t *k = (const uint8_t *)rocksdb_iter_key(it, &kl);
    const char *v = rocksdb_iter_value(it, &vl);
    if (kl != PEND_KEY_LEN) continue;
    uint64_t g = store_keys_get_be64(k + 1);
    if (g > maxg) maxg = g;
    if (g <= wm) continue;
    if (vl % STORE_OBJECT_ROW_LEN) { /* not written by this code: say so, keep going */
      bad++;
      continue;
    }
    struct pend_group *p = vg_xcalloc(1, sizeof(*p));
    p->g = g;
    p->n = vl / STORE_OBJECT_ROW_LEN;
    p->rows = vg_xmalloc(vl ? vl : 1);
    memcpy(p->rows, v, vl);
    *f->tail = p;
    f->tail = &p->next;
    f->rows += p->n;
    loaded++;
  }
  char *dberr = NULL;
  rocksdb_iter_get_error(it, &dberr);
  rocksdb_iter_destroy(it);
  rocksdb_readoptions_destroy(ro);
  if (dberr) return store_db_fail(err, dberr, "object fold: pending rows");
  if (bad) vg_warn("store", "object index: %zu pending rows of a wrong size skipped", bad);
  if (loaded) vg_info("store", "object index: %zu pending groups to fold again", loaded);
  f->next_g = (maxg > wm ? maxg : wm) + 1;
  return wm ? forget(s, 0, wm, err) : 0; /* folded before the last stop, rows not yet deleted */
}

int store_objfold_open(struct store *s, struct vg_err *err) {
  struct store_objfold *f = vg_xcalloc(1, sizeof(*f));
  s->objfold = f;
  pthread_mutex_init(&f->mu, NULL);
  pthread_mutex_init(&f->fold_mu, NULL);
  pthread_cond_init(&f->cv, NULL);
  pthread_cond_init(&f->room, NULL);
  pthread_rwlock_init(&f->view, NULL);
  f->tail = &f->head;
  f->sst_path = vg_xasprintf("%s/objects-fold.sst", s->path);
  /* The family's options (prefix extractor, table), no compression: the
   * file lands in L0 and the next compaction compresses it (l0_plain). */
  f->sst_opts = rocksdb_options_create_copy(s->obj_opts);
  rocksdb_options_set_compression(f->sst_opts, rocksdb_no_compression);
  f->env = rocksdb_envoptions_create();
  f->ing = rocksdb_ingestexternalfileoptions_create();
  rocksdb_ingestexternalfileoptions_set_move_files(f->ing, 1);
  int r = recover(s, err);
  if (r) return r;
  f->started = pthread_create(&f->thread, NULL, fold_main, s) == 0;
  if (!f->started) return vg_err_fail(err, VG_EIO, "object fold: cannot start its thread");
  return 0;
}

void store_objfold_close(struct store *s) {
  struct store_objfold *f = s->objfold;
  if (!f) return;
  if (f->started) {
    pthread_mutex_lock(&f->mu);
    f->stop = true;
    pthread_cond_broadcast(&f->cv);
    pthread_cond_broadcast(&f->room);
    pthread_mutex_unlock(&f->mu);
    pthread_join(f->thread, NULL);
    struct vg_err err;
    vg_err_clear(&err);
    if (!atomic_load(&f->hold) && store_objects_fold(s, &err)) /* else: on the next open */
      vg_warn("store", "%s", err.msg);
  }
  group_free(f->staged);
  for (struct pend_group *p = f->head, *next; p; p = next) {
    next = p->next;
    group_free(p);
  }
  if (f->sst_opts) rocksdb_options_destroy(f->sst_opts);
  if (f->env) rocksdb_envoptions_destroy(f->env);
  if (f->ing) rocksdb_ingestexternalfileoptions_destroy(f->ing);
  pthread_mutex_destroy(&f->mu);
  pthread_mutex_destroy(&f->fold_mu);
  pthread_cond_destroy(&f->cv);
  pthread_cond_destroy(&f->room);
  pthread_rwlock_destroy(&f->view);
  free(f->sst_path);
  free(f);
  s->objfold = NULL;
}
