/* test_alloc.c — allocation wrappers, including the abort on overflow. */
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shared/alloc.h"
#include "tests/harness/harness.h"

START_TEST(t_basic) {
  char *s = vg_xstrdup("vigil");
  ck_assert_str_eq(s, "vigil");
  free(s);
  s = vg_xstrndup("abcdef", 3);
  ck_assert_str_eq(s, "abc");
  free(s);
  s = vg_xasprintf("%s-%05d", "id", 42);
  ck_assert_str_eq(s, "id-00042");
  free(s);
  int *v = vg_xcalloc(16, sizeof(int));
  for (int i = 0; i < 16; i++) ck_assert_int_eq(v[i], 0);
  v = vg_xreallocarray(v, 1024, sizeof(int));
  v[1023] = 7;
  free(v);
  void *z = vg_xmalloc(0);
  ck_assert_ptr_nonnull(z);
  free(z);
}
END_TEST

/* Overflow in the size computation must abort, never wrap. */
START_TEST(t_overflow_aborts) {
  void *p = vg_xcalloc(SIZE_MAX / 2, 4);
  (void)p;
}
END_TEST

static Suite *alloc_suite(void) {
  Suite *s = suite_create("alloc");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, t_basic);
  tcase_add_test_raise_signal(tc, t_overflow_aborts, SIGABRT);
  suite_add_tcase(s, tc);
  return s;
}
VG_CHECK_MAIN(alloc_suite)
