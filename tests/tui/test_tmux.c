/* test_tmux.c — the real vigil binary under tmux against the real vigild
 * (harness fixture) with a simulated sensor enrolled and connected: what a
 * person would see at 80×24 and after a resize to 132×43. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "shared/alloc.h"
#include "tests/harness/harness.h"
#include "tests/harness/sensor_sim.h"
#include "tests/harness/sensor_sim_fs.h"

#define TMUX_WAIT_MS 15000

static char sock[64];
static char *stderr_path; /* vigil's stderr (sanitizer reports) */

static char *tmux(const char *a1, const char *a2, const char *a3, const char *a4,
                  const char *a5, const char *a6) {
  char *argv[] = {"/usr/bin/tmux", "-L", sock, "-f", "/dev/null", (char *)a1, (char *)a2,
                  (char *)a3, (char *)a4, (char *)a5, (char *)a6, NULL};
  char *out = NULL;
  harness_run(argv, &out);
  return out;
}

static char *capture(void) { return tmux("capture-pane", "-p", "-t", "T", NULL, NULL); }

static void keys(const char *k) { free(tmux("send-keys", "-t", "T", k, NULL, NULL)); }

/* Wait until the screen contains needle; returns the screen (caller frees). */
static char *wait_for(const char *needle) {
  for (int waited = 0;; waited += 100) {
    char *s = capture();
    if (s && strstr(s, needle)) return s;
    if (waited >= TMUX_WAIT_MS) {
      char *err = stderr_path ? harness_read_file(stderr_path, NULL) : NULL;
      ck_abort_msg("screen never showed '%s'; it shows:\n%s\nvigil's stderr:\n%s", needle,
                   s ? s : "(nothing)", err ? err : "");
      return s;
    }
    free(s);
    usleep(100 * 1000);
  }
}

static int count_lines(const char *s) {
  int n = 0;
  for (; *s; s++) n += *s == '\n';
  return n;
}

