/* test_event.c — envelope builder, validator and accessors. */
#include <string.h>

#include "shared/atom.h"
#include "shared/err.h"
#include "shared/event.h"
#include "shared/routing.h"
#include "tests/harness/harness.h"

START_TEST(t_new) {
  json_t *ev = vg_event_new("NEW_PROCESS", 1764340000123LL);
  ck_assert_ptr_nonnull(ev);
  ck_assert_int_eq(vg_event_validate(ev, NULL), 0);
  ck_assert_str_eq(vg_event_get_type(ev), "NEW_PROCESS");
  ck_assert_int_eq(vg_event_get_time(ev), 1764340000123LL);
  ck_assert(json_is_object(vg_event_payload(ev)));
  ck_assert_uint_eq(json_object_size(vg_event_payload(ev)), 0);
  struct vg_routing r;
  ck_assert_int_eq(vg_routing_get(ev, &r, NULL), 0);
  ck_assert(vg_atom_valid(r.this_atom));
  ck_assert(vg_atom_uuid_valid(r.event_id));
  ck_assert_int_eq(r.event_id[14], '4');
  json_t *ev2 = vg_event_new("NEW_PROCESS", 1764340000123LL);
  ck_assert_str_ne(json_string_value(json_object_get(vg_event_routing(ev2), "this")),
                   r.this_atom);
  ck_assert_str_ne(json_string_value(json_object_get(vg_event_routing(ev2), "event_id")),
                   r.event_id);
  json_decref(ev);
  json_decref(ev2);
}
END_TEST

START_TEST(t_new_rejects) {
  ck_assert_ptr_null(vg_event_new("new process", 1));
  ck_assert_ptr_null(vg_event_new(NULL, 1));
  ck_assert_ptr_null(vg_event_new("NEW_PROCESS", -1));
  json_t *d = vg_event_new("_detect-curl", 0);
  ck_assert_ptr_nonnull(d);
  json_decref(d);
  int64_t now = vg_event_now_ms();
  ck_assert_int_gt(now, 1600000000000LL);
}
END_TEST

static int validate_str(const char *s, struct vg_err *e) {
  json_t *j = json_loads(s, 0, NULL);
  ck_assert_ptr_nonnull(j);
  int r = vg_event_validate(j, e);
  json_decref(j);
  return r;
}

START_TEST(t_validate_errors) {
  struct vg_err e;
  ck_assert_int_eq(validate_str("{\"event\":{}}", &e), -VG_EMISSING);
  ck_assert_ptr_nonnull(strstr(e.msg, "routing"));
  ck_assert_int_eq(validate_str("{\"routing\":{\"event_type\":\"X\",\"event_time\":1}}", &e),
                   -VG_EMISSING);
  ck_assert_ptr_nonnull(strstr(e.msg, "event"));
  ck_assert_int_eq(
      validate_str("{\"routing\":{\"event_type\":\"X\",\"event_time\":1},\"event\":[]}", &e),
      -VG_ETYPE);
  ck_assert_int_eq(validate_str("{\"routing\":[],\"event\":{}}", &e), -VG_ETYPE);
  ck_assert_int_eq(validate_str("{\"routing\":{\"event_type\":\"X\",\"event_time\":1},"
                                "\"event\":{},\"ts\":\"x\"}",
                                &e),
                   -VG_EUNKNOWN);
  ck_assert_ptr_nonnull(strstr(e.msg, "ts"));
  ck_assert_int_eq(validate_str("[1]", &e), -VG_ETYPE);
  ck_assert_int_eq(vg_event_validate(NULL, NULL), -VG_ETYPE);
}
END_TEST

START_TEST(t_accessors_absent) {
  ck_assert_ptr_null(vg_event_get_type(NULL));
  ck_assert_int_eq(vg_event_get_time(NULL), -1);
  json_t *j = json_loads("{\"routing\":{\"event_time\":\"x\"}}", 0, NULL);
  ck_assert_ptr_null(vg_event_get_type(j));
  ck_assert_int_eq(vg_event_get_time(j), -1);
  ck_assert_ptr_null(vg_event_payload(j));
  json_decref(j);
}
END_TEST

static Suite *event_suite(void) {
  Suite *s = suite_create("event");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, t_new);
  tcase_add_test(tc, t_new_rejects);
  tcase_add_test(tc, t_validate_errors);
  tcase_add_test(tc, t_accessors_absent);
  suite_add_tcase(s, tc);
  return s;
}
VG_CHECK_MAIN(event_suite)
