/* runtime.h — vigil-sensor's runtime: the state, the spool and sequence
 * numbers, the event selection and history ring, the connection to the
 * gateway, task dispatch, collectors. main.c calls runtime_run; the
 * runtime-owned commands (cmd_runtime.c, cmd_deny_tree.c) call the rest with
 * ctx->runtime. docs/sensor.md has the architecture. */
#ifndef VIGIL_SENSOR_RUNTIME_H
#define VIGIL_SENSOR_RUNTIME_H

#include <jansson.h>
#include <stdint.h>

#include "sensor/history.h"
#include "sensor/sensor.h"

#define RUNTIME_TASK_WORKERS 4        /* commands running at once */
#define RUNTIME_TASK_QUEUE 64         /* commands waiting for a worker */
#define RUNTIME_BATCH_EVENTS 500      /* events in one batch we send */
#define RUNTIME_BATCH_BYTES (1u << 20) /* payload bytes in one batch we send */
#define RUNTIME_INFLIGHT_EVENTS 20000 /* sent but not acked */
#define RUNTIME_SHUTDOWN_FLUSH_MS 2000 /* time to send what is spooled when stopping */
#define RUNTIME_BACKOFF_MIN_MS 250    /* reconnect delay, doubling per failure ... */
#define RUNTIME_BACKOFF_MAX_MS 30000  /* ... up to this, +0..20 % jitter */
#define RUNTIME_DD_PENDING 4096       /* unacked DATA_DROPPED events tracked */

struct sensor_rt;

struct runtime_opts {
  const char *state_dir;
  uint64_t spool_max_bytes; /* 0 → SPOOL_DEFAULT_MAX_BYTES */
  size_t history_events;    /* 0 → HISTORY_DEFAULT_EVENTS */
  char **argv;              /* for `restart` (re-exec) */
  const char *collectors;   /* comma-separated names/kinds to run; NULL = all */
  bool no_ebpf;             /* skip the eBPF collectors (their fallbacks run) */
};

/* Run in the foreground until SIGTERM/SIGINT (or `restart`, which re-execs
 * argv). Returns the process exit code. */
int runtime_run(const struct runtime_opts *o);

/* The unsent telemetry that passes f (new array reference). */
json_t *runtime_history(struct sensor_rt *rt, const struct history_filter *f);
/* Send ev (taken) whatever the selection says (history replay). */
void runtime_emit_always(struct sensor_rt *rt, json_t *ev);
/* Local selection additions (exfil_*). */
int runtime_exfil_add(struct sensor_rt *rt, const char *type, int64_t expire_ms);
int runtime_exfil_del(struct sensor_rt *rt, const char *type);
/* {"EVENTS": [backend selection, or null for every type], "LOCAL": {type: expiry}} */
json_t *runtime_exfil_get(struct sensor_rt *rt);
/* Stop cleanly and start again (re-exec). */
void runtime_request_restart(struct sensor_rt *rt);

#endif
