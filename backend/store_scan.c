/* store_scan.c — the resumable budgeted organisation scan (store_scan.h). */
#include "backend/store_scan.h"

#include <string.h>

#include "backend/store_int.h"
#include "backend/store_keys.h"

struct scan {
  const struct store_scan_q *q;
  struct store_scan_pos *pos;
  uint64_t cost;
  store_rec_cb cb;
  void *ctx;
};

/* The first listed sid ≥ sid, or NULL. */
static const uint8_t *listed_from(const struct store_scan_q *q, const uint8_t *sid) {
  size_t lo = 0, hi = q->nsids;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (memcmp(q->sids[mid], sid, STORE_ID_BYTES) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo < q->nsids ? q->sids[lo] : NULL;
}

static bool type_ok(const struct store_scan_q *q, uint16_t t) {
  if (!q->types) return true;
  for (size_t i = 0; i < q->ntypes; i++)
    if (q->types[i] == t) return true;
  return false;
}

static void seek_to(rocksdb_iterator_t *it, uint8_t *key, const uint8_t *sid, int64_t t,
                    struct scan *sc) {
  memcpy(key + 17, sid, STORE_ID_BYTES);
  store_keys_put_be64(key + 33, (uint64_t)t);
  memset(key + 41, 0, 8);
  rocksdb_iter_seek(it, (const char *)key, STORE_KEY_EVENT_LEN);
  sc->cost++;
}

/* One partition from the current position. 1 = partition done, 0 = stop. */
static int scan_part(rocksdb_iterator_t *it, struct scan *sc, int32_t day, bool resume) {
  const struct store_scan_q *q = sc->q;
  uint8_t key[STORE_KEY_EVENT_LEN] = {STORE_KEY_EVENT};
  memcpy(key + 1, q->oid, STORE_ID_BYTES);
  if (resume) { /* strictly after the last key examined */
    memcpy(key + 17, sc->pos->sid, STORE_ID_BYTES);
    store_keys_put_be64(key + 33, (uint64_t)sc->pos->time_ms);
    store_keys_put_be64(key + 41, sc->pos->seq);
    rocksdb_iter_seek(it, (const char *)key, sizeof(key));
    sc->cost++;
    size_t kl;
    const char *k = rocksdb_iter_valid(it) ? rocksdb_iter_key(it, &kl) : NULL;
    if (k && kl == sizeof(key) && memcmp(k, key, sizeof(key)) == 0) rocksdb_iter_next(it);
  } else {
    static const uint8_t zero[STORE_ID_BYTES];
    const uint8_t *first = q->sids ? (q->nsids ? q->sids[0] : NULL) : zero;
    if (!first) return 1;
    seek_to(it, key, first, q->t0, sc);
  }
  while (rocksdb_iter_valid(it)) {
    if (sc->cost >= q->budget) return 0;
    size_t kl, vl;
    const uint8_t *k = (const uint8_t *)rocksdb_iter_key(it, &kl);
    if (kl != STORE_KEY_EVENT_LEN) {
      rocksdb_iter_next(it);
      sc->cost++;
      continue;
    }
    const uint8_t *sid = k + 17;
    if (q->sids) {
      const uint8_t *want = listed_from(q, sid);
      if (!want) return 1;
      if (memcmp(want, sid, STORE_ID_BYTES) != 0) {
        seek_to(it, key, want, q->t0, sc);
        continue;
      }
    }
    int64_t t = (int64_t)store_keys_get_be64(k + 33);
    if (t < q->t0) {
      seek_to(it, key, sid, q->t0, sc);
      continue;
    }
    if (t >= q->t1) { /* on to the next sensor */
      uint8_t next[STORE_ID_BYTES];
      memcpy(next, sid, STORE_ID_BYTES);
      int i = STORE_ID_BYTES - 1;
      while (i >= 0 && ++next[i] == 0) i--;
      if (i < 0) return 1;
      seek_to(it, key, next, q->t0, sc);
      continue;
    }
    sc->cost++;
    sc->pos->started = 1;
    sc->pos->day = day;
    memcpy(sc->pos->sid, sid, STORE_ID_BYTES);
    sc->pos->time_ms = t;
    sc->pos->seq = store_keys_get_be64(k + 41);
    const char *v = rocksdb_iter_value(it, &vl);
    if (vl >= STORE_VALUE_HEAD_LEN) {
      uint16_t type = store_keys_get_be16((const uint8_t *)v);
      if (type_ok(q, type)) {
        struct store_rec r = {.oid = k + 1, .sid = sid, .time_ms = t, .seq = sc->pos->seq,
                              .type_id = type, .data = v + STORE_VALUE_HEAD_LEN,
                              .len = vl - STORE_VALUE_HEAD_LEN};
        if (sc->cb(sc->ctx, &r)) return 0;
      }
    }
    rocksdb_iter_next(it);
  }
  return 1;
}

int store_scan_run(struct store *s, const struct store_scan_q *q, struct store_scan_pos *pos,
                   store_rec_cb cb, void *ctx, uint64_t *examined, struct vg_err *err) {
  if (!s || !q || !q->oid || !pos || !cb || q->budget < 1)
    return vg_err_fail(err, VG_EINVAL, "store_scan_run: bad arguments");
  struct scan sc = {q, pos, 0, cb, ctx};
  int64_t t0 = q->t0 < 0 ? 0 : q->t0;
  int r = 1;
  if (q->t1 > t0) {
    int32_t last = store_day_of(q->t1 - 1);
    int32_t first = store_day_of(t0);
    if (pos->day > first) first = pos->day;
    uint8_t hi[1 + STORE_ID_BYTES] = {STORE_KEY_EVENT};
    memcpy(hi + 1, q->oid, STORE_ID_BYTES);
    for (int i = STORE_ID_BYTES; i >= 1; i--) /* past every E key of oid */
      if (++hi[i]) break;
    rocksdb_readoptions_t *ro = rocksdb_readoptions_create();
    rocksdb_readoptions_set_iterate_upper_bound(ro, (const char *)hi, sizeof(hi));
    pthread_rwlock_rdlock(&s->lock);
    for (size_t i = store_part_lower(s, first); i < s->nparts && s->parts[i].day <= last; i++) {
      rocksdb_iterator_t *it = rocksdb_create_iterator_cf(s->db, ro, s->parts[i].cf);
      bool resume = pos->started && pos->day == s->parts[i].day;
      r = scan_part(it, &sc, s->parts[i].day, resume);
      char *dberr = NULL;
      rocksdb_iter_get_error(it, &dberr);
      rocksdb_iter_destroy(it);
      if (dberr) r = store_db_fail(err, dberr, "event scan");
      if (r != 1) break;
      /* the next partition starts at its beginning */
      memset(pos, 0, sizeof(*pos));
      pos->day = s->parts[i].day + 1;
    }
    pthread_rwlock_unlock(&s->lock);
    rocksdb_readoptions_destroy(ro);
  }
  if (examined) *examined = sc.cost;
  return r;
}
