/* store_counters.c — the counters column family: its u64-add merge operator,
 * histogram reads, expiry past retention.
 *
 * Key: gran(1) | period(4) | oid | sid | bucket(8) | type(2) → u64 LE. The
 * period (1 day of minutes, 8 days of hours, 64 days of days) leads so that
 * retention is one DeleteRange per granularity; a read seeks once per
 * period. */
#include "backend/store_counters.h"

#include <stdlib.h>
#include <string.h>

#include "backend/store_int.h"
#include "backend/store_keys.h"

static const int64_t gran_ms[] = {0, 60000, 3600000, STORE_DAY_MS};
static const int64_t period_ms[] = {0, STORE_DAY_MS, 8 * STORE_DAY_MS, 64 * STORE_DAY_MS};
static const uint8_t zero_sid[STORE_ID_BYTES];

uint32_t store_counters_period(int gran, int64_t time_ms) {
  return (uint32_t)(time_ms / period_ms[gran]);
}
int64_t store_counters_bucket(int gran, int64_t time_ms) {
  return time_ms - time_ms % gran_ms[gran];
}

static uint64_t get_u64le(const char *p, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n && i < 8; i++) v |= (uint64_t)(uint8_t)p[i] << (8 * i);
  return v;
}

static char *u64_value(uint64_t v, size_t *len) {
  char *out = malloc(8); /* freed by merge_delete, called by RocksDB */
  if (!out) return NULL;
  for (int i = 0; i < 8; i++) out[i] = (char)(v >> (8 * i));
  *len = 8;
  return out;
}

static char *merge_full(void *st, const char *key, size_t klen, const char *old, size_t olen,
                        const char *const *ops, const size_t *oplen, int nops, unsigned char *ok,
                        size_t *len) {
  (void)st, (void)key, (void)klen;
  uint64_t v = old ? get_u64le(old, olen) : 0;
  for (int i = 0; i < nops; i++) v += get_u64le(ops[i], oplen[i]);
  char *out = u64_value(v, len);
  *ok = out != NULL;
  return out;
}

static char *merge_partial(void *st, const char *key, size_t klen, const char *const *ops,
                           const size_t *oplen, int nops, unsigned char *ok, size_t *len) {
  return merge_full(st, key, klen, NULL, 0, ops, oplen, nops, ok, len);
}

static void merge_delete(void *st, const char *v, size_t len) {
  (void)st, (void)len;
  free((void *)v);
}

static void merge_destroy(void *st) {
  (void)st;
} /* must not be NULL (LIBRARY-NOTES §2) */
static const char *merge_name(void *st) {
  (void)st;
  return "vigil.u64add";
}

rocksdb_mergeoperator_t *store_counters_merge_operator(void) {
  return rocksdb_mergeoperator_create(NULL, merge_destroy, merge_full, merge_partial, merge_delete,
                                      merge_name);
}

/* A skip-scan over the granularity's periods [p0, p1]: one iterator, a seek
 * whenever the keys leave (oid, sid) or pass t1, so empty periods cost
 * nothing. Returns the number of callbacks or negative. */
