/* test_ingest_objects.c — the objects ingest indexes (backend/ingest_objects.c):
 * which payload members count, how values are hashed, and that the objects
 * taken from the scan's noted members equal a walk of the payload. */
#include <stdio.h>
#include <string.h>

#include "backend/ingest_objects.h"
#include "backend/store_objects.h"
#include "shared/event_scan.h"
#include "tests/harness/harness.h"

static struct vg_jscan S;

/* Scan the envelope with payload pl; objects by both routes must agree. */
static void objects_of(const char *pl, struct store_event *se) {
  char ev[8192];
  snprintf(ev, sizeof(ev),
           "{\"routing\":{\"event_type\":\"DNS_REQUEST\",\"event_time\":5},\"event\":%s}", pl);
  struct vg_event_span sp;
  struct vg_routing rt;
  struct vg_err e;
  vg_jscan_init(&S);
  ck_assert_msg(vg_event_scan_one(&S, ev, strlen(ev), &sp, &rt, &e) == 0, "%s", e.msg);
  struct store_event walk;
  memset(se, 0, sizeof(*se));
  memset(&walk, 0, sizeof(walk));
  ingest_objects_from_span(ev, &sp, se);
  ingest_objects_extract(ev + sp.ev_off, sp.ev_len, &walk);
  ck_assert_uint_eq(se->nobjs, walk.nobjs);
  for (int i = 0; i < se->nobjs; i++) {
    ck_assert_uint_eq(se->objs[i].type, walk.objs[i].type);
    ck_assert_uint_eq(se->objs[i].hash, walk.objs[i].hash);
  }
  vg_jscan_cleanup(&S);
}

static void has(const struct store_event *se, int i, enum store_obj_type t, const char *v) {
  ck_assert_int_lt(i, se->nobjs);
  ck_assert_uint_eq(se->objs[i].type, t);
  ck_assert_uint_eq(se->objs[i].hash, store_objects_hash(t, v, strlen(v)));
}

START_TEST(t_members) {
  struct store_event se;
  objects_of("{\"DOMAIN_NAME\":\"Example.COM.\",\"IP_ADDRESS\":\"10.1.2.3\",\"PROCESS_ID\":7,"
             "\"PARENT\":{\"FILE_PATH\":\"/nested/not/indexed\"},\"USER_NAME\":\"\","
             "\"HASH\":42,\"FILE_PATH\":\"\\/tmp\\/x \\u00e9\"}",
             &se);
  ck_assert_uint_eq(se.nobjs, 3);
  has(&se, 0, STORE_OBJ_DOMAIN, "example.com"); /* case and the trailing dot do not count */
  has(&se, 1, STORE_OBJ_IP, "10.1.2.3");
  has(&se, 2, STORE_OBJ_FILE_PATH, "/tmp/x \xc3\xa9"); /* escapes decoded */
  objects_of("{}", &se);
  ck_assert_uint_eq(se.nobjs, 0);
}
END_TEST

/* A connection's endpoints: the IP addresses inside SOURCE and DESTINATION
 * objects are indexed (a string SOURCE, or another nested object, is not). */
START_TEST(t_endpoints) {
  struct store_event se;
  objects_of("{\"PROCESS_ID\":9,\"SOURCE\":{\"IP_ADDRESS\":\"10.0.3.17\",\"PORT\":40000},"
             "\"DESTINATION\":{\"PORT\":443,\"IP_ADDRESS\":\"2001:db8::\\u0031\"},"
             "\"STATE\":1,\"PARENT\":{\"IP_ADDRESS\":\"192.0.2.9\"}}",
             &se);
  ck_assert_uint_eq(se.nobjs, 2);
  has(&se, 0, STORE_OBJ_IP, "10.0.3.17");
  has(&se, 1, STORE_OBJ_IP, "2001:db8::1"); /* escapes decoded */
  objects_of("{\"SOURCE\":\"net-ebpf\",\"DESTINATION\":{\"IP_ADDRESS\":7}}", &se);
  ck_assert_uint_eq(se.nobjs, 0);
}
END_TEST

/* More string members than a span notes: the payload is walked instead,
 * and an object past them is still found. */
START_TEST(t_many_members) {
  char pl[4096];
  size_t n = (size_t)snprintf(pl, sizeof(pl), "{");
  for (int i = 0; i < VG_EVENT_SPAN_STRS + 8; i++)
    n += (size_t)snprintf(pl + n, sizeof(pl) - n, "\"K%d\":\"v%d\",", i, i);
  snprintf(pl + n, sizeof(pl) - n, "\"USER_NAME\":\"alice\"}");
  struct store_event se;
  objects_of(pl, &se);
  ck_assert_uint_eq(se.nobjs, 1);
  has(&se, 0, STORE_OBJ_USER, "alice");
}
END_TEST

static Suite *ingest_objects_suite(void) {
  Suite *s = suite_create("ingest_objects");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, t_members);
  tcase_add_test(tc, t_many_members);
  tcase_add_test(tc, t_endpoints);
  suite_add_tcase(s, tc);
  return s;
}

VG_CHECK_MAIN(ingest_objects_suite)
