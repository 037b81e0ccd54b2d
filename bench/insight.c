/* insight.c — bench_insight: Insight reads over a large store (docs/performance.md,
 * "Insight"). N events (default 10,000,000; --events) from 100 simulated
 * sensors (--sensors), spread evenly over 364 days, go THROUGH THE REAL INGEST
 * PATH: the real vigild on loopback, TLS, gateway, ingest (scanner, stored
 * form, atoms, object index, counters), group commit, acks (bench/insight_load.c).
 * Then, in one run:
 *   - through vigild's API (bench/insight_api.c): timeline first page (100
 *     events) at a random instant of a random sensor, p50 / p99; the org-wide
 *     365-day histogram; the org-wide filtered search, all pages;
 *   - vigild stopped, the same store opened in-process: the timeline page and
 *     histogram at the storage layer, and the filtered search's scan rate
 *     beside a raw RocksDB scan of the same key range and `grep -c` over the
 *     same events as JSONL.
 * Usage: bench_insight [--events N] [--sensors N] [--days D (364)] [--pages N] [--dir PATH]
 * (--days only to try the bench quickly: every day is a partition to create.) */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend/insight_search.h"
#include "backend/store_counters.h"
#include "backend/store_int.h"
#include "backend/store_keys.h"
#include "bench/insight.h"
#include "shared/alloc.h"
#include "shared/event.h"
#include "shared/creds.h"

static int count_cb(void *ctx, const struct store_rec *r) {
  (void)r;
  ++*(uint64_t *)ctx;
  return 0;
}

static int hist_cb(void *ctx, int64_t b, uint16_t t, uint64_t n) {
  (void)b, (void)t;
  *(uint64_t *)ctx += n;
  return 0;
}

static struct harness_vigild *running; /* stopped at exit, whatever the path */
static void stop_vigild(void) {
  if (running && running->pid) harness_vigild_stop(running);
}

