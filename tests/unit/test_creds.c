/* test_creds.c — credentials: resolution order, the file parser (errors at
 * line:col), permission refusal, environments, save/use round trips. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "shared/alloc.h"
#include "shared/creds.h"
#include "tests/harness/harness.h"

#define OID1 "11111111-2222-4333-8444-555555555555"
#define OID2 "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"

static char *tmp;

static void clear_env(void) {
  const char *vars[] = {"VIGIL_URL", "VIGIL_OID", "VIGIL_API_KEY", "VIGIL_CA", "VIGIL_CREDS_FILE",
                        "VIGIL_ENV", "XDG_CONFIG_HOME"};
  for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) unsetenv(vars[i]);
}

static void setup(void) {
  tmp = harness_mkdtemp("vigil-creds");
  clear_env();
  setenv("HOME", tmp, 1);
}

static void teardown(void) {
  harness_rm_rf(tmp);
  free(tmp);
}

static char *write_tmp(const char *name, const char *text, int mode) {
  char *p = vg_xasprintf("%s/%s", tmp, name);
  ck_assert_int_eq(harness_write_file(p, text), 0);
  ck_assert_int_eq(chmod(p, (mode_t)mode), 0);
  return p;
}

static const char *vigild_file = "# Vigil credentials, written by vigild.\n"
                                 "url: wss://localhost:7444\n"
                                 "oid: " OID1 "\n"
                                 "api_key: vk_file\n"
                                 "ca: /data/tls/ca.pem\n";

/* The form vigild writes is read as-is (comments, no environments). */
START_TEST(parse_vigild_form) {
  struct vg_creds c;
  struct vg_err e;
  ck_assert_int_eq(vg_creds_parse(vigild_file, strlen(vigild_file), "/d/credentials.yaml", NULL, &c, &e), 0);
  ck_assert_str_eq(c.url, "wss://localhost:7444");
  ck_assert_str_eq(c.oid, OID1);
  ck_assert_str_eq(c.api_key, "vk_file");
  ck_assert_str_eq(c.ca_file, "/data/tls/ca.pem");
  ck_assert_str_eq(c.source, "/d/credentials.yaml");
  ck_assert_str_eq(c.env, "");
}
END_TEST

/* Environments: default, the only one, --env; a relative ca is relative to
 * the file. */
START_TEST(parse_environments) {
  const char *t = "default: prod\n"
                  "environments:\n"
                  "  prod:\n    url: wss://prod:1\n    oid: " OID1 "\n    api_key: k1\n    ca: tls/ca.pem\n"
                  "  lab:\n    url: \"wss://[::1]:2\"\n    oid: " OID2 "\n    api_key: k2\n";
  struct vg_creds c;
  struct vg_err e;
  ck_assert_int_eq(vg_creds_parse(t, strlen(t), "/etc/v/creds.yaml", NULL, &c, &e), 0);
  ck_assert_str_eq(c.env, "prod");
  ck_assert_str_eq(c.ca_file, "/etc/v/tls/ca.pem");
  ck_assert_int_eq(vg_creds_parse(t, strlen(t), "/etc/v/creds.yaml", "lab", &c, &e), 0);
  ck_assert_str_eq(c.url, "wss://[::1]:2");
  ck_assert_str_eq(c.api_key, "k2");
  ck_assert_int_eq(vg_creds_parse(t, strlen(t), "f", "nope", &c, &e), -VG_ENOTFOUND);
  ck_assert_ptr_nonnull(strstr(e.msg, "no environment 'nope'"));
  const char *two = "environments:\n  a: {url: wss://a, oid: " OID1 ", api_key: k}\n"
                    "  b: {url: wss://b, oid: " OID1 ", api_key: k}\n";
  ck_assert_int_eq(vg_creds_parse(two, strlen(two), "f", NULL, &c, &e), -VG_ENOTFOUND);
  ck_assert_ptr_nonnull(strstr(e.msg, "no default"));
  const char *one = "environments:\n  a: {url: wss://a, oid: " OID1 ", api_key: k}\n";
  ck_assert_int_eq(vg_creds_parse(one, strlen(one), "f", NULL, &c, &e), 0);
  ck_assert_str_eq(c.env, "a");
}
END_TEST

