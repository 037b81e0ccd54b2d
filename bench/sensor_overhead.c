/* sensor_overhead.c — bench_sensor_overhead: what vigil-sensor costs the
 * host. A fork+exec loop (/bin/true) and a create/write 4 KiB/close/unlink
 * loop run three ways in one run: no monitor, vigil-sensor (enrolled to a
 * real vigild on loopback), and auditd with an execve rule (the peer).
 * Prints rates, slowdowns, the sensor's CPU and peak RSS, its dropped
 * events, and how fast it turned the exec burst into spooled events (the
 * spool's sequence numbers, read while the loop runs, until they stop
 * moving) (docs/performance.md, "Sensor overhead").
 *
 *   bench_sensor_overhead [--execs N] [--files N] [--runs R] [--jobs J] [--burst B] [--live S]
 *                         [--no-ebpf]
 * (--jobs: J exec loops in parallel, each of N/J execs, for a denser burst;
 *  --burst: B execs (default 2500) run while the sensor is stopped, then the
 *  time it takes to spool them once it runs again: its drain rate;
 *  --live S: the execs are of `sleep S`, all started at once, so they are
 *  alive while the sensor reads /proc about them (with --jobs, each loop
 *  waits for its sleepers, so use it with one loop);
 *  --no-ebpf: the sensor runs its fallback collectors, proc connector and sock_diag)
 */
#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench/procstat.h"
#include "sensor/spool_format.h"
#include "shared/alloc.h"
#include "tests/harness/harness.h"
#include "tests/harness/sensor_sim.h"

