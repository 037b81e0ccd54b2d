/* insight_load.c — bench_insight's load: simulated sensors send the event mix
 * through the real ingest path (TLS → gateway → ingest → RocksDB, acked once
 * durable), one thread per sensor, a window of batches in flight each. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench/event_mix.h"
#include "bench/insight.h"
#include "shared/alloc.h"
#include "shared/buf.h"
#include "shared/limits.h"
#include "shared/proto.h"
#include "shared/ws_client.h"
#include "tests/harness/sensor_sim.h"

#define PER_BATCH 500
#define WINDOW 4

struct loader {
  struct sensor_sim s;
  const struct insight_load *l;
  int k;               /* sensor index */
  long long n;         /* events this sensor sends */
  FILE *jf;            /* shared, under jmu */
  pthread_mutex_t *jmu;
  long long xyz;
  int ok;
};

double insight_now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_d(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

double insight_quantile(double *v, long long n, double p) {
  qsort(v, (size_t)n, sizeof(double), cmp_d);
  long long i = (long long)((double)n * p);
  return v[i >= n ? n - 1 : i];
}

/* One batch of the sensor's events [j0, j0+cnt) encoded into out; their JSON
 * lines appended to lines. */
static int make_batch(struct loader *ld, struct event_mix *mix, long long j0, int cnt,
                      struct vg_buf *out, struct vg_buf *lines) {
  const struct insight_load *l = ld->l;
  json_t *arr = json_array();
  for (int q = 0; q < cnt; q++) {
    long long g = (j0 + q) * l->sensors + ld->k; /* index in the whole stream */
    json_t *ev = event_mix_next(mix);
    json_t *rt = json_object_get(ev, "routing");
    json_object_set_new(rt, "event_time",
                        json_integer(l->t0 + (int64_t)((double)l->span * (double)g /
                                                       (double)l->events)));
    if (g % l->every_xyz == 0 &&
        !strcmp(json_string_value(json_object_get(rt, "event_type")), "DNS_REQUEST")) {
      json_object_set_new(json_object_get(ev, "event"), "DOMAIN_NAME", json_string("c2.evil.xyz"));
      ld->xyz++;
    }
    char *line = json_dumps(ev, JSON_COMPACT);
    vg_buf_puts(lines, line);
    vg_buf_putc(lines, '\n');
    free(line);
    json_array_append_new(arr, ev);
  }
  vg_buf_reset(out);
  struct vg_err err;
  int r = vg_proto_batch_encode(out, 1 + (uint64_t)j0, arr, &err);
  json_decref(arr);
  if (r) fprintf(stderr, "batch encode: %s\n", err.msg);
  return r;
}

static void *sensor_main(void *arg) {
  struct loader *ld = arg;
  struct event_mix mix;
  char host[32];
  snprintf(host, sizeof(host), "host-%03d", ld->k);
  event_mix_init(&mix, (uint64_t)ld->k + 1, host, ld->l->t0);
  struct vg_buf out, lines;
  vg_buf_init(&out, VG_LIMIT_MSG_BYTES);
  vg_buf_init(&lines, 64u << 20);
  long long sent = 0, acked = 0; /* events */
  while (acked < ld->n) {
    while (sent < ld->n && sent - acked < (long long)WINDOW * PER_BATCH) {
      int cnt = ld->n - sent < PER_BATCH ? (int)(ld->n - sent) : PER_BATCH;
      vg_buf_reset(&lines);
      if (make_batch(ld, &mix, sent, cnt, &out, &lines)) goto done;
      if (vg_ws_client_send(ld->s.ws, out.data, out.len)) goto done;
      pthread_mutex_lock(ld->jmu);
      fwrite(lines.data, 1, lines.len, ld->jf);
      pthread_mutex_unlock(ld->jmu);
      sent += cnt;
    }
    json_t *a = sensor_sim_recv(&ld->s, "ack", 120000);
    if (!a) {
      fprintf(stderr, "sensor %d: no ack after %lld of %lld events (%lld sent)\n", ld->k, acked,
              ld->n, sent);
      goto done;
    }
    acked = (long long)json_integer_value(json_object_get(a, "seq"));
    json_decref(a);
  }
  ld->ok = 1;
done:
  vg_buf_cleanup(&out);
  vg_buf_cleanup(&lines);
  return NULL;
}

int insight_load_run(const struct harness_vigild *d, struct insight_load *l) {
  FILE *jf = fopen(l->jsonl, "w");
  if (!jf) return perror(l->jsonl), -1;
  pthread_mutex_t jmu = PTHREAD_MUTEX_INITIALIZER;
  struct loader *lds = vg_xcalloc((size_t)l->sensors, sizeof(*lds));
  for (int k = 0; k < l->sensors; k++) {
    struct loader *ld = &lds[k];
    char host[32];
    snprintf(host, sizeof(host), "host-%03d", k);
    struct vg_err err;
    if (sensor_sim_enroll(&ld->s, d, NULL, host, &err)) {
      fprintf(stderr, "enroll: %s\n", err.msg);
      return -1;
    }
    json_t *w = sensor_sim_connect(&ld->s, d, NULL, NULL);
    if (!w) return fprintf(stderr, "connect failed\n"), -1;
    json_decref(w);
    snprintf(l->sids[k], sizeof(l->sids[k]), "%s", ld->s.id.sid);
    ld->l = l;
    ld->k = k;
    ld->n = l->events / l->sensors + (k < l->events % l->sensors);
    ld->jf = jf;
    ld->jmu = &jmu;
  }
  pthread_t *th = vg_xcalloc((size_t)l->sensors, sizeof(*th));
  double a = insight_now_s();
  for (int k = 0; k < l->sensors; k++) pthread_create(&th[k], NULL, sensor_main, &lds[k]);
  int ok = 1;
  l->xyz = 0;
  for (int k = 0; k < l->sensors; k++) {
    pthread_join(th[k], NULL);
    ok &= lds[k].ok;
    l->xyz += lds[k].xyz;
  }
  l->seconds = insight_now_s() - a;
  fclose(jf);
  for (int k = 0; k < l->sensors; k++) sensor_sim_cleanup(&lds[k].s);
  free(lds);
  free(th);
  if (!ok) fprintf(stderr, "a sensor did not get every ack\n");
  return ok ? 0 : -1;
}
