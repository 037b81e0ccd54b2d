/* sensor_sink_test.h — a struct sensor_sink for collector tests: it keeps
 * every emitted event in memory and lets the test wait for one; plus a
 * proc_atom that knows the pids the test registered (its children). */
#ifndef VIGIL_SENSOR_SINK_TEST_H
#define VIGIL_SENSOR_SINK_TEST_H

#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>

#include "sensor/sensor.h"

#define SINK_TEST_PIDS 64

struct sink_test {
  pthread_mutex_t lock; /* guards everything below */
  pthread_cond_t cond;
  json_t *events;       /* array of envelopes, in emit order */
  pid_t pids[SINK_TEST_PIDS];
  char atoms[SINK_TEST_PIDS][VG_ATOM_HEX_LEN + 1];
  size_t npids;
};

/* Init s and point ctx's sink and proc_atom/atom_pid at it; ctx->self_pid =
 * getpid(), other fields zero. */
void sink_test_init(struct sink_test *s, struct sensor_ctx *ctx);
void sink_test_cleanup(struct sink_test *s);
/* Register pid with a fresh atom (copied to atom if not NULL). */
void sink_test_add_pid(struct sink_test *s, pid_t pid, char atom[VG_ATOM_HEX_LEN + 1]);

/* A predicate on one envelope. */
typedef bool (*sink_test_match_fn)(json_t *ev, void *arg);

/* The first event (from index 0) of type whose event/<field> is the string
 * value (field NULL: any), waiting up to timeout_ms. A new reference or NULL. */
json_t *sink_test_wait(struct sink_test *s, const char *type, const char *field,
                       const char *value, int timeout_ms);
/* The same with a predicate. */
json_t *sink_test_wait_fn(struct sink_test *s, sink_test_match_fn fn, void *arg, int timeout_ms);
/* How many events of type with event/<field> == value are held now. */
size_t sink_test_count(struct sink_test *s, const char *type, const char *field, const char *value);

#endif
