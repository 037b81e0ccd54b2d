/* sensor_overhead_loops.c — bench_sensor_overhead's timed loops (fork+exec
 * of /bin/true or `sleep S`, create/write 4 KiB/close/unlink) and how fast
 * the sensor spooled the exec loop's events, read from its spool as it
 * grows. */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench/sensor_overhead.h"
#include "sensor/spool_format.h"
#include "shared/alloc.h"

#define QUIET_MS 10000 /* stop waiting for the loop's events after this long without one */
#define DRAIN_MAX_S 120 /* give up waiting for it */

double sensor_overhead_now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void sensor_overhead_msleep(int ms) {
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

/* The argument every exec of the loop carries: its NEW_PROCESS events are
 * found in the spool by it. */
static char mark[64];

/* --live S: each exec is of /bin/sleep S (named mark), started without
 * waiting for the previous one: the processes are alive while the sensor
 * reads /proc (path, maps for MODULE_LOAD). NULL: /bin/true, one at a time. */
static const char *live_s;

/* --live: the sleepers started, reaped by sensor_overhead_reap_live once measured */
static pid_t *live_kids;
static size_t live_n;

void sensor_overhead_loops_init(const char *live) {
  live_s = live;
  snprintf(mark, sizeof(mark), "vigil-bench-%d", (int)getpid());
}

void sensor_overhead_reap_live(void) {
  for (size_t i = 0; i < live_n; i++) waitpid(live_kids[i], NULL, 0); /* not vigild */
  live_n = 0;
}

/* execs per second */
static double exec_loop(int n) {
  if (live_s) live_kids = vg_xreallocarray(live_kids, live_n + (size_t)n, sizeof(*live_kids));
  double t0 = sensor_overhead_now_s();
  for (int i = 0; i < n; i++) {
    pid_t p = fork();
    if (p == 0) {
      char *argv[] = {"/bin/true", mark, NULL};
      char *sleep_argv[] = {mark, (char *)live_s, NULL};
      execv(live_s ? "/bin/sleep" : argv[0], live_s ? sleep_argv : argv);
      _exit(127);
    }
    if (live_s)
      live_kids[live_n++] = p;
    else
      waitpid(p, NULL, 0);
  }
  return n / (sensor_overhead_now_s() - t0);
}

double sensor_overhead_exec_loops(int n, int jobs) {
  if (jobs <= 1) return exec_loop(n);
  double t0 = sensor_overhead_now_s();
  pid_t w[SENSOR_OVERHEAD_MAX_JOBS];
  for (int j = 0; j < jobs; j++) {
    w[j] = fork();
    if (w[j] == 0) {
      exec_loop(n / jobs);
      sensor_overhead_reap_live();
      _exit(0);
    }
  }
  for (int j = 0; j < jobs; j++) waitpid(w[j], NULL, 0);
  return (n / jobs) * jobs / (sensor_overhead_now_s() - t0);
}

double sensor_overhead_file_loop(const char *dir, int n) {
  static char block[4096];
  char path[512];
  snprintf(path, sizeof(path), "%s/bench.dat", dir);
  double t0 = sensor_overhead_now_s();
  for (int i = 0; i < n; i++) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || write(fd, block, sizeof(block)) != (ssize_t)sizeof(block)) abort();
    close(fd);
    unlink(path);
  }
  return n / (sensor_overhead_now_s() - t0);
}

static int tail_cb(void *ctx, const struct spool_rec *r) {
  struct sensor_overhead_tail *t = ctx;
  t->last = r->seq;
  if (memmem(r->data, r->len, "NEW_PROCESS", 11) && memmem(r->data, r->len, mark, strlen(mark)))
    t->marked++;
  return 0;
}

