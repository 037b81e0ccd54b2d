/* tasks.h — running sensor commands on a bounded pool of worker threads.
 * A task from the backend is split (cmd_split), acknowledged with a RECEIPT
 * carrying its investigation id, and run by the handler cmd_find names; an
 * unparsable line or unknown command gets a RECEIPT whose ERROR /
 * ERROR_MESSAGE say what was wrong. Thread-safe. */
#ifndef VIGIL_SENSOR_TASKS_H
#define VIGIL_SENSOR_TASKS_H

#include <stdbool.h>
#include <stddef.h>

#include "sensor/sensor.h"

struct tasks;

/* workers threads, at most queue tasks waiting. */
struct tasks *tasks_create(struct sensor_ctx *ctx, unsigned workers, size_t queue);
/* Wait for running commands to return (queued ones are dropped); NULL ok. */
void tasks_free(struct tasks *t);

/* A task from the backend (strings copied; task_id / inv may be NULL). */
void tasks_submit(struct tasks *t, const char *line, const char *task_id, const char *inv);

/* Run a command the runtime itself decided on (isolation): no RECEIPT and
 * no investigation id. false if the command does not exist in this build. */
bool tasks_run_internal(struct tasks *t, const char *line);

#endif
