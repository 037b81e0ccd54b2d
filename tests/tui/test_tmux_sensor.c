/* test_tmux_sensor.c — the console's acceptance test: the real `vigil` under
 * tmux against the real vigild and a REAL vigil-sensor (temporary
 * --state-dir, process collector) on loopback, at 80×24 and after a resize to
 * 132×43: the fleet shows this host, Enter opens it; a tag added and
 * removed; a telemetry type toggled; `os_processes` typed in the Console
 * shows its table; a `sleep` this test spawned is killed from the Processes
 * tab (the test reaps it: SIGKILL); a directory is listed and a file
 * downloaded from the Files tab (bytes equal); a process the test starts
 * appears in the Stream tab within 2 s. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "shared/alloc.h"
#include "tests/harness/harness.h"
#include "tests/harness/sensor_sim.h"
#include "tests/tui/tmux_drive.h"

#define STREAM_DEADLINE_MS 2000 /* the acceptance criterion */
#define DOWNLOAD_BYTES (300 * 1024)

struct sensor_proc {
  char *dir, *state, *log;
  char sid[64];
  pid_t pid;
};

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Enroll the real sensor binary into a temporary state dir, then run it with
 * the process collector only (the file collector would add whatever else the
 * machine writes meanwhile). */
static void sensor_up(struct sensor_proc *s, const struct harness_vigild *d) {
  memset(s, 0, sizeof *s);
  s->dir = harness_mkdtemp("vigil-tmux-sensor");
  s->state = vg_xasprintf("%s/state", s->dir);
  s->log = vg_xasprintf("%s/sensor.log", s->dir);
  char *bin = harness_binary_path("sensor/vigil-sensor");
  char *key = sensor_sim_install_key(d), *ca = harness_vigild_ca_path(d);
  char *backend = vg_xasprintf("localhost:%d", d->sensor_port);
  char *argv[] = {bin, "--enroll", key, "--backend", backend, "--ca", ca, "--state-dir", s->state,
                  NULL};
  char *out = NULL;
  int rc = harness_run(argv, &out);
  ck_assert_msg(rc == 0, "enroll: %s", out);
  free(out), free(key), free(ca), free(backend);
  char *idp = vg_xasprintf("%s/identity.json", s->state);
  json_t *id = json_load_file(idp, 0, NULL);
  ck_assert_msg(id != NULL, "no %s", idp);
  snprintf(s->sid, sizeof s->sid, "%s", json_string_value(json_object_get(id, "sid")));
  json_decref(id);
  free(idp);
  pid_t pid = fork();
  if (pid == 0) {
    char *av[] = {bin, "--state-dir", s->state, "--log-file", s->log, "--collectors", "proc", NULL};
    prctl(PR_SET_PDEATHSIG, SIGTERM); /* gone with a failed test */
    execv(bin, av);
    _exit(127);
  }
  ck_assert_int_gt(pid, 0);
  s->pid = pid;
  free(bin);
}

static void sensor_down(struct sensor_proc *s) {
  if (s->pid) {
    kill(s->pid, SIGTERM);
    waitpid(s->pid, NULL, 0);
  }
  if (getenv("VIGIL_KEEP_LOGS")) {
    char *l = harness_read_file(s->log, NULL);
    fprintf(stderr, "---- sensor log %s ----\n%s\n", s->log, l ? l : "(none)");
    free(l);
  } else {
    harness_rm_rf(s->dir);
  }
  free(s->dir), free(s->state), free(s->log);
}

static pid_t spawn(char *const argv[]) {
  pid_t pid = fork();
  if (pid == 0) {
    execv(argv[0], argv);
    _exit(127);
  }
  ck_assert_int_gt(pid, 0);
  return pid;
}

