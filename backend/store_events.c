/* store_events.c — event reads over the day partitions: timeline pages,
 * organisation scans, atom lookups, children, counts. */
#include "backend/store_events.h"

#include <stdlib.h>
#include <string.h>

#include "backend/store_children.h"
#include "backend/store_int.h"
#include "backend/store_keys.h"
#include "shared/alloc.h"
#include "shared/limits.h"

enum { ROW_NEXT = 0, ROW_STOP = 1 };

/* Hand the event stored under key k (49 bytes) with value v to cb. Returns
 * 1 delivered, 2 delivered and cb asked to stop, 0 if v is not an event. */
static int deliver_kv(const uint8_t *k, const char *v, size_t vl, store_rec_cb cb, void *ctx) {
  if (vl < STORE_VALUE_HEAD_LEN) return 0;
  struct store_rec r = {.oid = k + 1, .sid = k + 17};
  r.time_ms = (int64_t)store_keys_get_be64(k + 33);
  r.seq = store_keys_get_be64(k + 41);
  r.type_id = store_keys_get_be16((const uint8_t *)v);
  r.data = v + STORE_VALUE_HEAD_LEN;
  r.len = vl - STORE_VALUE_HEAD_LEN;
  return cb(ctx, &r) ? 2 : 1;
}

/* Fetch the event at oid|suffix in cf and hand it to cb. Returns 0 if it is
 * missing, 1 delivered, 2 delivered and cb asked to stop, or negative. */
static int deliver(struct store *s, rocksdb_column_family_handle_t *cf, const uint8_t *oid,
                   const uint8_t *suffix, store_rec_cb cb, void *ctx, struct vg_err *err) {
  uint8_t k[STORE_KEY_EVENT_LEN];
  char *dberr = NULL;
  store_keys_event_from_suffix(k, oid, suffix);
  rocksdb_pinnableslice_t *v =
      rocksdb_get_pinned_cf(s->db, s->ro, cf, (const char *)k, sizeof(k), &dberr);
  if (dberr) return store_db_fail(err, dberr, "event get");
  if (!v) return 0;
  size_t vl;
  const char *val = rocksdb_pinnableslice_value(v, &vl);
  int r = deliver_kv(k, val, vl, cb, ctx);
  rocksdb_pinnableslice_destroy(v);
  return r;
}

/* Called per key in range; returns ROW_NEXT, ROW_STOP or negative. */
typedef int (*row_fn)(struct store *s, rocksdb_column_family_handle_t *cf, const uint8_t *k,
                      size_t kl, const char *v, size_t vl, void *ctx, struct vg_err *err);

/* Keys in [lo, hi) of every partition whose day meets [t0, t1), ascending;
 * after each partition's keys, fn once more with k NULL (kl 0), while the
 * partition's handle is still valid. */
static int walk(struct store *s, int64_t t0, int64_t t1, const uint8_t *lo, size_t lolen,
                const uint8_t *hi, size_t hilen, row_fn fn, void *ctx, struct vg_err *err) {
  int r = ROW_NEXT;
  if (t1 <= t0) return 0;
  int32_t last = store_day_of(t1 - 1);
  rocksdb_readoptions_t *ro = rocksdb_readoptions_create();
  rocksdb_readoptions_set_iterate_upper_bound(ro, (const char *)hi, hilen);
  pthread_rwlock_rdlock(&s->lock);
  for (size_t i = store_part_lower(s, store_day_of(t0));
       i < s->nparts && s->parts[i].day <= last && r == ROW_NEXT; i++) {
    rocksdb_column_family_handle_t *cf = s->parts[i].cf;
    rocksdb_iterator_t *it = rocksdb_create_iterator_cf(s->db, ro, cf);
    for (rocksdb_iter_seek(it, (const char *)lo, lolen); rocksdb_iter_valid(it) && r == ROW_NEXT;
         rocksdb_iter_next(it)) {
      size_t kl, vl;
      const char *k = rocksdb_iter_key(it, &kl), *v = rocksdb_iter_value(it, &vl);
      r = fn(s, cf, (const uint8_t *)k, kl, v, vl, ctx, err);
    }
    if (r == ROW_NEXT) r = fn(s, cf, NULL, 0, NULL, 0, ctx, err); /* the partition's end */
    char *dberr = NULL;
    rocksdb_iter_get_error(it, &dberr);
    rocksdb_iter_destroy(it);
    if (dberr) r = store_db_fail(err, dberr, "event scan");
  }
  pthread_rwlock_unlock(&s->lock);
  rocksdb_readoptions_destroy(ro);
  return r < 0 ? r : 0;
}