#define BENCH_MAX_RUNS 15
#define BENCH_MAX_JOBS 8
#define BENCH_QUIET_MS 10000 /* stop waiting for the loop's events after this long without one */
#define BENCH_DRAIN_MAX_S 120 /* give up waiting for it */

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void msleep(int ms) {
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

/* --live: the sleepers started, reaped by reap_live once measured */
static pid_t *live_kids;
static size_t live_n;

static void reap_live(void) {
  for (size_t i = 0; i < live_n; i++) waitpid(live_kids[i], NULL, 0); /* not vigild */
  live_n = 0;
}

/* execs per second */
static double exec_loop(int n) {
  if (live_s) live_kids = vg_xreallocarray(live_kids, live_n + (size_t)n, sizeof(*live_kids));
  double t0 = now_s();
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
  return n / (now_s() - t0);
}

/* execs per second of J loops in parallel, n in all */
static double exec_loops(int n, int jobs) {
  if (jobs <= 1) return exec_loop(n);
  double t0 = now_s();
  pid_t w[BENCH_MAX_JOBS];
  for (int j = 0; j < jobs; j++) {
    w[j] = fork();
    if (w[j] == 0) {
      exec_loop(n / jobs);
      reap_live();
      _exit(0);
    }
  }
  for (int j = 0; j < jobs; j++) waitpid(w[j], NULL, 0);
  return (n / jobs) * jobs / (now_s() - t0);
}

/* The sensor's spool read as it grows: records are only appended to the
 * newest segment (<first seq>.seg). Counts the NEW_PROCESS records of the
 * exec loop (COMMAND_LINE with mark). */
struct spool_tail {
  char *dir;
  char seg[64];
  int fd; /* open on seg: its end stays readable after the sensor deletes it (acked) */
  off_t off;
  uint64_t last;
  uint64_t marked;
};

static int tail_cb(void *ctx, const struct spool_rec *r) {
  struct spool_tail *t = ctx;
  t->last = r->seq;
  if (memmem(r->data, r->len, "NEW_PROCESS", 11) && memmem(r->data, r->len, mark, strlen(mark)))
    t->marked++;
  return 0;
}

/* Parse t->seg (t->fd) from t->off to its end. */
static void tail_read(struct spool_tail *t) {
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

static uint64_t spool_tail_poll(struct spool_tail *t) {
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

/* How the sensor kept up with one exec loop: the loop's NEW_PROCESS
 * events found in the spool, all events spooled meanwhile (the host's
 * other activity included), and when the last of the loop's came. */
struct drain {
  uint64_t execs, events;
  double busy_s; /* loop start → last NEW_PROCESS of the loop spooled */
  double lag_s;  /* loop end → the same */
};

static double exec_loop_drain(int n, int jobs, struct spool_tail *t, struct drain *dr) {
  spool_tail_poll(t);
  uint64_t first = t->last;
  t->marked = 0;
  double t0 = now_s();
  double rate = exec_loops(n, jobs);
  double t1 = now_s(), seen = t1;
  uint64_t want = (uint64_t)(n / (jobs > 1 ? jobs : 1)) * (uint64_t)(jobs > 1 ? jobs : 1);
  uint64_t marked = (spool_tail_poll(t), t->marked);
  while (marked < want && now_s() - seen < BENCH_QUIET_MS / 1000.0 &&
         now_s() - t1 < BENCH_DRAIN_MAX_S) {
    msleep(10);
    spool_tail_poll(t);
    if (t->marked != marked) {
      marked = t->marked;
      seen = now_s();
    }
  }
  reap_live();
  dr->execs = marked;
  dr->events = t->last - first;
  dr->busy_s = seen - t0;
  dr->lag_s = seen > t1 ? seen - t1 : 0;
  return rate;
}

/* The drain rate: the sensor stopped (SIGSTOP) while n execs run, so the
 * kernel queues their records (eBPF ring buffer, or the connector socket's
 * buffer), then timed from SIGCONT until their NEW_PROCESS are spooled.
 * NEW_PROCESS per second; *got gets how many came. */
static double burst_drain(pid_t sensor, int n, int jobs, struct spool_tail *t, uint64_t *got) {
  spool_tail_poll(t);
  t->marked = 0;
  kill(sensor, SIGSTOP);
  exec_loops(n, jobs);
  double t0 = now_s(), seen = t0;
  kill(sensor, SIGCONT);
  uint64_t want = (uint64_t)(n / (jobs > 1 ? jobs : 1)) * (uint64_t)(jobs > 1 ? jobs : 1);
  uint64_t marked = 0;
  while (marked < want && now_s() - seen < BENCH_QUIET_MS / 1000.0 &&
         now_s() - t0 < BENCH_DRAIN_MAX_S) {
    msleep(10);
    spool_tail_poll(t);
    if (t->marked != marked) {
      marked = t->marked;
      seen = now_s();
    }
  }
  reap_live();
  *got = marked;
  return seen > t0 ? marked / (seen - t0) : 0;
}

/* files per second */
static double file_loop(const char *dir, int n) {
  static char block[4096];
  char path[512];
  snprintf(path, sizeof(path), "%s/bench.dat", dir);
  double t0 = now_s();
  for (int i = 0; i < n; i++) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || write(fd, block, sizeof(block)) != (ssize_t)sizeof(block)) abort();
    close(fd);
    unlink(path);
  }
  return n / (now_s() - t0);
}

static int cmp_d(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

struct rates {
  double exec, file;
};

static double median(double *v, int n) {
  qsort(v, (size_t)n, sizeof(double), cmp_d);
  return v[n / 2];
}

static int count_lines(const char *path, const char *needle) {
  char *d = harness_read_file(path, NULL);
  int n = 0;
  for (char *p = d; p && (p = strstr(p, needle)); p++) n++;
  free(d);
  return n;
}

static int run_quiet(char *const argv[]) {
  char *out = NULL;
  int rc = harness_run(argv, &out);
  free(out);
  return rc;
}

/* Start auditd in the foreground with an execve rule; its pid or 0. */
static pid_t auditd_start(void) {
  if (access("/usr/sbin/auditd", X_OK) != 0) {
    printf("auditd: not installed (scripts/install-deps installs it): skipped\n");
    return 0;
  }
  pid_t p = fork();
  if (p == 0) {
    int fd = open("/dev/null", O_WRONLY);
    dup2(fd, 1);
    dup2(fd, 2);
    char *argv[] = {"/usr/sbin/auditd", "-n", NULL};
    execv(argv[0], argv);
    _exit(127);
  }
  msleep(1500);
  int st;
  if (waitpid(p, &st, WNOHANG) == p) {
    printf("auditd: could not start here (another audit daemon, or no kernel audit): skipped\n");
    return 0;
  }
  char *rule[] = {"/usr/sbin/auditctl", "-a", "always,exit", "-F", "arch=b64", "-S", "execve",
                  "-k", "vigil-bench", NULL};
  if (run_quiet(rule) != 0) {
    printf("auditd: auditctl refused the execve rule: skipped\n");
    kill(p, SIGTERM);
    waitpid(p, NULL, 0);
    return 0;
  }
  return p;
}

static void auditd_stop(pid_t p) {
  char *del[] = {"/usr/sbin/auditctl", "-D", NULL};
  run_quiet(del);
  kill(p, SIGTERM);
  waitpid(p, NULL, 0);
}

int main(int argc, char **argv) {
  int execs = 3000, files = 20000, runs = 3, jobs = 1, burst = 2500;
  static const struct option lo[] = {{"execs", required_argument, NULL, 'e'},
                                     {"files", required_argument, NULL, 'f'},
                                     {"runs", required_argument, NULL, 'r'},
                                     {"jobs", required_argument, NULL, 'j'},
                                     {"burst", required_argument, NULL, 'b'},
                                     {"live", required_argument, NULL, 'l'},
                                     {"no-ebpf", no_argument, NULL, 'n'},
                                     {NULL, 0, NULL, 0}};
  int c;
  bool no_ebpf = false; /* the sensor's fallback collectors (proc connector, sock_diag) */
  while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
    if (c == 'n') {
      no_ebpf = true;
      continue;
    }
    if (c == 'l') {
      live_s = optarg;
      continue;
    }
    long v = strtol(optarg ? optarg : "", NULL, 10);
    if (v <= 0) {
      fprintf(stderr, "usage: bench_sensor_overhead [--execs N] [--files N] [--runs R] [--jobs J] "
                      "[--burst N] [--live S] [--no-ebpf]\n");
      return 2;
    }
    if (c == 'e') execs = (int)v;
    if (c == 'f') files = (int)v;
    if (c == 'r') runs = v > BENCH_MAX_RUNS ? BENCH_MAX_RUNS : (int)v;
    if (c == 'b') burst = (int)v;
    if (c == 'j') jobs = v > BENCH_MAX_JOBS ? BENCH_MAX_JOBS : (int)v;
  }
  if (getuid() != 0) {
    fprintf(stderr, "bench_sensor_overhead: run as root (the sensor and auditd need it)\n");
    return 1;
  }
  if (!getenv("VIGIL_BINARY_DIR")) setenv("VIGIL_BINARY_DIR", BENCH_BINARY_DIR, 1);
  char *dir = harness_mkdtemp("overhead");
  printf("workloads: %d fork+exec of /bin/true (%d loop%s), %d create/write 4 KiB/close/unlink; "
         "median of %d rounds, each round: no monitor, vigil-sensor, auditd\n",
         execs, jobs, jobs > 1 ? "s in parallel" : "", files, runs);
  struct harness_vigild d;
  if (harness_vigild_start(&d, NULL) != 0) return 1;
  char *state = vg_xasprintf("%s/state", dir), *log = vg_xasprintf("%s/sensor.log", dir);
  char *bin = vg_xasprintf("%s/sensor/vigil-sensor", BENCH_BINARY_DIR);
  char *key = sensor_sim_install_key(&d), *ca = harness_vigild_ca_path(&d);
  char *backend = vg_xasprintf("localhost:%d", d.sensor_port);
  char *en[] = {bin, "--enroll", key, "--backend", backend, "--ca", ca, "--state-dir", state, NULL};
  if (run_quiet(en) != 0) {
    fprintf(stderr, "enrollment failed\n");
    return 1;
  }
  double be[BENCH_MAX_RUNS] = {0}, bf[BENCH_MAX_RUNS] = {0}, se[BENCH_MAX_RUNS] = {0},
         sf[BENCH_MAX_RUNS] = {0}, ae[BENCH_MAX_RUNS] = {0}, af[BENCH_MAX_RUNS] = {0};
  double cpu = 0, wall = 0, rss = 0, rss_now = 0, drate[BENCH_MAX_RUNS] = {0}, dlag[BENCH_MAX_RUNS] = {0};
  uint64_t devents[BENCH_MAX_RUNS] = {0}, dexecs[BENCH_MAX_RUNS] = {0}, bgot[BENCH_MAX_RUNS] = {0};
  double brate[BENCH_MAX_RUNS] = {0}, cpu_exec[BENCH_MAX_RUNS] = {0};
  snprintf(mark, sizeof(mark), "vigil-bench-%d", (int)getpid());
  struct spool_tail tail = {.dir = vg_xasprintf("%s/spool", state)};
  pid_t ap = 0;
  for (int r = 0; r < runs; r++) {
    /* interleaved, so a change in the shared machine's load hits every mode */
    be[r] = exec_loops(execs, jobs);
    reap_live();
    bf[r] = file_loop(dir, files);
    pid_t sp = fork();
    if (sp == 0) {
      char *a[] = {bin, "--state-dir", state, "--log-file", log, no_ebpf ? "--no-ebpf" : NULL, NULL};
      execv(bin, a);
      _exit(127);
    }
    msleep(2500); /* connected, start-up scan done */
    double c0 = procstat_cpu_s(sp), t0 = now_s();
    struct drain dr;
    se[r] = exec_loop_drain(execs, jobs, &tail, &dr);
    cpu_exec[r] = procstat_cpu_s(sp) - c0;
    devents[r] = dr.events;
    dexecs[r] = dr.execs;
    drate[r] = dr.busy_s > 0 ? dr.execs / dr.busy_s : 0;
    dlag[r] = dr.lag_s;
    printf("round %d: execs at %.0f/s; the sensor spooled %llu of their NEW_PROCESS at %.0f/s, "
           "the last %.2f s after the loop ended (%llu events spooled in all)\n",
           r + 1, se[r], (unsigned long long)dr.execs, drate[r], dr.lag_s,
           (unsigned long long)dr.events);
    fflush(stdout);
    sf[r] = file_loop(dir, files);
    msleep(500); /* let it finish what it read */
    cpu += procstat_cpu_s(sp) - c0;
    wall += now_s() - t0;
    brate[r] = burst_drain(sp, burst, jobs, &tail, &bgot[r]);
    printf("round %d: %d execs queued in the kernel while the sensor was stopped: %llu "
           "NEW_PROCESS spooled at %.0f/s once it ran\n",
           r + 1, burst, (unsigned long long)bgot[r], brate[r]);
    fflush(stdout);
    double m = procstat_status_mib(sp, "VmHWM");
    if (m > rss) rss = m;
    m = procstat_status_mib(sp, "VmRSS"); /* after the loops and the burst: what it keeps */
    if (m > rss_now) rss_now = m;
    kill(sp, SIGTERM);
    waitpid(sp, NULL, 0);
    ap = auditd_start();
    if (ap) {
      ae[r] = exec_loops(execs, jobs);
      reap_live();
      af[r] = file_loop(dir, files);
      auditd_stop(ap);
    }
  }
  /* proc_events_lost logs "<source>: kernel records lost" */
  int overflows = count_lines(log, " proc: kernel records lost");
  int spool_drops = count_lines(log, "spool full");
  int ring_drops = count_lines(log, "proc-ebpf: kernel records lost");
  harness_vigild_cleanup(&d, false);
  struct rates base = {median(be, runs), median(bf, runs)};
  struct rates sens = {median(se, runs), median(sf, runs)};
  struct rates aud = {median(ae, runs), median(af, runs)};

  printf("\n%-28s %12s %22s %22s\n", "workload", "no monitor/s", "vigil-sensor/s", "auditd execve/s");
  printf("%-28s %12.0f %12.0f (%+5.1f%%) ", "fork+exec /bin/true", base.exec, sens.exec,
         100.0 * (base.exec / sens.exec - 1));
  if (ap)
    printf("%12.0f (%+5.1f%%)\n", aud.exec, 100.0 * (base.exec / aud.exec - 1));
  else
    printf("%22s\n", "skipped");
  printf("%-28s %12.0f %12.0f (%+5.1f%%) ", "create/write/close/unlink", base.file, sens.file,
         100.0 * (base.file / sens.file - 1));
  if (ap)
    printf("%12.0f (%+5.1f%%)\n", aud.file, 100.0 * (base.file / aud.file - 1));
  else
    printf("%22s\n", "skipped");
  printf("(slowdown = extra time per operation against no monitor)\n");
  printf("vigil-sensor: CPU %.1f%% of one core over the loops (%.2f s in %.1f s), RSS after "
         "the loops %.1f MiB, peak RSS %.1f MiB (VmHWM, start-up included)\n",
         100.0 * cpu / wall, cpu, wall, rss_now, rss);
  printf("vigil-sensor: dropped: %d proc connector overflows (ENOBUFS), %d eBPF ring losses, "
         "%d spool-full drops\n",
         overflows, ring_drops, spool_drops);
  double tmp[BENCH_MAX_RUNS] = {0}, tmx[BENCH_MAX_RUNS] = {0};
  for (int r = 0; r < runs; r++) {
    tmp[r] = (double)devents[r];
    tmx[r] = (double)dexecs[r];
  }
  printf("vigil-sensor: exec burst spooled at %.0f NEW_PROCESS/s (median; %.0f of %d execs, "
         "%.0f events in all per round), the last %.2f s after the loop\n",
         median(drate, runs), median(tmx, runs), execs, median(tmp, runs), median(dlag, runs));
  printf("vigil-sensor: CPU per exec of the loop (until its events were spooled): %.3f ms "
         "(median)\n",
         1000.0 * median(cpu_exec, runs) / execs);
  for (int r = 0; r < runs; r++) tmx[r] = (double)bgot[r];
  printf("vigil-sensor: drain rate after a stopped burst of %d execs: %.0f NEW_PROCESS/s "
         "(median; %.0f spooled)\n",
         burst, median(brate, runs), median(tmx, runs));
  free(tail.dir);
  if (tail.fd > 0) close(tail.fd);
  if (!getenv("BENCH_KEEP")) harness_rm_rf(dir);
  else printf("kept %s\n", dir);
  return 0;
}
