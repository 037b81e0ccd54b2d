/* test_store.c — the storage layer: events, timeline paging, atoms,
 * counters, retention, durability, metadata, audit, concurrency. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backend/store.h"
#include "backend/store_audit.h"
#include "backend/store_children.h"
#include "backend/store_counters.h"
#include "backend/store_events.h"
#include "backend/store_keys.h"
#include <jansson.h>

#include "backend/store_render.h"
#include "shared/alloc.h"
#include "shared/atom.h"
#include "shared/buf.h"
#include "backend/store_int.h"
#include "backend/store_meta.h"
#include "backend/store_objects.h"
#include "tests/harness/harness.h"

#define NOW0 1764340000000LL /* 2025-11-28T14:26:40Z */
#define MIN_MS 60000LL
#define MAXEV 4096

static int64_t now_ms = NOW0;
static int64_t test_clock(void *ctx) {
  (void)ctx;
  return now_ms;
}

static char *dir;
static struct store *st;
static struct store_event evs[MAXEV];
static char data[MAXEV][96];

static void id(uint8_t *out, int v) {
  memset(out, 0, STORE_ID_BYTES);
  out[0] = 0x42;
  out[15] = (uint8_t)v;
  out[14] = (uint8_t)(v >> 8);
}

/* Fill evs[i]: org o, sensor s, time t, seq q, type ty. */
static struct store_event *mk(int i, int o, int s, int64_t t, uint64_t q, uint16_t ty) {
  struct store_event *e = &evs[i];
  memset(e, 0, sizeof(*e));
  id(e->oid, o);
  id(e->sid, s);
  e->time_ms = t;
  e->seq = q;
  e->type_id = ty;
  int n = snprintf(data[i], sizeof(data[i]), "{\"o\":%d,\"s\":%d,\"t\":%lld,\"q\":%llu}", o, s,
                   (long long)t, (unsigned long long)q);
  e->data = data[i];
  e->len = (size_t)n;
  return e;
}

static struct store *open_store(int64_t retention_s) {
  struct store_opts o = {.path = dir,
                         .retention_s = retention_s,
                         .clock_ms = test_clock,
                         .write_buffer_bytes = 4 << 20,
                         .block_cache_bytes = 8 << 20};
  struct vg_err e = {0};
  struct store *s = store_open(&o, &e);
  ck_assert_msg(s != NULL, "store_open: %s", e.msg);
  return s;
}

static void setup(void) {
  now_ms = NOW0;
  dir = harness_mkdtemp("store");
  st = open_store(30 * 86400);
}
static void teardown(void) {
  store_close(st);
  harness_rm_rf(dir);
  free(dir);
}

static uint64_t count(int o, int s, int64_t t0, int64_t t1) {
  uint8_t oid[16], sid[16];
  uint64_t n = 0;
  id(oid, o);
  id(sid, s);
  ck_assert_int_eq(store_events_count(st, oid, s ? sid : NULL, t0, t1, &n, NULL), 0);
  return n;
}

/* Collected records: (time, seq) pairs and the bytes of the last one. */
struct got {
  int n;
  int64_t t[MAXEV];
  uint64_t q[MAXEV];
  uint16_t ty[MAXEV];
  char last[96];
};
static int collect(void *ctx, const struct store_rec *r) {
  struct got *g = ctx;
  ck_assert_int_lt(g->n, MAXEV);
  g->t[g->n] = r->time_ms;
  g->q[g->n] = r->seq;
  g->ty[g->n] = r->type_id;
  ck_assert_uint_lt(r->len, sizeof(g->last));
  memcpy(g->last, r->data, r->len);
  g->last[r->len] = '\0';
  g->n++;
  return 0;
}

static int stop_at_10(void *ctx, const struct store_rec *r) {
  collect(ctx, r);
  return ((struct got *)ctx)->n == 10;
}

static void write_ok(size_t n, bool sync) {
  struct vg_err e = {0};
  ck_assert_msg(store_write_events(st, evs, n, sync, &e) == 0, "write: %s", e.msg);
}

START_TEST(t_roundtrip) {
  mk(0, 1, 1, NOW0 - 1000, 1, 7);
  mk(1, 1, 1, NOW0 - 500, 2, 8);
  evs[1].has_this = true;
  id(evs[1].this_atom, 99);
  write_ok(2, false);
  struct got g = {0};
  uint8_t oid[16], sid[16], atom[16];
  id(oid, 1);
  id(sid, 1);
  id(atom, 99);
  struct store_cursor c = STORE_CURSOR_INIT;
  struct store_timeline_q q = {oid, sid, 0, STORE_FORWARD, 10, NULL, 0};
  ck_assert_int_eq(store_events_timeline(st, &q, &c, collect, &g, NULL), 2);
  ck_assert_int_eq(g.t[0], NOW0 - 1000);
  ck_assert_int_eq(g.ty[1], 8);
  ck_assert_str_eq(g.last, data[1]);
  memset(&g, 0, sizeof(g));
  ck_assert_int_eq(store_events_atom(st, oid, atom, collect, &g, NULL), 1);
  ck_assert_str_eq(g.last, data[1]);
  id(atom, 98);
  ck_assert_int_eq(store_events_atom(st, oid, atom, collect, &g, NULL), 0);
  struct store_stats ss;
  ck_assert_int_eq(store_stats(st, &ss, NULL), 0);
  ck_assert_uint_eq(ss.events_written, 2);
  ck_assert_uint_eq(ss.partitions, 1);
}
END_TEST

static int sum_cb(void *ctx, int64_t b, uint16_t ty, uint64_t n) {
  (void)b, (void)ty;
  *(uint64_t *)ctx += n;
  return 0;
}
static uint64_t counter_sum(int o, int s, enum store_gran g, int64_t t0, int64_t t1, uint16_t ty) {
  uint8_t oid[16], sid[16];
  uint64_t n = 0;
  id(oid, o);
  id(sid, s);
  ck_assert_int_ge(store_counters_get(st, oid, s ? sid : NULL, g, t0, t1, ty, sum_cb, &n, NULL), 0);
  return n;
}

