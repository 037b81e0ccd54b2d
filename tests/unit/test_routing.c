/* test_routing.c — routing validation and the typed view (get/set). */
#include <string.h>

#include "shared/err.h"
#include "shared/platform.h"
#include "shared/routing.h"
#include "tests/harness/harness.h"

#define OID "7e9c1a52-3b1d-4f0e-9d2a-5b8c6e4f1a20"
#define SID "0f4c2b7a-9e1d-4c3b-8a5f-6d2e1c0b9a87"
#define THIS_ATOM "5f3b2a1c9d8e7f60a1b2c3d4e5f60718"
#define PARENT_ATOM "a0b1c2d3e4f5061728394a5b6c7d8e9f"

static json_t *load(const char *s) {
  json_error_t je;
  json_t *j = json_loads(s, 0, &je);
  ck_assert_msg(j != NULL, "%s", je.text);
  return j;
}

static const char *full =
    "{\"routing\":{\"oid\":\"" OID "\",\"sid\":\"" SID "\",\"hostname\":\"web-1\","
    "\"event_type\":\"NEW_PROCESS\",\"event_time\":1764340000123,"
    "\"event_id\":\"123e4567-e89b-42d3-a456-426614174000\",\"int_ip\":\"10.0.0.5\","
    "\"ext_ip\":\"2001:db8::1\",\"plat\":536870912,\"arch\":2,\"this\":\"" THIS_ATOM "\","
    "\"parent\":\"" PARENT_ATOM "\",\"investigation_id\":\"inv-1/x\",\"tags\":[\"prod\",\"web\"],"
    "\"moduleid\":2,\"did\":\"kept\"},\"event\":{}}";

START_TEST(t_get_full) {
  json_t *ev = load(full);
  struct vg_routing r;
  struct vg_err e;
  ck_assert_int_eq(vg_routing_get(ev, &r, &e), 0);
  ck_assert_str_eq(r.oid, OID);
  ck_assert_str_eq(r.sid, SID);
  ck_assert_str_eq(r.hostname, "web-1");
  ck_assert_str_eq(r.event_type, "NEW_PROCESS");
  ck_assert_int_eq(r.event_time, 1764340000123LL);
  ck_assert_str_eq(r.int_ip, "10.0.0.5");
  ck_assert_str_eq(r.ext_ip, "2001:db8::1");
  ck_assert_uint_eq(r.plat, VG_PLAT_LINUX);
  ck_assert_uint_eq(r.arch, VG_ARCH_X64);
  ck_assert_str_eq(r.this_atom, THIS_ATOM);
  ck_assert_str_eq(r.parent_atom, PARENT_ATOM);
  ck_assert_str_eq(r.target_atom, "");
  ck_assert_str_eq(r.investigation_id, "inv-1/x");
  ck_assert_uint_eq(r.ntags, 2);
  ck_assert_str_eq(r.tags[1], "web");
  ck_assert_uint_eq(r.moduleid, 2);
  ck_assert(r.present & VG_RT_PARENT);
  ck_assert(!(r.present & VG_RT_TARGET));
  ck_assert(!(r.present & VG_RT_IID));
  json_decref(ev);
}
END_TEST

