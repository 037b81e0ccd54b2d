/* rules.c (bench) — the expression engine and feeds: load time and lookup
 * rate of a 1,000,000-entry feed; rule-evaluation throughput of 10 / 100 /
 * 1000 rules (IOC `is` rules as the wizard writes them, plus regex and
 * stateful ones) over the realistic event mix through the value index
 * (shared/expr_index.h), beside the baseline of a bare call per event. Rates are per
 * core: the evaluating thread's CPU time, median of 3 passes. Figures:
 * docs/performance.md, "Rules". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench/event_mix.h"
#include "shared/expr.h"
#include "shared/expr_index.h"
#include "shared/feed.h"
#include "shared/routing.h"

#define NEV 200000

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of this thread: "per core" figures that other processes on a
 * shared machine do not inflate (they still share caches). */
static double cpu_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#define PASSES 3 /* each case timed this many times; the median is printed */

static int cmp_d(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static volatile unsigned sink;
static void bare(const json_t *ev, const struct vg_routing *r) { sink += (unsigned)r->event_time + (ev != NULL); }

/* Rule number i of shape kind (kind % 10: 8 regex, 9 stateful, else IOC). */
static struct vg_expr *rule(int kind, int i) {
  char y[512];
  if (kind % 10 == 8)
    snprintf(y, sizeof(y), "op: matches\nevent: NEW_PROCESS\npath: event/COMMAND_LINE\nre: 'evil%d[0-9]+ --(x|y)'\n", i);
  else if (kind % 10 == 9)
    snprintf(y, sizeof(y), "event: NEW_PROCESS\nop: ends with\npath: event/FILE_PATH\nvalue: /evil%d\n"
             "with child:\n  op: contains\n  path: event/COMMAND_LINE\n  value: x%d\n", i, i);
  else if (i % 3 == 0)
    snprintf(y, sizeof(y), "op: is\nevent: DNS_REQUEST\npath: event/DOMAIN_NAME\nvalue: evil%d.example\n", i);
  else if (i % 3 == 1)
    snprintf(y, sizeof(y), "op: is\nevent: NEW_TCP4_CONNECTION\npath: event/DESTINATION/IP_ADDRESS\nvalue: 203.0.113.%d\n", i % 250);
  else
    snprintf(y, sizeof(y), "op: ends with\nevent: NEW_PROCESS\npath: event/FILE_PATH\nvalue: /evil%d\ncase sensitive: false\n", i);
  struct vg_err e;
  struct vg_expr *x = vg_expr_compile_text(y, strlen(y), "bench", &e);
  if (!x) abort();
  return x;
}

int main(void) {
  /* events, decoded once (rules run on parsed events) */
  struct event_mix m;
  event_mix_init(&m, 42, "bench-host", 1764340000000);
  json_t **evs = malloc(NEV * sizeof(*evs));
  struct vg_routing *rts = malloc(NEV * sizeof(*rts));
  for (int i = 0; i < NEV; i++) {
    evs[i] = event_mix_next(&m);
    if (vg_routing_get(evs[i], &rts[i], NULL)) abort();
  }
  double t0 = cpu_s();
  for (int i = 0; i < NEV; i++) bare(evs[i], &rts[i]);
  double base = NEV / (cpu_s() - t0);
  printf("baseline (bare hook call): %.0f events/s\n", base);
  /* two rule sets: "mix" as before (every tenth rule a regex, every tenth a
   * stateful with child), "ioc" as the wizard writes them (one regex and one
   * stateful rule, the rest IOC `is` / `ends with`) */
  const char *sets[] = {"mix", "ioc"};
  int sizes[] = {10, 100, 1000};
  for (int set = 0; set < 2; set++) {
    double ten = 0;
    for (int s = 0; s < 3; s++) {
      int n = sizes[s];
      struct vg_expr **rs = malloc((size_t)n * sizeof(*rs));
      struct vg_expr_state **st = malloc((size_t)n * sizeof(*st));
      struct vg_expr_index *ix = vg_expr_index_new();
      for (int i = 0; i < n; i++) {
        int kind = set == 0 ? i : (i == 8 || i == 9 ? i : i - i % 10 + (i % 10) % 8);
        rs[i] = rule(kind, i), st[i] = vg_expr_state_new();
        vg_expr_index_add(ix, (uint32_t)i, rs[i]);
      }
      uint32_t *cand = malloc((size_t)n * sizeof(*cand));
      uint64_t matches = 0, evals = 0;
      double rates[PASSES];
      for (int pass = 0; pass < PASSES; pass++) {
        for (int i = 0; i < n; i++) vg_expr_state_free(st[i]), st[i] = vg_expr_state_new();
        matches = evals = 0;
        t0 = cpu_s();
        for (int e = 0; e < NEV; e++) {
          size_t nc = vg_expr_index_candidates(ix, evs[e], &rts[e], cand, (size_t)n);
          evals += nc;
          for (size_t c = 0; c < nc; c++) {
            json_t *rep = NULL;
            matches += vg_expr_eval(rs[cand[c]], evs[e], &rts[e], NULL, st[cand[c]], &rep);
            json_decref(rep);
          }
        }
        rates[pass] = NEV / (cpu_s() - t0);
      }
      qsort(rates, PASSES, sizeof(double), cmp_d);
      double rate = rates[PASSES / 2];
      if (n == 10) ten = rate;
      size_t guarded = 0;
      vg_expr_index_stats(ix, NULL, &guarded);
      printf("%s %4d rules (%zu indexed): %.0f events/s per core (%.2fx the 10-rule time, "
             "%.2f evaluations/event, %llu matches)\n",
             sets[set], n, guarded, rate, ten / rate, (double)evals / NEV,
             (unsigned long long)matches);
      vg_expr_index_free(ix);
      for (int i = 0; i < n; i++) vg_expr_free(rs[i]), vg_expr_state_free(st[i]);
      free(cand);
      free(rs);
      free(st);
    }
  }
  /* a 1,000,000-entry feed */
  const char *path = "/tmp/vigil-bench-feed.txt";
  FILE *f = fopen(path, "w");
  for (int i = 0; i < 1000000; i++) fprintf(f, "host%d.miner-pool.example\n", i);
  fclose(f);
  t0 = now_s();
  struct vg_feed *feed = vg_feed_load(path, NULL);
  printf("feed: %zu entries loaded in %.2f s\n", vg_feed_size(feed), now_s() - t0);
  char q[64];
  t0 = now_s();
  unsigned hits = 0;
  for (int i = 0; i < 2000000; i++) {
    snprintf(q, sizeof(q), "host%d.miner-pool.example", (int)(((unsigned)i * 7919u) % 2000000u));
    hits += vg_feed_has(feed, q, NULL);
  }
  printf("feed: %.0f lookups/s (%u hits of 2000000, half absent)\n", 2000000 / (now_s() - t0), hits);
  vg_feed_free(feed);
  remove(path);
  for (int i = 0; i < NEV; i++) json_decref(evs[i]);
  free(evs);
  free(rts);
  return 0;
}
