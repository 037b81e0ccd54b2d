/* store_write.c — the event write path: one WriteBatch per call holding the
 * event keys, the atom/child indexes and the counter merges, summed per
 * (oid, sid, bucket, type) within the batch. */
#include <stdlib.h>
#include <string.h>

#include "backend/store_children.h"
#include "backend/store_counters.h"
#include "backend/store_int.h"
#include "backend/store_keys.h"
#include "shared/alloc.h"
#include "shared/hash.h"
#include "shared/limits.h"

/* Open-addressing table of counter keys → sums, reused across calls. */
struct agg_slot {
  uint8_t key[STORE_KEY_COUNTER_LEN];
  bool used;
  uint64_t n;
};
/* A put waiting to enter the batch (pend_emit orders them for the memtable). */
struct pending {
  rocksdb_column_family_handle_t *cf;
  const char *val;
  size_t vlen;
  uint8_t klen;
  uint8_t key[STORE_KEY_CHILD_LEN];
  uint8_t small[STORE_KEY_SUFFIX_LEN]; /* index values; the event's type id head */
  bool head; /* the value is small[0..2) (the type id) then val */
};
struct store_agg {
  struct agg_slot *slots;
  size_t cap;     /* power of two */
  uint32_t *used; /* indexes of used slots, to emit and reset */
  size_t nused;
  struct pending *pend;
  struct pending **order; /* pend sorted by (cf, key) */
  size_t npend, cappend;
  /* The event keys this call added, as pend indexes + 1: built only when an
   * event may be a resend (call_has), then kept up to date for the call. */
  uint32_t *keyset;
  size_t keycap; /* power of two */
  bool keys_on;
};

static const uint8_t zero_sid[STORE_ID_BYTES];

void store_write_agg_free(struct store_agg *a) {
  if (!a) return;
  free(a->slots);
  free(a->used);
  free(a->pend);
  free(a->order);
  free(a->keyset);
  free(a);
}

static void agg_reserve(struct store *s, size_t events) {
  struct store_agg *a = s->agg;
  if (!a) a = s->agg = vg_xcalloc(1, sizeof(*a));
  a->npend = 0;
  a->keys_on = false;
  if (a->cappend < events * 3) {
    a->cappend = events * 3;
    a->pend = vg_xreallocarray(a->pend, a->cappend, sizeof(*a->pend));
    a->order = vg_xreallocarray(a->order, a->cappend, sizeof(*a->order));
  }
  size_t keys = events * 6;
  if (a->cap >= keys * 2) return;
  size_t cap = 1024;
  while (cap < keys * 2) cap *= 2;
  free(a->slots);
  free(a->used);
  a->slots = vg_xcalloc(cap, sizeof(*a->slots));
  a->used = vg_xcalloc(cap, sizeof(*a->used));
  a->cap = cap;
  a->nused = 0;
}

static void agg_add(struct store_agg *a, const uint8_t *key, uint64_t n) {
  size_t mask = a->cap - 1, i = (size_t)vg_hash64(key, STORE_KEY_COUNTER_LEN) & mask;
  while (a->slots[i].used && memcmp(a->slots[i].key, key, STORE_KEY_COUNTER_LEN) != 0)
    i = (i + 1) & mask;
  struct agg_slot *sl = &a->slots[i];
  if (!sl->used) {
    memcpy(sl->key, key, STORE_KEY_COUNTER_LEN);
    sl->used = true;
    sl->n = 0;
    a->used[a->nused++] = (uint32_t)i;
  }
  sl->n += n;
}

/* Per event, one sum: its sensor's minute bucket. agg_expand derives the
 * hour and day buckets and the organisation-wide rows from those sums. */
static void agg_count(struct store_agg *a, const struct store_event *e, int64_t t) {
  uint8_t k[STORE_KEY_COUNTER_LEN];
  store_keys_counter(k, STORE_GRAN_MINUTE, store_counters_period(STORE_GRAN_MINUTE, t), e->oid,
                     e->sid, store_counters_bucket(STORE_GRAN_MINUTE, t), e->type_id);
  agg_add(a, k, 1);
}

/* Replace the minute sums of agg_count by every row they add to: each
 * granularity, for the sensor and for the organisation (sid zero). */
