/* test_vigild_config.c — vigild's options table: defaults, precedence
 * (defaults < file < --set), listen-address checks, and docs/operations.md
 * documenting every key. */
#include <stdlib.h>
#include <string.h>

#include "backend/vigild_config.h"
#include "tests/harness/harness.h"

START_TEST(t_defaults) {
  struct vigild_config c;
  memset(&c, 0, sizeof(c));
  ck_assert_int_eq(vigild_config_load(&c, NULL, NULL, 0, NULL), 0);
  ck_assert_str_eq(c.data_dir, "./vigil-data");
  ck_assert_str_eq(c.sensor_listen, "0.0.0.0:7443");
  ck_assert_str_eq(c.api_listen, "127.0.0.1:7444");
  ck_assert_str_eq(c.log_level, "info");
  ck_assert_int_eq(c.retention, 365LL * 86400);
  vigild_config_cleanup(&c);
}
END_TEST

START_TEST(t_precedence) {
  char *dir = harness_mkdtemp("vigild-cfg");
  char path[512];
  snprintf(path, sizeof(path), "%s/c.yaml", dir);
  harness_write_file(path, "data_dir: /srv/vigil\nlog:\n  level: debug\nstorage:\n  retention: 30d\n");
  char *sets[] = {"log.level=warn", "api.listen=[::1]:9000"};
  struct vigild_config c;
  memset(&c, 0, sizeof(c));
  ck_assert_int_eq(vigild_config_load(&c, path, sets, 2, NULL), 0);
  ck_assert_str_eq(c.data_dir, "/srv/vigil");
  ck_assert_str_eq(c.log_level, "warn");
  ck_assert_str_eq(c.api_listen, "[::1]:9000");
  ck_assert_int_eq(c.retention, 30LL * 86400);
  vigild_config_cleanup(&c);
  harness_rm_rf(dir);
  free(dir);
}
END_TEST

START_TEST(t_bad_values) {
  struct vigild_config c;
  struct vg_err e;
  char *bad_listen[] = {"sensor.listen=localhost"};
  memset(&c, 0, sizeof(c));
  ck_assert_int_lt(vigild_config_load(&c, NULL, bad_listen, 1, &e), 0);
  ck_assert_ptr_nonnull(strstr(e.msg, "sensor.listen"));
  vigild_config_cleanup(&c);
  char *short_retention[] = {"storage.retention=1h"};
  memset(&c, 0, sizeof(c));
  ck_assert_int_lt(vigild_config_load(&c, NULL, short_retention, 1, &e), 0);
  vigild_config_cleanup(&c);
  char *no_eq[] = {"log.level"};
  memset(&c, 0, sizeof(c));
  ck_assert_int_lt(vigild_config_load(&c, NULL, no_eq, 1, &e), 0);
  ck_assert_ptr_nonnull(strstr(e.msg, "key=value"));
  vigild_config_cleanup(&c);
}
END_TEST

START_TEST(t_split_listen) {
  char host[256];
  int port;
  ck_assert_int_eq(vigild_config_split_listen("0.0.0.0:7443", host, sizeof(host), &port), 0);
  ck_assert_str_eq(host, "0.0.0.0");
  ck_assert_int_eq(port, 7443);
  ck_assert_int_eq(vigild_config_split_listen("[::1]:1", host, sizeof(host), &port), 0);
  ck_assert_str_eq(host, "::1");
  ck_assert_int_lt(vigild_config_split_listen(":80", host, sizeof(host), &port), 0);
  ck_assert_int_lt(vigild_config_split_listen("h:99999", host, sizeof(host), &port), 0);
  ck_assert_int_lt(vigild_config_split_listen("h:", host, sizeof(host), &port), 0);
  ck_assert_int_lt(vigild_config_split_listen("h:12x", host, sizeof(host), &port), 0);
}
END_TEST

START_TEST(t_docs_cover_every_key) {
  char *path = harness_source_path("docs/operations.md");
  char *doc = harness_read_file(path, NULL);
  ck_assert_ptr_nonnull(doc);
  for (const struct vg_config_opt *o = vigild_config_table; o->key; o++) {
    char want[160];
    snprintf(want, sizeof(want), "`%s`", o->key);
    ck_assert_msg(strstr(doc, want) != NULL, "docs/operations.md lacks %s", want);
  }
  free(doc);
  free(path);
}
END_TEST

static Suite *vigild_config_suite(void) {
  Suite *s = suite_create("vigild_config");
  TCase *tc = tcase_create("table");
  tcase_add_test(tc, t_defaults);
  tcase_add_test(tc, t_precedence);
  tcase_add_test(tc, t_bad_values);
  tcase_add_test(tc, t_split_listen);
  tcase_add_test(tc, t_docs_cover_every_key);
  suite_add_tcase(s, tc);
  return s;
}
VG_CHECK_MAIN(vigild_config_suite)