START_TEST(t_resend_stored_once) {
  for (int i = 0; i < 100; i++) mk(i, 1, 1 + i % 3, NOW0 - 3600000 + i * 1000, (uint64_t)i, 5);
  write_ok(100, true);
  ck_assert_uint_eq(count(1, 0, 0, INT64_MAX), 100);
  write_ok(100, true); /* the same batch again */
  write_ok(50, false); /* and a part of it */
  ck_assert_uint_eq(count(1, 0, 0, INT64_MAX), 100);
  ck_assert_uint_eq(count(1, 2, 0, INT64_MAX), 33);
  ck_assert_uint_eq(counter_sum(1, 0, STORE_GRAN_MINUTE, 0, INT64_MAX, 0), 100);
  ck_assert_uint_eq(counter_sum(1, 0, STORE_GRAN_DAY, 0, INT64_MAX, 0), 100);
  struct store_stats ss;
  ck_assert_int_eq(store_stats(st, &ss, NULL), 0);
  ck_assert_uint_eq(ss.events_written, 100);
  ck_assert_uint_eq(ss.events_duplicate, 150);
  /* a late event with a seq below the highest stored is still new */
  mk(0, 1, 1, NOW0 - 7200000, 1000, 5);
  mk(1, 1, 1, NOW0 - 7100000, 500, 5);
  write_ok(1, false);
  write_ok(2, false);
  ck_assert_uint_eq(count(1, 0, 0, INT64_MAX), 102);
  ck_assert_uint_eq(counter_sum(1, 1, STORE_GRAN_HOUR, 0, INT64_MAX, 5), 36);
  /* Two copies of a batch in one call (a resend that meets its first copy
   * in one group commit): stored and counted once. */
  for (int i = 0; i < 20; i++)
    mk(i, 1, 1, NOW0 - 1800000 + (i % 10) * 1000, (uint64_t)(2000 + i % 10), 5);
  write_ok(20, false);
  ck_assert_uint_eq(count(1, 1, 0, INT64_MAX), 46);
  ck_assert_uint_eq(counter_sum(1, 1, STORE_GRAN_HOUR, 0, INT64_MAX, 5), 46);
  ck_assert_int_eq(store_stats(st, &ss, NULL), 0);
  ck_assert_uint_eq(ss.events_written, 112);
  ck_assert_uint_eq(ss.events_duplicate, 161); /* 150 above, the seq-1000 event again, these 10 */
}
END_TEST

/* 60 events of sensor 1 over 6 days (written out of order) and noise from
 * sensor 2 and org 2 at the same times. */
static int write_days(void) {
  int n = 0;
  for (int i = 0; i < 60; i++) {
    int j = (i * 37) % 60; /* permutation */
    int64_t t = NOW0 - 6 * 86400000LL + j * (86400000LL / 10);
    mk(n++, 1, 1, t, (uint64_t)j, (uint16_t)(1 + j % 3));
    mk(n++, 1, 2, t, (uint64_t)j, 1);
    mk(n++, 2, 1, t, (uint64_t)j, 1);
  }
  write_ok((size_t)n, false);
  return 60;
}

static void page_all(enum store_dir dir_, int64_t from, size_t page, struct got *g) {
  uint8_t oid[16], sid[16];
  id(oid, 1);
  id(sid, 1);
  struct store_cursor c = STORE_CURSOR_INIT;
  struct store_timeline_q q = {oid, sid, from, dir_, page, NULL, 0};
  int r;
  do {
    r = store_events_timeline(st, &q, &c, collect, g, NULL);
    ck_assert_int_ge(r, 0);
  } while ((size_t)r == page);
}

START_TEST(t_timeline_pages) {
  int n = write_days();
  struct store_stats ss;
  ck_assert_int_eq(store_stats(st, &ss, NULL), 0);
  ck_assert_uint_ge(ss.partitions, 6);
  struct got *g = calloc(1, sizeof(*g));
  page_all(STORE_FORWARD, 0, 7, g);
  ck_assert_int_eq(g->n, n);
  for (int i = 0; i < n; i++) ck_assert_uint_eq(g->q[i], (uint64_t)i);
  memset(g, 0, sizeof(*g));
  page_all(STORE_BACKWARD, NOW0, 4, g);
  ck_assert_int_eq(g->n, n);
  for (int i = 0; i < n; i++) ck_assert_uint_eq(g->q[i], (uint64_t)(n - 1 - i));
  memset(g, 0, sizeof(*g));
  /* from_ms is inclusive both ways */
  int64_t t10 = NOW0 - 6 * 86400000LL + 10 * (86400000LL / 10);
  page_all(STORE_FORWARD, t10, 1000, g);
  ck_assert_int_eq(g->n, n - 10);
  ck_assert_int_eq(g->t[0], t10);
  memset(g, 0, sizeof(*g));
  page_all(STORE_BACKWARD, t10, 3, g);
  ck_assert_int_eq(g->n, 11);
  ck_assert_int_eq(g->t[0], t10);
  free(g);
}
END_TEST

