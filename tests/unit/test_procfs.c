/* test_procfs.c — the /proc parsers against fixture files captured from a
 * real system (tests/fixtures/proc/), and against broken input. */
#include <stdlib.h>
#include <string.h>

#include "sensor/procfs.h"
#include "shared/alloc.h"
#include "tests/harness/harness.h"

static char *fixture(const char *name, size_t *len) {
  char *rel = vg_xasprintf("tests/fixtures/proc/%s", name);
  char *p = harness_source_path(rel);
  char *d = harness_read_file(p, len);
  ck_assert_msg(d != NULL, "fixture %s missing", p);
  free(rel);
  free(p);
  return d;
}

START_TEST(t_stat) {
  size_t n;
  char *d = fixture("sleep.stat", &n);
  struct procfs_stat st;
  struct vg_err e;
  ck_assert_int_eq(procfs_parse_stat(d, n, &st, &e), 0);
  ck_assert_int_eq(st.pid, 8711);
  ck_assert_str_eq(st.comm, "sleep");
  ck_assert_int_eq(st.state, 'S');
  ck_assert_int_eq(st.ppid, 8708);
  ck_assert_uint_eq(st.starttime, 855341);
  free(d);
  d = fixture("parens.stat", &n); /* a comm with spaces and ')' */
  ck_assert_int_eq(procfs_parse_stat(d, n, &st, &e), 0);
  ck_assert_str_eq(st.comm, "evil) (x) R");
  ck_assert_int_eq(st.state, 'S');
  ck_assert_int_eq(st.ppid, 1);
  ck_assert_uint_eq(st.starttime, 987654);
  free(d);
  d = fixture("kthread.stat", &n);
  ck_assert_int_eq(procfs_parse_stat(d, n, &st, &e), 0);
  ck_assert_int_eq(st.pid, 2);
  ck_assert_int_eq(st.ppid, 0);
  free(d);
}
END_TEST

START_TEST(t_stat_bad) {
  struct procfs_stat st;
  struct vg_err e;
  const char *bad[] = {"", "x (a) S 1", "12 (a S 1 2", "12 (a) S x 3",
                       "12 (a) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17" /* no field 22 */};
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    vg_err_clear(&e);
    ck_assert_int_eq(procfs_parse_stat(bad[i], strlen(bad[i]), &st, &e), -VG_EPARSE);
    ck_assert_msg(strstr(e.msg, "stat:") != NULL, "'%s': %s", bad[i], e.msg);
  }
  vg_err_clear(&e);
  procfs_parse_stat("12 (a) S x", 10, &st, &e);
  ck_assert_msg(strstr(e.msg, "field 4") != NULL, "%s", e.msg);
}
END_TEST

START_TEST(t_status) {
  size_t n;
  char *d = fixture("sleep.status", &n);
  struct procfs_status st;
  struct vg_err e;
  ck_assert_int_eq(procfs_parse_status(d, n, &st, &e), 0);
  ck_assert_str_eq(st.name, "sleep");
  ck_assert_int_eq(st.pid, 8711);
  ck_assert_int_eq(st.tgid, 8711);
  ck_assert_int_eq(st.ppid, 8708);
  ck_assert_uint_eq(st.uid[0], 0);
  ck_assert_uint_eq(st.gid[3], 0);
  free(d);
  const char *u = "Name:\tx\nTgid:\t5\nPid:\t5\nPPid:\t1\nUid:\t1000\t1001\t1002\t1003\n"
                  "Gid:\t7\t7\t7\t7\n";
  ck_assert_int_eq(procfs_parse_status(u, strlen(u), &st, &e), 0);
  ck_assert_uint_eq(st.uid[0], 1000);
  ck_assert_uint_eq(st.uid[1], 1001);
  ck_assert_uint_eq(st.uid[3], 1003);
  const char *missing = "Name:\tx\nTgid:\t5\nPid:\t5\nPPid:\t1\nGid:\t7\t7\t7\t7\n";
  ck_assert_int_eq(procfs_parse_status(missing, strlen(missing), &st, &e), -VG_EMISSING);
  ck_assert_str_eq(e.msg, "status: no Uid line");
  const char *badpid = "Name:\tx\nTgid:\tfive\n";
  ck_assert_int_eq(procfs_parse_status(badpid, strlen(badpid), &st, &e), -VG_EPARSE);
  ck_assert_msg(strstr(e.msg, "line 2") != NULL, "%s", e.msg);
}
END_TEST

