/* store_children.c — the child index's runs (store_children.h): cut and
 * encoded by the write path, decoded by store_events_children. */
#include "backend/store_children.h"

#include <stdlib.h>
#include <string.h>

#include "backend/store_keys.h"
#include "shared/alloc.h"

/* A noted child: oid | parent | sid lead, so one memcmp groups a run. */
struct centry {
  rocksdb_column_family_handle_t *cf;
  uint8_t id[3 * STORE_ID_BYTES]; /* oid | parent | sid */
  int64_t t;
  uint64_t seq;
};

#define CHILD_BYTES_MAX 20 /* a child in a value: two varints of at most 10 bytes */

struct store_childagg {
  struct centry *e;
  size_t n, cap;
  uint8_t *val; /* the rows' values of the last emit */
  size_t capval;
};

void store_children_agg_free(struct store_childagg *a) {
  if (!a) return;
  free(a->e);
  free(a->val);
  free(a);
}

void store_children_add(struct store_childagg **ap, rocksdb_column_family_handle_t *cf,
                        const struct store_event *e, int64_t t) {
  struct store_childagg *a = *ap;
  if (!a) a = *ap = vg_xcalloc(1, sizeof(*a));
  if (a->n == a->cap) {
    a->cap = a->cap ? 2 * a->cap : 1024;
    a->e = vg_xreallocarray(a->e, a->cap, sizeof(*a->e));
  }
  struct centry *c = &a->e[a->n++];
  c->cf = cf;
  memcpy(c->id, e->oid, STORE_ID_BYTES);
  memcpy(c->id + STORE_ID_BYTES, e->parent_atom, STORE_ID_BYTES);
  memcpy(c->id + 2 * STORE_ID_BYTES, e->sid, STORE_ID_BYTES);
  c->t = t;
  c->seq = e->seq;
}

static int cmp_centry(const void *x, const void *y) {
  const struct centry *p = x, *q = y;
  if (p->cf != q->cf) return (uintptr_t)p->cf < (uintptr_t)q->cf ? -1 : 1;
  int c = memcmp(p->id, q->id, sizeof(p->id));
  if (c) return c;
  if (p->t != q->t) return p->t < q->t ? -1 : 1;
  return p->seq < q->seq ? -1 : p->seq > q->seq;
}

static uint8_t *put_varint(uint8_t *p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = (uint8_t)(v | 0x80);
    v >>= 7;
  }
  *p++ = (uint8_t)v;
  return p;
}

void store_children_emit(struct store_childagg *a, store_children_put_fn put, void *ctx) {
  if (!a || !a->n) return;
  if (!put) {
    a->n = 0;
    return;
  }
  qsort(a->e, a->n, sizeof(*a->e), cmp_centry);
  if (a->capval < a->n * CHILD_BYTES_MAX) { /* never moves while rows point into it */
    a->capval = a->n * CHILD_BYTES_MAX;
    free(a->val);
    a->val = vg_xmalloc(a->capval);
  }
  uint8_t *w = a->val;
  for (size_t i = 0; i < a->n;) {
    const struct centry *first = &a->e[i], *prev = first;
    uint8_t *v = w;
    size_t run = 1;
    for (i++; i < a->n; i++) {
      const struct centry *c = &a->e[i];
      if (c->cf != first->cf || memcmp(c->id, first->id, sizeof(c->id)) != 0) break;
      if (c->t == prev->t && c->seq == prev->seq) continue; /* the same event twice */
      if (c->t - first->t > STORE_CHILD_RUN_SPAN_MS || run == STORE_CHILD_RUN_MAX) break;
      uint64_t ds = c->seq - prev->seq;                     /* zigzag of the signed delta */
      w = put_varint(w, (uint64_t)(c->t - prev->t));
      w = put_varint(w, (ds << 1) ^ (0 - (ds >> 63))); /* all ones if negative */
      prev = c;
      run++;
    }
    uint8_t k[STORE_KEY_CHILD_LEN];
    store_keys_child(k, first->id, first->id + STORE_ID_BYTES, first->t,
                     first->id + 2 * STORE_ID_BYTES, first->seq);
    put(ctx, first->cf, k, v, (size_t)(w - v));
  }
  a->n = 0;
}

static int get_varint(const uint8_t **p, const uint8_t *end, uint64_t *out) {
  uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (*p == end) return -1;
    uint8_t b = *(*p)++;
    if (shift == 63 && b > 1) return -1;
    v |= (uint64_t)(b & 0x7f) << shift;
    if (!(b & 0x80)) {
      *out = v;
      return 0;
    }
  }
  return -1;
}

int store_children_decode(const uint8_t *k, size_t kl, const uint8_t *v, size_t vl,
                          struct store_child *out, size_t *n, struct vg_err *err) {
  *n = 0;
  if (kl != STORE_KEY_CHILD_LEN || k[0] != STORE_KEY_CHILD)
    return vg_err_fail(err, VG_EPARSE, "child row: key of %zu bytes (want %d)", kl,
                       STORE_KEY_CHILD_LEN);
  int64_t t0 = (int64_t)store_keys_get_be64(k + 33);
  out[0].time_ms = t0;
  out[0].seq = store_keys_get_be64(k + 57);
  size_t m = 1;
  const uint8_t *p = v, *end = v + vl;
  while (p < end) {
    uint64_t dt, zs;
    if (get_varint(&p, end, &dt) || get_varint(&p, end, &zs))
      return vg_err_fail(err, VG_EPARSE, "child row: bad varint at value byte %zu",
                         (size_t)(p - v));
    if (m == STORE_CHILD_RUN_MAX)
      return vg_err_fail(err, VG_EPARSE, "child row: more than %d children", STORE_CHILD_RUN_MAX);
    int64_t t = out[m - 1].time_ms;
    if (dt > (uint64_t)STORE_CHILD_RUN_SPAN_MS || t + (int64_t)dt - t0 > STORE_CHILD_RUN_SPAN_MS)
      return vg_err_fail(err, VG_EPARSE, "child row: child %zu past the %d ms span", m,
                         STORE_CHILD_RUN_SPAN_MS);
    uint64_t ds = (zs >> 1) ^ (~(zs & 1) + 1); /* un-zigzag */
    out[m].time_ms = t + (int64_t)dt;
    out[m].seq = out[m - 1].seq + ds;
    m++;
  }
  *n = m;
  return 0;
}