START_TEST(t_timeline_stable_under_ingest) {
  int n = write_days();
  uint8_t oid[16], sid[16];
  id(oid, 1);
  id(sid, 1);
  struct got *g = calloc(1, sizeof(*g));
  struct store_cursor c = STORE_CURSOR_INIT;
  struct store_timeline_q q = {oid, sid, 0, STORE_FORWARD, 9, NULL, 0};
  int pages = 0, added = 0, r;
  do {
    r = store_events_timeline(st, &q, &c, collect, g, NULL);
    ck_assert_int_ge(r, 0);
    if (pages++ < 4) { /* ingest continues: newer events, and one at the cursor's time */
      mk(0, 1, 1, NOW0 - 1000 + pages, (uint64_t)(1000 + pages), 1);
      mk(1, 1, 1, g->t[g->n - 1], g->q[g->n - 1] + 100000, 1);
      write_ok(2, false);
      added += 2;
    }
  } while (r == 9);
  ck_assert_int_eq(g->n, n + added);
  for (int i = 1; i < g->n; i++) /* strictly increasing: no duplicate, in order */
    ck_assert(g->t[i] > g->t[i - 1] || (g->t[i] == g->t[i - 1] && g->q[i] > g->q[i - 1]));
  free(g);
}
END_TEST

START_TEST(t_type_filter) {
  write_days();
  uint8_t oid[16], sid[16];
  id(oid, 1);
  id(sid, 1);
  uint16_t types[] = {2};
  struct got *g = calloc(1, sizeof(*g));
  struct store_cursor c = STORE_CURSOR_INIT;
  struct store_timeline_q q = {oid, sid, NOW0, STORE_BACKWARD, 100, types, 1};
  ck_assert_int_eq(store_events_timeline(st, &q, &c, collect, g, NULL), 20);
  for (int i = 0; i < g->n; i++) ck_assert_int_eq(g->ty[i], 2);
  ck_assert_uint_eq(g->q[0], 58);
  free(g);
}
END_TEST

START_TEST(t_org_scan) {
  write_days();
  uint8_t oid[16];
  id(oid, 1);
  struct got *g = calloc(1, sizeof(*g));
  int64_t t0 = NOW0 - 5 * 86400000LL, t1 = NOW0 - 2 * 86400000LL;
  int64_t r = store_events_scan(st, oid, t0, t1, collect, g, NULL);
  ck_assert_int_eq(r, 60); /* 30 time points × 2 sensors */
  ck_assert_int_eq(g->n, 60);
  /* Per day partition, sensor by sensor, each in (time, seq) order: seq
   * restarting lower marks the next sensor; a sensor's times never go back. */
  int runs = 1;
  for (int i = 0; i < g->n; i++) {
    ck_assert(g->t[i] >= t0 && g->t[i] < t1);
    if (i && g->q[i] > g->q[i - 1]) ck_assert(g->t[i] >= g->t[i - 1]);
    if (i && g->q[i] <= g->q[i - 1]) runs++;
  }
  ck_assert_int_le(runs, 2 * 4); /* 2 sensors × at most 4 day partitions */
  ck_assert_uint_eq(count(1, 0, t0, t1), 60);
  ck_assert_uint_eq(count(2, 0, 0, INT64_MAX), 60);
  free(g);
}
END_TEST

START_TEST(t_atoms_children) {
  mk(0, 1, 1, NOW0 - 5000, 1, 1);
  evs[0].has_this = true;
  id(evs[0].this_atom, 500);
  for (int i = 1; i <= 3; i++) {
    mk(i, 1, 1, NOW0 - 5000 + i * 86400000LL / 2 - 86400000LL, (uint64_t)(i + 1), 1);
    evs[i].has_this = evs[i].has_parent = true;
    id(evs[i].this_atom, 500 + i);
    id(evs[i].parent_atom, 500);
  }
  write_ok(4, false);
  uint8_t oid[16], atom[16];
  id(oid, 1);
  id(atom, 500);
  struct got *g = calloc(1, sizeof(*g));
  ck_assert_int_eq(store_events_children(st, oid, atom, 0, INT64_MAX, collect, g, NULL), 3);
  ck_assert_uint_eq(g->q[0], 2);
  ck_assert_uint_eq(g->q[2], 4);
  ck_assert(g->t[0] < g->t[1] && g->t[1] < g->t[2]);
  memset(g, 0, sizeof(*g));
  id(atom, 502);
  ck_assert_int_eq(store_events_atom(st, oid, atom, collect, g, NULL), 1);
  ck_assert_str_eq(g->last, data[2]);
  free(g);
}
END_TEST

/* Child rows hold runs: 900 children of one parent on two sensors, over
 * three writes whose times overlap and step back, one event twice. Every
 * child comes back once, in (time, sid, seq) order, also for windows that
 * start inside a run; the index has far fewer rows than children. */
static int64_t child_t[MAXEV];
static uint8_t child_s[MAXEV];
static int nchild;

static void child(int i, int s, int64_t t, uint64_t q) {
  mk(i, 1, s, t, q, 2);
  evs[i].has_parent = true;
  id(evs[i].parent_atom, 700);
  child_t[nchild] = t;
  child_s[nchild++] = (uint8_t)s;
}

static void expect_window(int64_t t0, int64_t t1) {
  uint8_t oid[16], atom[16];
  id(oid, 1);
  id(atom, 700);
  struct got *g = calloc(1, sizeof(*g));
  int want = 0;
  for (int i = 0; i < nchild; i++) want += child_t[i] >= t0 && child_t[i] < t1;
  ck_assert_int_eq(store_events_children(st, oid, atom, t0, t1, collect, g, NULL), want);
  ck_assert_int_eq(g->n, want);
  for (int i = 0; i < g->n; i++) {
    ck_assert(g->t[i] >= t0 && g->t[i] < t1);
    if (i) /* seqs are distinct across the two sensors here */
      ck_assert(g->t[i] > g->t[i - 1] || (g->t[i] == g->t[i - 1] && g->q[i] != g->q[i - 1]));
  }
  free(g);
}