START_TEST(t_cmdline) {
  size_t n;
  char *d = fixture("sleep.cmdline", &n);
  char out[64];
  ck_assert_uint_eq(procfs_cmdline(d, n, out, sizeof(out)), 8);
  ck_assert_str_eq(out, "sleep 30");
  free(d);
  ck_assert_uint_eq(procfs_cmdline("", 0, out, sizeof(out)), 0);
  ck_assert_str_eq(out, "");
  ck_assert_uint_eq(procfs_cmdline("abcdef\0gh", 9, out, 5), 4); /* truncated */
  ck_assert_str_eq(out, "abcd");
}
END_TEST

START_TEST(t_maps_modules) {
  size_t n;
  char *d = fixture("sleep.maps", &n);
  struct procfs_module mods[16];
  size_t nm = 0;
  struct vg_err e;
  ck_assert_int_eq(procfs_modules(d, n, mods, 16, &nm, &e), 0);
  ck_assert_uint_eq(nm, 2); /* libc and the loader; not the locale files, not sleep */
  ck_assert_int_eq(strncmp(mods[0].path, "/usr/lib/x86_64-linux-gnu/libc.so.6", mods[0].path_len), 0);
  ck_assert_uint_eq(mods[0].base, 0x7fd6fee06000ull);
  ck_assert_uint_eq(mods[0].size, 0x7fd6fefdb000ull - 0x7fd6fee06000ull);
  ck_assert_int_eq(
      strncmp(mods[1].path, "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", mods[1].path_len), 0);
  /* at most max */
  ck_assert_int_eq(procfs_modules(d, n, mods, 1, &nm, &e), 0);
  ck_assert_uint_eq(nm, 1);
  free(d);
  const char *bad = "55cee2606000-55cee2608000 r--p 00000000 fe:00 248056 /usr/bin/sleep\nzz\n";
  ck_assert_int_eq(procfs_modules(bad, strlen(bad), mods, 16, &nm, &e), -VG_EPARSE);
  ck_assert_str_eq(e.msg, "maps: line 2: bad address range");
  const char *back = "2000-1000 r--p 00000000 fe:00 1 /x.so\n";
  ck_assert_int_eq(procfs_modules(back, strlen(back), mods, 16, &nm, &e), -VG_EPARSE);
}
END_TEST

START_TEST(t_is_so) {
  ck_assert(procfs_is_shared_object("/lib/libc.so.6", 14));
  ck_assert(procfs_is_shared_object("/x/a.so", 7));
  ck_assert(!procfs_is_shared_object("/x/a.sock", 9));
  ck_assert(!procfs_is_shared_object("/x.so/bin", 9));
  ck_assert(!procfs_is_shared_object("/usr/bin/sleep", 14));
}
END_TEST

static Suite *procfs_suite(void) {
  Suite *s = suite_create("procfs");
  TCase *tc = tcase_create("parse");
  tcase_add_test(tc, t_stat);
  tcase_add_test(tc, t_stat_bad);
  tcase_add_test(tc, t_status);
  tcase_add_test(tc, t_cmdline);
  tcase_add_test(tc, t_maps_modules);
  tcase_add_test(tc, t_is_so);
  suite_add_tcase(s, tc);
  return s;
}
VG_CHECK_MAIN(procfs_suite)
