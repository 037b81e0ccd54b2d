/* test_insight.c — Insight reads through the API over events stored by the
 * real ingest path: timeline paging both ways while ingest continues,
 * histogram counts, the process graph of a bash → sh → sleep tree, and
 * organisation isolation. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "shared/alloc.h"
#include "shared/atom.h"
#include "shared/event.h"
#include "tests/harness/api_sim.h"
#include "tests/harness/harness.h"
#include "tests/harness/sensor_sim.h"

#define FILLER 50

static int64_t T; /* the tree's start time */
static char A_BASH[33], A_SH[33], A_SLEEP[33];

static json_t *event(const char *type, int64_t t, const char *this_, const char *parent) {
  json_t *ev = vg_event_new(type, t);
  json_t *rt = vg_event_routing(ev);
  if (this_) json_object_set_new(rt, "this", json_string(this_));
  if (parent) json_object_set_new(rt, "parent", json_string(parent));
  return ev;
}

static json_t *proc(int64_t t, const char *this_, const char *parent, const char *path, int pid) {
  json_t *ev = event("NEW_PROCESS", t, this_, parent);
  json_t *p = vg_event_payload(ev);
  json_object_set_new(p, "FILE_PATH", json_string(path));
  json_object_set_new(p, "PROCESS_ID", json_integer(pid));
  return ev;
}

static void send_and_ack(struct sensor_sim *s, uint64_t first, json_t *evs) {
  size_t n = json_array_size(evs);
  ck_assert_int_eq(sensor_sim_send_events(s, first, evs), 0);
  json_decref(evs);
  json_t *a = sensor_sim_recv(s, "ack", 10000);
  ck_assert_ptr_nonnull(a);
  ck_assert_int_eq(json_integer_value(json_object_get(a, "seq")), (json_int_t)(first + n - 1));
  json_decref(a);
}

/* Batch 1: the tree, a DNS request and a connection of sleep; batch 2:
 * FILLER file events of sh, one a second. */
static uint64_t send_tree(struct sensor_sim *s) {
  vg_atom_new(A_BASH);
  vg_atom_new(A_SH);
  vg_atom_new(A_SLEEP);
  json_t *b1 = json_array();
  json_array_append_new(b1, proc(T, A_BASH, NULL, "/usr/bin/bash", 100));
  json_array_append_new(b1, proc(T + 10, A_SH, A_BASH, "/usr/bin/sh", 101));
  json_array_append_new(b1, proc(T + 20, A_SLEEP, A_SH, "/usr/bin/sleep", 102));
  json_array_append_new(b1, event("DNS_REQUEST", T + 30, NULL, A_SLEEP));
  json_array_append_new(b1, event("NEW_TCP4_CONNECTION", T + 40, NULL, A_SLEEP));
  send_and_ack(s, 1, b1);
  json_t *b2 = json_array();
  for (int i = 0; i < FILLER; i++)
    json_array_append_new(b2, event("FILE_MODIFIED", T + 1000 + i * 1000LL, NULL, A_SH));
  send_and_ack(s, 6, b2);
  return 5 + FILLER;
}

/* Every event of the sensor through timeline pages of `limit`; the seqs
 * (from event ids) in the order returned. While paging forward, after the
 * first page, `late` more events are sent with later times. */
static size_t page_all(struct client *c, const char *sid, const char *dir, int limit,
                       struct sensor_sim *late_s, uint64_t late_first, int late,
                       char ids[][40], size_t max) {
  size_t n = 0;
  json_t *cursor = NULL;
  for (int page = 0; page < 100; page++) {
    json_t *p = json_pack("{s:s, s:s, s:i}", "sid", sid, "direction", dir, "limit", limit);
    if (cursor) json_object_set_new(p, "cursor", cursor);
    json_t *r = result_of(c, "insight.timeline", p);
    json_t *evs = json_object_get(r, "events");
    ck_assert_int_le(json_array_size(evs), limit);
    size_t i;
    json_t *ev;
    json_array_foreach(evs, i, ev) {
      ck_assert_uint_lt(n, max);
      json_t *rt = json_object_get(ev, "routing");
      ck_assert_str_eq(json_string_value(json_object_get(rt, "sid")), sid);
      snprintf(ids[n++], 40, "%s", json_string_value(json_object_get(rt, "event_id")));
    }
    json_t *next = json_object_get(r, "next");
    cursor = json_is_string(next) ? json_incref(next) : NULL;
    json_decref(r);
    if (page == 0 && late) {
      json_t *b = json_array();
      for (int k = 0; k < late; k++)
        json_array_append_new(b, event("FILE_DELETE", T + 100000 + k, NULL, A_SH));
      send_and_ack(late_s, late_first, b);
    }
    if (!cursor) return n;
  }
  ck_abort_msg("timeline did not end");
  return n;
}

