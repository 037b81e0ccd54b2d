/* collectors.c — the table of telemetry collectors, in start order (proc
 * first: the others attribute their events to processes). Adding one = its
 * collect_<name>.c + its declarations and one row here. */
#include "sensor/collector.h"

/* collect_proc.c */
extern const char *const collect_proc_events[];
int collect_proc_start(struct sensor_ctx *ctx, void **state, struct vg_err *err);
void collect_proc_stop(void *state);

static const struct collector table[] = {
    {"proc", collect_proc_events, collect_proc_start, collect_proc_stop},
};

const struct collector *collector_table(size_t *n) {
  *n = sizeof(table) / sizeof(table[0]);
  return table;
}
