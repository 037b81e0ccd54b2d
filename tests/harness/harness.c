/* harness.c — shared test helpers and the vigild fixture. */
#include "tests/harness/harness.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "shared/alloc.h"
#include "shared/buf.h"
#include "shared/creds.h"

static char *tree_path(const char *env, const char *rel) {
  const char *root = getenv(env);
  return vg_xasprintf("%s/%s", root && *root ? root : ".", rel);
}

char *harness_source_path(const char *rel) { return tree_path("VIGIL_SOURCE_DIR", rel); }
char *harness_binary_path(const char *rel) { return tree_path("VIGIL_BINARY_DIR", rel); }

char *harness_read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  struct vg_buf b;
  vg_buf_init(&b, (size_t)1 << 30);
  char chunk[8192];
  size_t n;
  while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) vg_buf_append(&b, chunk, n);
  fclose(f);
  return vg_buf_steal(&b, len);
}

int harness_write_file(const char *path, const char *s) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return -1;
  size_t n = strlen(s);
  ssize_t w = write(fd, s, n);
  close(fd);
  return w == (ssize_t)n ? 0 : -1;
}

char *harness_mkdtemp(const char *prefix) {
  const char *tmp = getenv("TMPDIR");
  char *t = vg_xasprintf("%s/%s.XXXXXX", tmp && *tmp ? tmp : "/tmp", prefix);
  if (!mkdtemp(t)) {
    perror("mkdtemp");
    abort();
  }
  return t;
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw) {
  (void)st, (void)flag, (void)ftw;
  return remove(p);
}

void harness_rm_rf(const char *dir) {
  if (dir && *dir) nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int harness_free_port(void) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t len = sizeof(a);
  int port = -1;
  if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
      getsockname(fd, (struct sockaddr *)&a, &len) == 0)
    port = ntohs(a.sin_port);
  if (fd >= 0) close(fd);
  return port;
}

int harness_run(char *const argv[], char **out) {
  int p[2];
  if (pipe2(p, O_CLOEXEC) < 0) return -1;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(p[1], STDOUT_FILENO);
    dup2(p[1], STDERR_FILENO);
    execv(argv[0], argv);
    _exit(127);
  }
  close(p[1]);
  struct vg_buf b;
  vg_buf_init(&b, (size_t)64 << 20);
  char chunk[4096];
  ssize_t n;
  while ((n = read(p[0], chunk, sizeof(chunk))) > 0 || (n < 0 && errno == EINTR))
    if (n > 0) vg_buf_append(&b, chunk, (size_t)n);
  close(p[0]);
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  if (out)
    *out = vg_buf_steal(&b, NULL);
  else
    vg_buf_cleanup(&b);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void sleep_ms(int ms) {
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

static void vigild_dump_log(const struct harness_vigild *d) {
  char *log = d->log_path ? harness_read_file(d->log_path, NULL) : NULL;
  fprintf(stderr, "---- vigild log (%s) ----\n%s\n---- end of vigild log ----\n",
          d->log_path ? d->log_path : "?", log ? log : "(none)");
  free(log);
}

static int vigild_spawn(struct harness_vigild *d, const char *const *extra) {
  char *bin = harness_binary_path("backend/vigild");
  char *pidfile = vg_xasprintf("%s/vigild.pid", d->data_dir);
  unlink(pidfile);
  char sensor_listen[64], api_listen[64];
  snprintf(sensor_listen, sizeof(sensor_listen), "127.0.0.1:%d", d->sensor_port);
  snprintf(api_listen, sizeof(api_listen), "127.0.0.1:%d", d->api_port);
  const char *args[64] = {bin, "--data-dir", d->data_dir, "--log-file", d->log_path,
                          "--sensor-listen", sensor_listen, "--api-listen", api_listen};
  int n = 9;
  for (int i = 0; extra && extra[i] && n < 63; i++) args[n++] = extra[i];
  args[n] = NULL;
  pid_t pid = fork();
  if (pid == 0) {
    int null = open("/dev/null", O_RDWR);
    dup2(null, STDIN_FILENO);
    execv(bin, (char *const *)args);
    _exit(127);
  }
  free(bin);
  d->pid = pid;
  /* Ready = pid file holds our child's pid; dead child = failure. */
  int ok = -1;
  for (int waited = 0; waited < 20000; waited += 20) {
    int st;
    if (waitpid(pid, &st, WNOHANG) == pid) {
      d->pid = 0;
      fprintf(stderr, "vigild exited early with status %d\n",
              WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
      break;
    }
    char *s = harness_read_file(pidfile, NULL);
    if (s && strtol(s, NULL, 10) == (long)pid) ok = 0;
    free(s);
    if (ok == 0) break;
    sleep_ms(20);
  }
  free(pidfile);
  if (ok) vigild_dump_log(d);
  return ok;
}

int harness_vigild_start(struct harness_vigild *d, const char *const *extra_args) {
  memset(d, 0, sizeof(*d));
  d->data_dir = harness_mkdtemp("vigild-test");
  d->log_path = vg_xasprintf("%s/vigild.log", d->data_dir);
  d->sensor_port = harness_free_port();
  d->api_port = harness_free_port();
  while (d->api_port == d->sensor_port) d->api_port = harness_free_port();
  return vigild_spawn(d, extra_args);
}

int harness_vigild_restart(struct harness_vigild *d, const char *const *extra_args) {
  if (d->pid) harness_vigild_stop(d);
  return vigild_spawn(d, extra_args);
}

int harness_vigild_stop(struct harness_vigild *d) {
  if (!d->pid) return -1;
  kill(d->pid, SIGTERM);
  int st = 0;
  for (int waited = 0;; waited += 20) {
    pid_t r = waitpid(d->pid, &st, WNOHANG);
    if (r == d->pid) break;
    if (waited == 15000) kill(d->pid, SIGKILL);
    sleep_ms(20);
  }
  d->pid = 0;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

void harness_vigild_kill9(struct harness_vigild *d) {
  if (!d->pid) return;
  kill(d->pid, SIGKILL);
  waitpid(d->pid, NULL, 0);
  d->pid = 0;
}

void harness_vigild_cleanup(struct harness_vigild *d, bool failed) {
  if (d->pid) harness_vigild_stop(d);
  bool keep = getenv("VIGIL_KEEP_LOGS") != NULL;
  if (failed || keep) vigild_dump_log(d);
  if (!keep) harness_rm_rf(d->data_dir);
  free(d->data_dir);
  free(d->log_path);
  memset(d, 0, sizeof(*d));
}

char *harness_vigild_ca_path(const struct harness_vigild *d) {
  return vg_xasprintf("%s/tls/ca.pem", d->data_dir);
}

int harness_vigild_creds(const struct harness_vigild *d, struct vg_creds *cr) {
  char *cp = vg_xasprintf("%s/credentials.yaml", d->data_dir);
  size_t n = 0;
  char *text = harness_read_file(cp, &n);
  struct vg_err err;
  int r = text ? vg_creds_parse(text, n, cp, NULL, cr, &err) : -1;
  if (r) fprintf(stderr, "%s: %s\n", cp, text ? err.msg : "cannot read");
  free(text);
  free(cp);
  return r ? -1 : 0;
}

pid_t harness_fork(void) {
  pid_t pid = fork();
  if (pid < 0) {
    fprintf(stderr, "fork: %s\n", strerror(errno));
    abort();
  }
  return pid;
}
