/* test_scalar.c — text → int, bool, duration, size. */
#include <stdint.h>

#include "shared/err.h"
#include "shared/scalar.h"
#include "tests/harness/harness.h"

START_TEST(t_int) {
  int64_t v = 7;
  ck_assert_int_eq(vg_scalar_int("0", &v), 0);
  ck_assert_int_eq(v, 0);
  ck_assert_int_eq(vg_scalar_int("-42", &v), 0);
  ck_assert_int_eq(v, -42);
  ck_assert_int_eq(vg_scalar_int("+7", &v), 0);
  ck_assert_int_eq(v, 7);
  ck_assert_int_eq(vg_scalar_int("9223372036854775807", &v), 0);
  ck_assert(v == INT64_MAX);
  ck_assert_int_eq(vg_scalar_int("-9223372036854775808", &v), 0);
  ck_assert(v == INT64_MIN);
  ck_assert_int_eq(vg_scalar_int("9223372036854775808", &v), -VG_ERANGE);
  ck_assert_int_eq(vg_scalar_int("99999999999999999999999", &v), -VG_ERANGE);
  v = 5;
  ck_assert_int_eq(vg_scalar_int("", &v), -VG_ETYPE);
  ck_assert_int_eq(vg_scalar_int("-", &v), -VG_ETYPE);
  ck_assert_int_eq(vg_scalar_int("12a", &v), -VG_ETYPE);
  ck_assert_int_eq(vg_scalar_int(" 1", &v), -VG_ETYPE);
  ck_assert_int_eq(vg_scalar_int("0x10", &v), -VG_ETYPE);
  ck_assert_int_eq(v, 5); /* untouched on failure */
}
END_TEST

START_TEST(t_bool) {
  bool b = false;
  const char *yes[] = {"true", "yes", "on", "TRUE", "Yes"};
  const char *no[] = {"false", "no", "off", "OFF"};
  for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
    b = false;
    ck_assert_int_eq(vg_scalar_bool(yes[i], &b), 0);
    ck_assert(b);
  }
  for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
    b = true;
    ck_assert_int_eq(vg_scalar_bool(no[i], &b), 0);
    ck_assert(!b);
  }
  ck_assert_int_eq(vg_scalar_bool("1", &b), -VG_ETYPE);
  ck_assert_int_eq(vg_scalar_bool("", &b), -VG_ETYPE);
  ck_assert_int_eq(vg_scalar_bool("yess", &b), -VG_ETYPE);
}
END_TEST

START_TEST(t_duration) {
  int64_t v;
  ck_assert_int_eq(vg_scalar_duration("30s", &v), 0);
  ck_assert_int_eq(v, 30);
  ck_assert_int_eq(vg_scalar_duration("5m", &v), 0);
  ck_assert_int_eq(v, 300);
  ck_assert_int_eq(vg_scalar_duration("12h", &v), 0);
  ck_assert_int_eq(v, 43200);
  ck_assert_int_eq(vg_scalar_duration("7d", &v), 0);
  ck_assert_int_eq(v, 604800);
  ck_assert_int_eq(vg_scalar_duration("2w", &v), 0);
  ck_assert_int_eq(v, 1209600);
  ck_assert_int_eq(vg_scalar_duration("0", &v), 0);
  ck_assert_int_eq(v, 0);
  ck_assert_int_eq(vg_scalar_duration("30", &v), -VG_ETYPE);
  ck_assert_int_eq(vg_scalar_duration("5x", &v), -VG_ETYPE);
  ck_assert_int_eq(vg_scalar_duration("s", &v), -VG_ETYPE);
  ck_assert_int_eq(vg_scalar_duration("-5s", &v), -VG_ETYPE);
  ck_assert_int_eq(vg_scalar_duration("9223372036854775807d", &v), -VG_ERANGE);
  ck_assert_int_eq(vg_scalar_duration("99999999999999999999s", &v), -VG_ERANGE);
}
END_TEST

START_TEST(t_size) {
  int64_t v;
  ck_assert_int_eq(vg_scalar_size("512", &v), 0);
  ck_assert_int_eq(v, 512);
  ck_assert_int_eq(vg_scalar_size("512B", &v), 0);
  ck_assert_int_eq(v, 512);
  ck_assert_int_eq(vg_scalar_size("64KiB", &v), 0);
  ck_assert_int_eq(v, 65536);
  ck_assert_int_eq(vg_scalar_size("10MB", &v), 0);
  ck_assert_int_eq(v, 10000000);
  ck_assert_int_eq(vg_scalar_size("8mib", &v), 0);
  ck_assert_int_eq(v, 8 << 20);
  ck_assert_int_eq(vg_scalar_size("1GiB", &v), 0);
  ck_assert_int_eq(v, 1 << 30);
  ck_assert_int_eq(vg_scalar_size("1TB", &v), 0);
  ck_assert(v == 1000000000000LL);
  ck_assert_int_eq(vg_scalar_size("10 MB", &v), -VG_ETYPE);
  ck_assert_int_eq(vg_scalar_size("10M", &v), -VG_ETYPE);
  ck_assert_int_eq(vg_scalar_size("KB", &v), -VG_ETYPE);
  ck_assert_int_eq(vg_scalar_size("9999999999TiB", &v), -VG_ERANGE);
}
END_TEST

static Suite *scalar_suite(void) {
  Suite *s = suite_create("scalar");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, t_int);
  tcase_add_test(tc, t_bool);
  tcase_add_test(tc, t_duration);
  tcase_add_test(tc, t_size);
  suite_add_tcase(s, tc);
  return s;
}
VG_CHECK_MAIN(scalar_suite)
