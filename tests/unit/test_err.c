/* test_err.c — the error table and struct vg_err rendering. */
#include <string.h>

#include "shared/err.h"
#include "tests/harness/harness.h"

START_TEST(t_table) {
  ck_assert_str_eq(vg_strerror(VG_OK), "success");
  ck_assert_str_eq(vg_strerror(-VG_EPARSE), "malformed input");
  ck_assert_str_eq(vg_strerror(VG_EPARSE), "malformed input");
  ck_assert_str_eq(vg_code_name(-VG_ELIMIT), "ELIMIT");
  ck_assert_str_eq(vg_strerror(9999), "unknown error");
  for (int i = 0; i < VG__CODE_COUNT; i++) {
    ck_assert_ptr_nonnull(vg_strerror(i));
    ck_assert_int_ne((int)strlen(vg_code_name(i)), 0);
  }
}
END_TEST

START_TEST(t_set_and_render) {
  struct vg_err e;
  vg_err_clear(&e);
  char buf[512];
  ck_assert_str_eq(vg_err_str(&e, buf, sizeof(buf)), "no error");
  int r = vg_err_set(&e, VG_ESCHEMA, "rules/a.yaml", 3, 7, "unknown key '%s'", "detcet");
  ck_assert_int_eq(r, -VG_ESCHEMA);
  ck_assert_int_eq(e.code, VG_ESCHEMA);
  ck_assert_str_eq(vg_err_str(&e, buf, sizeof(buf)), "rules/a.yaml:3:7: unknown key 'detcet'");
  vg_err_set(&e, VG_EPARSE, NULL, 2, 5, "bad");
  ck_assert_str_eq(vg_err_str(&e, buf, sizeof(buf)), "2:5: bad");
  vg_err_fail(&e, VG_EPARSE, "truncated");
  e.pos = 42;
  ck_assert_str_eq(vg_err_str(&e, buf, sizeof(buf)), "byte 42: truncated");
  vg_err_set(&e, VG_EIO, "x.yaml", 0, 0, NULL);
  ck_assert_str_eq(vg_err_str(&e, buf, sizeof(buf)), "x.yaml: input/output error");
}
END_TEST

START_TEST(t_null_err_and_truncation) {
  ck_assert_int_eq(vg_err_fail(NULL, VG_EINVAL, "x"), -VG_EINVAL);
  vg_err_clear(NULL);
  struct vg_err e;
  char big[1000];
  memset(big, 'a', sizeof(big) - 1);
  big[sizeof(big) - 1] = '\0';
  vg_err_fail(&e, VG_EINVAL, "%s", big);
  ck_assert_uint_eq(strlen(e.msg), sizeof(e.msg) - 1);
}
END_TEST

static Suite *err_suite(void) {
  Suite *s = suite_create("err");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, t_table);
  tcase_add_test(tc, t_set_and_render);
  tcase_add_test(tc, t_null_err_and_truncation);
  suite_add_tcase(s, tc);
  return s;
}
VG_CHECK_MAIN(err_suite)
