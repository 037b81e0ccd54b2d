/* tmux_drive.c — see tmux_drive.h. */
#include "tests/tui/tmux_drive.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shared/alloc.h"
#include "tests/harness/harness.h"

static char sock[64];
static const char *err_path; /* vigil's stderr (sanitizer reports) */

char *tmux_cmd(const char *a1, const char *a2, const char *a3, const char *a4, const char *a5,
               const char *a6) {
  char *argv[] = {"/usr/bin/tmux", "-L", sock, "-f", "/dev/null", (char *)a1, (char *)a2,
                  (char *)a3, (char *)a4, (char *)a5, (char *)a6, NULL};
  char *out = NULL;
  harness_run(argv, &out);
  return out;
}

/* A child that kills the tmux server once this process is gone, however it
 * ends (a failed check, a timeout's SIGKILL): it waits for EOF on a pipe whose
 * only write end this process holds (close-on-exec, so tmux and vigil do not). */
static void watchdog(void) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return;
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[1]);
    char c;
    while (read(fds[0], &c, 1) > 0) {
    }
    execl("/usr/bin/tmux", "tmux", "-L", sock, "kill-server", (char *)NULL);
    _exit(127);
  }
  close(fds[0]);
  if (pid < 0) close(fds[1]);
}

void tmux_start(const char *cmd, int w, int h, const char *stderr_path) {
  snprintf(sock, sizeof sock, "vigil-test-%d", (int)getpid());
  err_path = stderr_path;
  watchdog();
  char ws[16], hs[16];
  snprintf(ws, sizeof ws, "%d", w);
  snprintf(hs, sizeof hs, "%d", h);
  char *argv[] = {"/usr/bin/tmux", "-L", sock, "-f", "/dev/null", "new-session", "-d", "-s", "T",
                  "-x", ws, "-y", hs, (char *)cmd, NULL};
  char *out = NULL;
  int rc = harness_run(argv, &out);
  ck_assert_msg(rc == 0, "tmux new-session: %s", out ? out : "");
  free(out);
}

char *tmux_capture(void) { return tmux_cmd("capture-pane", "-p", "-t", "T", NULL, NULL); }

void tmux_keys(const char *k) { free(tmux_cmd("send-keys", "-t", "T", k, NULL, NULL)); }

void tmux_text(const char *s) { free(tmux_cmd("send-keys", "-t", "T", "-l", s, NULL)); }

char *tmux_wait_ms(const char *needle, int ms) {
  for (int waited = 0;; waited += 50) {
    char *s = tmux_capture();
    if (s && strstr(s, needle)) return s;
    if (waited >= ms) {
      char *err = err_path ? harness_read_file(err_path, NULL) : NULL;
      ck_abort_msg("screen never showed '%s' within %d ms; it shows:\n%s\nvigil's stderr:\n%s",
                   needle, ms, s ? s : "(nothing)", err ? err : "");
      return s;
    }
    free(s);
    usleep(50 * 1000);
  }
}

char *tmux_wait_past(const char *needle, int min_col) {
  char *s = NULL;
  for (int waited = 0; waited <= TMUX_WAIT_MS; waited += 100) {
    free(s);
    s = tmux_capture();
    const char *at = s ? strstr(s, needle) : NULL, *bol = at;
    while (at && bol > s && bol[-1] != '\n') bol--;
    if (at && at - bol > min_col) return s;
    usleep(100 * 1000);
  }
  ck_abort_msg("screen never showed '%s' past column %d; it shows:\n%s", needle, min_col,
               s ? s : "(nothing)");
  return s;
}

int tmux_count_lines(const char *s) {
  int n = 0;
  for (; *s; s++) n += *s == '\n';
  return n;
}

void tmux_resize(int w, int h) {
  char ws[16], hs[16];
  snprintf(ws, sizeof ws, "%d", w);
  snprintf(hs, sizeof hs, "%d", h);
  free(tmux_cmd("resize-window", "-t", "T", "-x", ws, NULL));
  free(tmux_cmd("resize-window", "-t", "T", "-y", hs, NULL));
  for (int i = 0; i < 100; i++) {
    char *scr = tmux_capture();
    int n = scr ? tmux_count_lines(scr) : 0;
    free(scr);
    if (n == h) return;
    usleep(100 * 1000);
  }
  ck_abort_msg("the pane never became %d lines high", h);
}

bool tmux_gone(void) {
  for (int i = 0; i < 50; i++) {
    char *argv[] = {"/usr/bin/tmux", "-L", sock, "has-session", "-t", "T", NULL};
    char *o = NULL;
    bool gone = harness_run(argv, &o) != 0;
    free(o);
    if (gone) return true;
    usleep(100 * 1000);
  }
  return false;
}

void tmux_kill_server(void) { free(tmux_cmd("kill-server", NULL, NULL, NULL, NULL, NULL)); }
