/* insight.h — the parts of bench_insight (bench/insight.c): loading events
 * through the real ingest path, and timing reads through the real API. */
#ifndef VIGIL_BENCH_INSIGHT_H
#define VIGIL_BENCH_INSIGHT_H

#include <stdint.h>

#include "shared/atom.h"
#include "tests/harness/harness.h"

#define INSIGHT_DAY_MS 86400000LL

struct insight_load {
  long long events;   /* in total, spread evenly over the sensors */
  int sensors;
  int64_t t0, span;   /* event i of the whole stream is at t0 + span * i / events */
  const char *jsonl;  /* every event as one JSON line (the grep baseline) */
  int every_xyz;      /* a DNS_REQUEST at a multiple of this index asks c2.evil.xyz */
  /* out */
  char (*sids)[VG_UUID_STR_LEN + 1]; /* sensors' sids, filled */
  double seconds;                    /* first send to last ack */
  long long xyz;                     /* DNS_REQUESTs for c2.evil.xyz sent */
};

/* Enroll l->sensors simulated sensors on d and send l->events events from
 * bench/event_mix.c, each sensor on its own thread over real TLS, each batch
 * acknowledged only once durable (vigild's group commit). 0 or -1. */
int insight_load_run(const struct harness_vigild *d, struct insight_load *l);

/* Timed reads through vigild's websocket API (the running daemon d), printed. */
void insight_api_reads(const struct harness_vigild *d, const struct insight_load *l,
                       int64_t tnow, int pages);


double insight_now_s(void);
/* The p-quantile (0..1) of v[0..n) (sorts v). */
double insight_quantile(double *v, long long n, double p);

#endif