static void agg_expand(struct store_agg *a) {
  size_t n = a->nused;
  struct {
    uint8_t key[STORE_KEY_COUNTER_LEN];
    uint64_t n;
  } *min = vg_xreallocarray(NULL, n ? n : 1, sizeof(*min));
  for (size_t i = 0; i < n; i++) {
    struct agg_slot *sl = &a->slots[a->used[i]];
    memcpy(min[i].key, sl->key, STORE_KEY_COUNTER_LEN);
    min[i].n = sl->n;
    sl->used = false;
  }
  a->nused = 0;
  for (size_t i = 0; i < n; i++) {
    const uint8_t *mk = min[i].key, *oid = mk + 5, *sid = mk + 21;
    int64_t t = (int64_t)store_keys_get_be64(mk + 37);
    uint16_t type = store_keys_get_be16(mk + 45);
    uint8_t k[STORE_KEY_COUNTER_LEN];
    for (int g = STORE_GRAN_MINUTE; g <= STORE_GRAN_DAY; g++) {
      uint32_t period = store_counters_period(g, t);
      int64_t bucket = store_counters_bucket(g, t);
      store_keys_counter(k, g, period, oid, sid, bucket, type);
      agg_add(a, k, min[i].n);
      store_keys_counter(k, g, period, oid, zero_sid, bucket, type);
      agg_add(a, k, min[i].n);
    }
  }
  free(min);
}

static int cmp_slot(const void *x, const void *y, void *slots) {
  const struct agg_slot *sl = slots;
  return memcmp(sl[*(const uint32_t *)x].key, sl[*(const uint32_t *)y].key, STORE_KEY_COUNTER_LEN);
}
static int cmp_pending(const void *x, const void *y) {
  const struct pending *p = *(struct pending *const *)x, *q = *(struct pending *const *)y;
  if (p->cf != q->cf) return (uintptr_t)p->cf < (uintptr_t)q->cf ? -1 : 1;
  int c = memcmp(p->key, q->key, p->klen < q->klen ? p->klen : q->klen);
  return c ? c : (int)p->klen - (int)q->klen;
}

/* Add the sums to b (if not NULL), in key order, and empty the table. */
static void agg_emit(struct store *s, rocksdb_writebatch_t *b) {
  struct store_agg *a = s->agg;
  if (b) agg_expand(a);
  if (b) qsort_r(a->used, a->nused, sizeof(*a->used), cmp_slot, a->slots);
  for (size_t i = 0; i < a->nused; i++) {
    struct agg_slot *sl = &a->slots[a->used[i]];
    sl->used = false;
    if (!b) continue;
    uint8_t v[8];
    for (int j = 0; j < 8; j++) v[j] = (uint8_t)(sl->n >> (8 * j)); /* u64 little-endian */
    rocksdb_writebatch_merge_cf(b, s->cf_counters, (const char *)sl->key, sizeof(sl->key),
                                (const char *)v, sizeof(v));
  }
  a->nused = 0;
}

/* Is the event (its key) already stored? */
static int already_stored(struct store *s, rocksdb_column_family_handle_t *cf, const uint8_t *sk,
                          bool *found, struct vg_err *err) {
  char *dberr = NULL;
  rocksdb_pinnableslice_t *v =
      rocksdb_get_pinned_cf(s->db, s->ro, cf, (const char *)sk, STORE_KEY_EVENT_LEN, &dberr);
  if (dberr) return store_db_fail(err, dberr, "dedupe lookup");
  *found = v != NULL;
  rocksdb_pinnableslice_destroy(v);
  return 0;
}

static struct pending *pend_add(struct store_agg *a, rocksdb_column_family_handle_t *cf,
                                const uint8_t *k, size_t klen) {
  struct pending *p = &a->pend[a->npend++];
  p->cf = cf;
  p->klen = (uint8_t)klen;
  memcpy(p->key, k, klen);
  p->val = (const char *)p->small;
  p->vlen = 0;
  p->head = false;
  return p;
}

static void keyset_put(struct store_agg *a, size_t pi) {
  size_t mask = a->keycap - 1, j = (size_t)vg_hash64(a->pend[pi].key, STORE_KEY_EVENT_LEN) & mask;
  while (a->keyset[j]) j = (j + 1) & mask;
  a->keyset[j] = (uint32_t)pi + 1;
}

/* Did this call already add the event key ek? Two copies of one batch can
 * meet in one call (a sensor resends while the first copy still waits to be
 * written); the store lookup cannot see the first. Only events that may be
 * resends ask, so the set is built on the first question. */
