/* net_ebpf.h — TCP connections from eBPF (net_ebpf.c loading
 * sensor/bpf/net.bpf.c), for the network collector's eBPF mode
 * (collect_net.c): every connection, however short, with the pid that
 * connected (or accepted, where the kernel allows an accept hook). */
#ifndef VIGIL_SENSOR_NET_EBPF_H
#define VIGIL_SENSOR_NET_EBPF_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "sensor/sockdiag.h"

struct net_ebpf_conn {
  bool is_new;            /* NEW (connected / accepted) or the end (→CLOSE) */
  pid_t pid;              /* 0: unknown */
  bool outgoing;
  uint64_t sock;          /* the kernel socket: same for NEW and its end */
  struct sockdiag_entry e; /* family, proto TCP, state, addresses, ports */
};

typedef void (*net_ebpf_fn)(const struct net_ebpf_conn *c, void *arg);
struct net_ebpf;

/* Load and attach; fn is called from net_ebpf_consume. 0, or
 * -VG_EUNSUPPORTED (built without eBPF, no BTF, refused by the kernel). */
int net_ebpf_open(struct net_ebpf **out, pid_t self, net_ebpf_fn fn, void *arg, struct vg_err *err);
void net_ebpf_free(struct net_ebpf *n); /* NULL ok */
int net_ebpf_fd(const struct net_ebpf *n);       /* poll for POLLIN */
void net_ebpf_consume(struct net_ebpf *n);       /* deliver pending records */
uint64_t net_ebpf_drops(const struct net_ebpf *n); /* records lost so far */
bool net_ebpf_sees_accepts(const struct net_ebpf *n); /* accept hook loaded */

#endif