START_TEST(t_children_runs) {
  int64_t base = NOW0 - 3600000;
  nchild = 0;
  int n = 0;
  for (int i = 0; i < 600; i++) /* sensor 1: 120 s, 5 per second */
    child(n++, 1, base + i * 200 - (i % 7 == 3 ? 450 : 0), (uint64_t)(10 + i));
  for (int i = 0; i < 100; i++) child(n++, 2, base + i * 700, (uint64_t)(5000 + i));
  mk(n, 1, 1, base + 400, 12, 2); /* seq 12 again, in the same write */
  evs[n].has_parent = true;
  id(evs[n].parent_atom, 700);
  n++;
  write_ok((size_t)n, false);
  n = 0; /* sensor 1 again, overlapping the first write's times */
  for (int i = 0; i < 200; i++) child(n++, 1, base + 30000 + i * 300, (uint64_t)(1000 + i));
  write_ok((size_t)n, false);
  expect_window(0, INT64_MAX);
  expect_window(base + 45000, base + 70000); /* starts inside runs */
  expect_window(base + 119000, base + 200000);
  expect_window(base + 200, base + 201);
  /* rows: far fewer than the 900 children */
  int rows = 0;
  rocksdb_readoptions_t *ro = rocksdb_readoptions_create();
  rocksdb_iterator_t *it = rocksdb_create_iterator_cf(st->db, ro, st->parts[0].cf);
  for (rocksdb_iter_seek(it, "C", 1); rocksdb_iter_valid(it); rocksdb_iter_next(it)) {
    size_t kl;
    const char *k = rocksdb_iter_key(it, &kl);
    if (k[0] != 'C') break;
    rows++;
  }
  rocksdb_iter_destroy(it);
  rocksdb_readoptions_destroy(ro);
  ck_assert_int_gt(rows, 0);
  ck_assert_int_le(rows, 12);
  /* a stop from the callback stops the walk: the first page only */
  uint8_t oid[16], atom[16];
  id(oid, 1);
  id(atom, 700);
  struct got *g = calloc(1, sizeof(*g));
  ck_assert_int_eq(store_events_children(st, oid, atom, 0, INT64_MAX, stop_at_10, g, NULL), 10);
  free(g);
}
END_TEST

/* Malformed child rows are refused with the reason. */
START_TEST(t_children_decode_errors) {
  uint8_t k[STORE_KEY_CHILD_LEN], oid[16], atom[16];
  id(oid, 1);
  id(atom, 2);
  store_keys_child(k, oid, atom, NOW0, oid, 5);
  static struct store_child run[STORE_CHILD_RUN_MAX];
  size_t n;
  struct vg_err e = {0};
  const uint8_t ok[] = {0x05, 0x02, 0x00, 0x01};
  ck_assert_int_eq(store_children_decode(k, sizeof(k), ok, sizeof(ok), run, &n, &e), 0);
  ck_assert_uint_eq(n, 3);
  ck_assert_int_eq(run[1].time_ms, NOW0 + 5);
  ck_assert_uint_eq(run[1].seq, 6);
  ck_assert_uint_eq(run[2].seq, 5); /* zigzag 1: one back */
  ck_assert_int_eq(store_children_decode(k, 64, ok, sizeof(ok), run, &n, &e), -VG_EPARSE);
  ck_assert_ptr_nonnull(strstr(e.msg, "key of 64 bytes"));
  const uint8_t trunc[] = {0x05, 0x82};
  ck_assert_int_eq(store_children_decode(k, sizeof(k), trunc, sizeof(trunc), run, &n, &e),
                   -VG_EPARSE);
  ck_assert_ptr_nonnull(strstr(e.msg, "varint"));
  const uint8_t far[] = {0xe1, 0xd4, 0x03, 0x02}; /* 60001 ms */
  ck_assert_int_eq(store_children_decode(k, sizeof(k), far, sizeof(far), run, &n, &e), -VG_EPARSE);
  ck_assert_ptr_nonnull(strstr(e.msg, "span"));
  uint8_t many[2 * STORE_CHILD_RUN_MAX];
  memset(many, 0, sizeof(many));
  ck_assert_int_eq(store_children_decode(k, sizeof(k), many, sizeof(many), run, &n, &e),
                   -VG_EPARSE);
  ck_assert_ptr_nonnull(strstr(e.msg, "more than"));
}
END_TEST

START_TEST(t_counters) {
  /* 3 hours of events, 2 sensors, 2 types: 7 per minute. */
  int n = 0;
  int64_t base = NOW0 - NOW0 % 86400000LL + 3600000; /* 01:00 today */
  for (int m = 0; m < 180; m++)
    for (int k = 0; k < 7; k++)
      mk(n++, 1, 1 + k % 2, base + m * MIN_MS + k, (uint64_t)(m * 7 + k), (uint16_t)(1 + k % 2));
  write_ok((size_t)n, false);
  ck_assert_uint_eq(counter_sum(1, 0, STORE_GRAN_MINUTE, base, base + 180 * MIN_MS, 0), 1260);
  ck_assert_uint_eq(counter_sum(1, 0, STORE_GRAN_HOUR, base, base + 180 * MIN_MS, 0), 1260);
  ck_assert_uint_eq(counter_sum(1, 0, STORE_GRAN_DAY, 0, INT64_MAX, 0), 1260);
  ck_assert_uint_eq(counter_sum(1, 1, STORE_GRAN_HOUR, 0, INT64_MAX, 0), 720);
  ck_assert_uint_eq(counter_sum(1, 0, STORE_GRAN_MINUTE, 0, INT64_MAX, 2), 540);
  ck_assert_uint_eq(counter_sum(1, 0, STORE_GRAN_MINUTE, base, base + MIN_MS, 0), 7);
  ck_assert_uint_eq(counter_sum(1, 0, STORE_GRAN_HOUR, base + 3600000, base + 7200000, 1), 240);
  ck_assert_uint_eq(counter_sum(2, 0, STORE_GRAN_DAY, 0, INT64_MAX, 0), 0);
  /* one bucket per (minute, type) for the org: 180 × 2 */
  uint8_t oid[16];
  id(oid, 1);
  uint64_t dummy = 0;
  ck_assert_int_eq(
      store_counters_get(st, oid, NULL, STORE_GRAN_MINUTE, 0, INT64_MAX, 0, sum_cb, &dummy, NULL),
      360);
}
END_TEST

