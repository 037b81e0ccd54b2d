/* ebpf.h — what the eBPF collectors share (ebpf.c): the check that the
 * running kernel can take CO-RE programs, and libbpf's log routed to ours. */
#ifndef VIGIL_SENSOR_EBPF_H
#define VIGIL_SENSOR_EBPF_H

#include "shared/err.h"

/* 0 if eBPF programs may be loaded here (kernel BTF present; libbpf's
 * messages go to the log at debug level), else -VG_EUNSUPPORTED with err
 * naming what is missing. Thread-safe. */
int ebpf_usable(struct vg_err *err);

#endif
