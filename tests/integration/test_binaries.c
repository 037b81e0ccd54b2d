/* test_binaries.c — the four binaries answer --version and --help, and
 * reject unknown options with exit code 2. */
#include <stdlib.h>
#include <string.h>

#include "shared/version.h"
#include "tests/harness/harness.h"

static const char *const binaries[][2] = {
    {"backend/vigild", "vigild"},
    {"sensor/vigil-sensor", "vigil-sensor"},
    {"tui/vigil", "vigil"},
    {"cli/vigilctl", "vigilctl"},
};
#define NBIN (int)(sizeof(binaries) / sizeof(binaries[0]))

static int run(int i, const char *arg, char **out) {
  char *bin = harness_binary_path(binaries[i][0]);
  char *argv[] = {bin, (char *)arg, NULL};
  int rc = harness_run(argv, out);
  free(bin);
  return rc;
}

START_TEST(t_version) {
  char *out = NULL;
  ck_assert_int_eq(run(_i, "--version", &out), 0);
  char want[128];
  snprintf(want, sizeof(want), "%s (Vigil) %s\n", binaries[_i][1], vg_version());
  ck_assert_msg(strncmp(out, want, strlen(want)) == 0, "got '%s'", out);
  free(out);
}
END_TEST

START_TEST(t_help) {
  char *out = NULL;
  ck_assert_int_eq(run(_i, "--help", &out), 0);
  char want[128];
  snprintf(want, sizeof(want), "usage: %s ", binaries[_i][1]);
  ck_assert_msg(strstr(out, want) != NULL, "got '%s'", out);
  ck_assert_ptr_nonnull(strstr(out, "--version"));
  free(out);
}
END_TEST

START_TEST(t_unknown_option) {
  char *out = NULL;
  ck_assert_int_eq(run(_i, "--no-such-option", &out), 2);
  ck_assert_ptr_nonnull(strstr(out, "usage:"));
  free(out);
}
END_TEST

static Suite *binaries_suite(void) {
  Suite *s = suite_create("binaries");
  TCase *tc = tcase_create("cli");
  tcase_add_loop_test(tc, t_version, 0, NBIN);
  tcase_add_loop_test(tc, t_help, 0, NBIN);
  tcase_add_loop_test(tc, t_unknown_option, 0, NBIN);
  suite_add_tcase(s, tc);
  return s;
}
VG_CHECK_MAIN(binaries_suite)
