/* sensor_sink_test.h — a sensor_ctx whose sink collects every emitted event
 * into an array, and a one-line way to run a command through cmd_find, for
 * the tests/unit/test_cmd_* suites. */
#ifndef VIGIL_SENSOR_SINK_TEST_H
#define VIGIL_SENSOR_SINK_TEST_H

#include <jansson.h>

#include "sensor/cmd.h"

struct sink_test {
  struct sensor_ctx ctx;
  json_t *events; /* every emitted envelope, in order (guarded by the sink's lock) */
};

/* ctx with the collecting sink, self_pid = getpid(), state_dir (may be NULL). */
void sink_test_init(struct sink_test *t, const char *state_dir);
void sink_test_cleanup(struct sink_test *t);
/* Split line, find the command, run it with investigation id "inv-test";
 * returns the handler's code (or the split/lookup failure as -VG_E*). Events
 * emitted land in t->events (cleared first). */
int sink_test_run(struct sink_test *t, const char *line);
/* The i-th collected event's "event" body (borrowed), NULL past the end. */
json_t *sink_test_body(struct sink_test *t, size_t i);
/* The i-th collected event's routing/event_type. */
const char *sink_test_type(struct sink_test *t, size_t i);
/* Number collected. */
size_t sink_test_count(struct sink_test *t);

#endif
