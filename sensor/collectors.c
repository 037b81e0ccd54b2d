/* collectors.c — the collector table (collector.h), in start order. This
 * branch holds the file, dns and net rows; the lead merges proc first. */
#include "sensor/collector.h"
#include "sensor/collect_file.h"

static const struct collector table[] = {
    {"file", collect_file_events, collect_file_start, collect_file_stop},
};

const struct collector *collector_table(size_t *n) {
  *n = sizeof table / sizeof table[0];
  return table;
}