static bool call_has(struct store_agg *a, const uint8_t *ek) {
  if (!a->keys_on) {
    size_t cap = 1024;
    while (cap < a->cappend * 2) cap *= 2;
    if (a->keycap != cap) {
      free(a->keyset);
      a->keyset = vg_xcalloc(cap, sizeof(*a->keyset));
      a->keycap = cap;
    } else {
      memset(a->keyset, 0, cap * sizeof(*a->keyset));
    }
    for (size_t i = 0; i < a->npend; i++)
      if (a->pend[i].head) keyset_put(a, i);
    a->keys_on = true;
  }
  size_t mask = a->keycap - 1, j = (size_t)vg_hash64(ek, STORE_KEY_EVENT_LEN) & mask;
  for (; a->keyset[j]; j = (j + 1) & mask)
    if (memcmp(a->pend[a->keyset[j] - 1].key, ek, STORE_KEY_EVENT_LEN) == 0) return true;
  return false;
}

/* Queue the event key and its atom index (children: store_children_add). */
static void put_event(struct store_agg *a, rocksdb_column_family_handle_t *cf,
                      const struct store_event *e, int64_t t, const uint8_t *ek) {
  uint8_t k[STORE_KEY_ATOM_LEN];
  struct pending *p = pend_add(a, cf, ek, STORE_KEY_EVENT_LEN);
  store_keys_put_be16(p->small, e->type_id);
  p->head = true;
  if (a->keys_on) keyset_put(a, (size_t)(p - a->pend));
  p->val = e->data;
  p->vlen = e->len;
  if (e->has_this) {
    store_keys_prefix(k, STORE_KEY_ATOM, e->oid, e->this_atom);
    p = pend_add(a, cf, k, STORE_KEY_ATOM_LEN);
    p->vlen = store_keys_suffix(p->small, e->sid, t, e->seq);
  }
}

/* A row of the child index (store_children_emit) into the pending puts. */
static void put_child(void *ctx, rocksdb_column_family_handle_t *cf, const uint8_t *k,
                      const uint8_t *v, size_t vl) {
  struct pending *p = pend_add(ctx, cf, k, STORE_KEY_CHILD_LEN);
  p->val = (const char *)v;
  p->vlen = vl;
}

/* The index keys (A, C) in key order: they land all over the memtable, and
 * sorted inserts reuse the skiplist's splice. The event keys come after them
 * in arrival order: each batch is one sensor's events in seq order, already
 * sorted, so sorting them too costs more than it saves (measured). */
static void pend_emit(struct store_agg *a, rocksdb_writebatch_t *b) {
  size_t n = 0;
  for (size_t i = 0; i < a->npend; i++)
    if (!a->pend[i].head) a->order[n++] = &a->pend[i];
  qsort(a->order, n, sizeof(*a->order), cmp_pending);
  for (size_t i = 0; i < a->npend; i++)
    if (a->pend[i].head) a->order[n++] = &a->pend[i];
  for (size_t i = 0; i < a->npend; i++) {
    struct pending *p = a->order[i];
    if (p->head) {
      const char *k = (const char *)p->key, *v[2] = {(const char *)p->small, p->val};
      size_t kl = p->klen, vl[2] = {STORE_VALUE_HEAD_LEN, p->vlen};
      rocksdb_writebatch_putv_cf(b, p->cf, 1, &k, &kl, 2, v, vl);
    } else {
      rocksdb_writebatch_put_cf(b, p->cf, (const char *)p->key, p->klen, p->val, p->vlen);
    }
  }
  a->npend = 0;
}

static int validate(const struct store_event *ev, size_t n, struct vg_err *err) {
  if (n > VG_LIMIT_STORE_BATCH_EVENTS)
    return vg_err_fail(err, VG_ELIMIT, "store: %zu events in one batch (max %d)", n,
                       VG_LIMIT_STORE_BATCH_EVENTS);
  for (size_t i = 0; i < n; i++) {
    if (ev[i].len > VG_LIMIT_EVENT_BYTES)
      return vg_err_fail(err, VG_ELIMIT, "store: event %zu is %zu bytes", i, ev[i].len);
    if ((!ev[i].data && ev[i].len) || ev[i].type_id == 0)
      return vg_err_fail(err, VG_EINVAL, "store: event %zu has no data or type", i);
  }
  return 0;
}

/* Effective key times: far-future → now; refused → INT64_MIN. Creates the
 * partitions the batch needs. Returns refused count or negative. */