struct cb_ctx {
  const uint8_t *oid;
  store_rec_cb cb;
  void *ctx;
  int64_t n;
};

static void time_bounds(uint8_t *lo, uint8_t *hi, size_t at, int64_t t0, int64_t t1) {
  store_keys_put_be64(lo + at, (uint64_t)t0);
  store_keys_put_be64(hi + at, (uint64_t)t1);
}

/* The scan of one partition: every sensor's events of oid in [t0, t1). The
 * iterator skips from one sensor to the next with a seek, so a sensor with
 * nothing in range costs one seek. */
static int scan_part(struct store *s, rocksdb_column_family_handle_t *cf, const uint8_t *oid,
                     int64_t t0, int64_t t1, struct cb_ctx *c, struct vg_err *err) {
  uint8_t hi[17] = {STORE_KEY_EVENT}, pos[STORE_KEY_EVENT_LEN] = {STORE_KEY_EVENT};
  memcpy(hi + 1, oid, STORE_ID_BYTES);
  for (int i = 16; i >= 1; i--) /* past every E key of oid */
    if (++hi[i]) break;
  memcpy(pos + 1, oid, STORE_ID_BYTES);
  store_keys_put_be64(pos + 33, (uint64_t)t0);
  rocksdb_readoptions_t *ro = rocksdb_readoptions_create();
  rocksdb_readoptions_set_iterate_upper_bound(ro, (const char *)hi, sizeof(hi));
  rocksdb_iterator_t *it = rocksdb_create_iterator_cf(s->db, ro, cf);
  int r = 0;
  rocksdb_iter_seek(it, (const char *)pos, 41);
  while (r == 0 && rocksdb_iter_valid(it)) {
    size_t kl, vl;
    const uint8_t *k = (const uint8_t *)rocksdb_iter_key(it, &kl);
    if (kl != STORE_KEY_EVENT_LEN) {
      rocksdb_iter_next(it);
      continue;
    }
    int64_t t = (int64_t)store_keys_get_be64(k + 33);
    if (t < t0 || t >= t1) { /* seek to this sensor's t0, or the next sensor's */
      memcpy(pos + 17, k + 17, STORE_ID_BYTES);
      if (t >= t1) {
        int i = 32;
        while (i >= 17 && ++pos[i] == 0) i--;
        if (i < 17) break; /* the last possible sid */
      }
      store_keys_put_be64(pos + 33, (uint64_t)t0);
      rocksdb_iter_seek(it, (const char *)pos, 41);
      continue;
    }
    const char *v = rocksdb_iter_value(it, &vl);
    int d = deliver_kv(k, v, vl, c->cb, c->ctx);
    c->n += d > 0;
    if (d == 2) r = 1;
    rocksdb_iter_next(it);
  }
  char *dberr = NULL;
  rocksdb_iter_get_error(it, &dberr);
  rocksdb_iter_destroy(it);
  rocksdb_readoptions_destroy(ro);
  if (dberr) return store_db_fail(err, dberr, "event scan");
  return r;
}

int64_t store_events_scan(struct store *s, const uint8_t *oid, int64_t t0, int64_t t1,
                          store_rec_cb cb, void *ctx, struct vg_err *err) {
  if (!oid || !cb) return vg_err_fail(err, VG_EINVAL, "store_events_scan: bad arguments");
  if (t0 < 0) t0 = 0;
  struct cb_ctx c = {oid, cb, ctx, 0};
  if (t1 <= t0) return 0;
  int32_t last = store_day_of(t1 - 1);
  int r = 0;
  pthread_rwlock_rdlock(&s->lock);
  for (size_t i = store_part_lower(s, store_day_of(t0));
       i < s->nparts && s->parts[i].day <= last && r == 0; i++)
    r = scan_part(s, s->parts[i].cf, oid, t0, t1, &c, err);
  pthread_rwlock_unlock(&s->lock);
  return r < 0 ? r : c.n;
}

