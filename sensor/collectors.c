/* collectors.c — the table of telemetry collectors, in start order (proc
 * first: the others attribute their events to processes). Adding one = its
 * collect_<name>.c + its declarations and one row here. */
#include "sensor/collector.h"
#include "sensor/collect_dns.h"
#include "sensor/collect_file.h"
#include "sensor/collect_net.h"

/* collect_proc.c */
extern const char *const collect_proc_events[];
int collect_proc_start(struct sensor_ctx *ctx, void **state, struct vg_err *err);
void collect_proc_stop(void *state);

static const struct collector table[] = {
    {"proc", collect_proc_events, collect_proc_start, collect_proc_stop},
    {"file", collect_file_events, collect_file_start, collect_file_stop},
    {"dns", collect_dns_events, collect_dns_start, collect_dns_stop},
    {"net", collect_net_events, collect_net_start, collect_net_stop},
};

const struct collector *collector_table(size_t *n) {
  *n = sizeof(table) / sizeof(table[0]);
  return table;
}
