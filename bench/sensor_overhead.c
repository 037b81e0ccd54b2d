/* sensor_overhead.c — bench_sensor_overhead: what vigil-sensor costs the
 * host, against no monitor and against auditd (the peer), interleaved round
 * by round, with the sensor enrolled to a real vigild on loopback
 * (docs/performance.md, "Sensor overhead").
 *
 * Default mode: a fork+exec loop (/bin/true) and a create/write 4 KiB/close/
 * unlink loop run three ways in one run: no monitor, vigil-sensor (its
 * default collectors), and auditd with an execve rule. Prints rates,
 * slowdowns, the sensor's CPU and peak RSS, its dropped events, and how fast
 * it turned the exec burst into spooled events (the spool's sequence
 * numbers, read while the loop runs, until they stop moving).
 *
 * --mode files: the file loop alone, the sensor with `--collectors proc,file`
 * (fanotify) and auditd watching the loop's directory (-w DIR -p wa); prints
 * the sensor's CPU per file operation, its peak RSS and the file events
 * vigild stored, counted through its API once the spool drained
 * (bench/sensor_overhead_files.c; docs/performance.md, "Latest: the file loop
 * under the fanotify file collector").
 *
 *   bench_sensor_overhead [--mode all|files] [--execs N] [--files N] [--runs R] [--jobs J]
 *                         [--burst B] [--live S] [--no-ebpf]
 * (--jobs: J exec loops in parallel, each of N/J execs, for a denser burst;
 *  --burst: B execs (default 2500) run while the sensor is stopped, then the
 *  time it takes to spool them once it runs again: its drain rate;
 *  --live S: the execs are of `sleep S`, all started at once, so they are
 *  alive while the sensor reads /proc about them (with --jobs, each loop
 *  waits for its sleepers, so use it with one loop);
 *  --no-ebpf: the sensor runs its fallback collectors, proc connector and sock_diag;
 *  --execs, --jobs, --burst and --live are of the exec loop: --mode files ignores them)
 */
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/procstat.h"
#include "bench/sensor_overhead.h"
#include "shared/alloc.h"
#include "tests/harness/sensor_sim.h"

#define MAX_RUNS SENSOR_OVERHEAD_MAX_RUNS

