/* test_vigild_daemon.c — the real vigild through the harness fixture:
 * start-up on a temporary data dir, config errors with positions, SIGHUP
 * reload, clean SIGTERM stop, and one daemon per data dir. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tests/harness/harness.h"

static char *log_text(const struct harness_vigild *d) {
  char *s = harness_read_file(d->log_path, NULL);
  return s ? s : calloc(1, 1);
}

/* Wait up to 5 s for needle to appear in the log. */
static int log_wait(const struct harness_vigild *d, const char *needle) {
  for (int i = 0; i < 250; i++) {
    char *s = log_text(d);
    int found = strstr(s, needle) != NULL;
    free(s);
    if (found) return 1;
    struct timespec ts = {0, 20 * 1000000L};
    nanosleep(&ts, NULL);
  }
  return 0;
}

START_TEST(t_start_stop) {
  struct harness_vigild d;
  ck_assert_int_eq(harness_vigild_start(&d, NULL), 0);
  struct stat st;
  ck_assert_int_eq(stat(d.data_dir, &st), 0);
  ck_assert_int_eq(st.st_mode & 0777, 0700);
  ck_assert(log_wait(&d, "ready: data dir"));
  char *pidfile = NULL;
  size_t n = strlen(d.data_dir) + 16;
  pidfile = malloc(n);
  snprintf(pidfile, n, "%s/vigild.pid", d.data_dir);
  ck_assert_int_eq(harness_vigild_stop(&d), 0);
  ck_assert_int_ne(access(pidfile, F_OK), 0); /* removed on clean stop */
  ck_assert(log_wait(&d, "stopped"));
  free(pidfile);
  harness_vigild_cleanup(&d, false);
}
END_TEST

START_TEST(t_one_daemon_per_data_dir) {
  struct harness_vigild d;
  ck_assert_int_eq(harness_vigild_start(&d, NULL), 0);
  char *bin = harness_binary_path("backend/vigild");
  char *argv[] = {bin, "--data-dir", d.data_dir, "--sensor-listen", "127.0.0.1:0",
                  "--api-listen", "127.0.0.1:0", NULL};
  char *out = NULL;
  ck_assert_int_eq(harness_run(argv, &out), 1);
  ck_assert_msg(strstr(out, "in use by another vigild") != NULL, "got: %s", out);
  free(out);
  free(bin);
  ck_assert_int_eq(harness_vigild_stop(&d), 0);
  harness_vigild_cleanup(&d, false);
}
END_TEST

START_TEST(t_config_error_position) {
  char *dir = harness_mkdtemp("vigild-cfg");
  char *cfg = malloc(strlen(dir) + 32);
  snprintf(cfg, strlen(dir) + 32, "%s/vigild.yaml", dir);
  harness_write_file(cfg, "log:\n  level: info\n  colour: red\n");
  char *bin = harness_binary_path("backend/vigild");
  char *argv[] = {bin, "--config", cfg, "--data-dir", dir, NULL};
  char *out = NULL;
  ck_assert_int_eq(harness_run(argv, &out), 1);
  char want[512];
  snprintf(want, sizeof(want), "%s:3:3: ", cfg);
  ck_assert_msg(strstr(out, want) != NULL && strstr(out, "colour") != NULL, "got: %s", out);
  free(out);
  /* A bad value from the command line names the key. */
  char *argv2[] = {bin, "--data-dir", dir, "--api-listen", "nonsense", NULL};
  ck_assert_int_eq(harness_run(argv2, &out), 1);
  ck_assert_msg(strstr(out, "api.listen") != NULL, "got: %s", out);
  free(out);
  free(bin);
  free(cfg);
  harness_rm_rf(dir);
  free(dir);
}
END_TEST

START_TEST(t_sighup_reload) {
  char *dir = harness_mkdtemp("vigild-cfg");
  char cfg[512];
  snprintf(cfg, sizeof(cfg), "%s/vigild.yaml", dir);
  harness_write_file(cfg, "log:\n  level: info\n");
  const char *extra[] = {"--config", cfg, NULL};
  struct harness_vigild d;
  ck_assert_int_eq(harness_vigild_start(&d, extra), 0);
  /* A broken file is rejected with its position; the daemon keeps running. */
  harness_write_file(cfg, "log:\n  level: loud\n");
  kill(d.pid, SIGHUP);
  ck_assert(log_wait(&d, "configuration rejected"));
  ck_assert(log_wait(&d, "vigild.yaml:2:10"));
  ck_assert_int_eq(kill(d.pid, 0), 0);
  /* A good one applies: debug level now. */
  harness_write_file(cfg, "log:\n  level: debug\n");
  kill(d.pid, SIGHUP);
  ck_assert(log_wait(&d, "configuration reloaded (log level debug)"));
  ck_assert_int_eq(harness_vigild_stop(&d), 0);
  harness_vigild_cleanup(&d, false);
  harness_rm_rf(dir);
  free(dir);
}
END_TEST

START_TEST(t_help_config_lists_keys) {
  char *bin = harness_binary_path("backend/vigild");
  char *argv[] = {bin, "--help-config", NULL};
  char *out = NULL;
  ck_assert_int_eq(harness_run(argv, &out), 0);
  const char *keys[] = {"data_dir", "sensor.listen", "api.listen", "tls.server_names",
                        "log.file", "log.level", "storage.retention"};
  for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
    ck_assert_msg(strstr(out, keys[i]) != NULL, "missing %s in: %s", keys[i], out);
  free(out);
  free(bin);
}
END_TEST

static Suite *vigild_suite(void) {
  Suite *s = suite_create("vigild_daemon");
  TCase *tc = tcase_create("daemon");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, t_start_stop);
  tcase_add_test(tc, t_one_daemon_per_data_dir);
  tcase_add_test(tc, t_config_error_position);
  tcase_add_test(tc, t_sighup_reload);
  tcase_add_test(tc, t_help_config_lists_keys);
  suite_add_tcase(s, tc);
  return s;
}
VG_CHECK_MAIN(vigild_suite)
