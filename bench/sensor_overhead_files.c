/* sensor_overhead_files.c — bench_sensor_overhead --mode files: what the
 * sensor's fanotify file collector costs the host. The create/write 4 KiB/
 * close/unlink loop runs three ways per round, interleaved: no monitor;
 * vigil-sensor with the file collector (and proc, which every deployment
 * runs); auditd watching the loop's directory for writes and attribute
 * changes (`-w DIR -p wa`, the peer). Prints median rates, slowdowns, the
 * sensor's CPU per file operation, its peak RSS, and what it reported: the
 * file events vigild stored, counted through the API after the sensor's
 * spool drained. */
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "bench/procstat.h"
#include "bench/sensor_overhead.h"
#include "shared/alloc.h"
#include "shared/api_client.h"
#include "shared/creds.h"

#define DRAIN_MAX_S 120 /* wait this long at most for the spool to drain */
#define API_TIMEOUT_MS 10000

static int64_t wall_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* vigild's API as its admin (the credentials it wrote in its data dir), or
 * NULL (printed). */
static struct vg_api *api_open(const struct harness_vigild *d) {
  struct vg_creds cr;
  struct vg_err err = {0};
  if (harness_vigild_creds(d, &cr)) return NULL;
  struct vg_api *a = vg_api_connect(&cr, false, API_TIMEOUT_MS, &err);
  if (!a) fprintf(stderr, "vigild's API: cannot connect and authenticate: %s\n", err.msg);
  return a;
}

/* Events of type the sensor sid reported in [from, to], as vigild stored
 * them; -1 if the API failed. */
static long long stored_count(struct vg_api *a, const char *sid, int64_t from, int64_t to,
                              const char *type) {
  json_t *r = NULL;
  struct vg_err err;
  if (vg_api_call(a, "insight.histogram",
                  json_pack("{s:I, s:I, s:s, s:s}", "from", (json_int_t)from, "to",
                            (json_int_t)to, "sid", sid, "type", type),
                  API_TIMEOUT_MS, &r, &err)) {
    fprintf(stderr, "insight.histogram: %s\n", err.msg);
    return -1;
  }
  long long n = json_integer_value(json_object_get(r, "total"));
  json_decref(r);
  return n;
}

int sensor_overhead_files_run(struct sensor_overhead_env *env, int files, int runs) {
  double base[SENSOR_OVERHEAD_MAX_RUNS] = {0}, sens[SENSOR_OVERHEAD_MAX_RUNS] = {0},
         aud[SENSOR_OVERHEAD_MAX_RUNS] = {0};
  double cpu = 0, wall = 0, rss = 0;
  pid_t ap = 0;
  int64_t t_first = wall_ms();
  for (int r = 0; r < runs; r++) {
    base[r] = sensor_overhead_file_loop(env->dir, files);
    pid_t sp = sensor_overhead_sensor_start(env, "proc,file");
    sensor_overhead_msleep(2500); /* connected, filesystems marked */
    double c0 = procstat_cpu_s(sp), t0 = sensor_overhead_now_s();
    sens[r] = sensor_overhead_file_loop(env->dir, files);
    wall += sensor_overhead_now_s() - t0;
    sensor_overhead_msleep(500); /* let it finish what it read (not timed, counted in its CPU) */
    cpu += procstat_cpu_s(sp) - c0;
    double m = procstat_status_mib(sp, "VmHWM");
    if (m > rss) rss = m;
    kill(sp, SIGTERM);
    waitpid(sp, NULL, 0);
    ap = sensor_overhead_auditd_start(env->dir);
    if (ap) {
      aud[r] = sensor_overhead_file_loop(env->dir, files);
      sensor_overhead_auditd_stop(ap);
    }
  }
  int64_t t_last = wall_ms();
  /* What the sensor reported: once more, until its spool has drained (the
   * counts stop growing), then count what vigild stored. */
  char *idp = vg_xasprintf("%s/identity.json", env->state);
  json_t *id = json_load_file(idp, 0, NULL);
  char sid[64];
  snprintf(sid, sizeof(sid), "%s", id ? json_string_value(json_object_get(id, "sid")) : "");
  json_decref(id);
  free(idp);
  struct vg_api *api = api_open(&env->d);
  pid_t sp = sensor_overhead_sensor_start(env, "proc,file");
  static const char *const types[] = {"FILE_CREATE", "FILE_MODIFIED", "FILE_DELETE",
                                      "DATA_DROPPED"};
  enum { NTYPES = sizeof(types) / sizeof(types[0]) };
  long long counts[NTYPES] = {0}, last = -1;
  for (int waited = 0; api && waited < DRAIN_MAX_S; waited++) {
    sensor_overhead_msleep(1000);
    long long sum = 0;
    for (int i = 0; i < NTYPES; i++)
      sum += counts[i] = stored_count(api, sid, t_first, t_last, types[i]);
    if (sum == last) break;
    last = sum;
  }
  kill(sp, SIGTERM);
  waitpid(sp, NULL, 0);
  if (api) vg_api_close(api);
  bool file_running = sensor_overhead_count(env->log, "collector file running") > 0;
  int spool_drops = sensor_overhead_count(env->log, "spool full");
  harness_vigild_cleanup(&env->d, false);

  double b = sensor_overhead_median(base, runs), s = sensor_overhead_median(sens, runs),
         a = sensor_overhead_median(aud, runs);
  printf("\n%-28s %12s %22s %22s\n", "workload", "no monitor/s", "vigil-sensor/s", "auditd -w/s");
  printf("%-28s %12.0f %12.0f (%+5.1f%%) ", "create/write/close/unlink", b, s, 100.0 * (b / s - 1));
  if (ap) printf("%12.0f (%+5.1f%%)\n", a, 100.0 * (b / a - 1));
  else printf("%22s\n", "skipped");
  printf("(slowdown = extra time per operation against no monitor; ratio no monitor / monitor: "
         "sensor %.2f", b / s);
  if (ap) printf(", auditd %.2f", b / a);
  printf(")\n");
  printf("vigil-sensor: file collector %s\n", file_running ? "running (fanotify)" : "NOT RUNNING");
  printf("vigil-sensor: CPU %.1f%% of one core over the loops (%.2f s in %.1f s) = %.1f us per file\n",
         100.0 * cpu / wall, cpu, wall, 1e6 * cpu / ((double)files * runs));
  printf("vigil-sensor: peak RSS %.1f MiB, %d spool-full drops\n", rss, spool_drops);
  printf("vigil-sensor: stored by vigild over the rounds (the whole host's; the loops made %lld "
         "files):", (long long)files * runs);
  for (int i = 0; i < NTYPES; i++) printf(" %s %lld", types[i], counts[i]);
  printf("\n");
  return 0;
}
