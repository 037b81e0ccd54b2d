/* ingest.c — bench_ingest: end-to-end durable ingest through the real vigild
 * (simulated sensors over real TLS → gateway → ingest → RocksDB with WAL
 * fsync per group commit → ack), beside raw RocksDB batched puts of the same
 * event bytes, and bytes per event on disk after compaction — measured in
 * one run, repeated, medians printed (docs/performance.md).
 *
 *   bench_ingest [--events N] [--sensors S] [--batch B] [--window W] [--runs R]
 */
#include <getopt.h>
#include <pthread.h>
#include <rocksdb/c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend/store.h"
#include "backend/store_events.h"
#include "bench/event_mix.h"
#include "bench/procstat.h"
#include "shared/alloc.h"
#include "shared/api_client.h"
#include "shared/creds.h"
#include "shared/atom.h"
#include "shared/buf.h"
#include "shared/event.h"
#include "shared/event_codec.h"
#include "shared/proto.h"
#include "shared/ws_client.h"
#include "tests/harness/sensor_sim.h"

struct sim {
  struct sensor_sim s;
  struct vg_buf *msgs; /* one encoded batch message each */
  size_t nmsgs;
  size_t per_batch;
  int window;
  int ok;
};

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double median(double *v, int n) {
  qsort(v, (size_t)n, sizeof(*v), cmp_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double raw_cpu_rate; /* events per CPU second of the last raw_puts */

/* Raw baseline: the same event bytes, 1000 puts per WriteBatch, WAL on, no
 * sync, zstd, perf counters off as in vigild — what RocksDB does with no
 * gateway, parsing or indexing. */
static double raw_puts(const char *dir, char **evs, size_t *lens, size_t n) {
  rocksdb_options_t *o = rocksdb_options_create();
  rocksdb_options_set_create_if_missing(o, 1);
  rocksdb_options_set_compression(o, rocksdb_zstd_compression);
  rocksdb_options_increase_parallelism(o, 2);
  char *e = NULL;
  rocksdb_t *db = rocksdb_open(o, dir, &e);
  if (!db) {
    fprintf(stderr, "rocksdb: %s\n", e);
    exit(1);
  }
  rocksdb_writeoptions_t *wo = rocksdb_writeoptions_create();
  rocksdb_set_perf_level(rocksdb_disable); /* as vigild's writer (store_write.c) */
  double t = now_s(), c0 = procstat_cpu_s(getpid());
  for (size_t i = 0; i < n;) {
    rocksdb_writebatch_t *wb = rocksdb_writebatch_create();
    for (size_t j = 0; j < 1000 && i < n; j++, i++) {
      unsigned char key[24];
      memset(key, 0, 16);
      for (int k = 0; k < 8; k++) key[16 + k] = (unsigned char)(i >> (56 - 8 * k));
      rocksdb_writebatch_put(wb, (const char *)key, sizeof(key), evs[i], lens[i]);
    }
    rocksdb_write(db, wo, wb, &e);
    rocksdb_writebatch_destroy(wb);
    if (e) {
      fprintf(stderr, "rocksdb write: %s\n", e);
      exit(1);
    }
  }
  double rate = (double)n / (now_s() - t);
  raw_cpu_rate = (double)n / (procstat_cpu_s(getpid()) - c0);
  rocksdb_writeoptions_destroy(wo);
  rocksdb_close(db);
  rocksdb_options_destroy(o);
  return rate;
}

#define OBJ_LOOKUPS 50
static double obj_p50[64], obj_max[64]; /* per run, ms */

/* Object-index lookups through the API right after ingest, while the
 * latest object sums are still pending (store_objects_fold.c: reads merge them):
 * insight.objects for the mix's domains, median and worst of OBJ_LOOKUPS. */
static void object_lookups(struct harness_vigild *d, int run) {
  static const char *const domains[] = {"api.github.com", "deb.debian.org", "registry.npmjs.org",
                                        "pool.minexmr.com", "cdn.jsdelivr.net"};
  struct vg_creds cr;
  struct vg_err err;
  struct vg_api *c = harness_vigild_creds(d, &cr) ? NULL : vg_api_connect(&cr, false, 10000, &err);
  if (!c) {
    fprintf(stderr, "bench_ingest: API: %s\n", err.msg);
    exit(1);
  }
  double ms[OBJ_LOOKUPS];
  for (int i = 0; i < OBJ_LOOKUPS; i++) {
    json_t *r = NULL;
    double t0 = now_s();
    if (vg_api_call(c, "insight.objects",
                    json_pack("{s:s, s:s}", "type", "domain", "value", domains[i % 5]), 10000, &r,
                    &err)) {
      fprintf(stderr, "bench_ingest: insight.objects: %s\n", err.msg);
      exit(1);
    }
    ms[i] = (now_s() - t0) * 1e3;
    json_decref(r);
  }
  vg_api_close(c);
  qsort(ms, OBJ_LOOKUPS, sizeof(ms[0]), cmp_double);
  obj_p50[run] = ms[OBJ_LOOKUPS / 2];
  obj_max[run] = ms[OBJ_LOOKUPS - 1];
}

static void *sensor_main(void *arg) {
  struct sim *sm = arg;
  size_t sent = 0, acked = 0;
  while (acked < sm->nmsgs) {
    while (sent < sm->nmsgs && sent - acked < (size_t)sm->window) {
      if (vg_ws_client_send(sm->s.ws, sm->msgs[sent].data, sm->msgs[sent].len)) return NULL;
      sent++;
    }
    json_t *a = sensor_sim_recv(&sm->s, "ack", 60000);
    if (!a || strcmp(json_string_value(json_object_get(a, "t")), "ack")) {
      json_decref(a);
      return NULL;
    }
    uint64_t seq = (uint64_t)json_integer_value(json_object_get(a, "seq"));
    json_decref(a);
    acked = seq / sm->per_batch;
  }
  sm->ok = 1;
  return NULL;
}

int main(int argc, char **argv) {
  size_t total = 1000000, per_batch = 500;
  int nsensors = 8, window = 8, runs = 3;
  static const struct option opts[] = {{"events", required_argument, NULL, 'n'},
                                       {"sensors", required_argument, NULL, 's'},
                                       {"batch", required_argument, NULL, 'b'},
                                       {"window", required_argument, NULL, 'w'},
                                       {"runs", required_argument, NULL, 'r'},
                                       {NULL, 0, NULL, 0}};
  int c;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    long v = strtol(optarg, NULL, 10);
    if (v <= 0) {
      fprintf(stderr, "bench_ingest: --%s must be > 0\n", opts[0].name);
      return 2;
    }
    if (c == 'n') total = (size_t)v;
    if (c == 's') nsensors = (int)v;
    if (c == 'b') per_batch = (size_t)v;
    if (c == 'w') window = (int)v;
    if (c == 'r') runs = (int)v;
  }
  if (runs > 64) {
    fprintf(stderr, "bench_ingest: --runs at most 64\n");
    return 2;
  }
  if (!getenv("VIGIL_BINARY_DIR")) setenv("VIGIL_BINARY_DIR", BENCH_BINARY_DIR, 1);
  size_t per_sensor = total / (size_t)nsensors / per_batch * per_batch;
  total = per_sensor * (size_t)nsensors;

  /* The events, encoded once, outside every timing. */
  char **evs = vg_xcalloc(total, sizeof(char *));
  size_t *lens = vg_xcalloc(total, sizeof(size_t));
  json_t **batches = vg_xcalloc(total / per_batch, sizeof(json_t *));
  int64_t t0 = vg_event_now_ms() - 6 * 3600 * 1000LL;
  size_t bytes = 0;
  for (int si = 0; si < nsensors; si++) {
    struct event_mix mix;
    char host[32];
    snprintf(host, sizeof(host), "bench-%02d", si);
    event_mix_init(&mix, (uint64_t)si + 1, host, t0);
    for (size_t i = 0; i < per_sensor; i++) {
      size_t k = (size_t)si * per_sensor + i;
      json_t *ev = event_mix_next(&mix);
      struct vg_buf b;
      vg_buf_init(&b, 1 << 20);
      vg_event_codec_encode(ev, &b, NULL);
      bytes += b.len;
      evs[k] = vg_buf_steal(&b, &lens[k]);
      if (i % per_batch == 0) batches[k / per_batch] = json_array();
      json_array_append_new(batches[k / per_batch], ev);
    }
  }
  printf("events: %zu (%d sensors, %zu per batch, %d batches in flight per sensor), "
         "mean %zu B/event as JSON\n", total, nsensors, per_batch, window, bytes / total);

  double *raw = vg_xcalloc((size_t)runs, sizeof(double));
  double *e2e = vg_xcalloc((size_t)runs, sizeof(double));
  double *bpe = vg_xcalloc((size_t)runs, sizeof(double));
  double *raw_cpu = vg_xcalloc((size_t)runs, sizeof(double));
  double *e2e_cpu = vg_xcalloc((size_t)runs, sizeof(double));
  for (int run = 0; run < runs; run++) {
    char *dir = harness_mkdtemp("bench-raw");
    raw[run] = raw_puts(dir, evs, lens, total);
    harness_rm_rf(dir);
    free(dir);

    struct harness_vigild d;
    if (harness_vigild_start(&d, NULL)) return 1;
    struct sim *sims = vg_xcalloc((size_t)nsensors, sizeof(*sims));
    for (int si = 0; si < nsensors; si++) {
      struct sim *sm = &sims[si];
      struct vg_err err;
      if (sensor_sim_enroll(&sm->s, &d, NULL, "bench", &err)) {
        fprintf(stderr, "enroll: %s\n", err.msg);
        return 1;
      }
      json_t *w = sensor_sim_connect(&sm->s, &d, NULL, NULL);
      if (!w) return 1;
      json_decref(w);
      sm->per_batch = per_batch;
      sm->window = window;
      sm->nmsgs = per_sensor / per_batch;
      sm->msgs = vg_xcalloc(sm->nmsgs, sizeof(struct vg_buf));
      for (size_t bi = 0; bi < sm->nmsgs; bi++) {
        vg_buf_init(&sm->msgs[bi], VG_LIMIT_MSG_BYTES);
        struct vg_err be;
        if (vg_proto_batch_encode(&sm->msgs[bi], 1 + bi * per_batch,
                                  batches[(size_t)si * sm->nmsgs + bi], &be)) {
          fprintf(stderr, "batch encode: %s\n", be.msg);
          return 1;
        }
      }
    }
    pthread_t *th = vg_xcalloc((size_t)nsensors, sizeof(pthread_t));
    double t = now_s(), vc0 = procstat_cpu_s(d.pid);
    for (int si = 0; si < nsensors; si++) pthread_create(&th[si], NULL, sensor_main, &sims[si]);
    int ok = 1;
    for (int si = 0; si < nsensors; si++) {
      pthread_join(th[si], NULL);
      ok &= sims[si].ok;
    }
    e2e[run] = (double)total / (now_s() - t);
    e2e_cpu[run] = (double)total / (procstat_cpu_s(d.pid) - vc0);
    if (ok) object_lookups(&d, run);
    raw_cpu[run] = raw_cpu_rate;
    if (!ok) {
      fprintf(stderr, "a sensor did not get every ack\n");
      return 1;
    }
    for (int si = 0; si < nsensors; si++) {
      for (size_t bi = 0; bi < sims[si].nmsgs; bi++) vg_buf_cleanup(&sims[si].msgs[bi]);
      free(sims[si].msgs);
      sensor_sim_cleanup(&sims[si].s);
    }
    free(sims);
    free(th);
    harness_vigild_stop(&d);
    char *log = harness_read_file(d.log_path, NULL); /* vigild's own split of its CPU */
    const char *cpu = log ? strstr(log, " events stored in ") : NULL;
    while (cpu && cpu > log && cpu[-1] >= '0' && cpu[-1] <= '9') cpu--; /* the count */
    if (cpu) printf("run %d: vigild: %.*s\n", run + 1, (int)strcspn(cpu, "\n"), cpu);
    free(log);
    char *db = vg_xasprintf("%s/db", d.data_dir);
    struct store_opts so = {.path = db};
    struct store *st = store_open(&so, NULL);
    struct store_stats ss;
    store_flush(st, true, NULL);
    store_stats(st, &ss, NULL);
    bpe[run] = (double)ss.sst_bytes / (double)total;
    store_close(st);
    free(db);
    harness_vigild_cleanup(&d, false);
    printf("run %d: raw %.0f ev/s, end-to-end %.0f ev/s (%.2f), %.1f B/event on disk; per CPU "
           "second: raw %.0f, vigild %.0f (%.2f)\n",
           run + 1, raw[run], e2e[run], e2e[run] / raw[run], bpe[run], raw_cpu[run], e2e_cpu[run],
           e2e_cpu[run] / raw_cpu[run]);
    printf("run %d: insight.objects right after ingest (the last second's sums pending): median %.2f ms, "
           "worst of %d %.2f ms\n", run + 1, obj_p50[run], OBJ_LOOKUPS, obj_max[run]);
    fflush(stdout);
  }
  double mr = median(raw, runs), me = median(e2e, runs);
  printf("median of %d runs:\n", runs);
  printf("  raw RocksDB batched puts (1000/batch, WAL, no sync, zstd): %.0f events/s\n", mr);
  printf("  end-to-end durable ingest over TLS (WAL fsync per group):  %.0f events/s\n", me);
  printf("  ratio end-to-end / raw: %.2f (target >= 0.50)\n", me / mr);
  printf("  bytes per event on disk after compaction: %.1f (target <= 120)\n",
         median(bpe, runs));
  /* The wall-clock ratio shares two cores with the simulated sensors' TLS;
   * per CPU second compares the work each side needs for the same events. */
  double mrc = median(raw_cpu, runs), mec = median(e2e_cpu, runs);
  printf("  per CPU second (all threads): raw puts %.0f events, vigild %.0f events: ratio %.2f\n",
         mrc, mec, mec / mrc);
  printf("  insight.objects lookup after ingest: median %.2f ms, worst %.2f ms (median of runs)\n",
         median(obj_p50, runs), median(obj_max, runs));
  return 0;
}
