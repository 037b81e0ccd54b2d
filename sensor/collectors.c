/* collectors.c — the collector table (collector.h), in start order. This
 * branch holds the file, dns and net rows; the lead merges proc first. */
#include "sensor/collector.h"
#include "sensor/collect_dns.h"
#include "sensor/collect_file.h"
#include "sensor/collect_net.h"

static const struct collector table[] = {
    {"file", collect_file_events, collect_file_start, collect_file_stop},
    {"dns", collect_dns_events, collect_dns_start, collect_dns_stop},
    {"net", collect_net_events, collect_net_start, collect_net_stop},
};

const struct collector *collector_table(size_t *n) {
  *n = sizeof table / sizeof table[0];
  return table;
}