/* Every malformed file is EPARSE with the line and column of the culprit. */
START_TEST(parse_errors_have_positions) {
  static const struct {
    const char *text;
    int line, col;
    const char *msg;
  } cases[] = {
      {"url: wss://h\noid: " OID1 "\napi_key: k\nbogus: 1\n", 4, 1, "unknown key 'bogus'"},
      {"url: http://h\noid: " OID1 "\napi_key: k\n", 1, 6, "wss://"},
      {"url: wss://h\noid: NOT-A-UUID\napi_key: k\n", 2, 6, "UUID"},
      {"url: wss://h\noid: " OID1 "\n", 1, 1, "without 'api_key'"},
      {"url: wss://h\noid: " OID1 "\napi_key: [a]\n", 3, 10, "expected a string"},
      {"url: wss://h\noid: " OID1 "\napi_key: \"a b\"\n", 3, 10, "space"},
      {"- a\n- b\n", 1, 1, "expected a mapping"},
      {"environments:\n  \"bad name\": {url: wss://a}\n", 2, 3, "environment name"},
      {"environments: [1]\n", 1, 15, "mapping of name"},
      {"default: x\nenvironments:\n  a: {url: wss://a, oid: " OID1 ", api_key: k}\n", 1, 10,
       "no environment 'x'"},
      {"url: [unclosed\n", 2, 1, ""},
      {"url: wss://h\nurl: wss://h\n", 2, 1, "duplicate"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct vg_creds c;
    struct vg_err e;
    vg_err_clear(&e);
    int r = vg_creds_parse(cases[i].text, strlen(cases[i].text), "creds.yaml", NULL, &c, &e);
    ck_assert_msg(r == -VG_EPARSE, "case %zu: %d %s", i, r, e.msg);
    ck_assert_msg(e.line == cases[i].line && e.col == cases[i].col, "case %zu: at %d:%d (%s)", i,
                  e.line, e.col, e.msg);
    ck_assert_msg(strstr(e.msg, cases[i].msg), "case %zu: %s", i, e.msg);
    ck_assert_str_eq(e.file, "creds.yaml");
  }
}
END_TEST

/* flags > environment > VIGIL_CREDS_FILE > user file, one source whole. */
START_TEST(resolution_order) {
  struct vg_creds c;
  struct vg_err e;
  vg_err_clear(&e);
  ck_assert_int_eq(vg_creds_resolve(NULL, &c, &e), -VG_ENOTFOUND);
  ck_assert_ptr_nonnull(strstr(e.msg, "vigilctl login"));

  struct vg_creds u = {.url = "wss://user:1", .oid = OID1, .api_key = "k_user"};
  ck_assert_int_eq(vg_creds_save("main", &u, true, &e), 0);
  ck_assert_int_eq(vg_creds_resolve(NULL, &c, &e), 0);
  ck_assert_str_eq(c.api_key, "k_user");
  ck_assert_str_eq(c.env, "main");

  char *f = write_tmp("vigild-creds.yaml", vigild_file, 0600);
  setenv("VIGIL_CREDS_FILE", f, 1);
  ck_assert_int_eq(vg_creds_resolve(NULL, &c, &e), 0);
  ck_assert_str_eq(c.api_key, "vk_file");
  ck_assert_str_eq(c.source, f);

  setenv("VIGIL_URL", "wss://env:2", 1);
  setenv("VIGIL_OID", OID2, 1);
  setenv("VIGIL_API_KEY", "k_env", 1);
  ck_assert_int_eq(vg_creds_resolve(NULL, &c, &e), 0);
  ck_assert_str_eq(c.api_key, "k_env");
  ck_assert_str_eq(c.ca_file, ""); /* not mixed in from the file */
  ck_assert_str_eq(c.source, "environment");

  struct vg_creds_flags fl = {.url = "wss://flag:3", .oid = OID1, .api_key = "k_flag", .ca_file = "/ca"};
  ck_assert_int_eq(vg_creds_resolve(&fl, &c, &e), 0);
  ck_assert_str_eq(c.api_key, "k_flag");
  ck_assert_str_eq(c.url, "wss://flag:3");
  ck_assert_str_eq(c.ca_file, "/ca");
  ck_assert_str_eq(c.source, "flags");

  /* A begun source must be complete: no silent fallback to the next. */
  struct vg_creds_flags half = {.url = "wss://flag:3"};
  ck_assert_int_eq(vg_creds_resolve(&half, &c, &e), -VG_EMISSING);
  ck_assert_ptr_nonnull(strstr(e.msg, "--oid is missing"));
  unsetenv("VIGIL_API_KEY");
  ck_assert_int_eq(vg_creds_resolve(NULL, &c, &e), -VG_EMISSING);
  ck_assert_ptr_nonnull(strstr(e.msg, "VIGIL_API_KEY is missing"));
  setenv("VIGIL_OID", "bad", 1);
  setenv("VIGIL_API_KEY", "k", 1);
  ck_assert_int_eq(vg_creds_resolve(NULL, &c, &e), -VG_EINVAL);
  ck_assert_ptr_nonnull(strstr(e.msg, "VIGIL_OID must be a lower-case UUID"));

  /* VIGIL_CREDS_FILE naming a missing file is an error, not a fallback. */
  unsetenv("VIGIL_URL");
  unsetenv("VIGIL_OID");
  unsetenv("VIGIL_API_KEY");
  setenv("VIGIL_CREDS_FILE", "/nonexistent/creds.yaml", 1);
  ck_assert_int_eq(vg_creds_resolve(NULL, &c, &e), -VG_EIO);
  ck_assert_ptr_nonnull(strstr(e.msg, "/nonexistent/creds.yaml"));
  free(f);
}
END_TEST

START_TEST(permissions_refused) {
  char *f = write_tmp("open.yaml", vigild_file, 0644);
  setenv("VIGIL_CREDS_FILE", f, 1);
  struct vg_creds c;
  struct vg_err e;
  ck_assert_int_eq(vg_creds_resolve(NULL, &c, &e), -VG_EPERM);
  ck_assert_ptr_nonnull(strstr(e.msg, "mode 0644"));
  ck_assert_ptr_nonnull(strstr(e.msg, "chmod 600"));
  ck_assert_int_eq(chmod(f, 0640), 0);
  ck_assert_int_eq(vg_creds_resolve(NULL, &c, &e), -VG_EPERM);
  ck_assert_int_eq(chmod(f, 0600), 0);
  ck_assert_int_eq(vg_creds_resolve(NULL, &c, &e), 0);
  free(f);
}
END_TEST

/* save writes 0600 under ~/.config/vigil (or XDG), keeps other environments;
 * use switches the default; --env and VIGIL_ENV pick. */
START_TEST(save_and_use) {
  struct vg_err e;
  struct vg_creds a = {.url = "wss://a:1", .oid = OID1, .api_key = "ka", .ca_file = "/ca a \"q\""};
  struct vg_creds b = {.url = "wss://b:1", .oid = OID2, .api_key = "kb"};
  ck_assert_int_eq(vg_creds_save("a", &a, false, &e), 0);
  ck_assert_int_eq(vg_creds_save("b", &b, false, &e), 0);
  char path[4096];
  ck_assert_int_eq(vg_creds_user_file(path, sizeof path, &e), 0);
  ck_assert_ptr_nonnull(strstr(path, "/.config/vigil/credentials.yaml"));
  struct stat st;
  ck_assert_int_eq(stat(path, &st), 0);
  ck_assert_int_eq(st.st_mode & 0777, 0600);
  struct vg_creds c;
  ck_assert_int_eq(vg_creds_resolve(NULL, &c, &e), 0);
  ck_assert_str_eq(c.env, "a"); /* the first saved became the default */
  ck_assert_str_eq(c.ca_file, "/ca a \"q\"");
  ck_assert_int_eq(vg_creds_use("b", &e), 0);
  ck_assert_int_eq(vg_creds_resolve(NULL, &c, &e), 0);
  ck_assert_str_eq(c.api_key, "kb");
  struct vg_creds_flags fl = {.env = "a"};
  ck_assert_int_eq(vg_creds_resolve(&fl, &c, &e), 0);
  ck_assert_str_eq(c.api_key, "ka");
  setenv("VIGIL_ENV", "a", 1);
  ck_assert_int_eq(vg_creds_resolve(NULL, &c, &e), 0);
  ck_assert_str_eq(c.api_key, "ka");
  unsetenv("VIGIL_ENV");
  ck_assert_int_eq(vg_creds_use("zzz", &e), -VG_ENOTFOUND);
  /* Replace an environment in place. */
  b.api_key[1] = 'X';
  ck_assert_int_eq(vg_creds_save("b", &b, true, &e), 0);
  ck_assert_int_eq(vg_creds_resolve(NULL, &c, &e), 0);
  ck_assert_str_eq(c.api_key, "kX");
  /* XDG_CONFIG_HOME wins over HOME. */
  setenv("XDG_CONFIG_HOME", "/xdg", 1);
  ck_assert_int_eq(vg_creds_user_file(path, sizeof path, &e), 0);
  ck_assert_str_eq(path, "/xdg/vigil/credentials.yaml");
  unsetenv("XDG_CONFIG_HOME");
  /* Bad names and values are refused before anything is written. */
  ck_assert_int_eq(vg_creds_save("bad name", &a, false, &e), -VG_EINVAL);
  struct vg_creds bad = {.url = "https://x", .oid = OID1, .api_key = "k"};
  ck_assert_int_eq(vg_creds_save("x", &bad, false, &e), -VG_EINVAL);
}
END_TEST

/* A malformed user file is never overwritten by save. */
START_TEST(save_refuses_malformed_file) {
  struct vg_err e;
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/.config", tmp);
  mkdir(dir, 0700);
  snprintf(dir, sizeof dir, "%s/.config/vigil", tmp);
  mkdir(dir, 0700);
  char *f = write_tmp(".config/vigil/credentials.yaml", "environments: [oops\n", 0600);
  struct vg_creds a = {.url = "wss://a:1", .oid = OID1, .api_key = "ka"};
  ck_assert_int_eq(vg_creds_save("a", &a, true, &e), -VG_EPARSE);
  char *s = harness_read_file(f, NULL);
  ck_assert_str_eq(s, "environments: [oops\n");
  free(s);
  free(f);
}
END_TEST

static Suite *creds_suite(void) {
  Suite *s = suite_create("creds");
  TCase *t = tcase_create("creds");
  tcase_add_checked_fixture(t, setup, teardown);
  tcase_add_test(t, parse_vigild_form);
  tcase_add_test(t, parse_environments);
  tcase_add_test(t, parse_errors_have_positions);
  tcase_add_test(t, resolution_order);
  tcase_add_test(t, permissions_refused);
  tcase_add_test(t, save_and_use);
  tcase_add_test(t, save_refuses_malformed_file);
  suite_add_tcase(s, t);
  return s;
}

VG_CHECK_MAIN(creds_suite)