START_TEST(t_retention) {
  write_days(); /* NOW0-6d .. NOW0 */
  uint64_t before = count(1, 1, 0, INT64_MAX);
  ck_assert_uint_eq(before, 60);
  now_ms = NOW0 + 27 * 86400000LL; /* horizon = NOW0 - 3 days */
  int dropped = store_retention_run(st, now_ms, NULL);
  ck_assert_int_ge(dropped, 3);
  ck_assert_int_le(dropped, 4);
  uint64_t after = count(1, 1, 0, INT64_MAX);
  ck_assert_uint_lt(after, before);
  ck_assert_uint_eq(count(1, 1, 0, NOW0 - 4 * 86400000LL), 0);
  struct got *g = calloc(1, sizeof(*g));
  page_all(STORE_FORWARD, 0, 5, g);
  ck_assert_int_eq((uint64_t)g->n, after);
  ck_assert(g->t[0] >= NOW0 - 4 * 86400000LL);
  free(g);
  ck_assert_uint_eq(counter_sum(1, 1, STORE_GRAN_MINUTE, 0, NOW0 - 4 * 86400000LL, 0), 0);
  ck_assert_uint_eq(counter_sum(1, 1, STORE_GRAN_MINUTE, 0, INT64_MAX, 0), after);
  ck_assert_int_eq(store_retention_run(st, now_ms, NULL), 0); /* idempotent */
}
END_TEST

static int obj_row_cb(void *ctx, const struct store_obj_row *r) {
  int32_t *days = ctx;
  days[days[0] + 1] = r->day;
  days[0]++;
  return 0;
}

/* Rows of the domain "evil.example" for org 1 (days[0] = count, then days). */
static void obj_rows(int32_t *days) {
  uint8_t oid[16];
  id(oid, 1);
  days[0] = 0;
  ck_assert_int_ge(store_objects_get(st, oid, STORE_OBJ_DOMAIN, "evil.example", 12, 0, INT32_MAX,
                                     obj_row_cb, days, NULL),
                   0);
}

/* Object rows in the family (not the fold's watermark row). */
static size_t obj_keys_on_disk(void) {
  size_t n = 0;
  rocksdb_iterator_t *it = rocksdb_create_iterator_cf(st->db, st->ro, st->cf_objects);
  for (rocksdb_iter_seek_to_first(it); rocksdb_iter_valid(it); rocksdb_iter_next(it)) {
    size_t kl;
    rocksdb_iter_key(it, &kl);
    n += kl == STORE_KEY_OBJECT_LEN;
  }
  rocksdb_iter_destroy(it);
  return n;
}

/* Pending groups in the default family ('P' rows). */
static size_t pending_rows_on_disk(void) {
  size_t n = 0;
  rocksdb_iterator_t *it = rocksdb_create_iterator_cf(st->db, st->ro, st->cf_default);
  for (rocksdb_iter_seek(it, "P", 1); rocksdb_iter_valid(it); rocksdb_iter_next(it)) {
    size_t kl;
    const char *k = rocksdb_iter_key(it, &kl);
    if (k[0] != 'P') break;
    n++;
  }
  rocksdb_iter_destroy(it);
  return n;
}

struct obj_sum {
  int rows;
  uint64_t count;
  int64_t first, last;
};
static int obj_sum_cb(void *ctx, const struct store_obj_row *r) {
  struct obj_sum *a = ctx;
  a->rows++;
  a->count += r->count;
  if (a->rows == 1 || r->first_ms < a->first) a->first = r->first_ms;
  if (a->rows == 1 || r->last_ms > a->last) a->last = r->last_ms;
  return 0;
}
static struct obj_sum obj_sum(const char *domain) {
  uint8_t oid[16];
  id(oid, 1);
  struct obj_sum a = {0, 0, 0, 0};
  ck_assert_int_ge(store_objects_get(st, oid, STORE_OBJ_DOMAIN, domain, strlen(domain), 0,
                                     INT32_MAX, obj_sum_cb, &a, NULL),
                   0);
  return a;
}

/* n events of sensor s from seq q, each naming the domain "evil.example"
 * (and every other one "b.example"), one ms apart from t. */
static void write_objs(int s, uint64_t q, int n, int64_t t) {
  for (int i = 0; i < n; i++) {
    struct store_event *e = mk(i, 1, s, t + i, q + (uint64_t)i, 1);
    e->nobjs = 1 + (i % 2);
    e->objs[0].type = STORE_OBJ_DOMAIN;
    e->objs[0].hash = store_objects_hash(STORE_OBJ_DOMAIN, "evil.example", 12);
    e->objs[1].type = STORE_OBJ_DOMAIN;
    e->objs[1].hash = store_objects_hash(STORE_OBJ_DOMAIN, "b.example", 9);
  }
  write_ok((size_t)n, false);
}

static void reopen(void) {
  store_close(st);
  st = open_store(30 * 86400);
}

/* The object sums stay pending until a fold ingests them; reads see pending
 * and folded sums together, exactly once, across folds and reopens. */