static int plan(struct store *s, const struct store_event *ev, size_t n, int64_t *t,
                struct vg_err *err) {
  int64_t now = store_now_ms(s), horizon = now - s->retention_ms;
  int refused = 0;
  int32_t last_day = INT32_MIN;
  for (size_t i = 0; i < n; i++) {
    t[i] = ev[i].time_ms > now + STORE_DAY_MS ? now : ev[i].time_ms;
    if (t[i] < horizon || t[i] < 0) {
      t[i] = INT64_MIN;
      refused++;
      continue;
    }
    int32_t day = store_day_of(t[i]);
    if (day == last_day) continue;
    int r = store_part_ensure(s, day, err);
    if (r < 0) return r;
    last_day = day;
  }
  return refused;
}

/* RocksDB counts into its thread-local perf context on every memtable
 * insert unless the thread's perf level says not to; through the shared
 * library each of those is a __tls_get_addr call: about 1.1 us of writer
 * CPU per event in bench_ingest. Nothing here reads the counts. */
static void perf_off(void) {
  static _Thread_local bool off;
  if (off) return;
  rocksdb_set_perf_level(rocksdb_disable);
  off = true;
}

int store_write_events(struct store *s, const struct store_event *ev, size_t n, bool sync,
                       struct vg_err *err) {
  perf_off();
  int r = validate(ev, n, err);
  if (r < 0 || n == 0) return r;
  int64_t *t = vg_xcalloc(n, sizeof(*t));
  pthread_mutex_lock(&s->write_mu);
  int refused = plan(s, ev, n, t, err);
  if (refused < 0) {
    r = refused;
    goto out;
  }
  agg_reserve(s, n);
  store_seq_begin(s, n);
  if (!s->wb) s->wb = rocksdb_writebatch_create();
  rocksdb_writebatch_t *b = s->wb; /* cleared after the write: no regrowth per call */
  uint64_t written = 0, dup = 0;
  pthread_rwlock_rdlock(&s->lock);
  int32_t last_day = INT32_MIN;
  rocksdb_column_family_handle_t *cf = NULL;
  for (size_t i = 0; i < n && r == 0; i++) {
    if (t[i] == INT64_MIN) continue;
    int32_t day = store_day_of(t[i]);
    if (day != last_day) cf = store_part_find(s, day), last_day = day;
    if (!cf) { /* dropped by a concurrent retention run: past the horizon */
      refused++;
      continue;
    }
    uint8_t sk[STORE_KEY_EVENT_LEN];
    bool found = false, maybe = false;
    store_keys_event(sk, ev[i].oid, ev[i].sid, t[i], ev[i].seq);
    r = store_seq_maybe_stored(s, &ev[i], &maybe, err);
    if (r == 0 && maybe) found = call_has(s->agg, sk);
    if (r == 0 && maybe && !found) r = already_stored(s, cf, sk, &found, err);
    if (r < 0 || found) {
      dup += found;
      continue;
    }
    put_event(s->agg, cf, &ev[i], t[i], sk);
    if (ev[i].has_parent) store_children_add(&s->childagg, cf, &ev[i], t[i]);
    agg_count(s->agg, &ev[i], t[i]);
    store_objects_add(s, &ev[i], t[i]); /* the object index (store_objects.c) */
    written++;
  }
  agg_emit(s, r == 0 ? b : NULL);
  store_seq_emit(s, r == 0 ? b : NULL);
  store_objects_emit(s, r == 0 ? b : NULL);
  store_children_emit(s->childagg, r == 0 ? put_child : NULL, s->agg);
  if (r == 0) pend_emit(s->agg, b);
  if (r == 0) {
    char *dberr = NULL;
    rocksdb_write(s->db, sync ? s->wo_sync : s->wo, b, &dberr);
    if (dberr) r = store_db_fail(err, dberr, "write events");
  }
  pthread_rwlock_unlock(&s->lock);
  store_objfold_commit(s, r == 0); /* the object sums, pending until folded */
  rocksdb_writebatch_clear(b);
  if (r == 0) {
    atomic_fetch_add(&s->events_written, written);
    atomic_fetch_add(&s->events_duplicate, dup);
    atomic_fetch_add(&s->events_refused, (uint64_t)refused);
    r = refused;
  }
out:
  pthread_mutex_unlock(&s->write_mu);
  free(t);
  return r;
}
