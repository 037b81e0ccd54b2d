/* collect_sink.h — a struct sensor_sink for collector tests: it keeps
 * every emitted event in memory and lets the test wait for one; plus a
 * proc_atom that knows the pids the test registered (its children). */
#ifndef VIGIL_COLLECT_SINK_H
#define VIGIL_COLLECT_SINK_H

#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>

#include "sensor/sensor.h"

#define COLLECT_SINK_PIDS 64

struct collect_sink {
  pthread_mutex_t lock; /* guards everything below */
  pthread_cond_t cond;
  json_t *events;       /* array of envelopes, in emit order */
  pid_t pids[COLLECT_SINK_PIDS];
  char atoms[COLLECT_SINK_PIDS][VG_ATOM_HEX_LEN + 1];
  size_t npids;
};

/* Init s and point ctx's sink and proc_atom/atom_pid at it; ctx->self_pid =
 * getpid(), other fields zero. */
void collect_sink_init(struct collect_sink *s, struct sensor_ctx *ctx);
void collect_sink_cleanup(struct collect_sink *s);
/* Register pid with a fresh atom (copied to atom if not NULL). */
void collect_sink_add_pid(struct collect_sink *s, pid_t pid, char atom[VG_ATOM_HEX_LEN + 1]);

/* A predicate on one envelope. */
typedef bool (*collect_sink_match_fn)(json_t *ev, void *arg);

/* The first event (from index 0) of type whose event/<field> is the string
 * value (field NULL: any), waiting up to timeout_ms. A new reference or NULL. */
json_t *collect_sink_wait(struct collect_sink *s, const char *type, const char *field,
                       const char *value, int timeout_ms);
/* The same with a predicate. */
json_t *collect_sink_wait_fn(struct collect_sink *s, collect_sink_match_fn fn, void *arg, int timeout_ms);
/* How many events of type with event/<field> == value are held now. */
size_t collect_sink_count(struct collect_sink *s, const char *type, const char *field, const char *value);

#endif