START_TEST(t_objects_fold) {
  store_objfold_hold(st, true);
  write_objs(1, 1, 10, NOW0 - 5000); /* two sensors, three writes, one row each */
  write_objs(2, 1, 4, NOW0 - 9000);
  write_objs(1, 11, 6, NOW0 - 1000);
  struct obj_sum a = obj_sum("evil.example");
  ck_assert_int_eq(a.rows, 2); /* (day, sensor 1), (day, sensor 2) */
  ck_assert_uint_eq(a.count, 20);
  ck_assert_int_eq(a.first, NOW0 - 9000);
  ck_assert_int_eq(a.last, NOW0 - 1000 + 5);
  ck_assert_uint_eq(obj_sum("b.example").count, 10);
  ck_assert_uint_eq(obj_keys_on_disk(), 0);
  ck_assert_uint_eq(pending_rows_on_disk(), 3);

  ck_assert_int_eq(store_objects_fold(st, NULL), 0);
  ck_assert_uint_eq(pending_rows_on_disk(), 0);
  ck_assert_uint_eq(obj_keys_on_disk(), 4);
  struct obj_sum b = obj_sum("evil.example");
  ck_assert_int_eq(b.rows, a.rows);
  ck_assert_uint_eq(b.count, a.count);
  ck_assert_int_eq(b.first, a.first);
  ck_assert_int_eq(b.last, a.last);

  write_objs(2, 5, 2, NOW0 - 100); /* pending on top of folded: one row sums both */
  b = obj_sum("evil.example");
  ck_assert_int_eq(b.rows, 2);
  ck_assert_uint_eq(b.count, 22);
  ck_assert_int_eq(b.last, NOW0 - 100 + 1);
  ck_assert_int_eq(store_objects_fold(st, NULL), 0);
  ck_assert_int_eq(store_objects_fold(st, NULL), 0); /* nothing pending: no-op */
  ck_assert_uint_eq(obj_sum("evil.example").count, 22);

  /* Stopped with sums pending (held: close does not fold): loaded again. */
  write_objs(1, 17, 3, NOW0 - 50);
  reopen();
  store_objfold_hold(st, true);
  ck_assert_uint_eq(pending_rows_on_disk(), 1);
  ck_assert_uint_eq(obj_sum("evil.example").count, 25);
  ck_assert_uint_eq(obj_sum("b.example").count, 12);

  /* Stopped after an ingest but before its pending rows were deleted: the
   * watermark says they are in the family already, so they count once. */
  size_t vl = 0;
  char *dberr = NULL, key[9] = {'P'};
  rocksdb_iterator_t *it = rocksdb_create_iterator_cf(st->db, st->ro, st->cf_default);
  rocksdb_iter_seek(it, "P", 1);
  ck_assert(rocksdb_iter_valid(it));
  size_t kl;
  memcpy(key, rocksdb_iter_key(it, &kl), sizeof(key));
  char *val = vg_xmalloc(4096);
  const char *v = rocksdb_iter_value(it, &vl);
  ck_assert_uint_le(vl, 4096);
  memcpy(val, v, vl);
  rocksdb_iter_destroy(it);
  ck_assert_int_eq(store_objects_fold(st, NULL), 0);
  rocksdb_put_cf(st->db, st->wo, st->cf_default, key, sizeof(key), val, vl, &dberr);
  ck_assert_ptr_null(dberr);
  free(val);
  reopen();
  ck_assert_uint_eq(pending_rows_on_disk(), 0);
  ck_assert_uint_eq(obj_sum("evil.example").count, 25);

  /* A clean close folds: nothing pending after it. */
  write_objs(3, 1, 2, NOW0 - 10);
  reopen();
  ck_assert_uint_eq(pending_rows_on_disk(), 0);
  ck_assert_uint_eq(obj_sum("evil.example").count, 27);
  ck_assert_int_eq(obj_sum("evil.example").rows, 3);
}
END_TEST

/* The object index follows retention: past-horizon days vanish from reads at
 * once and from disk after the compaction the retention run starts. */
START_TEST(t_objects_retention) {
  for (int d = 0; d < 7; d++) {
    struct store_event *e = mk(d, 1, 1, NOW0 - (6 - d) * 86400000LL, (uint64_t)d + 1, 1);
    e->nobjs = 1;
    e->objs[0].type = STORE_OBJ_DOMAIN;
    e->objs[0].hash = store_objects_hash(STORE_OBJ_DOMAIN, "evil.example", 12);
  }
  write_ok(7, false);
  int32_t days[16];
  obj_rows(days);
  ck_assert_int_eq(days[0], 7);
  ck_assert_int_eq(days[1], store_day_of(NOW0 - 6 * 86400000LL));
  store_flush(st, true, NULL);
  ck_assert_uint_eq(obj_keys_on_disk(), 7);

  now_ms = NOW0 + 27 * 86400000LL; /* horizon = NOW0 - 3 days */
  int32_t horizon = store_day_of(now_ms - 30 * 86400000LL);
  obj_rows(days); /* hidden at once, before any compaction */
  ck_assert_int_eq(days[0], store_day_of(NOW0) - horizon + 1);
  ck_assert_int_eq(days[1], horizon);
  ck_assert_int_gt(store_retention_run(st, now_ms, NULL), 0);
  for (int i = 0; i < 500 && !atomic_load(&st->obj_compact_done); i++) usleep(10000);
  ck_assert_msg(atomic_load(&st->obj_compact_done), "the retention compaction did not finish");
  ck_assert_uint_eq(obj_keys_on_disk(), (size_t)days[0]);
  obj_rows(days);
  ck_assert_int_eq(days[0], store_day_of(NOW0) - horizon + 1);
}
END_TEST

START_TEST(t_refused_and_future) {
  mk(0, 1, 1, NOW0 - 31 * 86400000LL, 1, 1); /* past retention */
  mk(1, 1, 1, NOW0 + 3 * 86400000LL, 2, 1);  /* bad clock */
  mk(2, 1, 1, NOW0 + 3600000, 3, 1);         /* within a day: kept */
  ck_assert_int_eq(store_write_events(st, evs, 3, false, NULL), 1);
  ck_assert_uint_eq(count(1, 1, 0, INT64_MAX), 2);
  ck_assert_uint_eq(count(1, 1, NOW0, NOW0 + 1), 1); /* keyed at arrival */
  ck_assert_uint_eq(count(1, 1, NOW0 + 3600000, NOW0 + 3600001), 1);
  struct store_stats ss;
  ck_assert_int_eq(store_stats(st, &ss, NULL), 0);
  ck_assert_uint_eq(ss.events_refused, 1);
  ck_assert_uint_le(ss.partitions, 2); /* no partition 3 days ahead */
  evs[0].type_id = 0;
  ck_assert_int_eq(store_write_events(st, evs, 1, false, NULL), -VG_EINVAL);
}
END_TEST