int store_counters_get(struct store *s, const uint8_t *oid, const uint8_t *sid,
                       enum store_gran gran, int64_t t0, int64_t t1, uint16_t type_id,
                       store_counter_cb cb, void *ctx, struct vg_err *err) {
  if (!oid || !cb || gran < STORE_GRAN_MINUTE || gran > STORE_GRAN_DAY)
    return vg_err_fail(err, VG_EINVAL, "store_counters_get: bad arguments");
  if (t0 < 0) t0 = 0;
  if (t1 > STORE_TIME_MAX_MS) t1 = STORE_TIME_MAX_MS;
  if (t1 <= t0) return 0;
  if (!sid) sid = zero_sid;
  int64_t b0 = store_counters_bucket(gran, t0);
  uint32_t p1 = store_counters_period(gran, t1 - 1);
  uint8_t k[STORE_KEY_COUNTER_LEN], hi[5] = {(uint8_t)gran};
  store_keys_put_be32(hi + 1, p1 + 1);
  rocksdb_readoptions_t *ro = rocksdb_readoptions_create();
  rocksdb_readoptions_set_iterate_upper_bound(ro, (const char *)hi, sizeof(hi));
  rocksdb_iterator_t *it = rocksdb_create_iterator_cf(s->db, ro, s->cf_counters);
  store_keys_counter(k, gran, store_counters_period(gran, t0), oid, sid, b0, 0);
  rocksdb_iter_seek(it, (const char *)k, sizeof(k));
  int n = 0;
  while (rocksdb_iter_valid(it)) {
    size_t kl, vl;
    const uint8_t *key = (const uint8_t *)rocksdb_iter_key(it, &kl);
    if (kl != STORE_KEY_COUNTER_LEN) {
      rocksdb_iter_next(it);
      continue;
    }
    uint32_t p = store_keys_get_be32(key + 1);
    int c = memcmp(key + 5, oid, STORE_ID_BYTES);
    if (c == 0) c = memcmp(key + 21, sid, STORE_ID_BYTES);
    int64_t bucket = (int64_t)store_keys_get_be64(key + 37);
    if (c > 0 || (c == 0 && bucket >= t1)) { /* done with this period */
      if (p >= p1) break;
      store_keys_counter(k, gran, p + 1, oid, sid, b0, 0);
      rocksdb_iter_seek(it, (const char *)k, sizeof(k));
      continue;
    }
    if (c < 0) { /* another (oid, sid) before ours in this period */
      store_keys_counter(k, gran, p, oid, sid, b0, 0);
      rocksdb_iter_seek(it, (const char *)k, sizeof(k));
      continue;
    }
    uint16_t t = store_keys_get_be16(key + 45);
    if (!type_id || t == type_id) {
      n++;
      const char *v = rocksdb_iter_value(it, &vl);
      if (cb(ctx, bucket, t, get_u64le(v, vl))) break;
    }
    rocksdb_iter_next(it);
  }
  char *dberr = NULL;
  rocksdb_iter_get_error(it, &dberr);
  rocksdb_iter_destroy(it);
  rocksdb_readoptions_destroy(ro);
  return dberr ? store_db_fail(err, dberr, "counters") : n;
}

int store_counters_expire(struct store *s, int64_t horizon_ms, struct vg_err *err) {
  if (horizon_ms <= 0) return 0;
  for (int g = STORE_GRAN_MINUTE; g <= STORE_GRAN_DAY; g++) {
    /* Only whole periods ending before the horizon go. */
    uint8_t lo[5] = {(uint8_t)g}, hi[5] = {(uint8_t)g};
    store_keys_put_be32(hi + 1, store_counters_period(g, horizon_ms));
    rocksdb_readoptions_t *ro = rocksdb_readoptions_create();
    rocksdb_readoptions_set_iterate_upper_bound(ro, (const char *)hi, sizeof(hi));
    rocksdb_iterator_t *it = rocksdb_create_iterator_cf(s->db, ro, s->cf_counters);
    rocksdb_iter_seek(it, (const char *)lo, sizeof(lo));
    bool any = rocksdb_iter_valid(it);
    rocksdb_iter_destroy(it);
    rocksdb_readoptions_destroy(ro);
    if (!any) continue; /* nothing to delete: no tombstone */
    char *dberr = NULL;
    rocksdb_delete_range_cf(s->db, s->wo, s->cf_counters, (const char *)lo, sizeof(lo),
                            (const char *)hi, sizeof(hi), &dberr);
    if (!dberr)
      rocksdb_delete_file_in_range_cf(s->db, s->cf_counters, (const char *)lo, sizeof(lo),
                                      (const char *)hi, sizeof(hi), &dberr);
    if (dberr) return store_db_fail(err, dberr, "expire counters");
  }
  return 0;
}
