/* test_collect_store.c — the pure parts of the file collector: the document
 * cache (bounds, LRU, filters, extension table), FIM patterns (validation,
 * matching, persistence) and the mountinfo parser (fixture file). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sensor/docs.h"
#include "sensor/fim.h"
#include "sensor/mountinfo.h"
#include "shared/alloc.h"
#include "tests/harness/harness.h"

START_TEST(docs_budget_cap_and_lru) {
  struct sensor_docs *d = docs_create(100, 40);
  char data[64];
  memset(data, 'a', sizeof data);
  ck_assert(docs_put(d, "/a.sh", "h1", data, 30, 30, 1));
  ck_assert(docs_put(d, "/b.sh", "h2", data, 30, 30, 2));
  ck_assert(!docs_put(d, "/a.sh", "h1", data, 30, 30, 3)); /* same: refresh only */
  ck_assert(docs_put(d, "/c.sh", "h3", data, 64, 64, 4));  /* capped to 40 */
  size_t n, bytes;
  docs_stats(d, &n, &bytes);
  ck_assert_uint_eq(n, 3);
  ck_assert_uint_eq(bytes, 100);
  ck_assert(docs_put(d, "/d.sh", "h4", data, 10, 10, 5)); /* evicts b (least recent) */
  struct docs_item *it;
  ck_assert_uint_eq(docs_find(d, "b.sh", NULL, 10, &it), 0);
  docs_items_free(it, 0);
  n = docs_find(d, NULL, NULL, 10, &it);
  ck_assert_uint_eq(n, 3);
  ck_assert_str_eq(it[0].path, "/d.sh");
  docs_items_free(it, n);
  n = docs_find(d, "/c*", NULL, 10, &it);
  ck_assert_uint_eq(n, 1);
  ck_assert_uint_eq(it[0].len, 40);
  ck_assert(it[0].truncated);
  docs_items_free(it, n);
  n = docs_find(d, NULL, "H1", 10, &it);
  ck_assert_uint_eq(n, 1);
  ck_assert_str_eq(it[0].path, "/a.sh");
  docs_items_free(it, n);
  ck_assert(docs_put(d, "/a.sh", "h9", data, 5, 5, 6)); /* new version replaces */
  n = docs_find(d, "a.sh", NULL, 10, &it);
  ck_assert_uint_eq(n, 1);
  ck_assert_str_eq(it[0].hash, "h9");
  docs_items_free(it, n);
  docs_free(d);
}
END_TEST

START_TEST(docs_extension_table) {
  const char *yes[] = {"/x/a.sh", "/a.PY", "b.docx", "/c.xlsm", "/lib/libc.so.6", "/l/x.so",
                       "/t/run.ps1", "/y.pdf", "/z.jar", "/w/setup.exe"};
  const char *no[] = {"/x/a.txt", "/.bashrc", "/x.sh.bak", "/v.1", "/etc/passwd", "/a.", "/so"};
  for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) ck_assert_msg(docs_is_document(yes[i]), "%s", yes[i]);
  for (size_t i = 0; i < sizeof no / sizeof *no; i++) ck_assert_msg(!docs_is_document(no[i]), "%s", no[i]);
}
END_TEST

START_TEST(fim_patterns_validate_match_persist) {
  char *dir = harness_mkdtemp("fim");
  struct sensor_fim *f = fim_create(dir);
  struct vg_err e;
  ck_assert_int_eq(fim_add(f, "", &e), -VG_EINVAL);
  ck_assert_int_eq(fim_add(f, "etc/passwd", &e), -VG_EINVAL);
  ck_assert_int_eq(fim_add(f, "/etc/\nx", &e), -VG_EINVAL);
  char *big = vg_xmalloc(2000);
  memset(big, 'a', 1999);
  big[0] = '/';
  big[1999] = '\0';
  ck_assert_int_eq(fim_add(f, big, &e), -VG_ELIMIT);
  free(big);
  ck_assert_int_eq(fim_add(f, "/etc/ssh/*", &e), 0);
  ck_assert_int_eq(fim_add(f, "*/authorized_keys", &e), 0);
  ck_assert_int_eq(fim_add(f, "/etc/ssh/*", &e), -VG_EEXIST);
  char pat[64];
  ck_assert(fim_match(f, "/etc/ssh/sshd_config.d/x.conf", pat, sizeof pat));
  ck_assert_str_eq(pat, "/etc/ssh/*");
  ck_assert(fim_match(f, "/root/.ssh/authorized_keys", NULL, 0));
  ck_assert(!fim_match(f, "/etc/passwd", NULL, 0));
  fim_free(f);
  f = fim_create(dir); /* reloaded from the state dir */
  json_t *l = fim_list(f);
  ck_assert_uint_eq(json_array_size(l), 2);
  ck_assert_str_eq(json_string_value(json_array_get(l, 1)), "*/authorized_keys");
  json_decref(l);
  ck_assert_int_eq(fim_del(f, "/etc/ssh/*", &e), 0);
  ck_assert_int_eq(fim_del(f, "/etc/ssh/*", &e), -VG_ENOTFOUND);
  ck_assert(!fim_match(f, "/etc/ssh/x", NULL, 0));
  fim_free(f);
  harness_rm_rf(dir);
  free(dir);
}
END_TEST

START_TEST(mountinfo_fixture) {
  char *path = harness_source_path("tests/data/mountinfo/sample");
  FILE *fp = fopen(path, "r");
  ck_assert_ptr_nonnull(fp);
  char line[512];
  struct mountinfo_entry m[4];
  char lines[4][512];
  int n = 0;
  while (n < 4 && fgets(lines[n], sizeof lines[n], fp)) {
    ck_assert_int_eq(mountinfo_parse_line(lines[n], &m[n], NULL), 0);
    n++;
  }
  fclose(fp);
  free(path);
  ck_assert_int_eq(n, 4);
  ck_assert_str_eq(m[0].fstype, "proc");
  ck_assert_str_eq(m[1].mount_point, "/");
  ck_assert_uint_eq(m[1].major, 254);
  ck_assert_str_eq(m[2].root, "/run/netns");
  ck_assert_str_eq(m[3].mount_point, "/mnt with space");
  ck_assert_str_eq(m[3].fstype, "ext3");
  ck_assert_str_eq(m[3].source, "/dev/root");
  const char *bad[] = {"", "1 2 3:4 / /", "1 2 34 / / rw - ext4 x", "1 2 3:4 / / rw ext4 x",
                       "1 2 3:x / / rw - ext4 x", "1 2 3:4 / / rw -"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    snprintf(line, sizeof line, "%s", bad[i]);
    struct vg_err e;
    vg_err_clear(&e);
    ck_assert_msg(mountinfo_parse_line(line, &m[0], &e) == -VG_EPARSE, "accepted '%s'", bad[i]);
    ck_assert(strstr(e.msg, "mountinfo") != NULL);
  }
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("collect_store");
  TCase *tc = tcase_create("pure");
  tcase_add_test(tc, docs_budget_cap_and_lru);
  tcase_add_test(tc, docs_extension_table);
  tcase_add_test(tc, fim_patterns_validate_match_persist);
  tcase_add_test(tc, mountinfo_fixture);
  suite_add_tcase(s, tc);
  return s;
}

VG_CHECK_MAIN(suite)
