/* test_feed.c — threat feeds: text and JSON files, case, CIDR entries,
 * metadata, errors naming file:line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/feed.h"
#include "tests/harness/harness.h"

static struct vg_feed *load(const char *text, struct vg_err *err) {
  char *dir = harness_mkdtemp("feed");
  char path[512];
  snprintf(path, sizeof(path), "%s/f", dir);
  ck_assert_int_eq(harness_write_file(path, text), 0);
  struct vg_feed *f = vg_feed_load(path, err);
  harness_rm_rf(dir);
  free(dir);
  return f;
}

START_TEST(text_and_cidr) {
  struct vg_feed *f = load("# miners\nPool.Evil.com\n1.2.3.4 comment\n10.8.0.0/16\nfd00::/8\n\n", NULL);
  ck_assert_ptr_nonnull(f);
  ck_assert_int_eq(vg_feed_size(f), 4);
  ck_assert(vg_feed_has(f, "pool.evil.com", NULL));
  ck_assert(vg_feed_has(f, "POOL.EVIL.COM", NULL));
  ck_assert(!vg_feed_has(f, "evil.com", NULL));
  ck_assert(vg_feed_has(f, "1.2.3.4", NULL));
  ck_assert(!vg_feed_has(f, "1.2.3.5", NULL));
  ck_assert(vg_feed_has(f, "10.8.200.1", NULL));
  ck_assert(!vg_feed_has(f, "10.9.0.1", NULL));
  ck_assert(vg_feed_has(f, "fd12::1", NULL));
  vg_feed_free(f);
}
END_TEST

START_TEST(json_and_errors) {
  struct vg_feed *f = load("{\"abcd\": [\"eset\", \"avira\"], \"ef01\": null}", NULL);
  ck_assert_ptr_nonnull(f);
  const json_t *m = NULL;
  ck_assert(vg_feed_has(f, "ABCD", &m));
  ck_assert_int_eq(json_array_size(m), 2);
  vg_feed_free(f);
  f = load("[\"a\", \"b\"]", NULL);
  ck_assert(vg_feed_has(f, "b", NULL));
  vg_feed_free(f);
  struct vg_err err;
  vg_err_clear(&err);
  ck_assert_ptr_null(load("[\"a\", 3]", &err));
  ck_assert_int_eq(err.code, VG_ETYPE);
  char big[2100];
  memset(big, 'x', sizeof(big) - 2);
  big[sizeof(big) - 2] = '\n';
  big[sizeof(big) - 1] = '\0';
  char *txt = NULL;
  ck_assert_int_ge(asprintf(&txt, "ok\n%s", big), 0);
  vg_err_clear(&err);
  ck_assert_ptr_null(load(txt, &err));
  free(txt);
  ck_assert_int_eq(err.code, VG_ELIMIT);
  ck_assert_int_eq(err.line, 2);
  vg_err_clear(&err);
  ck_assert_ptr_null(vg_feed_load("/nonexistent/feed", &err));
  ck_assert_int_eq(err.code, VG_EIO);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("feed");
  TCase *tc = tcase_create("feed");
  tcase_add_test(tc, text_and_cidr);
  tcase_add_test(tc, json_and_errors);
  suite_add_tcase(s, tc);
  return s;
}

VG_CHECK_MAIN(suite)
