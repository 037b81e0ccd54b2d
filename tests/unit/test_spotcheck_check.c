/* test_spotcheck_check.c — spotcheck's checks (cli/spotcheck_check.c): the
 * sensor command each flag becomes (quoting for the sensor's splitter), bad
 * arguments refused, and which replies are hits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/spotcheck_check.h"
#include "shared/alloc.h"
#include "tests/harness/harness.h"

static char *build(const char *flag, const char *const *args) {
  const struct spotcheck_kind *k = spotcheck_check_kind(flag);
  ck_assert_ptr_nonnull(k);
  struct spotcheck_check c;
  if (spotcheck_check_init(&c, k, (char **)args)) return NULL;
  char *cmd = vg_xstrdup(c.command);
  spotcheck_check_cleanup(&c);
  return cmd;
}

START_TEST(commands) {
  char *dir = harness_mkdtemp("spot-unit");
  char *rule = vg_xasprintf("%s/r.yar", dir);
  harness_write_file(rule, "rule r { condition: true }\n");
  struct {
    const char *flag;
    const char *args[5];
    const char *want;
  } cases[] = {
      {"--file", {"/etc/passwd"}, "file_info \"/etc/passwd\""},
      {"-f", {"/tmp/a \"b\" $c `d` \\e"}, "file_info \"/tmp/a \\\"b\\\" \\$c \\`d\\` \\\\e\""},
      {"--file-pattern", {"/home", "*.exe", "3"}, "dir_list -d 3 \"/home\" \"*.exe\""},
      {"-fp", {"/", "x?", "0"}, "dir_list -d 0 \"/\" \"x?\""},
      {"--file-hash", {"/srv", "*", "2", "ABCDEF0123456789abcdef0123456789ABCDEF0123456789abcdef0123456789"},
       "dir_find_hash \"/srv\" \"*\" 2 ABCDEF0123456789abcdef0123456789ABCDEF0123456789abcdef0123456789"},
      {"--yara", {rule}, "yara_scan cnVsZSByIHsgY29uZGl0aW9uOiB0cnVlIH0K"},
      {"-yf", {rule, "/opt", "*.so", "4"}, "yara_scan -d \"/opt\" \"*.so\" 4 cnVsZSByIHsgY29uZGl0aW9uOiB0cnVlIH0K"},
      {"--yara-process", {rule, "ssh*"}, "yara_scan cnVsZSByIHsgY29uZGl0aW9uOiB0cnVlIH0K"}, /* every process; hits filtered by name */
      {"-rk", {"HKLM\\Software\\Run"}, "reg_list \"HKLM\\\\Software\\\\Run\""},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char *got = build(cases[i].flag, cases[i].args);
    ck_assert_msg(got && !strcmp(got, cases[i].want), "%s: got %s", cases[i].flag, got ? got : "(null)");
    free(got);
  }
  /* Refused: bad depth, bad hash, unreadable rule. */
  ck_assert_ptr_null(build("--file-pattern", (const char *const[]){"/", "*", "deep"}));
  ck_assert_ptr_null(build("--file-pattern", (const char *const[]){"/", "*", "65"}));
  ck_assert_ptr_null(build("--file-hash", (const char *const[]){"/", "*", "1", "abc"}));
  ck_assert_ptr_null(build("--yara", (const char *const[]){"/nonexistent.yar"}));
  ck_assert_ptr_null(spotcheck_check_kind("--files"));
  ck_assert_ptr_null(spotcheck_check_kind("-file"));
  harness_rm_rf(dir);
  free(dir);
  free(rule);
}
END_TEST

static json_t *hits_of(const char *flag, const char *const *args, const char *event, char **err) {
  struct spotcheck_check c;
  ck_assert_int_eq(spotcheck_check_init(&c, spotcheck_check_kind(flag), (char **)args), 0);
  json_t *ev = json_loads(event, 0, NULL);
  ck_assert_ptr_nonnull(ev);
  json_t *hits = json_array();
  spotcheck_check_hits(&c, ev, hits, err);
  json_decref(ev);
  spotcheck_check_cleanup(&c);
  return hits;
}

START_TEST(hits) {
  char *err;
  json_t *h = hits_of("-fp", (const char *const[]){"/", "*", "1"},
                      "{\"routing\":{\"event_type\":\"DIR_LIST_REP\"},\"event\":{\"ERROR\":0,\"MORE\":true,"
                      "\"DIRECTORY_LIST\":[{\"FILE_PATH\":\"/a\"},{\"FILE_PATH\":\"/b\"}]}}",
                      &err);
  ck_assert_ptr_null(err);
  ck_assert_int_eq(json_array_size(h), 2);
  char *s = json_dumps(json_array_get(h, 1), JSON_COMPACT);
  ck_assert_str_eq(s, "{\"check\":\"file-pattern\",\"FILE_PATH\":\"/b\"}");
  free(s);
  json_decref(h);
  /* Not found is neither a hit nor an error; other errors are errors. */
  h = hits_of("-f", (const char *const[]){"/x"},
              "{\"routing\":{\"event_type\":\"FILE_INFO_REP\"},\"event\":{\"ERROR\":2}}", &err);
  ck_assert_int_eq(json_array_size(h), 0);
  ck_assert_ptr_null(err);
  json_decref(h);
  h = hits_of("-f", (const char *const[]){"/x"},
              "{\"routing\":{\"event_type\":\"FILE_INFO_REP\"},\"event\":{\"ERROR\":5,\"ERROR_CODE\":\"EPERM\","
              "\"ERROR_MESSAGE\":\"/x: Permission denied\"}}",
              &err);
  ck_assert_int_eq(json_array_size(h), 0);
  ck_assert_str_eq(err, "--file: FILE_INFO_REP: EPERM /x: Permission denied");
  free(err);
  json_decref(h);
  /* A RECEIPT is nothing; a FILE_INFO_REP without error is the hit. */
  h = hits_of("-f", (const char *const[]){"/x"}, "{\"routing\":{\"event_type\":\"RECEIPT\"},\"event\":{}}", &err);
  ck_assert_int_eq(json_array_size(h), 0);
  json_decref(h);
  h = hits_of("-f", (const char *const[]){"/x"},
              "{\"routing\":{\"event_type\":\"FILE_INFO_REP\"},\"event\":{\"ERROR\":0,\"FILE_SIZE\":3}}", &err);
  ck_assert_int_eq(json_array_size(h), 1);
  ck_assert_ptr_null(json_object_get(json_array_get(h, 0), "ERROR"));
  json_decref(h);
}
END_TEST

static Suite *spotcheck_check_suite(void) {
  Suite *s = suite_create("spotcheck_check");
  TCase *t = tcase_create("spotcheck_check");
  tcase_add_test(t, commands);
  tcase_add_test(t, hits);
  suite_add_tcase(s, t);
  return s;
}

VG_CHECK_MAIN(spotcheck_check_suite)
