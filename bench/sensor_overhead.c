/* sensor_overhead.c — bench_sensor_overhead: what vigil-sensor costs the
 * host. A fork+exec loop (/bin/true) and a create/write 4 KiB/close/unlink
 * loop run three ways in one run: no monitor, vigil-sensor (enrolled to a
 * real vigild on loopback), and auditd with an execve rule (the peer).
 * Prints rates, slowdowns, the sensor's CPU and peak RSS, and its dropped
 * events (docs/performance.md, "Sensor overhead").
 *
 *   bench_sensor_overhead [--execs N] [--files N] [--runs R]
 */
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "shared/alloc.h"
#include "tests/harness/harness.h"
#include "tests/harness/sensor_sim.h"

#define BENCH_MAX_RUNS 15

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void msleep(int ms) {
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

/* execs per second */
static double exec_loop(int n) {
  double t0 = now_s();
  for (int i = 0; i < n; i++) {
    pid_t p = fork();
    if (p == 0) {
      char *argv[] = {"/bin/true", NULL};
      execv(argv[0], argv);
      _exit(127);
    }
    waitpid(p, NULL, 0);
  }
  return n / (now_s() - t0);
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

/* utime+stime of pid in seconds */
static double cpu_s(pid_t pid) {
  char p[64], buf[4096];
  snprintf(p, sizeof(p), "/proc/%d/stat", (int)pid);
  FILE *fp = fopen(p, "r");
  if (!fp) return 0;
  size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
  fclose(fp);
  buf[n] = '\0';
  char *s = strrchr(buf, ')');
  unsigned long long ut = 0, st = 0;
  if (!s || sscanf(s + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
    return 0;
  return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* VmHWM (peak RSS) of pid in MiB */
static double peak_rss_mib(pid_t pid) {
  char p[64], line[256];
  snprintf(p, sizeof(p), "/proc/%d/status", (int)pid);
  FILE *fp = fopen(p, "r");
  double v = 0;
  while (fp && fgets(line, sizeof(line), fp)) {
    unsigned long kb;
    if (sscanf(line, "VmHWM: %lu kB", &kb) == 1) v = kb / 1024.0;
  }
  if (fp) fclose(fp);
  return v;
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
  int execs = 3000, files = 20000, runs = 3;
  static const struct option lo[] = {{"execs", required_argument, NULL, 'e'},
                                     {"files", required_argument, NULL, 'f'},
                                     {"runs", required_argument, NULL, 'r'},
                                     {NULL, 0, NULL, 0}};
  int c;
  while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
    long v = strtol(optarg ? optarg : "", NULL, 10);
    if (v <= 0) {
      fprintf(stderr, "usage: bench_sensor_overhead [--execs N] [--files N] [--runs R]\n");
      return 2;
    }
    if (c == 'e') execs = (int)v;
    if (c == 'f') files = (int)v;
    if (c == 'r') runs = v > BENCH_MAX_RUNS ? BENCH_MAX_RUNS : (int)v;
  }
  if (getuid() != 0) {
    fprintf(stderr, "bench_sensor_overhead: run as root (the sensor and auditd need it)\n");
    return 1;
  }
  if (!getenv("VIGIL_BINARY_DIR")) setenv("VIGIL_BINARY_DIR", BENCH_BINARY_DIR, 1);
  char *dir = harness_mkdtemp("overhead");
  printf("workloads: %d fork+exec of /bin/true, %d create/write 4 KiB/close/unlink; "
         "median of %d rounds, each round: no monitor, vigil-sensor, auditd\n",
         execs, files, runs);
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
  double cpu = 0, wall = 0, rss = 0;
  pid_t ap = 0;
  for (int r = 0; r < runs; r++) {
    /* interleaved, so a change in the shared machine's load hits every mode */
    be[r] = exec_loop(execs);
    bf[r] = file_loop(dir, files);
    pid_t sp = fork();
    if (sp == 0) {
      char *a[] = {bin, "--state-dir", state, "--log-file", log, NULL};
      execv(bin, a);
      _exit(127);
    }
    msleep(2500); /* connected, start-up scan done */
    double c0 = cpu_s(sp), t0 = now_s();
    se[r] = exec_loop(execs);
    sf[r] = file_loop(dir, files);
    msleep(500); /* let it finish what it read */
    cpu += cpu_s(sp) - c0;
    wall += now_s() - t0;
    double m = peak_rss_mib(sp);
    if (m > rss) rss = m;
    kill(sp, SIGTERM);
    waitpid(sp, NULL, 0);
    ap = auditd_start();
    if (ap) {
      ae[r] = exec_loop(execs);
      af[r] = file_loop(dir, files);
      auditd_stop(ap);
    }
  }
  int overflows = count_lines(log, "proc connector overflow");
  int spool_drops = count_lines(log, "spool full");
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
  printf("vigil-sensor: CPU %.1f%% of one core over the loops (%.2f s in %.1f s), peak RSS %.1f MiB\n",
         100.0 * cpu / wall, cpu, wall, rss);
  printf("vigil-sensor: dropped: %d proc connector overflows (ENOBUFS), %d spool-full drops\n",
         overflows, spool_drops);
  harness_rm_rf(dir);
  return 0;
}