static int cmp_d(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

double sensor_overhead_median(double *v, int n) {
  qsort(v, (size_t)n, sizeof(double), cmp_d);
  return v[n / 2];
}

int sensor_overhead_count(const char *path, const char *needle) {
  char *d = harness_read_file(path, NULL);
  int n = 0;
  for (char *p = d; p && (p = strstr(p, needle)); p++) n++;
  free(d);
  return n;
}

struct rates {
  double exec, file;
};

/* The default mode: both loops, the sensor with its default collectors,
 * auditd with an execve rule. Stops env->d. */
static int run_all(struct sensor_overhead_env *env, int execs, int files, int runs, int jobs,
                   int burst) {
  double be[MAX_RUNS] = {0}, bf[MAX_RUNS] = {0}, se[MAX_RUNS] = {0}, sf[MAX_RUNS] = {0},
         ae[MAX_RUNS] = {0}, af[MAX_RUNS] = {0};
  double cpu = 0, wall = 0, rss = 0, rss_now = 0, drate[MAX_RUNS] = {0}, dlag[MAX_RUNS] = {0};
  uint64_t devents[MAX_RUNS] = {0}, dexecs[MAX_RUNS] = {0}, bgot[MAX_RUNS] = {0};
  double brate[MAX_RUNS] = {0}, cpu_exec[MAX_RUNS] = {0};
  struct sensor_overhead_tail tail = {.dir = vg_xasprintf("%s/spool", env->state)};
  pid_t ap = 0;
  for (int r = 0; r < runs; r++) {
    /* interleaved, so a change in the shared machine's load hits every mode */
    be[r] = sensor_overhead_exec_loops(execs, jobs);
    sensor_overhead_reap_live();
    bf[r] = sensor_overhead_file_loop(env->dir, files);
    pid_t sp = sensor_overhead_sensor_start(env, NULL);
    sensor_overhead_msleep(2500); /* connected, start-up scan done */
    double c0 = procstat_cpu_s(sp), t0 = sensor_overhead_now_s();
    struct sensor_overhead_drain dr;
    se[r] = sensor_overhead_exec_drain(execs, jobs, &tail, &dr);
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
    sf[r] = sensor_overhead_file_loop(env->dir, files);
    sensor_overhead_msleep(500); /* let it finish what it read */
    cpu += procstat_cpu_s(sp) - c0;
    wall += sensor_overhead_now_s() - t0;
    brate[r] = sensor_overhead_burst_drain(sp, burst, jobs, &tail, &bgot[r]);
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
    ap = sensor_overhead_auditd_start(NULL);
    if (ap) {
      ae[r] = sensor_overhead_exec_loops(execs, jobs);
      sensor_overhead_reap_live();
      af[r] = sensor_overhead_file_loop(env->dir, files);
      sensor_overhead_auditd_stop(ap);
    }
  }
  /* proc_events_lost logs "<source>: kernel records lost" */
  int overflows = sensor_overhead_count(env->log, " proc: kernel records lost");
  int spool_drops = sensor_overhead_count(env->log, "spool full");
  int ring_drops = sensor_overhead_count(env->log, "proc-ebpf: kernel records lost");
  harness_vigild_cleanup(&env->d, false);
  struct rates base = {sensor_overhead_median(be, runs), sensor_overhead_median(bf, runs)};
  struct rates sens = {sensor_overhead_median(se, runs), sensor_overhead_median(sf, runs)};
  struct rates aud = {sensor_overhead_median(ae, runs), sensor_overhead_median(af, runs)};

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
  double tmp[MAX_RUNS] = {0}, tmx[MAX_RUNS] = {0};
  for (int r = 0; r < runs; r++) {
    tmp[r] = (double)devents[r];
    tmx[r] = (double)dexecs[r];
  }
  printf("vigil-sensor: exec burst spooled at %.0f NEW_PROCESS/s (median; %.0f of %d execs, "
         "%.0f events in all per round), the last %.2f s after the loop\n",
         sensor_overhead_median(drate, runs), sensor_overhead_median(tmx, runs), execs,
         sensor_overhead_median(tmp, runs), sensor_overhead_median(dlag, runs));
  printf("vigil-sensor: CPU per exec of the loop (until its events were spooled): %.3f ms "
         "(median)\n",
         1000.0 * sensor_overhead_median(cpu_exec, runs) / execs);
  for (int r = 0; r < runs; r++) tmx[r] = (double)bgot[r];
  printf("vigil-sensor: drain rate after a stopped burst of %d execs: %.0f NEW_PROCESS/s "
         "(median; %.0f spooled)\n",
         burst, sensor_overhead_median(brate, runs), sensor_overhead_median(tmx, runs));
  sensor_overhead_tail_close(&tail);
  return 0;
}

static int usage(void) {
  fprintf(stderr, "usage: bench_sensor_overhead [--mode all|files] [--execs N] [--files N] "
                  "[--runs R] [--jobs J] [--burst N] [--live S] [--no-ebpf]\n");
  return 2;
}

int main(int argc, char **argv) {
  int execs = 3000, files = 20000, runs = 3, jobs = 1, burst = 2500;
  bool files_mode = false;
  const char *live_s = NULL;
  static const struct option lo[] = {{"execs", required_argument, NULL, 'e'},
                                     {"files", required_argument, NULL, 'f'},
                                     {"runs", required_argument, NULL, 'r'},
                                     {"jobs", required_argument, NULL, 'j'},
                                     {"burst", required_argument, NULL, 'b'},
                                     {"live", required_argument, NULL, 'l'},
                                     {"mode", required_argument, NULL, 'm'},
                                     {"no-ebpf", no_argument, NULL, 'n'},
                                     {NULL, 0, NULL, 0}};
  int c;
  struct sensor_overhead_env env = {0};
  while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
    if (c == 'n') {
      env.no_ebpf = true; /* the sensor's fallback collectors (proc connector, sock_diag) */
      continue;
    }
    if (c == 'l') {
      live_s = optarg;
      continue;
    }
    if (c == 'm') {
      if (strcmp(optarg, "files") != 0 && strcmp(optarg, "all") != 0) return usage();
      files_mode = strcmp(optarg, "files") == 0;
      continue;
    }
    long v = strtol(optarg ? optarg : "", NULL, 10);
    if (v <= 0) return usage();
    if (c == 'e') execs = (int)v;
    if (c == 'f') files = (int)v;
    if (c == 'r') runs = v > MAX_RUNS ? MAX_RUNS : (int)v;
    if (c == 'b') burst = (int)v;
    if (c == 'j') jobs = v > SENSOR_OVERHEAD_MAX_JOBS ? SENSOR_OVERHEAD_MAX_JOBS : (int)v;
  }
  if (getuid() != 0) {
    fprintf(stderr, "bench_sensor_overhead: run as root (the sensor, fanotify and auditd need it)\n");
    return 1;
  }
  setvbuf(stdout, NULL, _IOLBF, 0); /* lines out as they come, even if the run dies */
  if (!getenv("VIGIL_BINARY_DIR")) setenv("VIGIL_BINARY_DIR", BENCH_BINARY_DIR, 1);
  env.dir = harness_mkdtemp(files_mode ? "file-overhead" : "overhead");
  if (files_mode)
    printf("workload: %d create/write 4 KiB/close/unlink; median of %d rounds, each round: "
           "no monitor, vigil-sensor (proc,file), auditd -w DIR -p wa\n", files, runs);
  else
    printf("workloads: %d fork+exec of /bin/true (%d loop%s), %d create/write 4 KiB/close/unlink; "
           "median of %d rounds, each round: no monitor, vigil-sensor, auditd\n",
           execs, jobs, jobs > 1 ? "s in parallel" : "", files, runs);
  if (harness_vigild_start(&env.d, NULL) != 0) return 1;
  env.state = vg_xasprintf("%s/state", env.dir);
  env.log = vg_xasprintf("%s/sensor.log", env.dir);
  env.bin = vg_xasprintf("%s/sensor/vigil-sensor", BENCH_BINARY_DIR);
  char *key = sensor_sim_install_key(&env.d), *ca = harness_vigild_ca_path(&env.d);
  char *backend = vg_xasprintf("localhost:%d", env.d.sensor_port);
  char *en[] = {env.bin, "--enroll", key, "--backend", backend, "--ca", ca,
                "--state-dir", env.state, NULL};
  if (sensor_overhead_run_quiet(en) != 0) {
    fprintf(stderr, "enrollment failed\n");
    return 1;
  }
  sensor_overhead_loops_init(live_s);
  int rc = files_mode ? sensor_overhead_files_run(&env, files, runs)
                      : run_all(&env, execs, files, runs, jobs, burst);
  if (!getenv("BENCH_KEEP")) harness_rm_rf(env.dir);
  else printf("kept %s\n", env.dir);
  free(key);
  free(ca);
  free(backend);
  free(env.state);
  free(env.log);
  free(env.bin);
  free(env.dir);
  return rc;
}