static int meta_cb(void *ctx, const uint8_t *k, size_t kl, const char *v, size_t vl) {
  (void)k, (void)kl, (void)v, (void)vl;
  (*(int *)ctx)++;
  return 0;
}
static int audit_cb(void *ctx, int64_t t, const char *rec, size_t len) {
  struct got *g = ctx;
  g->t[g->n++] = t;
  memcpy(g->last, rec, len);
  g->last[len] = '\0';
  return 0;
}

static void write_meta_and_audit(void) {
  uint8_t oid[16];
  id(oid, 1);
  ck_assert_int_eq(store_meta_put(st, STORE_META_SENSOR, oid, "s1", 2, "{\"h\":1}", 7, NULL), 0);
  struct store_meta_op ops[] = {
      {STORE_META_SENSOR, oid, "s2", 2, "two", 3},
      {STORE_META_SENSOR, oid, "s3", 2, "three", 5},
      {STORE_META_RULE, oid, "r1", 2, "rule", 4},
  };
  ck_assert_int_eq(store_meta_batch(st, ops, 3, NULL), 0);
  for (int i = 0; i < 5; i++) {
    char rec[16];
    int n = snprintf(rec, sizeof(rec), "a%d", i);
    ck_assert_int_eq(store_audit_append(st, oid, NOW0 + i / 2, rec, (size_t)n, NULL), 0);
  }
}

static void check_meta_and_audit(void) {
  uint8_t oid[16];
  id(oid, 1);
  char *v = NULL;
  size_t vl = 0;
  ck_assert_int_eq(store_meta_get(st, STORE_META_SENSOR, oid, "s3", 2, &v, &vl, NULL), 0);
  ck_assert_str_eq(v, "three");
  free(v);
  int n = 0;
  ck_assert_int_eq(store_meta_iter(st, STORE_META_SENSOR, oid, NULL, 0, meta_cb, &n, NULL), 3);
  ck_assert_int_eq(n, 3);
  struct got *g = calloc(1, sizeof(*g));
  ck_assert_int_eq(store_audit_list(st, oid, 0, INT64_MAX, 3, audit_cb, g, NULL), 3);
  ck_assert_str_eq(g->last, "a2");
  ck_assert_int_eq(g->t[0], NOW0 + 2);
  free(g);
}

START_TEST(t_meta_audit) {
  write_meta_and_audit();
  check_meta_and_audit();
  uint8_t oid[16], other[16];
  id(oid, 1);
  id(other, 2);
  char *v = NULL;
  ck_assert_int_eq(store_meta_delete(st, STORE_META_SENSOR, oid, "s3", 2, NULL), 0);
  ck_assert_int_eq(store_meta_get(st, STORE_META_SENSOR, oid, "s3", 2, &v, NULL, NULL),
                   -VG_ENOTFOUND);
  int n = 0;
  ck_assert_int_eq(store_meta_iter(st, STORE_META_SENSOR, other, NULL, 0, meta_cb, &n, NULL), 0);
  ck_assert_int_eq(store_meta_iter(st, STORE_META_SENSOR, oid, "s", 1, meta_cb, &n, NULL), 2);
  ck_assert_int_eq(store_meta_iter(st, STORE_META_RULE, oid, NULL, 0, meta_cb, &n, NULL), 1);
  /* a batch with a bad record applies nothing */
  struct store_meta_op bad[] = {{STORE_META_TAG, oid, "t", 1, "x", 1},
                                {STORE_META_TAG, oid, "", 0, "y", 1}};
  ck_assert_int_eq(store_meta_batch(st, bad, 2, NULL), -VG_EINVAL);
  ck_assert_int_eq(store_meta_get(st, STORE_META_TAG, oid, "t", 1, &v, NULL, NULL), -VG_ENOTFOUND);
}
END_TEST

START_TEST(t_reopen) {
  write_days();
  write_meta_and_audit();
  uint64_t c = count(1, 0, 0, INT64_MAX);
  store_close(st);
  st = open_store(30 * 86400);
  ck_assert_uint_eq(count(1, 0, 0, INT64_MAX), c);
  ck_assert_uint_eq(counter_sum(1, 0, STORE_GRAN_DAY, 0, INT64_MAX, 0), c);
  struct store_stats ss;
  ck_assert_int_eq(store_stats(st, &ss, NULL), 0);
  ck_assert_uint_ge(ss.partitions, 6);
  check_meta_and_audit();
  write_days(); /* resend after restart: still stored and counted once */
  ck_assert_uint_eq(count(1, 0, 0, INT64_MAX), c);
  ck_assert_uint_eq(counter_sum(1, 0, STORE_GRAN_DAY, 0, INT64_MAX, 0), c);
}
END_TEST