START_TEST(console_under_tmux) {
  struct harness_vigild d;
  ck_assert_int_eq(harness_vigild_start(&d, NULL), 0);
  struct sensor_sim s;
  struct vg_err e = {0};
  memset(&s, 0, sizeof s);
  ck_assert_msg(sensor_sim_enroll(&s, &d, NULL, "tmux-sensor-1", &e) == 0, "enroll: %s", e.msg);
  json_t *welcome = sensor_sim_connect(&s, &d, NULL, NULL);
  ck_assert_ptr_nonnull(welcome);
  json_decref(welcome);

  snprintf(sock, sizeof sock, "vigil-test-%d", (int)getpid());
  char *home = harness_mkdtemp("vigil-tmux-home");
  char *vigil = harness_binary_path("tui/vigil");
  char *cmd = vg_xasprintf("env TERM=tmux-256color LANG=C.UTF-8 HOME=%s "
                           "VIGIL_CREDS_FILE=%s/credentials.yaml %s 2>%s/stderr",
                           home, d.data_dir, vigil, home);
  stderr_path = vg_xasprintf("%s/stderr", home);
  char *argv[] = {"/usr/bin/tmux", "-L", sock, "-f", "/dev/null", "new-session", "-d", "-s", "T",
                  "-x", "80", "-y", "24", cmd, NULL};
  char *out = NULL;
  ck_assert_int_eq(harness_run(argv, &out), 0);
  free(out);

  /* the fleet shows the simulated sensor, online */
  /* the simulated sensor announces itself as sim-host in its hello */
  char *scr = wait_for("sim-host");
  ck_assert_msg(strstr(scr, "● online"), "title shows the connection:\n%s", scr);
  ck_assert_msg(strstr(scr, "Sensors 1"), "%s", scr);
  ck_assert_int_eq(count_lines(scr), 24);
  free(scr);

  /* Enter opens the Live View on the Info tab */
  keys("Enter");
  scr = wait_for("sensor id");
  ck_assert_msg(strstr(scr, "1 Info"), "%s", scr);
  ck_assert_msg(strstr(scr, s.id.sid), "the Info tab shows the sid %s:\n%s", s.id.sid, scr);
  free(scr);

  /* tab switching by digit: Telemetry lists event types with the selection */
  keys("2");
  scr = wait_for("[x] NEW_PROCESS");
  ck_assert_msg(strstr(scr, "Event types sent by this sensor"), "%s", scr);
  free(scr);
  /* Space toggles the selected type off through sensors.events.set */
  keys("Space");
  scr = wait_for("[ ] NEW_PROCESS");
  free(scr);
  keys("Space");
  scr = wait_for("[x] NEW_PROCESS");
  free(scr);

  /* Info: add a tag with a TTL, see it, remove it */
  keys("1");
  scr = wait_for("no tags");
  free(scr);
  keys("a");
  scr = wait_for("add tag");
  free(scr);
  free(tmux("send-keys", "-t", "T", "-l", "investigating 2h", NULL));
  keys("Enter");
  scr = wait_for("Tags (1)");
  ck_assert_msg(strstr(scr, "investigating"), "%s", scr);
  ck_assert_msg(strstr(scr, "expires 20"), "the tag shows its expiry:\n%s", scr);
  free(scr);
  keys("d");
  scr = wait_for("no tags");
  free(scr);

  /* Stream: events the sensor sends appear (subscribed to this sensor) */
  keys("4");
  scr = wait_for("waiting for events from this sensor");
  free(scr);
  ck_assert_int_eq(sensor_sim_send_batch(&s, 1, 3, NULL), 0);
  scr = wait_for("/usr/bin/sleep");
  ck_assert_msg(strstr(scr, "NEW_PROCESS"), "%s", scr);
  ck_assert_msg(strstr(scr, "3 events"), "%s", scr);
  free(scr);

  /* from here the simulated sensor answers tasks from the real filesystem */
  struct sensor_sim_fs *fs = sensor_sim_fs_start(&s, 4);
  char *dir = harness_mkdtemp("vigil-tmux-files");
  char *fa = vg_xasprintf("%s/alpha.txt", dir), *fb = vg_xasprintf("%s/beta.bin", dir);
  size_t big = 300 * 1024; /* three chunks of file_get */
  char *bytes = vg_xmalloc(big + 1);
  for (size_t i = 0; i < big; i++) bytes[i] = (char)('a' + (i * 7 + i / 1000) % 26);
  bytes[big] = '\0';
  ck_assert_int_eq(harness_write_file(fa, bytes), 0);
  ck_assert_int_eq(harness_write_file(fb, "beta"), 0);

  /* Console: a typed command (completed with Tab) gets its reply shown */
  keys("3");
  scr = wait_for("Run any sensor command");
  free(scr);
  keys("i");
  free(tmux("send-keys", "-t", "T", "-l", "dir_li", NULL));
  keys("Tab");
  scr = wait_for("› dir_list"); /* completed (with a space, trimmed by capture-pane) */
  free(scr);
  char *cmdline = vg_xasprintf("%s '*'", dir);
  free(tmux("send-keys", "-t", "T", "-l", cmdline, NULL));
  keys("Enter");
  scr = wait_for("beta.bin");
  ck_assert_msg(strstr(scr, "DIR_LIST_REP DIRECTORY_LIST: 2 rows"), "%s", scr);
  ck_assert_msg(strstr(scr, "alpha.txt"), "%s", scr);
  free(scr);
  keys("Escape");
  scr = wait_for("i input-focus"); /* the line closed (Esc then a key would be Alt-key) */
  free(scr);

  /* Files: jump to the directory, list it, download a file (bytes equal) */
  keys("6");
  scr = wait_for("/  ");
  free(scr);
  keys("J");
  keys("C-u");
  free(tmux("send-keys", "-t", "T", "-l", dir, NULL));
  keys("Enter");
  scr = wait_for("alpha.txt");
  ck_assert_msg(strstr(scr, "beta.bin"), "%s", scr);
  ck_assert_msg(strstr(scr, "300.0 KiB"), "%s", scr);
  free(scr);
  keys("D");
  scr = wait_for("save to:");
  free(scr);
  keys("Enter"); /* the default: $HOME/alpha.txt */
  scr = wait_for("saved ");
  ck_assert_msg(strstr(scr, "verified"), "%s", scr);
  free(scr);
  char *saved = vg_xasprintf("%s/alpha.txt", home);
  size_t got_n = 0;
  char *got = harness_read_file(saved, &got_n);
  ck_assert_msg(got && got_n == big && memcmp(got, bytes, big) == 0, "downloaded bytes differ");
  free(got), free(saved), free(bytes), free(cmdline), free(fa), free(fb);
  sensor_sim_fs_stop(fs);
  harness_rm_rf(dir);
  free(dir);
  keys("2");

  /* ? lists actions from the action table */
  keys("?");
  scr = wait_for("pane-next");
  ck_assert_msg(strstr(scr, "show this help"), "%s", scr);
  free(scr);
  keys("Escape");

  /* resize to 132×43: the Live View redraws with full tab titles */
  free(tmux("resize-window", "-t", "T", "-x", "132", NULL));
  free(tmux("resize-window", "-t", "T", "-y", "43", NULL));
  for (int i = 0; i < 100; i++) {
    scr = capture();
    if (scr && count_lines(scr) == 43) break;
    free(scr);
    scr = NULL;
    usleep(100 * 1000);
  }
  ck_assert_msg(scr != NULL, "the pane never became 43 lines high");
  free(scr);
  /* redrawn for the new width: the sensor's name at the right edge */
  scr = wait_for("sim-host ●\n");
  const char *at = strstr(scr, "sim-host ●\n");
  const char *bol = at;
  while (bol > scr && bol[-1] != '\n') bol--;
  ck_assert_msg(at - bol > 100, "the tab bar was not redrawn at 132 columns:\n%s", scr);
  free(scr);

  /* q goes back to the fleet, q again quits */
  keys("q");
  scr = wait_for("HOSTNAME");
  ck_assert_msg(strstr(scr, "EXT IP"), "at 132 columns the fleet shows EXT IP:\n%s", scr);
  free(scr);
  keys("q");
  bool gone = false;
  for (int i = 0; i < 50 && !gone; i++) {
    char *argv2[] = {"/usr/bin/tmux", "-L", sock, "has-session", "-t", "T", NULL};
    char *o = NULL;
    gone = harness_run(argv2, &o) != 0;
    free(o);
    if (!gone) usleep(100 * 1000);
  }
  ck_assert_msg(gone, "vigil did not quit on q");

  free(tmux("kill-server", NULL, NULL, NULL, NULL, NULL));
  sensor_sim_disconnect(&s);
  sensor_sim_cleanup(&s);
  harness_rm_rf(home);
  free(home), free(vigil), free(cmd);
  harness_vigild_cleanup(&d, false);
}
END_TEST

static Suite *tmux_suite(void) {
  Suite *s = suite_create("tmux");
  TCase *t = tcase_create("console");
  tcase_set_timeout(t, 120);
  tcase_add_test(t, console_under_tmux);
  suite_add_tcase(s, t);
  return s;
}

VG_CHECK_MAIN(tmux_suite)