/* Parse t->seg (t->fd) from t->off to its end. */
static void tail_read(struct sensor_overhead_tail *t) {
  static char buf[8u << 20];
  for (;;) {
    ssize_t n = pread(t->fd, buf, sizeof(buf), t->off);
    if (n <= 0) break;
    size_t valid = 0;
    spool_format_parse(buf, (size_t)n, tail_cb, t, &valid, NULL, NULL);
    t->off += (off_t)valid;
    if (valid == 0 || (size_t)n < sizeof(buf)) break;
  }
}

static uint64_t tail_poll(struct sensor_overhead_tail *t) {
  DIR *d = opendir(t->dir);
  char newest[64] = "";
  for (struct dirent *e; d && (e = readdir(d));) {
    size_t n = strlen(e->d_name);
    if (n > 4 && n < sizeof(newest) && strcmp(e->d_name + n - 4, ".seg") == 0 &&
        strcmp(e->d_name, newest) > 0)
      memcpy(newest, e->d_name, n + 1); /* n < sizeof(newest) */
  }
  if (d) closedir(d);
  if (newest[0] && strcmp(newest, t->seg) != 0) {
    char *path = vg_xasprintf("%s/%s", t->dir, newest);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    free(path);
    if (fd >= 0) {
      if (t->fd > 0) {
        tail_read(t); /* its last records, written before it rotated */
        close(t->fd);
      }
      t->fd = fd;
      snprintf(t->seg, sizeof(t->seg), "%s", newest);
      t->off = 0;
    }
  }
  if (t->fd > 0) tail_read(t);
  return t->last;
}

void sensor_overhead_tail_close(struct sensor_overhead_tail *t) {
  free(t->dir);
  t->dir = NULL;
  if (t->fd > 0) close(t->fd);
  t->fd = 0;
}

/* Poll t until want marked NEW_PROCESS came, none came for QUIET_MS, or
 * DRAIN_MAX_S passed since since; *seen: when the last one came (since if
 * none). How many came. */
static uint64_t wait_marked(struct sensor_overhead_tail *t, uint64_t want, uint64_t marked,
                            double since, double *seen) {
  *seen = since;
  while (marked < want && sensor_overhead_now_s() - *seen < QUIET_MS / 1000.0 &&
         sensor_overhead_now_s() - since < DRAIN_MAX_S) {
    sensor_overhead_msleep(10);
    tail_poll(t);
    if (t->marked != marked) {
      marked = t->marked;
      *seen = sensor_overhead_now_s();
    }
  }
  return marked;
}

double sensor_overhead_exec_drain(int n, int jobs, struct sensor_overhead_tail *t,
                                  struct sensor_overhead_drain *dr) {
  tail_poll(t);
  uint64_t first = t->last;
  t->marked = 0;
  double t0 = sensor_overhead_now_s();
  double rate = sensor_overhead_exec_loops(n, jobs);
  double t1 = sensor_overhead_now_s(), seen;
  uint64_t want = (uint64_t)(n / (jobs > 1 ? jobs : 1)) * (uint64_t)(jobs > 1 ? jobs : 1);
  uint64_t marked = wait_marked(t, want, (tail_poll(t), t->marked), t1, &seen);
  sensor_overhead_reap_live();
  dr->execs = marked;
  dr->events = t->last - first;
  dr->busy_s = seen - t0;
  dr->lag_s = seen > t1 ? seen - t1 : 0;
  return rate;
}

double sensor_overhead_burst_drain(pid_t sensor, int n, int jobs, struct sensor_overhead_tail *t,
                                   uint64_t *got) {
  tail_poll(t);
  t->marked = 0;
  kill(sensor, SIGSTOP);
  sensor_overhead_exec_loops(n, jobs);
  double t0 = sensor_overhead_now_s(), seen;
  kill(sensor, SIGCONT);
  uint64_t want = (uint64_t)(n / (jobs > 1 ? jobs : 1)) * (uint64_t)(jobs > 1 ? jobs : 1);
  uint64_t marked = wait_marked(t, want, 0, t0, &seen);
  sensor_overhead_reap_live();
  *got = marked;
  return seen > t0 ? marked / (seen - t0) : 0;
}
