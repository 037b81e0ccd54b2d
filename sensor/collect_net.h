/* collect_net.h — the network collector (collect_net.c): TCP and UDP
 * sockets over IPv4/IPv6 (TCP from eBPF or sock_diag snapshots, UDP from
 * sock_diag), attributed to processes. */
#ifndef VIGIL_SENSOR_COLLECT_NET_H
#define VIGIL_SENSOR_COLLECT_NET_H

#include "sensor/sensor.h"

extern const char *const collect_net_events[];
extern const char *const collect_net_ebpf_events[];
/* sock_diag polling for TCP and UDP (the fallback). */
int collect_net_start(struct sensor_ctx *ctx, void **state, struct vg_err *err);
/* TCP from eBPF, UDP from sock_diag; -VG_EUNSUPPORTED when eBPF is not
 * available. Both stop with collect_net_stop. */
int collect_net_ebpf_start(struct sensor_ctx *ctx, void **state, struct vg_err *err);
void collect_net_stop(void *state);

#endif
