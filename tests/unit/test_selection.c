/* test_selection.c — the live event selection (backend + local exfil
 * additions with expiry, always-sent types) and the history ring (bounded,
 * oldest overwritten, filters by type, atom and process tree). */
#include <string.h>

#include "sensor/history.h"
#include "sensor/selection.h"
#include "shared/event.h"
#include "tests/harness/harness.h"

START_TEST(t_selection) {
  struct selection *s = selection_create();
  ck_assert(selection_wants(s, "MODULE_LOAD", 0)); /* nothing known yet: everything */
  json_t *types = json_pack("[s, s, i]", "NEW_PROCESS", "DNS_REQUEST", 5);
  selection_set_backend(s, types);
  json_decref(types);
  ck_assert(selection_wants(s, "NEW_PROCESS", 0));
  ck_assert(!selection_wants(s, "MODULE_LOAD", 0));
  ck_assert(selection_wants(s, "DATA_DROPPED", 0));      /* always */
  ck_assert(selection_wants(s, "HISTORY_DUMP_REP", 0));  /* replies always */
  ck_assert(selection_wants(s, "RECEIPT", 0));
  ck_assert(!selection_wants(s, NULL, 0));
  json_t *b = selection_get_backend(s);
  ck_assert_uint_eq(json_array_size(b), 2);
  json_decref(b);
  ck_assert_int_eq(selection_local_add(s, "MODULE_LOAD", 1000), 0);
  ck_assert_int_eq(selection_local_add(s, "TERMINATE_PROCESS", 0), 0);
  ck_assert_int_eq(selection_local_add(s, "bad type", 0), -VG_EINVAL);
  ck_assert(selection_wants(s, "MODULE_LOAD", 999));
  ck_assert(!selection_wants(s, "MODULE_LOAD", 1000)); /* expired, and removed */
  json_t *l = selection_local_get(s, 1000);
  ck_assert_uint_eq(json_object_size(l), 1);
  ck_assert_ptr_nonnull(json_object_get(l, "TERMINATE_PROCESS"));
  json_decref(l);
  ck_assert_int_eq(selection_local_del(s, "TERMINATE_PROCESS"), 0);
  ck_assert_int_eq(selection_local_del(s, "TERMINATE_PROCESS"), -VG_ENOTFOUND);
  ck_assert(!selection_wants(s, "TERMINATE_PROCESS", 0));
  selection_set_backend(s, NULL);
  ck_assert(selection_wants(s, "TERMINATE_PROCESS", 0));
  selection_free(s);
}
END_TEST

static json_t *ev(const char *type, const char *this_, const char *parent) {
  json_t *e = vg_event_new(type, 1);
  json_object_set_new(vg_event_routing(e), "this", json_string(this_));
  if (parent) json_object_set_new(vg_event_routing(e), "parent", json_string(parent));
  return e;
}

#define A(c) c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c

START_TEST(t_history) {
  struct history *h = history_create(4);
  for (int i = 0; i < 6; i++) {
    json_t *e = vg_event_new("MODULE_LOAD", i);
    history_push(h, e);
  }
  ck_assert_uint_eq(history_count(h), 4);
  ck_assert_uint_eq(history_overwritten(h), 2);
  json_t *all = history_select(h, NULL);
  ck_assert_uint_eq(json_array_size(all), 4);
  ck_assert_int_eq(vg_event_get_time(json_array_get(all, 0)), 2); /* oldest kept first */
  json_decref(all);
  history_free(h);

  h = history_create(100);
  history_push(h, ev("NEW_PROCESS", A("1"), A("0")));   /* root */
  history_push(h, ev("NEW_PROCESS", A("2"), A("1")));   /* child */
  history_push(h, ev("MODULE_LOAD", A("3"), A("2")));   /* grandchild's event */
  history_push(h, ev("NEW_PROCESS", A("4"), A("9")));   /* elsewhere */
  history_push(h, ev("MODULE_LOAD", A("5"), A("4")));
  struct history_filter f = {.root = A("1")};
  json_t *r = history_select(h, &f);
  ck_assert_uint_eq(json_array_size(r), 3);
  json_decref(r);
  f = (struct history_filter){.root = A("1"), .event_type = "MODULE_LOAD"};
  r = history_select(h, &f);
  ck_assert_uint_eq(json_array_size(r), 1);
  json_decref(r);
  f = (struct history_filter){.atom = A("4")};
  r = history_select(h, &f);
  ck_assert_uint_eq(json_array_size(r), 2);
  json_decref(r);
  f = (struct history_filter){.event_type = "NEW_PROCESS"};
  r = history_select(h, &f);
  ck_assert_uint_eq(json_array_size(r), 3);
  json_decref(r);
  history_free(h);
}
END_TEST

static Suite *selection_suite(void) {
  Suite *s = suite_create("selection");
  TCase *tc = tcase_create("selection");
  tcase_add_test(tc, t_selection);
  tcase_add_test(tc, t_history);
  suite_add_tcase(s, tc);
  return s;
}
VG_CHECK_MAIN(selection_suite)
