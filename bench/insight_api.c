/* insight_api.c — bench_insight's reads as an analyst makes them: through
 * vigild's websocket API over TLS (request → JSON response), vigild running. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/insight.h"
#include "shared/alloc.h"
#include "shared/api_client.h"
#include "shared/creds.h"

#define SEARCH_QUERY \
  "* | * | DNS_REQUEST | event/DOMAIN_NAME ends with \".xyz\" | COUNT() as n"

/* The result of a call (new reference); exits naming the error otherwise. */
static json_t *must(struct vg_api *a, const char *method, json_t *params) {
  json_t *res = NULL;
  struct vg_err err;
  if (vg_api_call(a, method, params, 600000, &res, &err)) {
    fprintf(stderr, "bench_insight: %s: %s\n", method, err.msg);
    exit(1);
  }
  return res;
}

void insight_api_reads(const struct harness_vigild *d, const struct insight_load *l,
                       int64_t tnow, int pages) {
  struct vg_creds cr;
  if (harness_vigild_creds(d, &cr)) exit(1);
  struct vg_err err;
  struct vg_api *c = vg_api_connect(&cr, false, 10000, &err);
  if (!c) {
    fprintf(stderr, "bench_insight: API: %s\n", err.msg);
    exit(1);
  }

  /* the first page (100 events) of a random sensor at a random instant */
  double *lat = vg_xcalloc((size_t)pages, sizeof(double));
  long long got = 0;
  srand(7);
  for (int p = 0; p < pages; p++) {
    int64_t from = l->t0 + (int64_t)((double)rand() / RAND_MAX * (double)l->span);
    json_t *params = json_pack("{s:s, s:I, s:s, s:i}", "sid", l->sids[rand() % l->sensors],
                               "from", (json_int_t)from, "direction",
                               rand() % 2 ? "forward" : "backward", "limit", 100);
    double a = insight_now_s();
    json_t *r = must(c, "insight.timeline", params);
    lat[p] = (insight_now_s() - a) * 1e3;
    got += (long long)json_array_size(json_object_get(r, "events"));
    json_decref(r);
  }
  printf("API insight.timeline, first page of 100 at a random sensor and instant, %d pages "
         "(%lld events returned): p50 %.2f ms, p99 %.2f ms (target p99 <= 10 ms)\n",
         pages, got, insight_quantile(lat, pages, 0.5), insight_quantile(lat, pages, 0.99));

  /* the org-wide 365-day histogram, per type, 5 times */
  double h[5];
  long long total = 0;
  for (int i = 0; i < 5; i++) {
    json_t *params = json_pack("{s:I, s:I, s:b}", "from", (json_int_t)(tnow - 365 * INSIGHT_DAY_MS),
                               "to", (json_int_t)tnow, "per_type", 1);
    double a = insight_now_s();
    json_t *r = must(c, "insight.histogram", params);
    h[i] = (insight_now_s() - a) * 1e3;
    total = json_integer_value(json_object_get(r, "total"));
    json_decref(r);
  }
  printf("API insight.histogram, org-wide, 365 days, day buckets per type: median %.2f ms, "
         "total %lld of %lld stored (target <= 50 ms)\n",
         insight_quantile(h, 5, 0.5), total, l->events);

  /* the org-wide filtered search, all pages */
  json_t *cursor = NULL;
  long long scanned = 0, parsed = 0, n = -1;
  int calls = 0;
  double a = insight_now_s();
  for (;;) {
    json_t *params = json_pack("{s:s}", "query", SEARCH_QUERY);
    if (cursor) json_object_set(params, "cursor", cursor);
    json_t *r = must(c, "insight.search", params);
    calls++;
    json_t *st = json_object_get(r, "stats");
    /* an aggregation's stats are running totals (docs/api.md) */
    scanned = json_integer_value(json_object_get(st, "scanned"));
    parsed = json_integer_value(json_object_get(st, "parsed"));
    json_t *rows = json_object_get(r, "results");
    if (json_array_size(rows))
      n = json_integer_value(json_object_get(json_array_get(rows, 0), "n"));
    json_decref(cursor);
    cursor = json_incref(json_object_get(r, "next"));
    int done = json_is_true(json_object_get(r, "done"));
    json_decref(r);
    if (done || json_is_null(cursor) || !cursor) break;
  }
  double st = insight_now_s() - a;
  json_decref(cursor);
  printf("API insight.search '%s': n = %lld (sent %lld), %lld keys scanned, %lld parsed, "
         "%d calls, %.2f s = %.2f M events/s\n",
         SEARCH_QUERY, n, l->xyz, scanned, parsed, calls, st, (double)l->events / st / 1e6);
  free(lat);
  vg_api_close(c);
}