/* Children are delivered in (time, sid, seq) order although a row holds a
 * run of them: decoded children wait in buf until no later row can hold an
 * earlier one — rows are in key order, so none holds a child before the
 * current row's first time — and at the end of each partition. */
struct child_walk {
  struct cb_ctx c;
  int64_t t0, t1;
  struct child_ent {
    int64_t time_ms;
    uint64_t seq;
    uint8_t sid[STORE_ID_BYTES];
  } *buf;
  size_t n, cap;
  struct store_child run[STORE_CHILD_RUN_MAX];
};

static int cmp_child(const void *x, const void *y) {
  const struct child_ent *p = x, *q = y;
  if (p->time_ms != q->time_ms) return p->time_ms < q->time_ms ? -1 : 1;
  int c = memcmp(p->sid, q->sid, STORE_ID_BYTES);
  if (c) return c;
  return p->seq < q->seq ? -1 : p->seq > q->seq;
}

/* Deliver the buffered children with time < before, in order. */
static int child_flush(struct store *s, rocksdb_column_family_handle_t *cf, struct child_walk *w,
                       int64_t before, struct vg_err *err) {
  if (!w->n) return ROW_NEXT; /* buf may still be NULL */
  qsort(w->buf, w->n, sizeof(*w->buf), cmp_child);
  size_t i = 0;
  int r = ROW_NEXT;
  for (; i < w->n && w->buf[i].time_ms < before && r == ROW_NEXT; i++) {
    uint8_t suffix[STORE_KEY_SUFFIX_LEN];
    store_keys_suffix(suffix, w->buf[i].sid, w->buf[i].time_ms, w->buf[i].seq);
    int d = deliver(s, cf, w->c.oid, suffix, w->c.cb, w->c.ctx, err);
    if (d < 0) return d;
    w->c.n += d > 0;
    if (d == 2) r = ROW_STOP;
  }
  memmove(w->buf, w->buf + i, (w->n - i) * sizeof(*w->buf));
  w->n -= i;
  return r;
}

static int row_child(struct store *s, rocksdb_column_family_handle_t *cf, const uint8_t *k,
                     size_t kl, const char *v, size_t vl, void *ctx, struct vg_err *err) {
  struct child_walk *w = ctx;
  if (!k) return child_flush(s, cf, w, INT64_MAX, err); /* the partition's end */
  if (kl != STORE_KEY_CHILD_LEN) return ROW_NEXT;
  size_t m;
  int r = store_children_decode(k, kl, (const uint8_t *)v, vl, w->run, &m, err);
  if (r < 0) return r;
  r = child_flush(s, cf, w, w->run[0].time_ms, err);
  if (r != ROW_NEXT) return r;
  if (w->n + m > w->cap) {
    w->cap = w->n + m > 2 * w->cap ? w->n + m : 2 * w->cap;
    w->buf = vg_xreallocarray(w->buf, w->cap, sizeof(*w->buf));
  }
  for (size_t i = 0; i < m; i++) {
    if (w->run[i].time_ms < w->t0 || w->run[i].time_ms >= w->t1) continue;
    struct child_ent *c = &w->buf[w->n++];
    c->time_ms = w->run[i].time_ms;
    c->seq = w->run[i].seq;
    memcpy(c->sid, k + 41, STORE_ID_BYTES);
  }
  /* A flood of one parent's children within one span: deliver what is held
   * rather than hold it all (order is then kept within each batch of them). */
  return w->n >= STORE_CHILD_BUFFER_MAX ? child_flush(s, cf, w, INT64_MAX, err) : ROW_NEXT;
}

int64_t store_events_children(struct store *s, const uint8_t *oid, const uint8_t *atom, int64_t t0,
                              int64_t t1, store_rec_cb cb, void *ctx, struct vg_err *err) {
  if (!oid || !atom || !cb)
    return vg_err_fail(err, VG_EINVAL, "store_events_children: bad arguments");
  if (t0 < 0) t0 = 0;
  /* a row starting up to one span before t0 may hold children after it */
  int64_t from = t0 > STORE_CHILD_RUN_SPAN_MS ? t0 - STORE_CHILD_RUN_SPAN_MS : 0;
  uint8_t lo[41], hi[41];
  store_keys_prefix(lo, STORE_KEY_CHILD, oid, atom);
  memcpy(hi, lo, STORE_KEY_PREFIX_LEN);
  time_bounds(lo, hi, 33, from, t1);
  struct child_walk *w = vg_xcalloc(1, sizeof(*w));
  w->c = (struct cb_ctx){oid, cb, ctx, 0};
  w->t0 = t0;
  w->t1 = t1;
  int r = t1 > t0 ? walk(s, from, t1, lo, sizeof(lo), hi, sizeof(hi), row_child, w, err) : 0;
  int64_t n = w->c.n;
  free(w->buf);
  free(w);
  return r < 0 ? r : n;
}

