/* collect_util.h — what the collectors share: attributing an event to the
 * process that caused it. */
#ifndef VIGIL_SENSOR_COLLECT_UTIL_H
#define VIGIL_SENSOR_COLLECT_UTIL_H

#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>

#include "sensor/sensor.h"

/* Set event/PROCESS_ID to pid (if pid > 0) and routing/parent to the atom of
 * pid when the process collector knows it (ctx->proc_atom). atom (may be
 * NULL or "") overrides the lookup: an atom recorded earlier, for a process
 * that may have exited since. Returns true if routing/parent was set. */
bool collect_util_attribute(const struct sensor_ctx *ctx, json_t *ev, pid_t pid,
                            const char *atom);

/* The atom of pid into out ("" if unknown). */
void collect_util_atom(const struct sensor_ctx *ctx, pid_t pid, char out[VG_ATOM_HEX_LEN + 1]);

#endif