START_TEST(console_real_sensor) {
  struct harness_vigild d;
  ck_assert_int_eq(harness_vigild_start(&d, NULL), 0);
  struct sensor_proc s;
  sensor_up(&s, &d);
  char host[256] = "";
  gethostname(host, sizeof host - 1);
  host[20] = '\0'; /* the fleet may cut a long hostname */

  /* a process to kill from the Processes tab, with a unique argument */
  char marker[64];
  snprintf(marker, sizeof marker, "4242.%d", (int)getpid());
  char *sleep_argv[] = {"/bin/sleep", marker, NULL};
  pid_t victim = spawn(sleep_argv);

  char *home = harness_mkdtemp("vigil-tmux-home");
  char *vigil = harness_binary_path("tui/vigil");
  char *err_path = vg_xasprintf("%s/stderr", home);
  char *cmd = vg_xasprintf("env TERM=tmux-256color LANG=C.UTF-8 HOME=%s "
                           "VIGIL_CREDS_FILE=%s/credentials.yaml %s 2>%s",
                           home, d.data_dir, vigil, err_path);
  tmux_start(cmd, 80, 24, err_path);

  /* the fleet shows this host online (the sensor connects on its own) */
  char *scr = tmux_wait("Sensors 1");
  free(scr);
  scr = tmux_wait(host);
  free(scr);
  scr = tmux_wait("● online");
  ck_assert_int_eq(tmux_count_lines(scr), 24);
  free(scr);

  /* Enter opens the Live View on the Info tab, with the sensor's sid */
  tmux_keys("Enter");
  scr = tmux_wait("sensor id");
  ck_assert_msg(strstr(scr, s.sid), "the Info tab shows the sid %s:\n%s", s.sid, scr);
  free(scr);

  /* Info: add a tag with a TTL, then remove it */
  scr = tmux_wait("no tags");
  free(scr);
  tmux_keys("a");
  free(tmux_wait("add tag"));
  tmux_text("acceptance 2h");
  tmux_keys("Enter");
  scr = tmux_wait("Tags (1)");
  ck_assert_msg(strstr(scr, "acceptance"), "%s", scr);
  ck_assert_msg(strstr(scr, "expires 20"), "the tag shows its expiry:\n%s", scr);
  free(scr);
  tmux_keys("d");
  free(tmux_wait("no tags"));

  /* Telemetry: the first type toggled off and on (sensors.events.set) */
  tmux_keys("2");
  free(tmux_wait("[x] NEW_PROCESS"));
  tmux_keys("Space");
  free(tmux_wait("[ ] NEW_PROCESS"));
  tmux_keys("Space");
  free(tmux_wait("[x] NEW_PROCESS"));

  /* Console: os_processes shows the process table */
  tmux_keys("3");
  free(tmux_wait("Run any sensor command"));
  tmux_keys("i");
  tmux_text("os_processes");
  tmux_keys("Enter");
  tmux_keys("Escape");
  free(tmux_wait("i input-focus"));
  /* the block follows its newest rows until the reply is in: Home until its
   * head shows the command, its reply type and row count */
  scr = NULL;
  for (int i = 0; i < 150; i++) {
    tmux_keys("Home");
    scr = tmux_capture();
    if (scr && strstr(scr, "OS_PROCESSES_REP PROCESSES: ")) break;
    free(scr);
    scr = NULL;
    usleep(100 * 1000);
  }
  if (!scr) scr = tmux_wait("OS_PROCESSES_REP PROCESSES: ");
  ck_assert_msg(strstr(scr, "› os_processes"), "%s", scr);
  ck_assert_msg(strstr(scr, " rows"), "%s", scr);
  free(scr);

  /* Processes: filter to the spawned sleep, kill it with confirmation */
  tmux_keys("5");
  free(tmux_wait("sort: pid")); /* loaded */
  tmux_keys("/");
  tmux_text(marker);
  tmux_keys("Enter");
  char pidtxt[32];
  snprintf(pidtxt, sizeof pidtxt, "%d", (int)victim);
  scr = tmux_wait(" sleep "); /* the row (the filter line shows the marker at once) */
  ck_assert_msg(strstr(scr, pidtxt), "the filtered list shows pid %s:\n%s", pidtxt, scr);
  free(scr);
  tmux_keys("K");
  char *question = vg_xasprintf("Kill process %d (sleep)", (int)victim);
  free(tmux_wait(question));
  tmux_keys("y");
  int st = 0;
  pid_t reaped = 0;
  for (int i = 0; i < 100 && reaped == 0; i++) {
    reaped = waitpid(victim, &st, WNOHANG);
    if (!reaped) usleep(100 * 1000);
  }
  if (reaped == 0) {
    kill(victim, SIGKILL);
    waitpid(victim, NULL, 0);
  }
  ck_assert_msg(reaped == victim, "the sleep %d was not killed from the Processes tab", (int)victim);
  ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "the sleep ended with status %d", st);
  free(question);
  tmux_keys("/"); /* clear the filter */
  tmux_keys("C-u");
  tmux_keys("Enter");

  /* Files: jump to a directory, list it, download a file (bytes equal) */
  char *dir = harness_mkdtemp("vigil-tmux-files");
  char *fa = vg_xasprintf("%s/alpha.txt", dir), *fb = vg_xasprintf("%s/beta.bin", dir);
  char *bytes = vg_xmalloc(DOWNLOAD_BYTES + 1);
  for (size_t i = 0; i < DOWNLOAD_BYTES; i++) bytes[i] = (char)('a' + (i * 7 + i / 1000) % 26);
  bytes[DOWNLOAD_BYTES] = '\0';
  ck_assert_int_eq(harness_write_file(fa, bytes), 0);
  ck_assert_int_eq(harness_write_file(fb, "beta"), 0);
  tmux_keys("6");
  free(tmux_wait("/  "));
  tmux_keys("J");
  tmux_keys("C-u");
  tmux_text(dir);
  tmux_keys("Enter");
  scr = tmux_wait("alpha.txt");
  ck_assert_msg(strstr(scr, "beta.bin"), "%s", scr);
  ck_assert_msg(strstr(scr, "300.0 KiB"), "%s", scr);
  free(scr);
  tmux_keys("D");
  free(tmux_wait("save to:"));
  tmux_keys("Enter"); /* the default: $HOME/alpha.txt */
  scr = tmux_wait("saved ");
  ck_assert_msg(strstr(scr, "verified"), "%s", scr);
  free(scr);
  char *saved = vg_xasprintf("%s/alpha.txt", home);
  size_t got_n = 0;
  char *got = harness_read_file(saved, &got_n);
  ck_assert_msg(got && got_n == DOWNLOAD_BYTES && memcmp(got, bytes, DOWNLOAD_BYTES) == 0,
                "downloaded bytes differ (%zu bytes)", got_n);
  free(got), free(saved), free(bytes), free(fa), free(fb);
  harness_rm_rf(dir);
  free(dir);

  /* Stream: filtered to a unique word, a process started now shows within 2 s */
  char word[64];
  snprintf(word, sizeof word, "vigil-stream-%d", (int)getpid());
  tmux_keys("4");
  free(tmux_wait("EVENT"));
  tmux_keys("/");
  /* in two pieces: the whole word must not be on tmux send-keys' own command
   * line, which the sensor reports too */
  char *half = word + strlen(word) / 2;
  char first[64];
  snprintf(first, sizeof first, "%.*s", (int)(half - word), word);
  tmux_text(first);
  tmux_text(half);
  tmux_keys("Enter");
  usleep(300 * 1000);
  scr = tmux_capture();
  ck_assert_msg(scr && !strstr(scr, "NEW_PROCESS"), "nothing matches before the process:\n%s", scr);
  free(scr);
  /* alive for a second (two commands: no exec of the last one), so the
   * collector reads its command line before it is gone */
  char *sh_argv[] = {"/bin/sh", "-c", "sleep 1; exit 0", word, NULL};
  int64_t t0 = now_ms();
  pid_t shp = spawn(sh_argv);
  scr = tmux_wait_ms("NEW_PROCESS", STREAM_DEADLINE_MS);
  int64_t seen_ms = now_ms() - t0;
  free(scr);
  waitpid(shp, NULL, 0);
  fprintf(stderr, "stream: the new process was on screen after %lld ms\n", (long long)seen_ms);
  /* the shell's child matches the filter too (its PARENT carries the word)
   * and may already be the newest row: Home selects the oldest match, the
   * shell itself, and stops following so later rows do not move it */
  tmux_keys("Home");
  tmux_keys("Enter"); /* its JSON: routing first, the body below */
  free(tmux_wait("\"routing\""));
  tmux_keys("End");
  scr = tmux_wait("\"COMMAND_LINE\":");
  ck_assert_msg(strstr(scr, "sleep 1; exit 0"), "the event is the process the test started:\n%s", scr);
  free(scr);
  tmux_keys("Escape");
  free(tmux_wait("TIME         TYPE")); /* the detail closed */

  /* resize to 132×43: the Live View redraws for the new size (the sensor's
   * name at the right edge of the tab bar, past column 100) */
  tmux_resize(132, 43);
  char *edge = vg_xasprintf("%s ●\n", host);
  scr = tmux_wait_past(edge, 100);
  ck_assert_msg(strstr(scr, "NEW_PROCESS"), "the Stream tab keeps its row:\n%s", scr);
  free(scr), free(edge);
  /* …and a tab opened after the resize draws at the new size */
  tmux_keys("5");
  scr = tmux_wait("sort: pid");
  ck_assert_msg(strstr(scr, "STARTED"), "at 132 columns Processes shows the start time:\n%s", scr);
  ck_assert_int_eq(tmux_count_lines(scr), 43);
  free(scr);

  /* q back to the fleet (wide columns), q quits */
  tmux_keys("q");
  scr = tmux_wait("HOSTNAME");
  ck_assert_msg(strstr(scr, "EXT IP"), "at 132 columns the fleet shows EXT IP:\n%s", scr);
  free(scr);
  tmux_keys("q");
  ck_assert_msg(tmux_gone(), "vigil did not quit on q");

  tmux_kill_server();
  sensor_down(&s);
  harness_rm_rf(home);
  free(home), free(vigil), free(cmd), free(err_path);
  harness_vigild_cleanup(&d, false);
}
END_TEST

static Suite *tmux_sensor_suite(void) {
  Suite *s = suite_create("tmux_sensor");
  TCase *t = tcase_create("console");
  tcase_set_timeout(t, 150);
  tcase_add_test(t, console_real_sensor);
  suite_add_tcase(s, t);
  return s;
}

VG_CHECK_MAIN(tmux_sensor_suite)
