/* store_children.h — the child index (`C` rows of an event partition): which
 * events name a process as their parent (insight.children, docs/storage.md).
 *
 * One row holds a *run*: the children of one parent, on one sensor, written
 * in one store_write_events call, at most STORE_CHILD_RUN_MAX of them,
 * spanning at most STORE_CHILD_RUN_SPAN_MS of key time. The key is the C
 * key of the run's first child (the lowest (time, seq)); the value lists the
 * others in (time, seq) order, each as varint(time − previous time) then
 * zigzag varint(seq − previous seq). An empty value is a run of one. A busy
 * process costs one index row per write instead of one per event. */
#ifndef VIGILD_STORE_CHILDREN_H
#define VIGILD_STORE_CHILDREN_H

#include <rocksdb/c.h>
#include <stddef.h>
#include <stdint.h>

#include "backend/store.h"

#define STORE_CHILD_RUN_MAX 256         /* children in one row */
#define STORE_CHILD_RUN_SPAN_MS 60000   /* a row's last child time − its first */
/* A read holds decoded children until no later row can precede them; past
 * this many it delivers them at once (docs/storage.md, "Limits"). */
#define STORE_CHILD_BUFFER_MAX 65536

/* One child of a decoded row (its sid is the row key's). */
struct store_child {
  int64_t time_ms;
  uint64_t seq;
};

/* Decode the row (key k of kl bytes, value v of vl bytes) into out
 * (STORE_CHILD_RUN_MAX entries), ascending by (time, seq). 0 and *n set, or
 * -VG_EPARSE with err naming what is wrong (key length, truncated or
 * overlong varint, too many children, time going past the span). */
int store_children_decode(const uint8_t *k, size_t kl, const uint8_t *v, size_t vl,
                          struct store_child *out, size_t *n, struct vg_err *err);

/* The write side (store_write_events, under write_mu). add: note the event
 * (it has a parent) stored at key time t in partition cf. emit: cut the
 * noted children into runs and hand each row to put (NULL: discard them);
 * k and v stay valid until the next add. */
struct store_childagg;
typedef void (*store_children_put_fn)(void *ctx, rocksdb_column_family_handle_t *cf,
                                      const uint8_t *k, const uint8_t *v, size_t vl);
void store_children_add(struct store_childagg **a, rocksdb_column_family_handle_t *cf,
                        const struct store_event *e, int64_t t);
void store_children_emit(struct store_childagg *a, store_children_put_fn put, void *ctx);
void store_children_agg_free(struct store_childagg *a);

#endif