int store_events_atom(struct store *s, const uint8_t *oid, const uint8_t *atom, store_rec_cb cb,
                      void *ctx, struct vg_err *err) {
  if (!oid || !atom || !cb) return vg_err_fail(err, VG_EINVAL, "store_events_atom: bad arguments");
  uint8_t k[STORE_KEY_ATOM_LEN];
  store_keys_prefix(k, STORE_KEY_ATOM, oid, atom);
  int r = 0;
  pthread_rwlock_rdlock(&s->lock);
  for (size_t i = s->nparts; i-- > 0 && r == 0;) {
    char *dberr = NULL;
    rocksdb_column_family_handle_t *cf = s->parts[i].cf;
    rocksdb_pinnableslice_t *v =
        rocksdb_get_pinned_cf(s->db, s->ro, cf, (const char *)k, sizeof(k), &dberr);
    if (dberr) {
      r = store_db_fail(err, dberr, "atom get");
      break;
    }
    if (!v) continue;
    size_t vl;
    const char *suffix = rocksdb_pinnableslice_value(v, &vl);
    if (vl == STORE_KEY_SUFFIX_LEN)
      r = deliver(s, cf, oid, (const uint8_t *)suffix, cb, ctx, err);
    rocksdb_pinnableslice_destroy(v);
  }
  pthread_rwlock_unlock(&s->lock);
  return r < 0 ? r : r > 0;
}

struct count_ctx {
  int64_t t0, t1;
  uint64_t *n;
};

static int row_count(struct store *s, rocksdb_column_family_handle_t *cf, const uint8_t *k,
                     size_t kl, const char *v, size_t vl, void *ctx, struct vg_err *err) {
  (void)s, (void)cf, (void)v, (void)vl, (void)err;
  struct count_ctx *c = ctx;
  if (kl != STORE_KEY_EVENT_LEN) return ROW_NEXT;
  int64_t t = (int64_t)store_keys_get_be64(k + 33);
  *c->n += t >= c->t0 && t < c->t1;
  return ROW_NEXT;
}

int store_events_count(struct store *s, const uint8_t *oid, const uint8_t *sid, int64_t t0,
                       int64_t t1, uint64_t *out, struct vg_err *err) {
  if (!oid || !out) return vg_err_fail(err, VG_EINVAL, "store_events_count: bad arguments");
  *out = 0;
  if (t0 < 0) t0 = 0;
  uint8_t lo[41], hi[41];
  size_t n = 17;
  lo[0] = STORE_KEY_EVENT;
  memcpy(lo + 1, oid, STORE_ID_BYTES);
  if (sid) n = store_keys_prefix(lo, STORE_KEY_EVENT, oid, sid);
  memcpy(hi, lo, n);
  int i = (int)n - 1;
  while (i >= 1 && ++hi[i] == 0) i--; /* past every key with this prefix */
  struct count_ctx c = {t0, t1, out};
  if (sid) { /* one sensor: its keys are in time order */
    time_bounds(lo, hi, 33, t0, t1);
    memcpy(hi, lo, 33);
    return walk(s, t0, t1, lo, 41, hi, 41, row_count, &c, err);
  }
  return walk(s, t0, t1, lo, n, hi, n, row_count, &c, err);
}

static bool type_wanted(const struct store_timeline_q *q, uint16_t t) {
  if (!q->ntypes) return true;
  for (size_t i = 0; i < q->ntypes; i++)
    if (q->types[i] == t) return true;
  return false;
}

/* One partition of a timeline page. Returns delivered count, or negative;
 * *stop when cb asked to. pos (49 bytes) is the start key; cur updated. */
