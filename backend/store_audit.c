/* store_audit.c — the `audit` column family: append, list newest first. */
#include "backend/store_audit.h"

#include <string.h>

#include "backend/store_int.h"
#include "backend/store_keys.h"
#include "shared/limits.h"

#define AUDIT_KEY_LEN (STORE_ID_BYTES + 16)

int store_audit_append(struct store *s, const uint8_t *oid, int64_t time_ms, const void *rec,
                       size_t len, struct vg_err *err) {
  if (!oid || (!rec && len) || time_ms < 0)
    return vg_err_fail(err, VG_EINVAL, "store audit: bad arguments");
  if (len > VG_LIMIT_STORE_META_VALUE_BYTES)
    return vg_err_fail(err, VG_ELIMIT, "store audit: record of %zu bytes", len);
  uint8_t k[AUDIT_KEY_LEN];
  memcpy(k, oid, STORE_ID_BYTES);
  store_keys_put_be64(k + 16, (uint64_t)time_ms);
  store_keys_put_be64(k + 24, atomic_fetch_add(&s->audit_seq, 1));
  char *dberr = NULL;
  rocksdb_put_cf(s->db, s->wo_sync, s->cf_audit, (const char *)k, sizeof(k), rec ? rec : "", len,
                 &dberr);
  return dberr ? store_db_fail(err, dberr, "audit append") : 0;
}

int store_audit_list(struct store *s, const uint8_t *oid, int64_t t0, int64_t t1, size_t limit,
                     store_audit_cb cb, void *ctx, struct vg_err *err) {
  if (!oid || !cb) return vg_err_fail(err, VG_EINVAL, "store audit: bad arguments");
  if (t0 < 0) t0 = 0;
  if (t1 <= t0) return 0;
  uint8_t lo[24], hi[24];
  memcpy(lo, oid, STORE_ID_BYTES);
  memcpy(hi, oid, STORE_ID_BYTES);
  store_keys_put_be64(lo + 16, (uint64_t)t0);
  store_keys_put_be64(hi + 16, (uint64_t)t1);
  rocksdb_readoptions_t *ro = rocksdb_readoptions_create();
  rocksdb_readoptions_set_iterate_lower_bound(ro, (const char *)lo, sizeof(lo));
  rocksdb_readoptions_set_iterate_upper_bound(ro, (const char *)hi, sizeof(hi));
  rocksdb_iterator_t *it = rocksdb_create_iterator_cf(s->db, ro, s->cf_audit);
  int n = 0;
  for (rocksdb_iter_seek_for_prev(it, (const char *)hi, sizeof(hi));
       rocksdb_iter_valid(it) && (!limit || (size_t)n < limit); rocksdb_iter_prev(it)) {
    size_t kl, vl;
    const uint8_t *k = (const uint8_t *)rocksdb_iter_key(it, &kl);
    const char *v = rocksdb_iter_value(it, &vl);
    if (kl != AUDIT_KEY_LEN) continue;
    n++;
    if (cb(ctx, (int64_t)store_keys_get_be64(k + 16), v, vl)) break;
  }
  char *dberr = NULL;
  rocksdb_iter_get_error(it, &dberr);
  rocksdb_iter_destroy(it);
  rocksdb_readoptions_destroy(ro);
  return dberr ? store_db_fail(err, dberr, "audit list") : n;
}
