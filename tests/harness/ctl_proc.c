/* ctl_proc.c — vigilctl as a subprocess (ctl_proc.h). */
#include "tests/harness/ctl_proc.h"

#include <check.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shared/alloc.h"
#include "tests/harness/harness.h"

static const char *home, *ctl;

void ctl_proc_init(const char *home_dir, const char *ctl_bin) {
  home = home_dir;
  ctl = ctl_bin;
}

void ctl_proc_start(struct ctl_proc *p, const char *const *env, const char *stdin_text, const char *const *args) {
  int o[2], in[2];
  ck_assert_int_eq(pipe2(o, O_CLOEXEC), 0);
  ck_assert_int_eq(pipe2(in, O_CLOEXEC), 0);
  static int n;
  p->err_path = vg_xasprintf("%s/stderr-%d", home, n++);
  vg_buf_init(&p->buf, 16u << 20);
  p->pid = fork();
  if (p->pid == 0) {
    dup2(o[1], 1);
    dup2(in[0], 0);
    int e = open(p->err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(e, 2);
    clearenv();
    setenv("HOME", home, 1);
    setenv("PATH", "/usr/bin:/bin", 1);
    for (int i = 0; env && env[i]; i++) putenv((char *)env[i]);
        const char *bin = args[0][0] == '/' ? args[0] : ctl;
    char *argv[64] = {(char *)bin};
    int k = 1;
    for (int i = bin == ctl ? 0 : 1; args[i] && k < 63; i++) argv[k++] = (char *)args[i];
    argv[k] = NULL;
    execv(bin, argv);
    _exit(127);
  }
  close(o[1]);
  close(in[0]);
  if (stdin_text) ck_assert(write(in[1], stdin_text, strlen(stdin_text)) == (ssize_t)strlen(stdin_text));
  close(in[1]);
  p->out = o[0];
}

char *ctl_proc_next_line(struct ctl_proc *p, int timeout_ms) {
  for (;;) {
    const char *s = vg_buf_cstr(&p->buf);
    const char *nl = memchr(s, '\n', p->buf.len);
    if (nl) {
      char *line = vg_xstrndup(s, (size_t)(nl - s));
      vg_buf_consume(&p->buf, (size_t)(nl - s) + 1);
      return line;
    }
    struct pollfd pf = {.fd = p->out, .events = POLLIN};
    if (poll(&pf, 1, timeout_ms) <= 0) return NULL;
    char chunk[4096];
    ssize_t n = read(p->out, chunk, sizeof chunk);
    if (n <= 0) return NULL;
    vg_buf_append(&p->buf, chunk, (size_t)n);
  }
}

int ctl_proc_finish(struct ctl_proc *p, char **out, char **err) {
  char chunk[4096];
  ssize_t n;
  while ((n = read(p->out, chunk, sizeof chunk)) > 0) vg_buf_append(&p->buf, chunk, (size_t)n);
  close(p->out);
  int st;
  waitpid(p->pid, &st, 0);
  if (out) *out = vg_xstrdup(vg_buf_cstr(&p->buf));
  if (err) *err = harness_read_file(p->err_path, NULL);
  vg_buf_cleanup(&p->buf);
  unlink(p->err_path);
  free(p->err_path);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int ctl_proc_run(const char *const *env, const char *stdin_text, char **out, char **err, const char *const *args) {
  struct ctl_proc p;
  ctl_proc_start(&p, env, stdin_text, args);
  return ctl_proc_finish(&p, out, err);
}

