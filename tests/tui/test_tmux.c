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
