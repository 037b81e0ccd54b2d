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
#include "tests/tui/tmux_drive.h"

START_TEST(console_under_tmux) {
  struct harness_vigild d;
  ck_assert_int_eq(harness_vigild_start(&d, NULL), 0);
  struct sensor_sim s;
  struct vg_err e = {0};
  memset(&s, 0, sizeof s);
  ck_assert_msg(sensor_sim_up(&s, &d, "tmux-sensor-1", &e) == 0, "sensor: %s", e.msg);

  char *home = harness_mkdtemp("vigil-tmux-home");
  char *vigil = harness_binary_path("tui/vigil");
  char *stderr_path = vg_xasprintf("%s/stderr", home);
  char *cmd = vg_xasprintf("env TERM=tmux-256color LANG=C.UTF-8 HOME=%s "
                           "VIGIL_CREDS_FILE=%s/credentials.yaml %s 2>%s",
                           home, d.data_dir, vigil, stderr_path);
  tmux_start(cmd, 80, 24, stderr_path);

  /* the fleet shows the simulated sensor, online */
  /* the simulated sensor announces itself as sim-host in its hello */
  char *scr = tmux_wait("sim-host");
  ck_assert_msg(strstr(scr, "● online"), "title shows the connection:\n%s", scr);
  ck_assert_msg(strstr(scr, "Sensors 1"), "%s", scr);
  ck_assert_int_eq(tmux_count_lines(scr), 24);
  free(scr);

  /* Enter opens the Live View on the Info tab */
  tmux_keys("Enter");
  scr = tmux_wait("sensor id");
  ck_assert_msg(strstr(scr, "1 Info"), "%s", scr);
  ck_assert_msg(strstr(scr, s.id.sid), "the Info tab shows the sid %s:\n%s", s.id.sid, scr);
  free(scr);

  /* tab switching by digit: Telemetry lists event types with the selection */
  tmux_keys("2");
  scr = tmux_wait("[x] NEW_PROCESS");
  ck_assert_msg(strstr(scr, "Event types sent by this sensor"), "%s", scr);
  free(scr);
  /* Space toggles the selected type off through sensors.events.set */
  tmux_keys("Space");
  scr = tmux_wait("[ ] NEW_PROCESS");
  free(scr);
  tmux_keys("Space");
  scr = tmux_wait("[x] NEW_PROCESS");
  free(scr);

  /* Info: add a tag with a TTL, see it, remove it */
  tmux_keys("1");
  scr = tmux_wait("no tags");
  free(scr);
  tmux_keys("a");
  scr = tmux_wait("add tag");
  free(scr);
  tmux_text("investigating 2h");
  tmux_keys("Enter");
  scr = tmux_wait("Tags (1)");
  ck_assert_msg(strstr(scr, "investigating"), "%s", scr);
  ck_assert_msg(strstr(scr, "expires 20"), "the tag shows its expiry:\n%s", scr);
  free(scr);
  tmux_keys("d");
  scr = tmux_wait("no tags");
  free(scr);

  /* Stream: events the sensor sends appear (subscribed to this sensor) */
  tmux_keys("4");
  scr = tmux_wait("waiting for events from this sensor");
  free(scr);
  ck_assert_int_eq(sensor_sim_send_batch(&s, 1, 3, NULL), 0);
  scr = tmux_wait("/usr/bin/sleep");
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
  tmux_keys("3");
  scr = tmux_wait("Run any sensor command");
  free(scr);
  tmux_keys("i");
  tmux_text("dir_li");
  tmux_keys("Tab");
  scr = tmux_wait("› dir_list"); /* completed (with a space, trimmed by capture-pane) */
  free(scr);
  char *cmdline = vg_xasprintf("%s '*'", dir);
  tmux_text(cmdline);
  tmux_keys("Enter");
  scr = tmux_wait("beta.bin");
  ck_assert_msg(strstr(scr, "DIR_LIST_REP DIRECTORY_LIST: 2 rows"), "%s", scr);
  ck_assert_msg(strstr(scr, "alpha.txt"), "%s", scr);
  free(scr);
  tmux_keys("Escape");
  scr = tmux_wait("i input-focus"); /* the line closed (Esc then a key would be Alt-key) */
  free(scr);

  /* Files: jump to the directory, list it, download a file (bytes equal) */
  tmux_keys("6");
  scr = tmux_wait("/  ");
  free(scr);
  tmux_keys("J");
  tmux_keys("C-u");
  tmux_text(dir);
  tmux_keys("Enter");
  scr = tmux_wait("alpha.txt");
  ck_assert_msg(strstr(scr, "beta.bin"), "%s", scr);
  ck_assert_msg(strstr(scr, "300.0 KiB"), "%s", scr);
  free(scr);
  tmux_keys("D");
  scr = tmux_wait("save to:");
  free(scr);
  tmux_keys("Enter"); /* the default: $HOME/alpha.txt */
  scr = tmux_wait("saved ");
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
  tmux_keys("2");

  /* ? lists actions from the action table */
  tmux_keys("?");
  scr = tmux_wait("pane-next");
  ck_assert_msg(strstr(scr, "show this help"), "%s", scr);
  free(scr);
  tmux_keys("Escape");
  free(tmux_wait("[x] NEW_PROCESS")); /* the help closed */

  /* resize to 132×43: the Live View redraws with full tab titles */
  tmux_resize(132, 43);
  /* redrawn for the new width: the sensor's name at the right edge */
  scr = tmux_wait_past("sim-host ●\n", 100);
  free(scr);

  /* q goes back to the fleet, q again quits */
  tmux_keys("q");
  scr = tmux_wait("HOSTNAME");
  ck_assert_msg(strstr(scr, "EXT IP"), "at 132 columns the fleet shows EXT IP:\n%s", scr);
  free(scr);
  tmux_keys("q");
  bool gone = tmux_gone();
  ck_assert_msg(gone, "vigil did not quit on q");

  tmux_kill_server();
  sensor_sim_disconnect(&s);
  sensor_sim_cleanup(&s);
  harness_rm_rf(home);
  free(home), free(vigil), free(cmd), free(stderr_path);
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