int main(int argc, char **argv) {
  long long nev = 10000000, pages = 1000;
  int nsensors = 100, days = 364;
  const char *dir = "/tmp/bench_insight";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!strcmp(argv[i], "--events")) nev = strtoll(argv[i + 1], NULL, 10);
    else if (!strcmp(argv[i], "--sensors")) nsensors = (int)strtol(argv[i + 1], NULL, 10);
    else if (!strcmp(argv[i], "--pages")) pages = strtoll(argv[i + 1], NULL, 10);
    else if (!strcmp(argv[i], "--days")) days = (int)strtol(argv[i + 1], NULL, 10);
    else if (!strcmp(argv[i], "--dir")) dir = argv[i + 1];
  }
  if (nsensors < 1 || nev < nsensors || pages < 1 || days < 1 || days > 364) return 2;
  if (!getenv("VIGIL_BINARY_DIR")) setenv("VIGIL_BINARY_DIR", BENCH_BINARY_DIR, 1);
  char cmd[512];
  snprintf(cmd, sizeof(cmd), "rm -rf %s && mkdir -p %s", dir, dir);
  if (system(cmd)) return 1;
  char jsonl[400];
  snprintf(jsonl, sizeof(jsonl), "%s/events.jsonl", dir);
  int64_t tnow = vg_event_now_ms(), t0 = tnow - days * INSIGHT_DAY_MS;
  struct insight_load l = {.events = nev, .sensors = nsensors, .t0 = t0,
                           .span = days * INSIGHT_DAY_MS, .jsonl = jsonl, .every_xyz = 97};
  l.sids = vg_xcalloc((size_t)nsensors, sizeof(*l.sids));

  struct harness_vigild d;
  const char *dbg[] = {"--log-level", "debug", NULL};
  if (harness_vigild_start(&d, getenv("BENCH_VIGILD_DEBUG") ? dbg : NULL)) return 1;
  running = &d;
  atexit(stop_vigild);
  if (insight_load_run(&d, &l)) return 1;
  printf("stored %lld events from %d sensors over %d days through the real ingest path "
         "(TLS, gateway, ingest, group commit, acks) in %.1f s = %.0f ev/s, event generation "
         "included\n", nev, nsensors, days, l.seconds, (double)nev / l.seconds);
  fflush(stdout);
  insight_api_reads(&d, &l, tnow, 500);
  fflush(stdout);
  harness_vigild_stop(&d);

  char *dbp = vg_xasprintf("%s/db", d.data_dir);
  struct vg_err err;
  struct store_opts o = {.path = dbp};
  struct store *s = store_open(&o, &err);
  if (!s) return fprintf(stderr, "open: %s\n", err.msg), 1;
  store_flush(s, true, &err);
  struct store_stats st;
  store_stats(s, &st, &err);
  printf("in-process, vigild stopped, after a full compaction: %.1f B/event on disk\n",
         (double)st.sst_bytes / (double)nev);
  uint8_t oid[16];
  struct vg_creds cr;
  if (harness_vigild_creds(&d, &cr)) return 1;
  vg_atom_uuid_parse(cr.oid, oid);
  uint8_t (*sids)[16] = vg_xcalloc((size_t)nsensors, 16);
  for (int k = 0; k < nsensors; k++) vg_atom_uuid_parse(l.sids[k], sids[k]);
  int64_t span = l.span;

  /* timeline pages */
  double *lat = vg_xcalloc((size_t)pages, sizeof(double));
  srand(42);
  for (long long p = 0; p < pages; p++) {
    struct store_timeline_q q = {oid, sids[rand() % nsensors],
                                 t0 + (int64_t)((double)rand() / RAND_MAX * (double)span),
                                 STORE_FORWARD, 100, NULL, 0};
    struct store_cursor cur = STORE_CURSOR_INIT;
    uint64_t got = 0;
    double a = insight_now_s();
    store_events_timeline(s, &q, &cur, count_cb, &got, &err);
    lat[p] = (insight_now_s() - a) * 1e3;
  }
  printf("store timeline first page (100 events, random sensor and instant): p50 %.2f ms, "
         "p99 %.2f ms (%lld pages; target p99 <= 10 ms)\n",
         insight_quantile(lat, pages, 0.5), insight_quantile(lat, pages, 0.99), pages);

  /* year histogram */
  uint64_t total = 0;
  double a = insight_now_s();
  store_counters_get(s, oid, NULL, STORE_GRAN_DAY, tnow - 365 * INSIGHT_DAY_MS, tnow + INSIGHT_DAY_MS, 0, hist_cb,
                     &total, &err);
  printf("store 365-day histogram, org-wide, day buckets: %.2f ms, total %llu (target <= 50 ms)\n",
         (insight_now_s() - a) * 1e3, (unsigned long long)total);

  /* raw RocksDB scan of the org's E keys, every partition */
  uint8_t hi[17];
  hi[0] = STORE_KEY_EVENT;
  memcpy(hi + 1, oid, 16);
  for (int i = 16; i >= 1; i--)
    if (++hi[i]) break;
  uint8_t lo[17] = {STORE_KEY_EVENT};
  memcpy(lo + 1, oid, 16);
  uint64_t raw = 0, rawbytes = 0;
  a = insight_now_s();
  rocksdb_readoptions_t *ro = rocksdb_readoptions_create();
  rocksdb_readoptions_set_iterate_upper_bound(ro, (const char *)hi, sizeof(hi));
  for (size_t i = 0; i < s->nparts; i++) {
    rocksdb_iterator_t *it = rocksdb_create_iterator_cf(s->db, ro, s->parts[i].cf);
    for (rocksdb_iter_seek(it, (const char *)lo, sizeof(lo)); rocksdb_iter_valid(it);
         rocksdb_iter_next(it)) {
      size_t vl;
      const char *v = rocksdb_iter_value(it, &vl);
      raw++;
      rawbytes += vl + (uint8_t)v[0];
    }
    rocksdb_iter_destroy(it);
  }
  rocksdb_readoptions_destroy(ro);
  double rawt = insight_now_s() - a;

  /* the filtered search, org-wide, whole range */
  const char *qt = "* | * | DNS_REQUEST | event/DOMAIN_NAME ends with \".xyz\" | COUNT() as n";
  struct vg_query *q = vg_query_parse(qt, strlen(qt), tnow, &err);
  struct insight_search_spec sp = {oid, q, NULL, NULL, 0};
  struct store_scan_pos pos = {0};
  struct insight_agg *agg = insight_agg_new();
  struct insight_search_stats ss = {0, 0, 0};
  a = insight_now_s();
  int calls = 0;
  while (insight_search_run(s, &sp, &pos, 250000, 0, NULL, agg, &ss, &err) == 0) calls++;
  double ft = insight_now_s() - a;
  json_t *rows = insight_agg_rows(agg, q);
  long long matched = json_integer_value(json_object_get(json_array_get(rows, 0), "n"));
  json_decref(rows);
  insight_agg_free(agg);
  vg_query_free(q);
  printf("raw RocksDB scan of the org's event keys: %llu rows in %.2f s = %.2f M rows/s\n",
         (unsigned long long)raw, rawt, (double)raw / rawt / 1e6);
  printf("filtered search (%s): %lld matches, %llu keys scanned, %llu parsed, %d calls of "
         "250k keys, %.2f s = %.2f M rows/s = %.0f%% of raw (target >= 50%%)\n",
         qt, matched, (unsigned long long)ss.examined, (unsigned long long)ss.parsed, calls + 1, ft,
         (double)nev / ft / 1e6, 100.0 * ((double)nev / ft) / ((double)raw / rawt));
  snprintf(cmd, sizeof(cmd), "grep -c '\\.xyz\"' %s | cat > /dev/null", jsonl);
  a = insight_now_s();
  if (system(cmd) < 0) return 1;
  double gt = insight_now_s() - a;
  printf("grep -c over the same events as JSONL: %.2f s = %.2f M lines/s\n", gt,
         (double)nev / gt / 1e6);
  free(lat);
  free(sids);
  free(l.sids);
  free(dbp);
  store_close(s);
  harness_vigild_cleanup(&d, false);
  return 0;
}
