/* store_meta.c — the `meta` column family: typed key-value records. */
#include "backend/store_meta.h"

#include <stdlib.h>
#include <string.h>

#include "backend/store_int.h"
#include "shared/alloc.h"
#include "shared/limits.h"

#define META_KEY_MAX (1 + STORE_ID_BYTES + VG_LIMIT_STORE_META_ID_BYTES)

/* kind | oid | id into k; returns its length or negative. */
static int meta_key(uint8_t *k, uint8_t kind, const uint8_t *oid, const void *id, size_t idlen,
                    bool prefix, struct vg_err *err) {
  if (!oid || kind == 0 || (idlen && !id) || (!prefix && idlen == 0))
    return vg_err_fail(err, VG_EINVAL, "store meta: bad key");
  if (idlen > VG_LIMIT_STORE_META_ID_BYTES)
    return vg_err_fail(err, VG_ELIMIT, "store meta: id of %zu bytes", idlen);
  k[0] = kind;
  memcpy(k + 1, oid, STORE_ID_BYTES);
  if (idlen) memcpy(k + 1 + STORE_ID_BYTES, id, idlen);
  return (int)(1 + STORE_ID_BYTES + idlen);
}

int store_meta_batch(struct store *s, const struct store_meta_op *ops, size_t n,
                     struct vg_err *err) {
  if (n > VG_LIMIT_STORE_META_BATCH)
    return vg_err_fail(err, VG_ELIMIT, "store meta: %zu records in one batch", n);
  rocksdb_writebatch_t *b = rocksdb_writebatch_create();
  int r = 0;
  for (size_t i = 0; i < n && r == 0; i++) {
    uint8_t k[META_KEY_MAX];
    int kl = meta_key(k, ops[i].kind, ops[i].oid, ops[i].id, ops[i].idlen, false, err);
    if (kl < 0) {
      r = kl;
    } else if (ops[i].vlen > VG_LIMIT_STORE_META_VALUE_BYTES) {
      r = vg_err_fail(err, VG_ELIMIT, "store meta: value of %zu bytes", ops[i].vlen);
    } else if (!ops[i].val) {
      rocksdb_writebatch_delete_cf(b, s->cf_meta, (const char *)k, (size_t)kl);
    } else {
      rocksdb_writebatch_put_cf(b, s->cf_meta, (const char *)k, (size_t)kl, ops[i].val,
                                ops[i].vlen);
    }
  }
  if (r == 0) {
    char *dberr = NULL;
    rocksdb_write(s->db, s->wo_sync, b, &dberr);
    if (dberr) r = store_db_fail(err, dberr, "meta write");
  }
  rocksdb_writebatch_destroy(b);
  return r;
}

int store_meta_put(struct store *s, uint8_t kind, const uint8_t *oid, const void *id, size_t idlen,
                   const void *val, size_t vlen, struct vg_err *err) {
  if (!val) return vg_err_fail(err, VG_EINVAL, "store meta: no value");
  struct store_meta_op op = {kind, oid, id, idlen, val, vlen};
  return store_meta_batch(s, &op, 1, err);
}

int store_meta_delete(struct store *s, uint8_t kind, const uint8_t *oid, const void *id,
                      size_t idlen, struct vg_err *err) {
  struct store_meta_op op = {kind, oid, id, idlen, NULL, 0};
  return store_meta_batch(s, &op, 1, err);
}

int store_meta_get(struct store *s, uint8_t kind, const uint8_t *oid, const void *id, size_t idlen,
                   char **val, size_t *vlen, struct vg_err *err) {
  uint8_t k[META_KEY_MAX];
  int kl = meta_key(k, kind, oid, id, idlen, false, err);
  if (kl < 0) return kl;
  char *dberr = NULL;
  rocksdb_pinnableslice_t *v =
      rocksdb_get_pinned_cf(s->db, s->ro, s->cf_meta, (const char *)k, (size_t)kl, &dberr);
  if (dberr) return store_db_fail(err, dberr, "meta get");
  if (!v) return vg_err_fail(err, VG_ENOTFOUND, "store meta: no such record");
  size_t n;
  const char *p = rocksdb_pinnableslice_value(v, &n);
  *val = vg_xmalloc(n + 1);
  memcpy(*val, p, n);
  (*val)[n] = '\0';
  if (vlen) *vlen = n;
  rocksdb_pinnableslice_destroy(v);
  return 0;
}

/* The smallest key greater than every key starting with p[0..n); 0 if none. */
static size_t successor(uint8_t *p, size_t n) {
  while (n > 0 && p[n - 1] == 0xff) n--;
  if (n > 0) p[n - 1]++;
  return n;
}

int store_meta_iter(struct store *s, uint8_t kind, const uint8_t *oid, const void *id_prefix,
                    size_t prefix_len, store_meta_cb cb, void *ctx, struct vg_err *err) {
  uint8_t lo[META_KEY_MAX], hi[META_KEY_MAX];
  int kl = meta_key(lo, kind, oid, id_prefix, prefix_len, true, err);
  if (kl < 0) return kl;
  if (!cb) return vg_err_fail(err, VG_EINVAL, "store meta: no callback");
  memcpy(hi, lo, (size_t)kl);
  size_t hl = successor(hi, (size_t)kl); /* kind ≥ 1, so hl > 0 */
  rocksdb_readoptions_t *ro = rocksdb_readoptions_create();
  rocksdb_readoptions_set_iterate_upper_bound(ro, (const char *)hi, hl);
  rocksdb_iterator_t *it = rocksdb_create_iterator_cf(s->db, ro, s->cf_meta);
  int n = 0;
  for (rocksdb_iter_seek(it, (const char *)lo, (size_t)kl); rocksdb_iter_valid(it);
       rocksdb_iter_next(it)) {
    size_t kn, vn;
    const char *k = rocksdb_iter_key(it, &kn), *v = rocksdb_iter_value(it, &vn);
    n++;
    if (cb(ctx, (const uint8_t *)k + 1 + STORE_ID_BYTES, kn - 1 - STORE_ID_BYTES, v, vn)) break;
  }
  char *dberr = NULL;
  rocksdb_iter_get_error(it, &dberr);
  rocksdb_iter_destroy(it);
  rocksdb_readoptions_destroy(ro);
  return dberr ? store_db_fail(err, dberr, "meta iterate") : n;
}
