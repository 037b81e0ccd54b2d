/* test_log.c — levels, component tags, file output, redaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shared/log.h"
#include "tests/harness/harness.h"

START_TEST(t_levels_and_file) {
  char *dir = harness_mkdtemp("vigil-log");
  char path[512];
  snprintf(path, sizeof(path), "%s/x.log", dir);
  ck_assert_int_eq(vg_log_open(path), 0);
  vg_log_set_level(VG_LOG_INFO);
  vg_info("gateway", "sensor %s connected", "abc");
  vg_debug("gateway", "hidden at info level");
  vg_error("store", "two\nlines");
  vg_log_close();
  char *s = harness_read_file(path, NULL);
  ck_assert_ptr_nonnull(s);
  ck_assert_ptr_nonnull(strstr(s, "INFO  gateway: sensor abc connected\n"));
  ck_assert_ptr_null(strstr(s, "hidden"));
  ck_assert_ptr_nonnull(strstr(s, "ERROR store: two lines\n"));
  /* ISO-8601 UTC timestamp at the start of each line. */
  ck_assert_int_eq(s[4], '-');
  ck_assert_int_eq(s[10], 'T');
  ck_assert_int_eq(s[23], 'Z');
  free(s);
  harness_rm_rf(dir);
  free(dir);
}
END_TEST

START_TEST(t_parse_and_redact) {
  enum vg_log_level l;
  ck_assert_int_eq(vg_log_level_parse("debug", &l), 0);
  ck_assert_int_eq(l, VG_LOG_DEBUG);
  ck_assert_int_lt(vg_log_level_parse("loud", &l), 0);
  ck_assert_str_eq(vg_log_level_name(VG_LOG_WARN), "warn");
  char out[32];
  ck_assert_str_eq(vg_log_redact("sk_live_1234567890", out, sizeof(out)), "sk_l…");
  ck_assert_str_eq(vg_log_redact(NULL, out, sizeof(out)), "(none)");
}
END_TEST

START_TEST(t_unwritable_file) {
  ck_assert_int_lt(vg_log_open("/nonexistent-dir/x.log"), 0);
}
END_TEST

static Suite *log_suite(void) {
  Suite *s = suite_create("log");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, t_levels_and_file);
  tcase_add_test(tc, t_parse_and_redact);
  tcase_add_test(tc, t_unwritable_file);
  suite_add_tcase(s, tc);
  return s;
}
VG_CHECK_MAIN(log_suite)
