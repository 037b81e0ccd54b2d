/* test_golden.c — every view rendered with fixture data at 80×24 and
 * 132×43, compared with tests/golden/. */
#include <locale.h>
#include <string.h>

#include "tests/harness/harness.h"
#include "tests/tui/golden.h"
#include "tui/tabs.h"
#include "tui/view_fleet.h"
#include "tui/view_help.h"
#include "tui/view_live.h"

static const int sizes[][2] = {{80, 24}, {132, 43}};

static void each_size(struct app *a, const char *name) {
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
    golden_check(a, name, sizes[i][0], sizes[i][1]);
}

static struct view *fleet(struct app *a) {
  struct view *v = view_fleet_create(a);
  app_push_view(a, v);
  json_t *page = golden_fixture("sensors.json");
  v->ops->result(v, a, VIEW_FLEET_TAG_LIST, page, NULL);
  json_decref(page);
  return v;
}

START_TEST(golden_fleet) {
  struct keymap km;
  struct app a;
  golden_app(&a, &km);
  fleet(&a);
  each_size(&a, "fleet");
  /* sorted by online state, selection moved, filtered by text */
  app_run_action(&a, ACT_SORT);
  app_run_action(&a, ACT_DOWN);
  each_size(&a, "fleet_sorted");
  app_run_action(&a, ACT_FILTER);
  ck_assert(a.input_active);
  for (const char *p = "prod"; *p; p++) app_key(&a, *p);
  each_size(&a, "fleet_filter");
  app_cleanup(&a);
}
END_TEST

START_TEST(golden_fleet_empty) {
  struct keymap km;
  struct app a;
  golden_app(&a, &km);
  app_push_view(&a, view_fleet_create(&a));
  each_size(&a, "fleet_loading");
  app_set_online(&a, false, "connect to wss://localhost:7444: connection refused");
  a.ever_online = true;
  a.be.call = NULL;
  each_size(&a, "fleet_offline");
  app_cleanup(&a);
}
END_TEST

START_TEST(golden_help) {
  struct keymap km;
  struct app a;
  golden_app(&a, &km);
  fleet(&a);
  app_run_action(&a, ACT_HELP);
  each_size(&a, "help");
  app_run_action(&a, ACT_PALETTE);
  for (const char *p = "tab"; *p; p++) app_key(&a, *p);
  each_size(&a, "palette");
  app_cleanup(&a);
}
END_TEST

START_TEST(golden_live) {
  struct keymap km;
  struct app a;
  golden_app(&a, &km);
  struct view *f = fleet(&a);
  (void)f;
  app_run_action(&a, ACT_DOWN);
  app_run_action(&a, ACT_DOWN);
  app_run_action(&a, ACT_SELECT); /* web-1, third by hostname */
  struct view *live = app_top(&a);
  ck_assert_str_eq(live->ops->name, "live");
  ck_assert_str_eq(view_live_sid(live), "0f8e6b52-2c3d-4e5f-8a9b-0c1d2e3f4a5b");
  each_size(&a, "live_info");
  app_run_action(&a, ACT_TAB_2);
  struct view *tel = view_live_tab(live, LIVE_TAB_TELEMETRY);
  json_t *ev = golden_fixture("events.json");
  tel->ops->result(tel, &a, 1, ev, NULL);
  json_decref(ev);
  each_size(&a, "live_telemetry");
  app_run_action(&a, ACT_ISOLATE);
  ck_assert(a.confirm_active);
  each_size(&a, "live_isolate_confirm");
  app_cleanup(&a);
}
END_TEST

static Suite *golden_suite(void) {
  setlocale(LC_ALL, "C.UTF-8");
  Suite *s = suite_create("golden");
  TCase *t = tcase_create("screens");
  tcase_add_test(t, golden_fleet);
  tcase_add_test(t, golden_fleet_empty);
  tcase_add_test(t, golden_help);
  tcase_add_test(t, golden_live);
  suite_add_tcase(s, t);
  return s;
}

VG_CHECK_MAIN(golden_suite)
