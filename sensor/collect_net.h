/* collect_net.h — the network collector (collect_net.c): TCP and UDP
 * sockets over IPv4/IPv6 from sock_diag snapshots, attributed to processes. */
#ifndef VIGIL_SENSOR_COLLECT_NET_H
#define VIGIL_SENSOR_COLLECT_NET_H

#include "sensor/sensor.h"

extern const char *const collect_net_events[];
int collect_net_start(struct sensor_ctx *ctx, void **state, struct vg_err *err);
void collect_net_stop(void *state);

#endif
