/* sensor_file_overhead.c — bench_sensor_file_overhead: what the sensor's
 * fanotify file collector costs the host. A create/write 4 KiB/close/unlink
 * loop runs three ways per round, interleaved: no monitor; vigil-sensor with
 * the file collector (and proc, which every deployment runs), enrolled to a
 * real vigild on loopback; auditd watching the loop's directory for writes
 * and attribute changes (`-w DIR -p wa`, the peer). Prints median rates,
 * slowdowns, the sensor's CPU per file operation, its peak RSS, and what it
 * reported: the file events vigild stored, counted through the API after the
 * sensor's spool drained (docs/performance.md, "Sensor overhead").
 * bench_sensor_overhead measures the fork+exec loop the same way.
 *
 *   bench_sensor_file_overhead [--files N] [--runs R]
 */
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench/procstat.h"
#include "shared/alloc.h"
#include "shared/ws_client.h"
#include "tests/harness/harness.h"
#include "tests/harness/sensor_sim.h"

#define BENCH_MAX_RUNS 15
#define DRAIN_MAX_S 120 /* wait this long at most for the spool to drain */

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int64_t wall_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void msleep(int ms) {
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
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

static double median(double *v, int n) {
  qsort(v, (size_t)n, sizeof(double), cmp_d);
  return v[n / 2];
}

static int run_quiet(char *const argv[]) {
  char *out = NULL;
  int rc = harness_run(argv, &out);
  free(out);
  return rc;
}

/* auditd in the foreground watching dir (-p wa); its pid, or 0 (skipped). */
static pid_t auditd_start(const char *dir) {
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
  char *watch[] = {"/usr/sbin/auditctl", "-w", (char *)dir, "-p", "wa", "-k", "vigil-bench-file",
                   NULL};
  if (run_quiet(watch) != 0) {
    printf("auditd: auditctl refused the directory watch: skipped\n");
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

static pid_t sensor_start(const char *bin, const char *state, const char *log) {
  pid_t sp = fork();
  if (sp == 0) {
    char *a[] = {(char *)bin, "--state-dir", (char *)state, "--log-file", (char *)log,
                 "--collectors", "proc,file", NULL};
    execv(bin, a);
    _exit(127);
  }
  return sp;
}

/* A minimal vigil-api.v1 client (tests/harness/api_sim.c asserts with Check,
 * which exits outside a test run). */
struct api {
  struct vg_ws_client *ws;
  int64_t next_id;
};

/* The result of method(params) (params stolen), or NULL with the error printed. */
static json_t *api_call(struct api *a, const char *method, json_t *params) {
  int64_t id = a->next_id++;
  json_t *req = json_pack("{s:I, s:s, s:o}", "id", (json_int_t)id, "method", method, "params", params);
  char *text = json_dumps(req, JSON_COMPACT);
  json_decref(req);
  int rc = vg_ws_client_send(a->ws, text, strlen(text));
  free(text);
  while (rc == 0) {
    char *msg;
    size_t len;
    if (vg_ws_client_recv(a->ws, 10000, &msg, &len)) break;
    json_t *v = json_loadb(msg, len, 0, NULL);
    free(msg);
    if (json_integer_value(json_object_get(v, "id")) != id) { /* a push */
      json_decref(v);
      continue;
    }
    json_t *res = json_incref(json_object_get(v, "result"));
    if (!res) fprintf(stderr, "%s: %s\n", method, json_dumps(v, JSON_COMPACT));
    json_decref(v);
    return res;
  }
  fprintf(stderr, "%s: no response\n", method);
  return NULL;
}

static int api_open(struct api *a, const struct harness_vigild *d) {
  memset(a, 0, sizeof(*a));
  a->next_id = 1;
  char *ca = harness_vigild_ca_path(d), *credp = vg_xasprintf("%s/credentials.yaml", d->data_dir);
  char *creds = harness_read_file(credp, NULL), oid[64] = "", key[128] = "";
  for (char *save = NULL, *l = creds ? strtok_r(creds, "\n", &save) : NULL; l;
       l = strtok_r(NULL, "\n", &save)) {
    if (strncmp(l, "oid: ", 5) == 0) snprintf(oid, sizeof(oid), "%s", l + 5);
    if (strncmp(l, "api_key: ", 9) == 0) snprintf(key, sizeof(key), "%s", l + 9);
  }
  free(creds);
  free(credp);
  struct vg_ws_opts o = {.host = "localhost", .port = d->api_port, .subprotocol = "vigil-api.v1",
                         .ca_file = ca};
  struct vg_err e;
  a->ws = vg_ws_client_create(&o, &e);
  free(ca);
  if (!a->ws || vg_ws_client_wait_open(a->ws, 10000) != 0) return -1;
  json_t *r = api_call(a, "session.auth", json_pack("{s:s, s:s}", "oid", oid, "api_key", key));
  json_decref(r);
  return r ? 0 : -1;
}

/* Events of type the sensor sid reported in [from, to], as vigild stored
 * them; -1 if the API failed. */
static long long stored_count(struct api *a, const char *sid, int64_t from, int64_t to,
                              const char *type) {
  json_t *r = api_call(a, "insight.histogram",
                       json_pack("{s:I, s:I, s:s, s:s}", "from", (json_int_t)from, "to",
                                 (json_int_t)to, "sid", sid, "type", type));
  long long n = r ? json_integer_value(json_object_get(r, "total")) : -1;
  json_decref(r);
  return n;
}

int main(int argc, char **argv) {
  int files = 20000, runs = 3;
  static const struct option lo[] = {{"files", required_argument, NULL, 'f'},
                                     {"runs", required_argument, NULL, 'r'},
                                     {NULL, 0, NULL, 0}};
  int c;
  while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
    long v = strtol(optarg ? optarg : "", NULL, 10);
    if (v <= 0) {
      fprintf(stderr, "usage: bench_sensor_file_overhead [--files N] [--runs R]\n");
      return 2;
    }
    if (c == 'f') files = (int)v;
    if (c == 'r') runs = v > BENCH_MAX_RUNS ? BENCH_MAX_RUNS : (int)v;
  }
  if (getuid() != 0) {
    fprintf(stderr, "bench_sensor_file_overhead: run as root (fanotify and auditd need it)\n");
    return 1;
  }
  setvbuf(stdout, NULL, _IOLBF, 0); /* lines out as they come, even if the run dies */
  if (!getenv("VIGIL_BINARY_DIR")) setenv("VIGIL_BINARY_DIR", BENCH_BINARY_DIR, 1);
  char *dir = harness_mkdtemp("file-overhead");
  printf("workload: %d create/write 4 KiB/close/unlink; median of %d rounds, each round: "
         "no monitor, vigil-sensor (proc,file), auditd -w DIR -p wa\n", files, runs);
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
  double base[BENCH_MAX_RUNS] = {0}, sens[BENCH_MAX_RUNS] = {0}, aud[BENCH_MAX_RUNS] = {0};
  double cpu = 0, wall = 0, rss = 0;
  pid_t ap = 0;
  int64_t t_first = wall_ms();
  for (int r = 0; r < runs; r++) {
    base[r] = file_loop(dir, files);
    pid_t sp = sensor_start(bin, state, log);
    msleep(2500); /* connected, filesystems marked */
    double c0 = procstat_cpu_s(sp), t0 = now_s();
    sens[r] = file_loop(dir, files);
    wall += now_s() - t0;
    msleep(500); /* let it finish what it read (not timed, counted in its CPU) */
    cpu += procstat_cpu_s(sp) - c0;
    double m = procstat_status_mib(sp, "VmHWM");
    if (m > rss) rss = m;
    kill(sp, SIGTERM);
    waitpid(sp, NULL, 0);
    ap = auditd_start(dir);
    if (ap) {
      aud[r] = file_loop(dir, files);
      auditd_stop(ap);
    }
  }
  int64_t t_last = wall_ms();
  /* What the sensor reported: once more, until its spool has drained (the
   * counts stop growing), then count what vigild stored. */
  char *idp = vg_xasprintf("%s/identity.json", state);
  json_t *id = json_load_file(idp, 0, NULL);
  char sid[64];
  snprintf(sid, sizeof(sid), "%s", id ? json_string_value(json_object_get(id, "sid")) : "");
  json_decref(id);
  free(idp);
  struct api api;
  if (api_open(&api, &d) != 0) fprintf(stderr, "vigild's API: cannot connect and authenticate\n");
  pid_t sp = sensor_start(bin, state, log);
  static const char *const types[] = {"FILE_CREATE", "FILE_MODIFIED", "FILE_DELETE",
                                      "DATA_DROPPED"};
  enum { NTYPES = sizeof(types) / sizeof(types[0]) };
  long long counts[NTYPES] = {0}, last = -1;
  for (int waited = 0; api.ws && waited < DRAIN_MAX_S; waited++) {
    msleep(1000);
    long long sum = 0;
    for (int i = 0; i < NTYPES; i++) sum += counts[i] = stored_count(&api, sid, t_first, t_last, types[i]);
    if (sum == last) break;
    last = sum;
  }
  kill(sp, SIGTERM);
  waitpid(sp, NULL, 0);
  if (api.ws) vg_ws_client_free(api.ws);
  char *slog = harness_read_file(log, NULL);
  bool file_running = slog && strstr(slog, "collector file running") != NULL;
  int spool_drops = 0;
  for (char *p = slog; p && (p = strstr(p, "spool full")); p++) spool_drops++;
  free(slog);
  harness_vigild_cleanup(&d, false);

  double b = median(base, runs), s = median(sens, runs), a = median(aud, runs);
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
  harness_rm_rf(dir);
  return 0;
}