START_TEST(t_sync_survives_crash) {
  store_close(st);
  st = NULL;
  pid_t pid = fork();
  ck_assert_int_ge(pid, 0);
  if (pid == 0) { /* write with sync, then die without closing */
    st = open_store(30 * 86400);
    for (int i = 0; i < 10; i++) mk(i, 1, 1, NOW0 - i, (uint64_t)i, 1);
    _exit(store_write_events(st, evs, 10, true, NULL) == 0 ? 0 : 1);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  st = open_store(30 * 86400);
  ck_assert_uint_eq(count(1, 1, 0, INT64_MAX), 10);
}
END_TEST

static volatile int stop_readers;
static void *reader(void *arg) {
  (void)arg;
  struct got *g = calloc(1, sizeof(*g));
  while (!stop_readers) {
    memset(g, 0, sizeof(*g));
    page_all(STORE_BACKWARD, INT64_MAX / 2, 50, g);
    uint8_t oid[16];
    id(oid, 1);
    memset(g, 0, sizeof(*g));
    store_events_scan(st, oid, 0, INT64_MAX, collect, g, NULL);
  }
  free(g);
  return NULL;
}

START_TEST(t_concurrent) {
  pthread_t r[2];
  for (int i = 0; i < 2; i++) pthread_create(&r[i], NULL, reader, NULL);
  uint64_t seq = 0;
  for (int round = 0; round < 20; round++) {
    for (int i = 0; i < 100; i++, seq++)
      mk(i, 1, 1, NOW0 - (int64_t)(20 - round) * 86400000LL / 2 + i, seq, 1);
    write_ok(100, false);
    if (round % 5 == 4) ck_assert_int_ge(store_retention_run(st, NOW0 + 25 * 86400000LL, NULL), 0);
  }
  stop_readers = 1;
  for (int i = 0; i < 2; i++) pthread_join(r[i], NULL);
  ck_assert_uint_le(count(1, 1, 0, INT64_MAX), 2000);
  ck_assert_uint_gt(count(1, 1, 0, INT64_MAX), 0);
}
END_TEST

START_TEST(t_keys_and_open_errors) {
  char name[32];
  int32_t day = 0;
  store_keys_part_name(store_day_of(NOW0), name, sizeof(name));
  ck_assert_str_eq(name, "ev_20251128");
  ck_assert_int_eq(store_keys_part_parse(name, &day), 0);
  ck_assert_int_eq(day, store_day_of(NOW0));
  ck_assert_int_eq(store_day_of(-1), -1);
  ck_assert_int_eq(store_keys_part_parse("ev_20251131", &day), -1);
  ck_assert_int_eq(store_keys_part_parse("counters", &day), -1);
  struct store_opts o = {.path = dir, .retention_s = -1};
  struct vg_err e = {0};
  ck_assert_ptr_null(store_open(&o, &e));
  ck_assert_int_eq(e.code, VG_ERANGE);
  o.path = NULL;
  ck_assert_ptr_null(store_open(&o, NULL));
}
END_TEST

static void render(const char *stored, const char *want_prefix, const char *want_rest) {
  uint8_t oid[16], sid[16];
  id(oid, 1);
  id(sid, 2);
  struct store_rec r = {.oid = oid, .sid = sid, .seq = 7, .data = stored, .len = strlen(stored)};
  struct vg_buf b;
  vg_buf_init(&b, 4096);
  ck_assert_int_eq(store_render(&r, &b, NULL), 0);
  json_t *ev = json_loadb(b.data, b.len, 0, NULL);
  ck_assert_ptr_nonnull(ev);
  json_t *rt = json_object_get(ev, "routing");
  char o[VG_UUID_STR_LEN + 1], s2[VG_UUID_STR_LEN + 1], e[VG_UUID_STR_LEN + 1];
  vg_atom_uuid_format(oid, o);
  vg_atom_uuid_format(sid, s2);
  vg_atom_event_id(sid, 7, e);
  ck_assert_str_eq(json_string_value(json_object_get(rt, "oid")), o);
  ck_assert_str_eq(json_string_value(json_object_get(rt, "sid")), s2);
  ck_assert_str_eq(json_string_value(json_object_get(rt, "event_id")), e);
  ck_assert_int_eq(strncmp(b.data, want_prefix, strlen(want_prefix)), 0);
  ck_assert_ptr_nonnull(strstr(b.data, want_rest));
  json_decref(ev);
  vg_buf_cleanup(&b);
}

START_TEST(t_render) {
  /* As ingest stores it: spliced, the rest byte for byte. */
  render("{\"routing\":{\"event_type\":\"NEW_PROCESS\",\"event_time\":5},\"event\":{\"A\":1}}",
         "{\"routing\":{\"oid\":", "\"event_type\":\"NEW_PROCESS\",\"event_time\":5},\"event\":{\"A\":1}}");
  /* Any other member order goes through the codec. */
  render("{\"event\":{\"A\":1},\"routing\":{\"event_type\":\"X\",\"event_time\":5}}", "{",
         "\"A\":1");
  /* Not an event: an error, nothing appended. */
  uint8_t z[16] = {0};
  struct store_rec r = {.oid = z, .sid = z, .data = "[1]", .len = 3};
  struct vg_buf b;
  vg_buf_init(&b, 4096);
  ck_assert_int_lt(store_render(&r, &b, NULL), 0);
  ck_assert_uint_eq(b.len, 0);
  vg_buf_cleanup(&b);
}
END_TEST

static Suite *store_suite(void) {
  Suite *s = suite_create("store");
  TCase *tc = tcase_create("core");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, t_keys_and_open_errors);
  tcase_add_test(tc, t_roundtrip);
  tcase_add_test(tc, t_resend_stored_once);
  tcase_add_test(tc, t_timeline_pages);
  tcase_add_test(tc, t_timeline_stable_under_ingest);
  tcase_add_test(tc, t_type_filter);
  tcase_add_test(tc, t_org_scan);
  tcase_add_test(tc, t_atoms_children);
  tcase_add_test(tc, t_children_runs);
  tcase_add_test(tc, t_children_decode_errors);
  tcase_add_test(tc, t_counters);
  tcase_add_test(tc, t_retention);
  tcase_add_test(tc, t_objects_retention);
  tcase_add_test(tc, t_objects_fold);
  tcase_add_test(tc, t_refused_and_future);
  tcase_add_test(tc, t_meta_audit);
  tcase_add_test(tc, t_reopen);
  tcase_add_test(tc, t_sync_survives_crash);
  tcase_add_test(tc, t_concurrent);
  tcase_add_test(tc, t_render);
  suite_add_tcase(s, tc);
  return s;
}
VG_CHECK_MAIN(store_suite)
