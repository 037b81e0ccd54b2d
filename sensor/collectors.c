/* collectors.c — the table of telemetry collectors, in start order (proc
 * first: the others attribute their events to processes). Adding one = its
 * collect_<name>.c + its declarations and one row here. Rows of one kind
 * are alternatives, best first: eBPF where the kernel takes it, else the
 * fallback (docs/architecture.md, "Collector choice"). */
#include <string.h>

#include "sensor/collector.h"
#include "sensor/collect_dns.h"
#include "sensor/collect_file.h"
#include "sensor/collect_net.h"
#include "sensor/collect_proc.h"
#include "sensor/proc_events.h"

static const struct collector table[] = {
    {"proc-ebpf", "proc", true, proc_events_types, collect_proc_ebpf_start, collect_proc_ebpf_stop},
    {"proc", "proc", false, proc_events_types, collect_proc_start, collect_proc_stop},
    {"file", "file", false, collect_file_events, collect_file_start, collect_file_stop},
    {"dns", "dns", false, collect_dns_events, collect_dns_start, collect_dns_stop},
    {"net-ebpf", "net", true, collect_net_ebpf_events, collect_net_ebpf_start, collect_net_stop},
    {"net", "net", false, collect_net_events, collect_net_start, collect_net_stop},
};

const struct collector *collector_table(size_t *n) {
  *n = sizeof(table) / sizeof(table[0]);
  return table;
}

static bool in_list(const char *list, const char *word) {
  size_t n = strlen(word);
  for (const char *p = list; *p;) {
    size_t k = strcspn(p, ",");
    if (k == n && strncmp(p, word, n) == 0) return true;
    p += k + (p[k] == ',');
  }
  return false;
}

bool collector_selected(const struct collector *c, const char *list) {
  return !list || in_list(list, c->name) || in_list(list, c->kind);
}

bool collector_list_valid(const char *list, const char **bad, size_t *bad_len) {
  for (const char *p = list; *p;) {
    size_t k = strcspn(p, ","), i;
    for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
      const struct collector *c = &table[i];
      if ((strlen(c->name) == k && strncmp(c->name, p, k) == 0) ||
          (strlen(c->kind) == k && strncmp(c->kind, p, k) == 0))
        break;
    }
    if (i == sizeof(table) / sizeof(table[0])) {
      *bad = p;
      *bad_len = k;
      return false;
    }
    p += k + (p[k] == ',');
  }
  return true;
}