static int timeline_part(struct store *s, rocksdb_column_family_handle_t *cf,
                         const struct store_timeline_q *q, const uint8_t *pos, size_t want,
                         struct store_cursor *cur, store_rec_cb cb, void *ctx, bool *stop,
                         struct vg_err *err) {
  bool fwd = q->dir == STORE_FORWARD;
  uint8_t bound[STORE_KEY_PREFIX_LEN + 1];
  memcpy(bound, pos, STORE_KEY_PREFIX_LEN);
  bound[STORE_KEY_PREFIX_LEN] = 0xff; /* past every E key of this sensor */
  rocksdb_readoptions_t *ro = rocksdb_readoptions_create();
  if (fwd)
    rocksdb_readoptions_set_iterate_upper_bound(ro, (const char *)bound, sizeof(bound));
  else
    rocksdb_readoptions_set_iterate_lower_bound(ro, (const char *)bound, STORE_KEY_PREFIX_LEN);
  rocksdb_iterator_t *it = rocksdb_create_iterator_cf(s->db, ro, cf);
  if (fwd)
    rocksdb_iter_seek(it, (const char *)pos, STORE_KEY_EVENT_LEN);
  else
    rocksdb_iter_seek_for_prev(it, (const char *)pos, STORE_KEY_EVENT_LEN);
  int n = 0;
  for (; rocksdb_iter_valid(it) && (size_t)n < want && !*stop;
       fwd ? rocksdb_iter_next(it) : rocksdb_iter_prev(it)) {
    size_t kl, vl;
    const uint8_t *k = (const uint8_t *)rocksdb_iter_key(it, &kl);
    const char *v = rocksdb_iter_value(it, &vl);
    if (kl != STORE_KEY_EVENT_LEN || vl < STORE_VALUE_HEAD_LEN) continue;
    if (cur->set && memcmp(k + 33, cur->pos, sizeof(cur->pos)) == 0) continue;
    if (!type_wanted(q, store_keys_get_be16((const uint8_t *)v))) continue;
    int r = deliver_kv(k, v, vl, cb, ctx);
    cur->set = 1;
    memcpy(cur->pos, k + 33, sizeof(cur->pos));
    n++;
    *stop = r == 2;
  }
  char *dberr = NULL;
  rocksdb_iter_get_error(it, &dberr);
  rocksdb_iter_destroy(it);
  rocksdb_readoptions_destroy(ro);
  return dberr ? store_db_fail(err, dberr, "timeline") : n;
}

int store_events_timeline(struct store *s, const struct store_timeline_q *q,
                          struct store_cursor *cur, store_rec_cb cb, void *ctx,
                          struct vg_err *err) {
  if (!q || !q->oid || !q->sid || !cur || !cb || q->limit == 0 || q->limit > VG_LIMIT_STORE_PAGE ||
      q->ntypes > VG_LIMIT_STORE_TYPE_FILTER || (q->ntypes && !q->types))
    return vg_err_fail(err, VG_EINVAL, "store_events_timeline: bad arguments");
  bool fwd = q->dir == STORE_FORWARD;
  uint8_t pos[STORE_KEY_EVENT_LEN];
  int64_t from = q->from_ms < 0 ? 0 : q->from_ms;
  store_keys_event(pos, q->oid, q->sid, from, fwd ? 0 : UINT64_MAX);
  if (cur->set) memcpy(pos + 33, cur->pos, sizeof(cur->pos));
  int32_t day = store_day_of((int64_t)store_keys_get_be64(pos + 33));
  int total = 0;
  bool stop = false;
  pthread_rwlock_rdlock(&s->lock);
  size_t i = store_part_lower(s, day);
  if (!fwd) /* one past the last partition to read */
    i = day == INT32_MAX ? s->nparts : store_part_lower(s, day + 1);
  while ((size_t)total < q->limit && !stop && (fwd ? i < s->nparts : i > 0)) {
    rocksdb_column_family_handle_t *cf = s->parts[fwd ? i++ : --i].cf;
    int r = timeline_part(s, cf, q, pos, q->limit - (size_t)total, cur, cb, ctx, &stop, err);
    if (r < 0) {
      total = r;
      break;
    }
    total += r;
  }
  pthread_rwlock_unlock(&s->lock);
  return total;
}
