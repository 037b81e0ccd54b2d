/* net_event.c — connection event bodies (net_event.h). */
#include "sensor/net_event.h"

#include <arpa/inet.h>
#include <netinet/in.h>

const char *net_event_type(int family, int proto, bool is_new) {
  bool v6 = family == AF_INET6, tcp = proto == IPPROTO_TCP;
  static const char *const names[2][2][2] = {
      {{"TERMINATE_UDP4_CONNECTION", "NEW_UDP4_CONNECTION"},
       {"TERMINATE_UDP6_CONNECTION", "NEW_UDP6_CONNECTION"}},
      {{"TERMINATE_TCP4_CONNECTION", "NEW_TCP4_CONNECTION"},
       {"TERMINATE_TCP6_CONNECTION", "NEW_TCP6_CONNECTION"}}};
  return names[tcp][v6][is_new];
}

static json_t *endpoint(int family, const uint8_t *a, uint16_t port) {
  char txt[INET6_ADDRSTRLEN];
  if (!inet_ntop(family, a, txt, sizeof txt)) txt[0] = '\0';
  return json_pack("{s:s, s:i}", "IP_ADDRESS", txt, "PORT", port);
}

json_t *net_event_body(const struct sockdiag_entry *e, bool outgoing) {
  json_t *b = json_object();
  if (e->proto == IPPROTO_TCP) {
    json_t *local = endpoint(e->family, e->src, e->sport), *remote = endpoint(e->family, e->dst, e->dport);
    json_object_set_new(b, "SOURCE", outgoing ? local : remote);
    json_object_set_new(b, "DESTINATION", outgoing ? remote : local);
    json_object_set_new(b, "STATE", json_integer(e->state));
  } else {
    char txt[INET6_ADDRSTRLEN];
    if (!inet_ntop(e->family, e->src, txt, sizeof txt)) txt[0] = '\0';
    json_object_set_new(b, "IP_ADDRESS", json_string(txt));
    json_object_set_new(b, "PORT", json_integer(e->sport));
    if (e->dport) json_object_set_new(b, "DESTINATION", endpoint(e->family, e->dst, e->dport));
  }
  json_object_set_new(b, "IS_OUTGOING", json_boolean(outgoing));
  json_object_set_new(b, "PROTOCOL", json_string(e->proto == IPPROTO_TCP ? "tcp" : "udp"));
  return b;
}
