/* store_objects.c — the object index (store_objects.h): merge operator,
 * per-batch aggregation for the write path, reads. */
#include "backend/store_objects.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "backend/store_int.h"
#include "backend/store_keys.h"
#include "shared/alloc.h"
#include "shared/hash.h"

static const char *const type_names[] = {"", "domain", "ip", "hash", "file_path", "user_name"};

enum store_obj_type store_objects_type(const char *name) {
  for (int i = 1; name && i <= STORE_OBJ_USER; i++)
    if (strcmp(name, type_names[i]) == 0) return (enum store_obj_type)i;
  return 0;
}

const char *store_objects_type_name(enum store_obj_type t) {
  return t >= 1 && t <= STORE_OBJ_USER ? type_names[t] : "";
}

uint64_t store_objects_hash(enum store_obj_type type, const char *v, size_t len) {
  bool fold = type == STORE_OBJ_DOMAIN || type == STORE_OBJ_HASH;
  if (type == STORE_OBJ_DOMAIN && len > 1 && v[len - 1] == '.') len--;
  uint64_t h = 1469598103934665603u;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)v[i];
    h = (h ^ (fold ? (unsigned char)tolower(c) : c)) * 1099511628211u;
  }
  return h;
}

/* --- value: count | first | last, u64/i64 little-endian ------------------ */

struct stat3 {
  uint64_t n;
  int64_t first, last;
};

static uint64_t le64(const char *p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++) v |= (uint64_t)(uint8_t)p[i] << (8 * i);
  return v;
}
static void put_le64(char *p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = (char)(v >> (8 * i));
}

static bool stat_get(const char *v, size_t len, struct stat3 *s) {
  if (len != STORE_OBJECT_VALUE_LEN) return false;
  s->n = le64(v);
  s->first = (int64_t)le64(v + 8);
  s->last = (int64_t)le64(v + 16);
  return true;
}

static void stat_fold(struct stat3 *a, const struct stat3 *b) {
  if (!a->n) {
    *a = *b;
    return;
  }
  a->n += b->n;
  if (b->first < a->first) a->first = b->first;
  if (b->last > a->last) a->last = b->last;
}

static void stat_put(char *v, const struct stat3 *s) {
  put_le64(v, s->n);
  put_le64(v + 8, (uint64_t)s->first);
  put_le64(v + 16, (uint64_t)s->last);
}

void store_objects_value_fold(char *acc, const char *v) {
  struct stat3 a, b;
  if (!stat_get(acc, STORE_OBJECT_VALUE_LEN, &a) || !stat_get(v, STORE_OBJECT_VALUE_LEN, &b)) return;
  stat_fold(&a, &b);
  stat_put(acc, &a);
}

