/* store.c — open/close with the RocksDB tuning, retention, stats. */
#include "backend/store.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "backend/store_children.h"
#include "backend/store_int.h"
#include "backend/store_keys.h"
#include "backend/store_objects.h"
#include "shared/alloc.h"
#include "shared/log.h"

#define MIB ((size_t)1 << 20)
#define STORE_LEVELS 7 /* RocksDB's num_levels, left at its default */

static const char *const fixed_cfs[] = {"default", "counters", "meta", "audit", "objects"};
#define N_FIXED (sizeof(fixed_cfs) / sizeof(fixed_cfs[0]))

static int64_t wall_clock_ms(void *ctx) {
  (void)ctx;
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t store_now_ms(const struct store *s) {
  return s->clock_ms(s->clock_ctx);
}

int32_t store_day_of(int64_t time_ms) {
  int64_t d = time_ms / STORE_DAY_MS;
  if (time_ms % STORE_DAY_MS < 0) d--;
  return d > INT32_MAX ? INT32_MAX : d < INT32_MIN ? INT32_MIN : (int32_t)d;
}

int store_db_fail(struct vg_err *err, char *dberr, const char *what) {
  int r = vg_err_fail(err, VG_EDB, "%s: %s", what, dberr ? dberr : "?");
  rocksdb_free(dberr);
  return r;
}

static size_t or_default(size_t v, size_t d) {
  return v ? v : d;
}

/* The fixed families' handles, in fixed_cfs order (NULL before open). */
static void fixed_handles(const struct store *s, rocksdb_column_family_handle_t **h) {
  h[0] = s->cf_default, h[1] = s->cf_counters, h[2] = s->cf_meta, h[3] = s->cf_audit;
  h[4] = s->cf_objects;
}

/* Options every column family shares; also the DB-wide options. */
static rocksdb_options_t *base_options(const struct store_opts *o, size_t bytes) {
  rocksdb_options_t *opt = rocksdb_options_create();
  rocksdb_options_set_create_if_missing(opt, 1);
  rocksdb_options_set_create_missing_column_families(opt, 1);
  rocksdb_options_set_max_background_jobs(opt, o->max_background_jobs ? o->max_background_jobs : 2);
  rocksdb_options_set_max_open_files(opt, o->max_open_files ? o->max_open_files : 512);
  rocksdb_options_set_db_write_buffer_size(opt, or_default(o->total_memtable_bytes, 256 * MIB));
  rocksdb_options_set_write_buffer_size(opt, bytes);
  rocksdb_options_set_max_write_buffer_number(opt, 3);
  rocksdb_options_set_level_compaction_dynamic_level_bytes(opt, 1);
  rocksdb_options_set_bytes_per_sync(opt, MIB);
  rocksdb_options_set_wal_bytes_per_sync(opt, MIB);
  rocksdb_options_set_max_total_wal_size(opt, 512 * MIB);
  rocksdb_options_set_keep_log_file_num(opt, 4);
  return opt;
}

static void set_table(rocksdb_options_t *opt, const struct store_opts *o, rocksdb_cache_t *c) {
  rocksdb_block_based_table_options_t *t = rocksdb_block_based_options_create();
  rocksdb_block_based_options_set_block_size(t, or_default(o->block_bytes, 16 << 10));
  rocksdb_block_based_options_set_block_cache(t, c);
  rocksdb_block_based_options_set_filter_policy(t, rocksdb_filterpolicy_create_bloom_full(10));
  rocksdb_block_based_options_set_format_version(t, 5);
  rocksdb_block_based_options_set_cache_index_and_filter_blocks(t, 1);
  rocksdb_block_based_options_set_pin_l0_filter_and_index_blocks_in_cache(t, 1);
  rocksdb_options_set_block_based_table_factory(opt, t);
  rocksdb_block_based_options_destroy(t);
}

/* Flushes write L0 without compression; the levels below use top. An L0
 * file lives until the next compaction (seconds during ingest), which reads
 * it back and writes it compressed anyway: compressing it at flush was 5 %
 * of vigild's CPU in bench_ingest (lz4 in the flush thread), for bytes
 * that are gone moments later (docs/storage.md, "Column families"). With
 * dynamic level bytes, entry i > 0 is the i-th level from L0's target down;
 * the bottommost level's own setting overrides the last. */
static void l0_plain(rocksdb_options_t *opt, int top) {
  int levels[STORE_LEVELS];
  levels[0] = rocksdb_no_compression;
  for (int i = 1; i < STORE_LEVELS; i++) levels[i] = top;
  rocksdb_options_set_compression_per_level(opt, levels, STORE_LEVELS);
}

static void set_compression(rocksdb_options_t *opt, enum store_compression c) {
  int top = rocksdb_zstd_compression, bottom = rocksdb_zstd_compression;
  switch (c) {
    case STORE_COMPRESSION_DEFAULT:
    case STORE_COMPRESSION_LZ4_ZSTD:
      top = rocksdb_lz4_compression;
      break;
    case STORE_COMPRESSION_LZ4:
      top = bottom = rocksdb_lz4_compression;
      break;
    case STORE_COMPRESSION_NONE:
      top = bottom = rocksdb_no_compression;
      break;
    default:
      break;
  }
  rocksdb_options_set_compression(opt, top);
  l0_plain(opt, top);
  rocksdb_options_set_bottommost_compression(opt, bottom);
  if (c == STORE_COMPRESSION_ZSTD_DICT || c == STORE_COMPRESSION_DEFAULT) {
    /* Most bytes end in the bottommost level (dynamic level bytes): give it
     * a 64 KiB zstd dictionary trained per file on 16x that much data (1 MiB:
     * 12 % less compaction time than 6.4 MiB for +0.8 % bytes, docs/performance.md).
     * Arguments: window bits, level, strategy, max_dict_bytes, enabled. */
    rocksdb_options_set_bottommost_compression_options(opt, -14, 3, 0, 64 << 10, 1);
    rocksdb_options_set_bottommost_compression_options_zstd_max_train_bytes(opt, 1024 << 10, 1);
  }
}

static void build_options(struct store *s, const struct store_opts *o) {
  size_t wb = or_default(o->write_buffer_bytes, 64 * MIB);
  s->cache = rocksdb_cache_create_lru(or_default(o->block_cache_bytes, 128 * MIB));
  s->db_opts = base_options(o, wb);
  /* One writer thread: no concurrent memtable inserts. */
  rocksdb_options_set_allow_concurrent_memtable_write(s->db_opts, 0);
  s->ev_opts = base_options(o, wb);
  set_table(s->ev_opts, o, s->cache);
  set_compression(s->ev_opts, o->compression);
  s->cnt_opts = base_options(o, wb / 4);
  set_table(s->cnt_opts, o, s->cache);
  rocksdb_options_set_compression(s->cnt_opts, rocksdb_lz4_compression);
  rocksdb_options_set_merge_operator(s->cnt_opts, store_counters_merge_operator());
  s->obj_opts = base_options(o, wb / 4);
  /* Object rows arrive as sorted files (store_objects_fold.c), not through
   * the memtable. Every read stays inside one object (oid | type | hash):
   * the files' bloom filters hold that prefix. */
  rocksdb_options_set_prefix_extractor(s->obj_opts,
                                       rocksdb_slicetransform_create_fixed_prefix(STORE_OBJECT_PREFIX_LEN));
  set_table(s->obj_opts, o, s->cache);
  /* Object rows are mostly hashes, days and sids: zstd where they settle. */
  rocksdb_options_set_compression(s->obj_opts, rocksdb_lz4_compression);
  l0_plain(s->obj_opts, rocksdb_lz4_compression);
  rocksdb_options_set_bottommost_compression(s->obj_opts, rocksdb_zstd_compression);
  rocksdb_options_set_merge_operator(s->obj_opts, store_objects_merge_operator());
  s->obj_filter = store_objects_filter(s);
  rocksdb_options_set_compaction_filter(s->obj_opts, s->obj_filter);
  s->meta_opts = base_options(o, 8 * MIB);
  set_table(s->meta_opts, o, s->cache);
  rocksdb_options_set_compression(s->meta_opts, rocksdb_lz4_compression);
  s->wo = rocksdb_writeoptions_create();
  s->wo_sync = rocksdb_writeoptions_create();
  rocksdb_writeoptions_set_sync(s->wo_sync, 1);
  s->ro = rocksdb_readoptions_create();
}

/* Names to open: what exists plus the fixed families. Caller frees. */
static char **cf_names(const char *path, size_t *n) {
  rocksdb_options_t *opt = rocksdb_options_create();
  char *dberr = NULL;
  size_t have = 0;
  char **list = rocksdb_list_column_families(opt, path, &have, &dberr);
  rocksdb_options_destroy(opt);
  rocksdb_free(dberr); /* a new database has none */
  char **names = vg_xcalloc(have + N_FIXED, sizeof(*names));
  size_t k = 0;
  for (size_t i = 0; list && i < have; i++) names[k++] = vg_xstrdup(list[i]);
  if (list) rocksdb_list_column_families_destroy(list, have);
  for (size_t f = 0; f < N_FIXED; f++) {
    bool found = false;
    for (size_t i = 0; i < k && !found; i++) found = strcmp(names[i], fixed_cfs[f]) == 0;
    if (!found) names[k++] = vg_xstrdup(fixed_cfs[f]);
  }
  *n = k;
  return names;
}

static int open_db(struct store *s, struct vg_err *err) {
  size_t n = 0;
  char **names = cf_names(s->path, &n);
  const rocksdb_options_t **opts = vg_xcalloc(n, sizeof(*opts));
  rocksdb_column_family_handle_t **h = vg_xcalloc(n, sizeof(*h));
  for (size_t i = 0; i < n; i++) {
    int32_t day;
    opts[i] = store_keys_part_parse(names[i], &day) == 0 ? s->ev_opts
              : strcmp(names[i], "counters") == 0        ? s->cnt_opts
              : strcmp(names[i], "objects") == 0         ? s->obj_opts
                                                         : s->meta_opts;
  }
  char *dberr = NULL;
  s->db = rocksdb_open_column_families(s->db_opts, s->path, (int)n, (const char *const *)names,
                                       opts, h, &dberr);
  int r = 0;
  if (dberr) {
    r = store_db_fail(err, dberr, s->path);
    s->db = NULL;
  }
  for (size_t i = 0; r == 0 && i < n; i++) {
    int32_t day;
    if (store_keys_part_parse(names[i], &day) == 0)
      store_part_add(s, day, h[i]);
    else if (strcmp(names[i], "default") == 0)
      s->cf_default = h[i];
    else if (strcmp(names[i], "counters") == 0)
      s->cf_counters = h[i];
    else if (strcmp(names[i], "meta") == 0)
      s->cf_meta = h[i];
    else if (strcmp(names[i], "audit") == 0)
      s->cf_audit = h[i];
    else if (strcmp(names[i], "objects") == 0)
      s->cf_objects = h[i];
    else
      rocksdb_column_family_handle_destroy(h[i]); /* a family this version does not use */
  }
  for (size_t i = 0; i < n; i++) free(names[i]);
  free(names);
  free(opts);
  free(h);
  return r;
}

struct store *store_open(const struct store_opts *o, struct vg_err *err) {
  if (!o || !o->path || !o->path[0]) {
    vg_err_fail(err, VG_EINVAL, "store: no path");
    return NULL;
  }
  if (o->retention_s < 0 || o->retention_s > STORE_MAX_RETENTION_S) {
    vg_err_fail(err, VG_ERANGE, "store: retention out of range");
    return NULL;
  }
  struct store *s = vg_xcalloc(1, sizeof(*s));
  s->path = vg_xstrdup(o->path);
  s->retention_ms = (o->retention_s ? o->retention_s : STORE_DEFAULT_RETENTION_S) * 1000;
  s->clock_ms = o->clock_ms ? o->clock_ms : wall_clock_ms;
  s->clock_ctx = o->clock_ctx;
  pthread_rwlock_init(&s->lock, NULL);
  pthread_mutex_init(&s->write_mu, NULL);
  mkdir(o->path, 0700);
  build_options(s, o);
  if (open_db(s, err) < 0 || store_objfold_open(s, err) < 0) {
    store_close(s);
    return NULL;
  }
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  /* Audit counters only need to be unique per (oid, ms): start past any
   * value an earlier run of this process could have used. */
  atomic_store(&s->audit_seq, (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec);
  vg_info("store", "opened %s: %zu partitions, retention %lld s", s->path, s->nparts,
          (long long)(s->retention_ms / 1000));
  return s;
}

void store_close(struct store *s) {
  if (!s) return;
  store_objfold_close(s); /* folds what is pending: a clean stop leaves nothing to redo */
  if (s->obj_compacting) { /* stop the retention compaction, then wait for it */
    rocksdb_disable_manual_compaction(s->db);
    pthread_join(s->obj_compactor, NULL);
  }
  store_part_free_all(s);
  rocksdb_column_family_handle_t *fixed[N_FIXED];
  fixed_handles(s, fixed);
  for (size_t i = 0; i < N_FIXED; i++)
    if (fixed[i]) rocksdb_column_family_handle_destroy(fixed[i]);
  if (s->db) rocksdb_close(s->db);
  rocksdb_options_t *opts[] = {s->db_opts, s->ev_opts, s->cnt_opts, s->meta_opts, s->obj_opts};
  for (size_t i = 0; i < 5; i++)
    if (opts[i]) rocksdb_options_destroy(opts[i]);
  if (s->cache) rocksdb_cache_destroy(s->cache);
  if (s->obj_filter) rocksdb_compactionfilter_destroy(s->obj_filter);
  if (s->wo) rocksdb_writeoptions_destroy(s->wo);
  if (s->wo_sync) rocksdb_writeoptions_destroy(s->wo_sync);
  if (s->ro) rocksdb_readoptions_destroy(s->ro);
  store_write_agg_free(s->agg);
  if (s->wb) rocksdb_writebatch_destroy(s->wb);
  store_seq_free(s->seq);
  store_objects_agg_free(s->objagg);
  store_children_agg_free(s->childagg);
  pthread_rwlock_destroy(&s->lock);
  pthread_mutex_destroy(&s->write_mu);
  free(s->path);
  free(s);
}

static void *compact_objects(void *arg) {
  struct store *s = arg;
  rocksdb_compact_range_cf(s->db, s->cf_objects, NULL, 0, NULL, 0);
  atomic_store(&s->obj_compact_done, true);
  return NULL;
}

/* Object rows sit by object, not by day: the expired ones leave through the
 * compaction filter. Once a day's partition goes, compact the family on a
 * thread of its own (one at a time) so they leave now, not whenever RocksDB
 * next rewrites those files. */
static void compact_objects_start(struct store *s) {
  if (s->obj_compacting) {
    if (!atomic_load(&s->obj_compact_done)) return;
    pthread_join(s->obj_compactor, NULL);
    s->obj_compacting = false;
  }
  atomic_store(&s->obj_compact_done, false);
  s->obj_compacting = pthread_create(&s->obj_compactor, NULL, compact_objects, s) == 0;
}

int store_retention_run(struct store *s, int64_t now_ms, struct vg_err *err) {
  int64_t horizon = now_ms - s->retention_ms;
  /* A partition goes once its whole day is past the horizon. */
  int dropped = store_part_drop_before(s, store_day_of(horizon), err);
  if (dropped < 0) return dropped;
  if (dropped) compact_objects_start(s);
  int r = store_counters_expire(s, horizon, err);
  if (dropped) vg_info("store", "retention: dropped %d partitions", dropped);
  return r < 0 ? r : dropped;
}

static uint64_t cf_sst_bytes(struct store *s, rocksdb_column_family_handle_t *cf) {
  uint64_t v = 0;
  return rocksdb_property_int_cf(s->db, cf, "rocksdb.total-sst-files-size", &v) == 0 ? v : 0;
}

int store_stats(struct store *s, struct store_stats *out, struct vg_err *err) {
  memset(out, 0, sizeof(*out));
  pthread_rwlock_rdlock(&s->lock);
  for (size_t i = 0; i < s->nparts; i++) out->sst_bytes += cf_sst_bytes(s, s->parts[i].cf);
  out->partitions = s->nparts;
  pthread_rwlock_unlock(&s->lock);
  rocksdb_column_family_handle_t *fixed[N_FIXED];
  fixed_handles(s, fixed);
  for (size_t i = 0; i < N_FIXED; i++) out->sst_bytes += cf_sst_bytes(s, fixed[i]);
  DIR *d = opendir(s->path);
  if (!d) return vg_err_fail(err, VG_EIO, "%s: cannot list", s->path);
  struct dirent *e;
  while ((e = readdir(d))) {
    size_t len = strlen(e->d_name);
    struct stat st;
    if (len < 5 || strcmp(e->d_name + len - 4, ".log") != 0) continue;
    char *p = vg_xasprintf("%s/%s", s->path, e->d_name);
    if (stat(p, &st) == 0) out->wal_bytes += (uint64_t)st.st_size;
    free(p);
  }
  closedir(d);
  out->disk_bytes = out->sst_bytes + out->wal_bytes;
  out->events_written = atomic_load(&s->events_written);
  out->events_duplicate = atomic_load(&s->events_duplicate);
  out->events_refused = atomic_load(&s->events_refused);
  return 0;
}

static int flush_cf(struct store *s, rocksdb_column_family_handle_t *cf, bool compact,
                    struct vg_err *err) {
  rocksdb_flushoptions_t *fo = rocksdb_flushoptions_create();
  rocksdb_flushoptions_set_wait(fo, 1);
  char *dberr = NULL;
  rocksdb_flush_cf(s->db, fo, cf, &dberr);
  rocksdb_flushoptions_destroy(fo);
  if (dberr) return store_db_fail(err, dberr, "flush");
  if (compact) rocksdb_compact_range_cf(s->db, cf, NULL, 0, NULL, 0);
  return 0;
}

int store_flush(struct store *s, bool compact, struct vg_err *err) {
  int r = store_objects_fold(s, err);
  pthread_rwlock_rdlock(&s->lock);
  for (size_t i = 0; r == 0 && i < s->nparts; i++) r = flush_cf(s, s->parts[i].cf, compact, err);
  pthread_rwlock_unlock(&s->lock);
  rocksdb_column_family_handle_t *fixed[N_FIXED];
  fixed_handles(s, fixed);
  for (size_t i = 0; r == 0 && i < N_FIXED; i++) r = flush_cf(s, fixed[i], compact, err);
  return r;
}
