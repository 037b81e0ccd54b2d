/* event_mix.h — a realistic, reproducible mix of endpoint telemetry for
 * benchmarks: NEW_PROCESS with PARENT, TERMINATE_PROCESS, DNS_REQUEST,
 * NEW_TCP4_CONNECTION, FILE_CREATE/FILE_MODIFIED, MODULE_LOAD, CODE_IDENTITY
 * in the proportions a busy Linux server shows, with real-looking paths,
 * command lines, users, domains and addresses (300–700 bytes each).
 * As on a real host: each binary has one stable hash, and an event's parent
 * is one of the host's recent processes (a NEW_PROCESS becomes one). */
#ifndef VIGIL_BENCH_EVENT_MIX_H
#define VIGIL_BENCH_EVENT_MIX_H

#include <jansson.h>
#include <stdint.h>

struct event_mix {
  uint64_t rng;
  char hostname[64];
  int64_t time_ms;
  char procs[16][33]; /* atoms of recent processes: the parents of new events */
};

void event_mix_init(struct event_mix *m, uint64_t seed, const char *hostname, int64_t t0_ms);
/* The next event (new reference), its time a few ms after the previous one. */
json_t *event_mix_next(struct event_mix *m);

#endif
