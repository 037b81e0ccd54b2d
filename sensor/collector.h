/* collector.h — one telemetry source (collect_<name>.c) and the table of
 * them (collectors.c). A collector starts its own thread(s), emits through
 * ctx->sink, and must fall back or fail cleanly when the kernel interface it
 * prefers is missing: start returns -VG_EUNSUPPORTED (with err naming the
 * interface) and the sensor runs without it, listing only the collectors
 * that run in CONNECTED / hello.
 *
 * Rows of one kind are alternatives, best first ("proc-ebpf" then "proc"):
 * the runtime starts the first of a kind that starts and skips the rest. */
#ifndef VIGIL_SENSOR_COLLECTOR_H
#define VIGIL_SENSOR_COLLECTOR_H

#include "sensor/sensor.h"

struct collector {
  const char *name;          /* "proc-ebpf", "proc", "file", "dns", "net-ebpf", "net" */
  const char *kind;          /* what it collects: "proc", "net", …; alternatives share it */
  bool ebpf;                 /* uses eBPF (skipped under --no-ebpf) */
  const char *const *events; /* NULL-terminated event types it produces */
  /* Start; *state is the collector's own. 0 or a negative code with err. */
  int (*start)(struct sensor_ctx *ctx, void **state, struct vg_err *err);
  /* Stop its threads and free state. NULL state is a no-op. */
  void (*stop)(void *state);
};

/* The table, in start order (proc first: the others attribute to processes). */
const struct collector *collector_table(size_t *n);
/* Does the comma-separated list (NULL = all) select c? An entry selects a
 * collector by name ("proc-ebpf": only that one) or by kind ("proc": the
 * best one that starts). */
bool collector_selected(const struct collector *c, const char *list);
/* Is the list's every entry a collector name or kind? Else the bad entry's
 * length and start in *bad / *bad_len. */
bool collector_list_valid(const char *list, const char **bad, size_t *bad_len);

#endif
