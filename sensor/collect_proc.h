/* collect_proc.h — the process collectors: collect_proc.c (netlink proc
 * connector, the fallback) and collect_proc_ebpf.c (eBPF tracepoints); both
 * emit proc_events_types through proc_events.c. */
#ifndef VIGIL_SENSOR_COLLECT_PROC_H
#define VIGIL_SENSOR_COLLECT_PROC_H

#include "sensor/sensor.h"

int collect_proc_start(struct sensor_ctx *ctx, void **state, struct vg_err *err);
void collect_proc_stop(void *state);
/* -VG_EUNSUPPORTED when built without eBPF or when the kernel refuses it. */
int collect_proc_ebpf_start(struct sensor_ctx *ctx, void **state, struct vg_err *err);
void collect_proc_ebpf_stop(void *state);

#endif
