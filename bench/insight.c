/* insight.c — bench_insight: Insight reads over a large store (docs/performance.md,
 * "Insight"). Stores N events (default 10,000,000; --events) across 100 sensors
 * over 365 days THROUGH store_write_events with the stored form ingest writes
 * (event JSON without oid/sid/event_id, type id, atoms, objects) — not through
 * the websocket ingest path, which would take hours at this size on the
 * 2-core machine — then prints, in one run:
 *   - timeline first page (100 events) at a random instant of a random sensor,
 *     p50 / p99 over --pages pages;
 *   - an org-wide 365-day histogram (day buckets);
 *   - an org-wide filtered search (DNS_REQUEST, DOMAIN_NAME ends with ".xyz",
 *     COUNT) scan rate beside a raw RocksDB scan of the same key range and
 *     `grep -c` over the same events as JSONL.
 * Usage: bench_insight [--events N] [--pages N] [--dir PATH] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend/ingest_objects.h"
#include "backend/insight_search.h"
#include "backend/store_counters.h"
#include "backend/store_int.h"
#include "backend/store_keys.h"
#include "bench/event_mix.h"
#include "shared/atom.h"
#include "shared/event.h"
#include "shared/event_types.h"

#define SENSORS 100
#define DAY_MS 86400000LL
#define BATCH 10000

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_d(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

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

int main(int argc, char **argv) {
  long long nev = 10000000, pages = 1000;
  const char *dir = "/tmp/bench_insight";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!strcmp(argv[i], "--events")) nev = strtoll(argv[i + 1], NULL, 10);
    else if (!strcmp(argv[i], "--pages")) pages = strtoll(argv[i + 1], NULL, 10);
    else if (!strcmp(argv[i], "--dir")) dir = argv[i + 1];
  }
  if (nev < SENSORS || pages < 1) return 2;
  char cmd[512];
  snprintf(cmd, sizeof(cmd), "rm -rf %s && mkdir -p %s", dir, dir);
  if (system(cmd)) return 1;
  char dbp[400], jsonl[400];
  snprintf(dbp, sizeof(dbp), "%s/db", dir);
  snprintf(jsonl, sizeof(jsonl), "%s/events.jsonl", dir);
  struct vg_err err;
  struct store_opts o = {.path = dbp};
  struct store *s = store_open(&o, &err);
  if (!s) return fprintf(stderr, "open: %s\n", err.msg), 1;
  FILE *jf = fopen(jsonl, "w");
  uint8_t oid[16], sids[SENSORS][16];
  vg_atom_random(oid);
  struct event_mix *mix = calloc(SENSORS, sizeof(*mix));
  int64_t tnow = vg_event_now_ms(), t0 = tnow - 364 * DAY_MS, span = 364 * DAY_MS;
  for (int k = 0; k < SENSORS; k++) {
    vg_atom_random(sids[k]);
    char h[32];
    snprintf(h, sizeof(h), "host-%03d", k);
    event_mix_init(&mix[k], (uint64_t)k + 1, h, t0);
  }
  struct store_event *evs = calloc(BATCH, sizeof(*evs));
  char **bufs = calloc(BATCH, sizeof(*bufs));
  uint64_t seq[SENSORS] = {0};
  double w0 = now_s();
  for (long long i = 0; i < nev;) {
    size_t n = 0;
    for (; n < BATCH && i < nev; n++, i++) {
      int k = (int)(i % SENSORS);
      json_t *ev = event_mix_next(&mix[k]);
      int64_t t = t0 + (int64_t)((double)span * (double)i / (double)nev);
      json_t *rt = json_object_get(ev, "routing");
      json_object_set_new(rt, "event_time", json_integer(t));
      json_object_del(rt, "oid");
      json_object_del(rt, "sid");
      json_object_del(rt, "event_id");
      if (i % 97 == 0 && !strcmp(json_string_value(json_object_get(rt, "event_type")), "DNS_REQUEST"))
        json_object_set_new(json_object_get(ev, "event"), "DOMAIN_NAME", json_string("c2.evil.xyz"));
      struct store_event *se = &evs[n];
      memset(se, 0, sizeof(*se));
      memcpy(se->oid, oid, 16);
      memcpy(se->sid, sids[k], 16);
      se->time_ms = t;
      se->seq = ++seq[k];
      uint32_t tid = vg_event_type_id(json_string_value(json_object_get(rt, "event_type")));
      se->type_id = (uint16_t)(tid ? tid : VG_EVENT_TYPE_OTHER);
      const char *th = json_string_value(json_object_get(rt, "this"));
      const char *pa = json_string_value(json_object_get(rt, "parent"));
      const struct vg_event_type *et = vg_event_type_by_id(tid);
      se->has_this = et && (et->flags & VG_EVENT_TYPE_ATOM) && th && !vg_atom_parse(th, se->this_atom);
      se->has_parent = pa && !vg_atom_parse(pa, se->parent_atom);
      char *pl = json_dumps(json_object_get(ev, "event"), JSON_COMPACT);
      ingest_objects_extract(pl, strlen(pl), se);
      free(pl);
      bufs[n] = json_dumps(ev, JSON_COMPACT);
      se->data = bufs[n];
      se->len = strlen(bufs[n]);
      fprintf(jf, "%s\n", bufs[n]);
      json_decref(ev);
    }
    int r = store_write_events(s, evs, n, false, &err);
    if (r < 0) return fprintf(stderr, "write: %s\n", err.msg), 1;
    for (size_t j = 0; j < n; j++) free(bufs[j]);
  }
  fclose(jf);
  double wt = now_s() - w0;
  store_flush(s, true, &err);
  struct store_stats st;
  store_stats(s, &st, &err);
  printf("stored %lld events / %d sensors / 365 days via store_write_events in %.1f s "
         "(%.0f ev/s incl. generation); %.1f B/event on disk after compaction\n",
         nev, SENSORS, wt, (double)nev / wt, (double)st.sst_bytes / (double)nev);

  /* timeline pages */
  double *lat = calloc((size_t)pages, sizeof(double));
  srand(42);
  for (long long p = 0; p < pages; p++) {
    struct store_timeline_q q = {oid, sids[rand() % SENSORS],
                                 t0 + (int64_t)((double)rand() / RAND_MAX * (double)span),
                                 STORE_FORWARD, 100, NULL, 0};
    struct store_cursor cur = STORE_CURSOR_INIT;
    uint64_t got = 0;
    double a = now_s();
    store_events_timeline(s, &q, &cur, count_cb, &got, &err);
    lat[p] = (now_s() - a) * 1e3;
  }
  qsort(lat, (size_t)pages, sizeof(double), cmp_d);
  printf("timeline first page (100 events, random sensor and instant): p50 %.2f ms, p99 %.2f ms "
         "(%lld pages; target p99 <= 10 ms)\n",
         lat[pages / 2], lat[(size_t)((double)pages * 0.99)], pages);

  /* year histogram */
  uint64_t total = 0;
  double a = now_s();
  store_counters_get(s, oid, NULL, STORE_GRAN_DAY, tnow - 365 * DAY_MS, tnow + DAY_MS, 0, hist_cb,
                     &total, &err);
  printf("365-day histogram, org-wide, day buckets: %.2f ms, total %llu (target <= 50 ms)\n",
         (now_s() - a) * 1e3, (unsigned long long)total);

  /* raw RocksDB scan of the org's E keys, every partition */
  uint8_t hi[17];
  hi[0] = STORE_KEY_EVENT;
  memcpy(hi + 1, oid, 16);
  for (int i = 16; i >= 1; i--)
    if (++hi[i]) break;
  uint8_t lo[17] = {STORE_KEY_EVENT};
  memcpy(lo + 1, oid, 16);
  uint64_t raw = 0, rawbytes = 0;
  a = now_s();
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
  double rawt = now_s() - a;

  /* the filtered search, org-wide, whole range */
  const char *qt = "* | * | DNS_REQUEST | event/DOMAIN_NAME ends with \".xyz\" | COUNT() as n";
  struct vg_query *q = vg_query_parse(qt, strlen(qt), tnow, &err);
  struct insight_search_spec sp = {oid, q, NULL, NULL, 0};
  struct store_scan_pos pos = {0};
  struct insight_agg *agg = insight_agg_new();
  struct insight_search_stats ss = {0, 0, 0};
  a = now_s();
  int calls = 0;
  while (insight_search_run(s, &sp, &pos, 250000, 0, NULL, agg, &ss, &err) == 0) calls++;
  double ft = now_s() - a;
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
  a = now_s();
  if (system(cmd) < 0) return 1;
  double gt = now_s() - a;
  printf("grep -c over the same events as JSONL: %.2f s = %.2f M lines/s\n", gt,
         (double)nev / gt / 1e6);
  free(lat);
  free(evs);
  free(bufs);
  free(mix);
  store_close(s);
  return 0;
}