START_TEST(t_insight) {
  struct harness_vigild d;
  ck_assert_int_eq(harness_vigild_start(&d, NULL), 0);
  struct creds a;
  vigild_creds(&d, &a);
  struct sensor_sim s;
  struct vg_err e;
  ck_assert_msg(sensor_sim_enroll(&s, &d, NULL, "tree-host", &e) == 0, "enroll: %s", e.msg);
  json_decref(sensor_sim_connect(&s, &d, NULL, NULL));
  T = vg_event_now_ms() - 3600000;
  uint64_t stored = send_tree(&s);
  const char *sid = s.id.sid;

  struct client c;
  admin_open(&c, &d);
  char *vkey = make_key(&c, "viewer");
  client_close(&c);
  client_open(&c, &d);
  auth(&c, a.oid, vkey, "viewer"); /* Insight is a read: viewers may use it */
  free(vkey);

  /* Forward pages of 7 while 6 more events arrive: every event once, in
   * order, the late ones included at the end. */
  static char fwd[200][40], bwd[200][40];
  size_t nf = page_all(&c, sid, "forward", 7, &s, stored + 1, 6, fwd, 200);
  stored += 6;
  ck_assert_uint_eq(nf, stored);
  char want[40];
  uint8_t sidb[16];
  vg_atom_uuid_parse(sid, sidb);
  for (size_t i = 0; i < nf; i++) {
    vg_atom_event_id(sidb, i + 1, want); /* time order is seq order here */
    ck_assert_str_eq(fwd[i], want);
  }
  /* Backward pages of 5: the same events, reversed. */
  size_t nb = page_all(&c, sid, "backward", 5, NULL, 0, 0, bwd, 200);
  ck_assert_uint_eq(nb, nf);
  for (size_t i = 0; i < nb; i++) ck_assert_str_eq(bwd[i], fwd[nf - 1 - i]);

  /* A type filter, and a start time. */
  json_t *r = result_of(&c, "insight.timeline",
                        json_pack("{s:s, s:[s], s:I}", "sid", sid, "types", "NEW_PROCESS", "from",
                                  (json_int_t)(T + 5)));
  ck_assert_int_eq(json_array_size(json_object_get(r, "events")), 2); /* sh, sleep */
  ck_assert(json_is_null(json_object_get(r, "next")));
  json_decref(r);
  EXPECT(&c, "insight.timeline", json_pack("{s:s, s:[s]}", "sid", sid, "types", "no such"),
         "EINVAL");
  EXPECT(&c, "insight.timeline", json_pack("{s:s, s:s}", "sid", sid, "cursor", "zz"), "EINVAL");

  /* Histogram: the counts are the events stored. */
  r = result_of(&c, "insight.histogram",
                json_pack("{s:s, s:I, s:I, s:b}", "sid", sid, "from", (json_int_t)(T - 3600000),
                          "to", (json_int_t)(T + 3600000), "per_type", 1));
  ck_assert_str_eq(json_string_value(json_object_get(r, "granularity")), "minute");
  ck_assert_int_eq(json_integer_value(json_object_get(r, "total")), (json_int_t)stored);
  json_int_t sum = 0, procs = 0;
  size_t i;
  json_t *bk;
  json_array_foreach(json_object_get(r, "buckets"), i, bk) {
    sum += json_integer_value(json_object_get(bk, "n"));
    procs += json_integer_value(json_object_get(json_object_get(bk, "types"), "NEW_PROCESS"));
  }
  ck_assert_int_eq(sum, (json_int_t)stored);
  ck_assert_int_eq(procs, 3);
  json_decref(r);
  r = result_of(&c, "insight.histogram", json_pack("{s:I, s:I, s:s}", "from", (json_int_t)(T - 86400000LL * 300),
                                                   "to", (json_int_t)(T + 86400000LL * 65),
                                                   "granularity", "day"));
  ck_assert_int_eq(json_integer_value(json_object_get(r, "total")), (json_int_t)stored); /* org */
  json_decref(r);
  EXPECT(&c, "insight.histogram", json_pack("{s:I, s:I, s:s}", "from", (json_int_t)(T - 86400000LL * 300),
                                            "to", (json_int_t)(T + 86400000LL * 65), "granularity",
                                            "minute"),
         "ELIMIT");

  /* The process graph. */
  r = result_of(&c, "insight.atom", json_pack("{s:s}", "atom", A_SLEEP));
  json_t *ev = json_object_get(r, "event");
  ck_assert_str_eq(json_string_value(json_object_get(vg_event_payload(ev), "FILE_PATH")),
                   "/usr/bin/sleep");
  json_decref(r);
  r = result_of(&c, "insight.parents", json_pack("{s:s}", "atom", A_SLEEP));
  json_t *chain = json_object_get(r, "chain");
  ck_assert_int_eq(json_array_size(chain), 3);
  const char *paths[] = {"/usr/bin/sleep", "/usr/bin/sh", "/usr/bin/bash"};
  for (int k = 0; k < 3; k++)
    ck_assert_str_eq(json_string_value(json_object_get(
                         vg_event_payload(json_array_get(chain, (size_t)k)), "FILE_PATH")),
                     paths[k]);
  json_decref(r);
  r = result_of(&c, "insight.children", json_pack("{s:s}", "atom", A_SLEEP));
  ck_assert_int_eq(json_array_size(json_object_get(r, "events")), 2); /* DNS, connection */
  json_decref(r);
  /* sh's children: sleep, FILLER file events and 6 late ones, in pages of 20. */
  size_t kids = 0;
  json_int_t from = 0;
  for (int page = 0; page < 10; page++) {
    r = result_of(&c, "insight.children",
                  json_pack("{s:s, s:i, s:I}", "atom", A_SH, "limit", 20, "from", from));
    kids += json_array_size(json_object_get(r, "events"));
    json_t *nf2 = json_object_get(r, "next_from");
    bool more = json_is_integer(nf2);
    if (more) from = json_integer_value(nf2);
    json_decref(r);
    if (!more) break;
  }
  ck_assert_uint_eq(kids, 1 + FILLER + 6);
  EXPECT(&c, "insight.atom", json_pack("{s:s}", "atom", "00000000000000000000000000000001"),
         "ENOTFOUND");
  EXPECT(&c, "insight.atom", json_pack("{s:s}", "atom", "not-an-atom-not-an-atom-not-an-a"),
         "EINVAL");
  client_close(&c);

  /* Organisation B sees none of it, even naming A's sensor and atoms. */
  sensor_sim_disconnect(&s);
  struct creds b;
  make_org(&d, "org-b", &b);
  client_open(&c, &d);
  auth(&c, b.oid, b.api_key, "admin");
  r = result_of(&c, "insight.timeline", json_pack("{s:s}", "sid", sid));
  ck_assert_int_eq(json_array_size(json_object_get(r, "events")), 0);
  json_decref(r);
  r = result_of(&c, "insight.histogram", json_pack("{s:I, s:I, s:s}", "from", (json_int_t)(T - 86400000LL * 300),
                                                   "to", (json_int_t)(T + 86400000LL * 65),
                                                   "granularity", "day"));
  ck_assert_int_eq(json_integer_value(json_object_get(r, "total")), 0);
  json_decref(r);
  EXPECT(&c, "insight.atom", json_pack("{s:s}", "atom", A_SLEEP), "ENOTFOUND");
  EXPECT(&c, "insight.parents", json_pack("{s:s}", "atom", A_SLEEP), "ENOTFOUND");
  r = result_of(&c, "insight.children", json_pack("{s:s}", "atom", A_SH));
  ck_assert_int_eq(json_array_size(json_object_get(r, "events")), 0);
  json_decref(r);
  client_close(&c);
  sensor_sim_cleanup(&s);
  harness_vigild_cleanup(&d, false);
}
END_TEST

static Suite *insight_suite(void) {
  Suite *s = suite_create("insight");
  TCase *tc = tcase_create("api");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, t_insight);
  suite_add_tcase(s, tc);
  return s;
}

VG_CHECK_MAIN(insight_suite)
