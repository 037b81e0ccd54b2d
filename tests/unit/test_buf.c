/* test_buf.c — bounded growable buffers. */
#include <stdlib.h>
#include <string.h>

#include "shared/buf.h"
#include "shared/err.h"
#include "tests/harness/harness.h"

START_TEST(t_append_and_cstr) {
  struct vg_buf b;
  vg_buf_init(&b, 1024);
  ck_assert_str_eq(vg_buf_cstr(&b), "");
  ck_assert_int_eq(vg_buf_puts(&b, "hello"), 0);
  ck_assert_int_eq(vg_buf_putc(&b, ' '), 0);
  ck_assert_int_eq(vg_buf_appendf(&b, "%d-%s", 42, "x"), 0);
  ck_assert_str_eq(vg_buf_cstr(&b), "hello 42-x");
  ck_assert_uint_eq(b.len, 10);
  vg_buf_consume(&b, 6);
  ck_assert_str_eq(vg_buf_cstr(&b), "42-x");
  vg_buf_truncate(&b, 2);
  ck_assert_str_eq(vg_buf_cstr(&b), "42");
  vg_buf_reset(&b);
  ck_assert_str_eq(vg_buf_cstr(&b), "");
  vg_buf_cleanup(&b);
}
END_TEST

START_TEST(t_bounded) {
  struct vg_buf b;
  vg_buf_init(&b, 8);
  ck_assert_int_eq(vg_buf_puts(&b, "12345678"), 0);
  ck_assert_int_eq(vg_buf_putc(&b, '9'), -VG_ELIMIT);
  ck_assert_int_eq(vg_buf_appendf(&b, "%s", "x"), -VG_ELIMIT);
  ck_assert_str_eq(vg_buf_cstr(&b), "12345678"); /* unchanged on failure */
  vg_buf_consume(&b, 100);
  ck_assert_uint_eq(b.len, 0);
  vg_buf_cleanup(&b);
}
END_TEST

START_TEST(t_growth_and_steal) {
  struct vg_buf b;
  vg_buf_init(&b, 1 << 20);
  for (int i = 0; i < 10000; i++) ck_assert_int_eq(vg_buf_append(&b, "abc", 3), 0);
  ck_assert_uint_eq(b.len, 30000);
  ck_assert_int_eq(b.data[29999], 'c');
  ck_assert_int_eq(b.data[30000], '\0');
  size_t n;
  char *p = vg_buf_steal(&b, &n);
  ck_assert_uint_eq(n, 30000);
  ck_assert_ptr_null(b.data);
  free(p);
  p = vg_buf_steal(&b, &n);
  ck_assert_str_eq(p, "");
  free(p);
}
END_TEST

START_TEST(t_binary) {
  struct vg_buf b;
  vg_buf_init(&b, 64);
  ck_assert_int_eq(vg_buf_append(&b, "a\0b", 3), 0);
  ck_assert_uint_eq(b.len, 3);
  ck_assert_int_eq(memcmp(b.data, "a\0b", 3), 0);
  vg_buf_cleanup(&b);
}
END_TEST

static Suite *buf_suite(void) {
  Suite *s = suite_create("buf");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, t_append_and_cstr);
  tcase_add_test(tc, t_bounded);
  tcase_add_test(tc, t_growth_and_steal);
  tcase_add_test(tc, t_binary);
  suite_add_tcase(s, tc);
  return s;
}
VG_CHECK_MAIN(buf_suite)
