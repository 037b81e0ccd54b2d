/* fuzz_store_children.c — the child index's rows (backend/store_children.c).
 * Byte 0 even: the rest is a row value, decoded under a fixed key; what
 * decodes must keep the row's limits (count, span, time order). Byte 0 odd:
 * the rest is a list of children (3 bytes each: parent/sensor bits, time
 * step, seq step) cut into rows by the write side; every row must decode
 * within the limits, and the rows together must hold each distinct child
 * exactly once. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "backend/store_children.h"
#include "backend/store_keys.h"

static struct store_child run[STORE_CHILD_RUN_MAX];

static void check_run(const uint8_t *k, const uint8_t *v, size_t vl, size_t *total) {
  size_t n;
  if (store_children_decode(k, STORE_KEY_CHILD_LEN, v, vl, run, &n, NULL) != 0) {
    if (total) __builtin_trap(); /* the write side's rows always decode */
    return;
  }
  if (n < 1 || n > STORE_CHILD_RUN_MAX) __builtin_trap();
  for (size_t i = 1; i < n; i++) {
    if (run[i].time_ms < run[i - 1].time_ms) __builtin_trap();
    if (run[i].time_ms - run[0].time_ms > STORE_CHILD_RUN_SPAN_MS) __builtin_trap();
  }
  if (total) *total += n;
}

static void put(void *ctx, rocksdb_column_family_handle_t *cf, const uint8_t *k, const uint8_t *v,
                size_t vl) {
  (void)cf;
  check_run(k, v, vl, ctx);
}

static int cmp_ev(const void *x, const void *y) {
  const struct store_event *p = x, *q = y;
  int c = memcmp(p->parent_atom, q->parent_atom, 16);
  if (!c) c = memcmp(p->sid, q->sid, 16);
  if (!c) c = (p->time_ms > q->time_ms) - (p->time_ms < q->time_ms);
  if (!c) c = (p->seq > q->seq) - (p->seq < q->seq);
  return c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  if (!(data[0] & 1)) {
    uint8_t k[STORE_KEY_CHILD_LEN] = {0};
    uint8_t id[16] = {1};
    store_keys_child(k, id, id, 1764340000000LL, id, 7);
    check_run(k, data + 1, size - 1, NULL);
    return 0;
  }
  size_t n = (size - 1) / 3;
  if (n > 4096) n = 4096;
  struct store_event *ev = calloc(n ? n : 1, sizeof(*ev));
  int64_t t = 1764340000000LL;
  uint64_t seq = 1000;
  for (size_t i = 0; i < n; i++) {
    const uint8_t *p = data + 1 + 3 * i;
    ev[i].parent_atom[0] = p[0] & 3;
    ev[i].sid[0] = (p[0] >> 2) & 1;
    t += (int64_t)p[1] * ((p[0] & 0x80) ? 1000 : 1) - 20; /* may step back */
    seq += (uint64_t)(int64_t)(int8_t)p[2];
    ev[i].time_ms = t;
    ev[i].seq = seq;
    ev[i].has_parent = true;
  }
  struct store_childagg *a = NULL;
  for (size_t i = 0; i < n; i++) store_children_add(&a, NULL, &ev[i], ev[i].time_ms);
  size_t total = 0;
  store_children_emit(a, put, &total);
  qsort(ev, n, sizeof(*ev), cmp_ev);
  size_t distinct = 0;
  for (size_t i = 0; i < n; i++) distinct += i == 0 || cmp_ev(&ev[i - 1], &ev[i]) != 0;
  if (total != distinct) __builtin_trap();
  store_children_agg_free(a);
  free(ev);
  return 0;
}