static char *merge_full(void *st, const char *key, size_t klen, const char *old, size_t olen,
                        const char *const *ops, const size_t *oplen, int nops, unsigned char *ok,
                        size_t *len) {
  (void)st, (void)key, (void)klen;
  struct stat3 acc = {0, 0, 0}, x;
  if (old && stat_get(old, olen, &x)) stat_fold(&acc, &x);
  for (int i = 0; i < nops; i++)
    if (stat_get(ops[i], oplen[i], &x)) stat_fold(&acc, &x);
  char *out = malloc(STORE_OBJECT_VALUE_LEN); /* freed by merge_delete */
  *ok = out != NULL;
  if (out) stat_put(out, &acc);
  *len = STORE_OBJECT_VALUE_LEN;
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
static void merge_destroy(void *st) { (void)st; } /* must not be NULL */
static const char *merge_name(void *st) {
  (void)st;
  return "vigil.objstat";
}

rocksdb_mergeoperator_t *store_objects_merge_operator(void) {
  return rocksdb_mergeoperator_create(NULL, merge_destroy, merge_full, merge_partial, merge_delete,
                                      merge_name);
}

/* --- per-batch aggregation (writer only, under write_mu) ----------------- */

struct slot {
  uint8_t key[STORE_KEY_OBJECT_LEN];
  struct stat3 st;
  bool used;
};

struct store_objagg {
  struct slot *slots;
  size_t cap, n; /* cap a power of two, n ≤ cap / 2 */
};

void store_objects_agg_free(struct store_objagg *a) {
  if (!a) return;
  free(a->slots);
  free(a);
}

static void agg_grow(struct store_objagg *a) {
  struct slot *old = a->slots;
  size_t ocap = a->cap;
  a->cap = ocap ? ocap * 2 : 1024;
  a->slots = vg_xcalloc(a->cap, sizeof(*a->slots));
  a->n = 0;
  for (size_t i = 0; i < ocap; i++) {
    if (!old[i].used) continue;
    size_t j = vg_hash64(old[i].key, STORE_KEY_OBJECT_LEN) & (a->cap - 1);
    while (a->slots[j].used) j = (j + 1) & (a->cap - 1);
    a->slots[j] = old[i];
    a->n++;
  }
  free(old);
}

void store_objects_add(struct store *s, const struct store_event *e, int64_t t) {
  if (!e->nobjs) return;
  if (!s->objagg) s->objagg = vg_xcalloc(1, sizeof(*s->objagg));
  struct store_objagg *a = s->objagg;
  for (size_t o = 0; o < e->nobjs && o < STORE_EVENT_OBJECTS; o++) {
    if (2 * (a->n + 1) > a->cap) agg_grow(a);
    uint8_t k[STORE_KEY_OBJECT_LEN];
    memcpy(k, e->oid, STORE_ID_BYTES);
    k[16] = e->objs[o].type;
    store_keys_put_be64(k + 17, e->objs[o].hash);
    store_keys_put_be32(k + 25, (uint32_t)store_day_of(t));
    memcpy(k + 29, e->sid, STORE_ID_BYTES);
    size_t j = vg_hash64(k, sizeof(k)) & (a->cap - 1);
    while (a->slots[j].used && memcmp(a->slots[j].key, k, sizeof(k)) != 0)
      j = (j + 1) & (a->cap - 1);
    struct stat3 one = {1, e->time_ms, e->time_ms};
    if (!a->slots[j].used) {
      memcpy(a->slots[j].key, k, sizeof(k));
      a->slots[j].used = true;
      a->slots[j].st = one;
      a->n++;
    } else {
      stat_fold(&a->slots[j].st, &one);
    }
  }
}

static int cmp_slot(const void *x, const void *y) {
  const struct slot *a = x, *b = y;
  return memcmp(a->key, b->key, STORE_KEY_OBJECT_LEN);
}

/* The batch's sums, in key order, to b as one pending group. */
void store_objects_emit(struct store *s, rocksdb_writebatch_t *b) {
  struct store_objagg *a = s->objagg;
  if (!a || !a->n) return;
  if (b) { /* in key order, like the rest of the batch (docs/storage.md) */
    size_t j = 0; /* the used slots to the front (the table is reset below) */
    for (size_t i = 0; i < a->cap && j < a->n; i++)
      if (a->slots[i].used) {
        if (i != j) a->slots[j] = a->slots[i];
        j++;
      }
    qsort(a->slots, a->n, sizeof(*a->slots), cmp_slot);
    uint8_t *rows = vg_xreallocarray(NULL, a->n, STORE_OBJECT_ROW_LEN), *r = rows;
    for (size_t i = 0; i < a->n; i++, r += STORE_OBJECT_ROW_LEN) {
      memcpy(r, a->slots[i].key, STORE_KEY_OBJECT_LEN);
      stat_put((char *)r + STORE_KEY_OBJECT_LEN, &a->slots[i].st);
    }
    store_objfold_stage(s, b, rows, a->n); /* pending until folded (store_objects_fold.c) */
  }
  memset(a->slots, 0, a->cap * sizeof(*a->slots));
  a->n = 0;
}

/* --- retention ---------------------------------------------------------------- */

int32_t store_objects_horizon_day(const struct store *s) {
  return store_day_of(store_now_ms(s) - s->retention_ms);
}

/* Compaction drops the rows of days past retention (reads already hide them:
 * store_objects_get starts at the horizon). Merge operands are filtered once
 * compaction has folded them into a value. */
static unsigned char obj_filter(void *st, int level, const char *key, size_t klen,
                                const char *v, size_t vlen, char **nv, size_t *nvlen,
                                unsigned char *changed) {
  (void)level, (void)v, (void)vlen, (void)nv, (void)nvlen;
  *changed = 0;
  if (klen != STORE_KEY_OBJECT_LEN) return 0;
  int32_t day = (int32_t)store_keys_get_be32((const uint8_t *)key + 25);
  return day < store_objects_horizon_day(st);
}

static const char *obj_filter_name(void *st) {
  (void)st;
  return "vigil.objretention";
}

static void obj_filter_destroy(void *st) { (void)st; }

rocksdb_compactionfilter_t *store_objects_filter(struct store *s) {
  return rocksdb_compactionfilter_create(s, obj_filter_destroy, obj_filter, obj_filter_name);
}

/* --- reads ------------------------------------------------------------------- */

static int deliver(const uint8_t *k, const struct stat3 *st, store_obj_cb cb, void *ctx) {
  struct store_obj_row r = {(int32_t)store_keys_get_be32(k + 25), k + 29, st->n, st->first,
                            st->last};
  return cb(ctx, &r);
}

int64_t store_objects_get(struct store *s, const uint8_t *oid, enum store_obj_type type,
                          const char *value, size_t len, int32_t day0, int32_t day1,
                          store_obj_cb cb, void *ctx, struct vg_err *err) {
  if (!s || !oid || !value || !cb || type < STORE_OBJ_DOMAIN || type > STORE_OBJ_USER)
    return vg_err_fail(err, VG_EINVAL, "store_objects_get: bad arguments");
  int32_t horizon = store_objects_horizon_day(s);
  if (day0 < horizon) day0 = horizon; /* past retention: gone, even before compaction */
  if (day1 < day0) return 0;
  uint8_t lo[STORE_OBJECT_DAY_KEY_LEN], hi[STORE_OBJECT_DAY_KEY_LEN];
  memcpy(lo, oid, STORE_ID_BYTES);
  lo[16] = (uint8_t)type;
  store_keys_put_be64(lo + 17, store_objects_hash(type, value, len));
  memcpy(hi, lo, 25);
  store_keys_put_be32(lo + 25, (uint32_t)(day0 < 0 ? 0 : day0));
  store_keys_put_be32(hi + 25, (uint32_t)day1 + 1);
  rocksdb_readoptions_t *ro = rocksdb_readoptions_create();
  rocksdb_readoptions_set_iterate_upper_bound(ro, (const char *)hi, sizeof(hi));
  uint8_t *pend = NULL; /* the pending sums, as of the iterator's moment */
  size_t np = 0;
  rocksdb_iterator_t *it = store_objfold_snapshot(s, ro, lo, hi, &pend, &np);
  int64_t n = 0;
  size_t pi = 0;
  bool stop = false;
  for (rocksdb_iter_seek(it, (const char *)lo, sizeof(lo)); !stop && rocksdb_iter_valid(it);
       rocksdb_iter_next(it)) {
    size_t kl, vl;
    const uint8_t *k = (const uint8_t *)rocksdb_iter_key(it, &kl);
    const char *v = rocksdb_iter_value(it, &vl);
    struct stat3 st, ps;
    if (kl != STORE_KEY_OBJECT_LEN || !stat_get(v, vl, &st)) continue;
    for (; !stop && pi < np; pi++) { /* pending rows before this one */
      const uint8_t *p = pend + pi * STORE_OBJECT_ROW_LEN;
      int c = memcmp(p, k, STORE_KEY_OBJECT_LEN);
      if (c > 0) break;
      stat_get((const char *)p + STORE_KEY_OBJECT_LEN, STORE_OBJECT_VALUE_LEN, &ps);
      if (c == 0) {
        stat_fold(&st, &ps);
        continue;
      }
      n++;
      stop = deliver(p, &ps, cb, ctx) != 0;
    }
    if (stop) break;
    n++;
    stop = deliver(k, &st, cb, ctx) != 0;
  }
  for (; !stop && pi < np; pi++) { /* pending rows after the last stored one */
    const uint8_t *p = pend + pi * STORE_OBJECT_ROW_LEN;
    struct stat3 ps;
    stat_get((const char *)p + STORE_KEY_OBJECT_LEN, STORE_OBJECT_VALUE_LEN, &ps);
    n++;
    stop = deliver(p, &ps, cb, ctx) != 0;
  }
  free(pend);
  char *dberr = NULL;
  rocksdb_iter_get_error(it, &dberr);
  rocksdb_iter_destroy(it);
  rocksdb_readoptions_destroy(ro);
  if (dberr) return store_db_fail(err, dberr, "object read");
  return n;
}
