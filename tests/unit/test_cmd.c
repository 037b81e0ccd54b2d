/* test_cmd.c — command lines split as a shell would, and the command table
 * (names unique and sorted, usage starting with the name, lookup). */
#include <stdlib.h>
#include <string.h>

#include "sensor/cmd.h"
#include "shared/limits.h"
#include "tests/harness/harness.h"

static void split_ok(const char *line, int want_argc, const char *const *want) {
  int argc;
  char **argv;
  struct vg_err e;
  ck_assert_msg(cmd_split(line, &argc, &argv, &e) == 0, "%s: %s", line, e.msg);
  ck_assert_int_eq(argc, want_argc);
  for (int i = 0; i < argc; i++) ck_assert_str_eq(argv[i], want[i]);
  ck_assert_ptr_null(argv[argc]);
  free(argv);
}

START_TEST(t_split) {
  split_ok("os_version", 1, (const char *[]){"os_version"});
  split_ok("  file_get  -o 10\t/etc/passwd ", 4,
           (const char *[]){"file_get", "-o", "10", "/etc/passwd"});
  split_ok("dir_list '/tmp/a b' \"*.sh\"", 3, (const char *[]){"dir_list", "/tmp/a b", "*.sh"});
  split_ok("x \"say \\\"hi\\\" \\\\ now\" a\\ b", 3,
           (const char *[]){"x", "say \"hi\" \\ now", "a b"});
  split_ok("x ''", 2, (const char *[]){"x", ""});
  split_ok("x a'b c'd", 2, (const char *[]){"x", "ab cd"});
}
END_TEST

START_TEST(t_split_bad) {
  int argc;
  char **argv;
  struct vg_err e;
  ck_assert_int_eq(cmd_split("file_get 'abc", &argc, &argv, &e), -VG_EPARSE);
  ck_assert_int_eq(e.col, 10);
  ck_assert_ptr_nonnull(strstr(e.msg, "unterminated"));
  ck_assert_int_eq(cmd_split("  ", &argc, &argv, &e), -VG_EPARSE); /* no command at all */
  ck_assert_int_eq(cmd_split("a \"b", &argc, &argv, &e), -VG_EPARSE);
  ck_assert_int_eq(e.col, 3);
  char *big = malloc(VG_LIMIT_TASK_COMMAND_BYTES + 2);
  memset(big, 'a', VG_LIMIT_TASK_COMMAND_BYTES + 1);
  big[VG_LIMIT_TASK_COMMAND_BYTES + 1] = '\0';
  ck_assert_int_eq(cmd_split(big, &argc, &argv, &e), -VG_ELIMIT);
  free(big);
}
END_TEST

START_TEST(t_table) {
  size_t n;
  const struct cmd *t = cmd_table(&n);
  ck_assert_uint_ge(n, 6);
  for (size_t i = 0; i < n; i++) {
    ck_assert_ptr_nonnull(t[i].run);
    ck_assert_ptr_nonnull(t[i].help);
    ck_assert_msg(strncmp(t[i].usage, t[i].name, strlen(t[i].name)) == 0, "%s", t[i].usage);
    if (i) ck_assert_msg(strcmp(t[i - 1].name, t[i].name) < 0, "%s after %s", t[i].name,
                         t[i - 1].name);
    ck_assert_ptr_eq(cmd_find(t[i].name), &t[i]);
  }
  ck_assert_ptr_null(cmd_find("no_such_command"));
  ck_assert_ptr_null(cmd_find(NULL));
  ck_assert_ptr_nonnull(cmd_find("history_dump"));
  ck_assert_ptr_nonnull(cmd_find("deny_tree"));
}
END_TEST

static Suite *cmd_suite(void) {
  Suite *s = suite_create("cmd");
  TCase *tc = tcase_create("cmd");
  tcase_add_test(tc, t_split);
  tcase_add_test(tc, t_split_bad);
  tcase_add_test(tc, t_table);
  suite_add_tcase(s, tc);
  return s;
}
VG_CHECK_MAIN(cmd_suite)
