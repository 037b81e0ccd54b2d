/* net_event.h — the one shape of connection events (net_event.c), shared
 * by the sock_diag and eBPF paths of the network collector. */
#ifndef VIGIL_SENSOR_NET_EVENT_H
#define VIGIL_SENSOR_NET_EVENT_H

#include <jansson.h>
#include <stdbool.h>

#include "sensor/sockdiag.h"

/* "NEW_TCP4_CONNECTION" … "TERMINATE_UDP6_CONNECTION". */
const char *net_event_type(int family, int proto, bool is_new);
/* The body of a connection (new object): TCP {SOURCE, DESTINATION, STATE}
 * with SOURCE the side that connected; UDP {IP_ADDRESS, PORT[, DESTINATION]};
 * then IS_OUTGOING and PROTOCOL. */
json_t *net_event_body(const struct sockdiag_entry *e, bool outgoing);

#endif
