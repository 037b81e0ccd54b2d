/* test_platform.c — platform/arch code tables and uname mapping. */
#include <string.h>
#include <sys/utsname.h>

#include "shared/err.h"
#include "shared/platform.h"
#include "tests/harness/harness.h"

START_TEST(t_platform_codes) {
  ck_assert_uint_eq(VG_PLAT_LINUX, 536870912u);
  ck_assert_uint_eq(VG_PLAT_WINDOWS, 268435456u);
  const struct {
    uint32_t code;
    const char *name;
  } want[] = {{0x10000000u, "windows"}, {0x20000000u, "linux"},   {0x30000000u, "macos"},
              {0x40000000u, "ios"},     {0x50000000u, "android"}, {0x60000000u, "chrome"}};
  size_t n;
  vg_platform_table(&n);
  ck_assert_uint_eq(n, 6);
  for (size_t i = 0; i < 6; i++) {
    uint32_t c = 0;
    ck_assert_str_eq(vg_platform_name(want[i].code), want[i].name);
    ck_assert_int_eq(vg_platform_code(want[i].name, &c), 0);
    ck_assert_uint_eq(c, want[i].code);
  }
  uint32_t c = 7;
  ck_assert_ptr_null(vg_platform_name(0));
  ck_assert_ptr_null(vg_platform_name(0x70000000u));
  ck_assert_int_eq(vg_platform_code("Linux", &c), -VG_ENOTFOUND);
  ck_assert_int_eq(vg_platform_code(NULL, &c), -VG_ENOTFOUND);
  ck_assert_uint_eq(c, 7);
}
END_TEST

START_TEST(t_arch_codes) {
  const struct {
    uint32_t code;
    const char *name;
  } want[] = {{1, "x86"},      {2, "x64"},      {3, "arm"},        {4, "arm64"},
              {5, "alpine64"}, {6, "chromium"}, {9, "usp_adapter"}};
  size_t n;
  const struct vg_platform_name *t = vg_platform_arch_table(&n);
  ck_assert_uint_eq(n, 7);
  for (size_t i = 0; i < n; i++) {
    uint32_t c = 0;
    ck_assert_uint_eq(t[i].code, want[i].code);
    ck_assert_str_eq(vg_platform_arch_name(want[i].code), want[i].name);
    ck_assert_int_eq(vg_platform_arch_code(want[i].name, &c), 0);
    ck_assert_uint_eq(c, want[i].code);
  }
  ck_assert_ptr_null(vg_platform_arch_name(7));
  ck_assert_int_eq(vg_platform_arch_code("amd64", NULL), -VG_ENOTFOUND);
}
END_TEST

START_TEST(t_uname_mapping) {
  ck_assert_uint_eq(vg_platform_from_sysname("Linux"), VG_PLAT_LINUX);
  ck_assert_uint_eq(vg_platform_from_sysname("Darwin"), VG_PLAT_MACOS);
  ck_assert_uint_eq(vg_platform_from_sysname("FreeBSD"), 0);
  ck_assert_uint_eq(vg_platform_from_sysname(NULL), 0);
  ck_assert_uint_eq(vg_platform_arch_from_machine("x86_64"), VG_ARCH_X64);
  ck_assert_uint_eq(vg_platform_arch_from_machine("i686"), VG_ARCH_X86);
  ck_assert_uint_eq(vg_platform_arch_from_machine("i386"), VG_ARCH_X86);
  ck_assert_uint_eq(vg_platform_arch_from_machine("aarch64"), VG_ARCH_ARM64);
  ck_assert_uint_eq(vg_platform_arch_from_machine("armv7l"), VG_ARCH_ARM);
  ck_assert_uint_eq(vg_platform_arch_from_machine("riscv64"), 0);
  ck_assert_uint_eq(vg_platform_arch_from_machine("i986"), 0);
}
END_TEST

START_TEST(t_this_host) {
  struct utsname u;
  ck_assert_int_eq(uname(&u), 0);
  ck_assert_uint_eq(vg_platform_host(), VG_PLAT_LINUX); /* tests run on Linux */
  ck_assert_uint_eq(vg_platform_host_arch(), vg_platform_arch_from_machine(u.machine));
}
END_TEST

static Suite *platform_suite(void) {
  Suite *s = suite_create("platform");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, t_platform_codes);
  tcase_add_test(tc, t_arch_codes);
  tcase_add_test(tc, t_uname_mapping);
  tcase_add_test(tc, t_this_host);
  suite_add_tcase(s, tc);
  return s;
}
VG_CHECK_MAIN(platform_suite)