/* Each case: one routing member replaced, expected code, substring of msg. */
START_TEST(t_check_errors) {
  static const struct {
    const char *routing;
    int code;
    const char *msg;
  } cases[] = {
      {"{\"event_time\":1}", VG_EMISSING, "event_type"},
      {"{\"event_type\":\"X\"}", VG_EMISSING, "event_time"},
      {"{\"event_type\":5,\"event_time\":1}", VG_ETYPE, "routing/event_type"},
      {"{\"event_type\":\"bad type\",\"event_time\":1}", VG_ESCHEMA, "routing/event_type"},
      {"{\"event_type\":\"X\",\"event_time\":-1}", VG_ERANGE, "routing/event_time"},
      {"{\"event_type\":\"X\",\"event_time\":1.5}", VG_ETYPE, "routing/event_time"},
      {"{\"event_type\":\"X\",\"event_time\":1,\"this\":\"abc\"}", VG_ESCHEMA, "routing/this"},
      {"{\"event_type\":\"X\",\"event_time\":1,\"this\":\"5F3B2A1C9D8E7F60A1B2C3D4E5F60718\"}",
       VG_ESCHEMA, "routing/this"},
      {"{\"event_type\":\"X\",\"event_time\":1,\"parent\":\"zz3b2a1c9d8e7f60a1b2c3d4e5f60718\"}",
       VG_ESCHEMA, "routing/parent"},
      {"{\"event_type\":\"X\",\"event_time\":1,\"sid\":\"not-a-uuid-not-a-uuid-not-a-uuid-123\"}",
       VG_ESCHEMA, "routing/sid"},
      {"{\"event_type\":\"X\",\"event_time\":1,\"plat\":4294967296}", VG_ERANGE, "routing/plat"},
      {"{\"event_type\":\"X\",\"event_time\":1,\"arch\":\"2\"}", VG_ETYPE, "routing/arch"},
      {"{\"event_type\":\"X\",\"event_time\":1,\"int_ip\":\"10.0.0.256\"}", VG_ESCHEMA,
       "routing/int_ip"},
      {"{\"event_type\":\"X\",\"event_time\":1,\"tags\":\"a\"}", VG_ETYPE, "routing/tags"},
      {"{\"event_type\":\"X\",\"event_time\":1,\"tags\":[\"\"]}", VG_ESCHEMA, "routing/tags"},
      {"{\"event_type\":\"X\",\"event_time\":1,\"tags\":[1]}", VG_ETYPE, "routing/tags"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    json_t *r = load(cases[i].routing);
    struct vg_err e;
    vg_err_clear(&e);
    ck_assert_msg(vg_routing_check(r, &e) == -cases[i].code, "case %zu: %s", i, e.msg);
    ck_assert_msg(strstr(e.msg, cases[i].msg), "case %zu: %s", i, e.msg);
    json_decref(r);
  }
  ck_assert_int_eq(vg_routing_check(NULL, NULL), -VG_ETYPE);
}
END_TEST

START_TEST(t_check_limits) {
  json_t *r = load("{\"event_type\":\"X\",\"event_time\":0,\"int_ip\":\"\"}");
  ck_assert_int_eq(vg_routing_check(r, NULL), 0);
  char host[VG_LIMIT_HOSTNAME_BYTES + 2];
  memset(host, 'h', sizeof(host));
  host[VG_LIMIT_HOSTNAME_BYTES] = '\0';
  json_object_set_new(r, "hostname", json_string(host));
  ck_assert_int_eq(vg_routing_check(r, NULL), 0);
  host[VG_LIMIT_HOSTNAME_BYTES] = 'h';
  host[VG_LIMIT_HOSTNAME_BYTES + 1] = '\0';
  json_object_set_new(r, "hostname", json_string(host));
  ck_assert_int_eq(vg_routing_check(r, NULL), -VG_ELIMIT);
  json_object_del(r, "hostname");
  json_t *tags = json_array();
  for (int i = 0; i <= VG_LIMIT_TAGS; i++) json_array_append_new(tags, json_string("t"));
  json_object_set_new(r, "tags", tags);
  ck_assert_int_eq(vg_routing_check(r, NULL), -VG_ELIMIT);
  json_array_remove(tags, 0);
  ck_assert_int_eq(vg_routing_check(r, NULL), 0);
  json_decref(r);
}
END_TEST

START_TEST(t_set_backend_fill) {
  json_t *ev = load("{\"routing\":{\"event_type\":\"DNS_REQUEST\",\"event_time\":5,"
                    "\"hostname\":\"liar\",\"sid\":\"" OID "\",\"this\":\"" THIS_ATOM "\"},"
                    "\"event\":{\"DOMAIN_NAME\":\"x.org\"}}");
  struct vg_routing r;
  vg_routing_init(&r);
  snprintf(r.oid, sizeof(r.oid), "%s", OID);
  snprintf(r.sid, sizeof(r.sid), "%s", SID);
  snprintf(r.hostname, sizeof(r.hostname), "%s", "web-1");
  snprintf(r.ext_ip, sizeof(r.ext_ip), "%s", "203.0.113.7");
  snprintf(r.tags[0], sizeof(r.tags[0]), "%s", "prod");
  r.ntags = 1;
  r.present = VG_RT_OID | VG_RT_SID | VG_RT_HOSTNAME | VG_RT_EXT_IP | VG_RT_TAGS;
  unsigned fill = r.present | VG_RT_THIS; /* THIS not present in r: removed */
  struct vg_err e;
  ck_assert_int_eq(vg_routing_set(ev, &r, fill, &e), 0);
  struct vg_routing got;
  ck_assert_int_eq(vg_routing_get(ev, &got, &e), 0);
  ck_assert_str_eq(got.sid, SID);
  ck_assert_str_eq(got.oid, OID);
  ck_assert_str_eq(got.hostname, "web-1");
  ck_assert_str_eq(got.ext_ip, "203.0.113.7");
  ck_assert_uint_eq(got.ntags, 1);
  ck_assert_str_eq(got.event_type, "DNS_REQUEST"); /* untouched */
  ck_assert_int_eq(got.event_time, 5);
  ck_assert(!(got.present & VG_RT_THIS));
  json_decref(ev);
}
END_TEST

START_TEST(t_set_round_trip_all) {
  json_t *src = load(full);
  struct vg_routing r;
  ck_assert_int_eq(vg_routing_get(src, &r, NULL), 0);
  json_t *dst = json_object();
  json_object_set_new(dst, "event", json_object());
  ck_assert_int_eq(vg_routing_set(dst, &r, VG_RT_ALL, NULL), 0);
  json_t *sr = json_object_get(src, "routing");
  json_object_del(sr, "did"); /* unknown keys are not part of the typed view */
  ck_assert(json_equal(sr, json_object_get(dst, "routing")));
  json_decref(src);
  json_decref(dst);
}
END_TEST

START_TEST(t_set_is_atomic) {
  json_t *ev = load(full);
  json_t *before = json_deep_copy(ev);
  struct vg_routing r;
  ck_assert_int_eq(vg_routing_get(ev, &r, NULL), 0);
  snprintf(r.hostname, sizeof(r.hostname), "%s", "new-host");
  snprintf(r.this_atom, sizeof(r.this_atom), "%s", "NOT-AN-ATOM");
  struct vg_err e;
  ck_assert_int_eq(vg_routing_set(ev, &r, VG_RT_HOSTNAME | VG_RT_THIS, &e), -VG_ESCHEMA);
  ck_assert_ptr_nonnull(strstr(e.msg, "routing/this"));
  ck_assert(json_equal(ev, before));
  r.present &= ~(unsigned)VG_RT_EVENT_TYPE;
  ck_assert_int_eq(vg_routing_set(ev, &r, VG_RT_EVENT_TYPE, &e), -VG_EMISSING);
  r.present |= VG_RT_EVENT_TYPE;
  memset(r.hostname, 'x', sizeof(r.hostname)); /* unterminated */
  ck_assert_int_eq(vg_routing_set(ev, &r, VG_RT_HOSTNAME, &e), -VG_ESCHEMA);
  ck_assert(json_equal(ev, before));
  ck_assert_int_eq(vg_routing_set(NULL, &r, VG_RT_ALL, NULL), -VG_EINVAL);
  json_decref(before);
  json_decref(ev);
}
END_TEST

static Suite *routing_suite(void) {
  Suite *s = suite_create("routing");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, t_get_full);
  tcase_add_test(tc, t_check_errors);
  tcase_add_test(tc, t_check_limits);
  tcase_add_test(tc, t_set_backend_fill);
  tcase_add_test(tc, t_set_round_trip_all);
  tcase_add_test(tc, t_set_is_atomic);
  suite_add_tcase(s, tc);
  return s;
}
VG_CHECK_MAIN(routing_suite)
