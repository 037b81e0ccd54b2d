/* collector.h — one telemetry source (collect_<name>.c) and the table of
 * them (collectors.c). A collector starts its own thread(s), emits through
 * ctx->sink, and must fall back or fail cleanly when the kernel interface it
 * prefers is missing: start returns -VG_EUNSUPPORTED (with err naming the
 * interface) and the sensor runs without it, listing only the collectors
 * that run in CONNECTED / hello. */
#ifndef VIGIL_SENSOR_COLLECTOR_H
#define VIGIL_SENSOR_COLLECTOR_H

#include "sensor/sensor.h"

struct collector {
  const char *name;          /* "proc", "file", "dns", "net", … */
  const char *const *events; /* NULL-terminated event types it produces */
  /* Start; *state is the collector's own. 0 or a negative code with err. */
  int (*start)(struct sensor_ctx *ctx, void **state, struct vg_err *err);
  /* Stop its threads and free state. NULL state is a no-op. */
  void (*stop)(void *state);
};

/* The table, in start order (proc first: the others attribute to processes). */
const struct collector *collector_table(size_t *n);

#endif
