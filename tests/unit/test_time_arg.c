/* test_time_arg.c — vigilctl's time arguments (cli/time_arg.c) and its
 * output helpers (cli/output.c): absolute, relative, rejected forms. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/output.h"
#include "cli/time_arg.h"
#include "tests/harness/harness.h"

#define NOW 1764340000123LL /* 2025-11-28T14:26:40.123Z */

START_TEST(absolute_and_relative) {
  static const struct {
    const char *in;
    long long want;
  } ok[] = {
      {"now", NOW},
      {"-2h", NOW - 7200000LL},
      {"-30m", NOW - 1800000LL},
      {"-7d", NOW - 7LL * 86400000},
      {"-45s", NOW - 45000},
      {"-1w", NOW - 7LL * 86400000},
      {"+1h", NOW + 3600000LL},
      {"1764340000123", 1764340000123LL},
      {"0", 0},
      {"2025-11-28T14:26:40Z", 1764340000000LL},
      {"2025-11-28T14:26:40.123Z", 1764340000123LL},
      {"2025-11-28T14:26:40.1Z", 1764340000100LL},
      {"2025-11-28T16:26:40+02:00", 1764340000000LL},
      {"2025-11-28T13:26:40-01:00", 1764340000000LL},
      {"2025-11-28t14:26:40z", 1764340000000LL},
      {"2025-11-28 14:26Z", 1764339960000LL},
      {"2025-11-28", 1764288000000LL},
  };
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
    int64_t v = -1;
    struct vg_err e;
    ck_assert_msg(time_arg_parse(ok[i].in, NOW, &v, &e) == 0, "%s: %s", ok[i].in, e.msg);
    ck_assert_msg(v == ok[i].want, "%s: %lld, want %lld", ok[i].in, (long long)v, ok[i].want);
  }
}
END_TEST

START_TEST(rejected) {
  static const char *const bad[] = {"", "yesterday", "-2", "-h", "-2x", "-2hh", "2025-13-01", "2025-02-30",
                                    "2025-11-28T25:00Z", "2025-11-28T14:26:40", "2025-11-28T14:26:40+2",
                                    "99999999999999999999", "-99999999999999d", "12ab", "2025-11-28T14:26:40.Z"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    int64_t v = 42;
    struct vg_err e;
    ck_assert_msg(time_arg_parse(bad[i], NOW, &v, &e) == -VG_EINVAL, "'%s' accepted", bad[i]);
    ck_assert_int_eq(v, 42);
    ck_assert_ptr_nonnull(strstr(e.msg, "is not a time"));
  }
}
END_TEST

START_TEST(output_time_and_table) {
  char b[64];
  ck_assert_str_eq(output_time(NOW, b, sizeof b), "2025-11-28T14:26:40.123Z");
  json_t *items = json_pack("[{s:s, s:b, s:{s:i}, s:I}, {s:s, s:b, s:{}, s:i}]", "name", "web-1", "on", 1,
                            "tags", "prod", 0, "t", (json_int_t)NOW, "name", "a-much-longer-name", "on", 0,
                            "tags", "t", 0);
  static const struct output_col cols[] = {{"NAME", "name", OUTPUT_TEXT},
                                           {"ON", "on", OUTPUT_BOOL},
                                           {"TAGS", "tags", OUTPUT_KEYS},
                                           {"T", "t", OUTPUT_TIME},
                                           {NULL, NULL, 0}};
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  output_list(f, items, cols, false);
  output_list(f, items, cols, true);
  fclose(f);
  ck_assert_str_eq(text,
                   "NAME                ON   TAGS  T\n"
                   "web-1               yes  prod  2025-11-28T14:26:40.123Z\n"
                   "a-much-longer-name  no   -     -\n"
                   "{\"name\":\"web-1\",\"on\":true,\"tags\":{\"prod\":0},\"t\":1764340000123}\n"
                   "{\"name\":\"a-much-longer-name\",\"on\":false,\"tags\":{},\"t\":0}\n");
  free(text);
  json_decref(items);
}
END_TEST

static Suite *time_arg_suite(void) {
  Suite *s = suite_create("time_arg");
  TCase *t = tcase_create("time_arg");
  tcase_add_test(t, absolute_and_relative);
  tcase_add_test(t, rejected);
  tcase_add_test(t, output_time_and_table);
  suite_add_tcase(s, t);
  return s;
}

VG_CHECK_MAIN(time_arg_suite)
