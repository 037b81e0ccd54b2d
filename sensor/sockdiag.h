/* sockdiag.h — NETLINK_SOCK_DIAG inet_diag dumps (what ss(8) uses): one
 * callback per TCP or UDP socket of a family, filtered by state in the
 * kernel. */
#ifndef VIGIL_SENSOR_SOCKDIAG_H
#define VIGIL_SENSOR_SOCKDIAG_H

#include <stdint.h>
#include <sys/types.h>

#include "shared/err.h"

struct sockdiag_entry {
  int family, proto;    /* AF_INET/AF_INET6, IPPROTO_TCP/UDP */
  uint8_t state;        /* TCP_ESTABLISHED … (UDP: 7 unconnected, 1 connected) */
  uint8_t src[16], dst[16]; /* local / remote; v4 in the first 4 bytes */
  uint16_t sport, dport;    /* host order */
  uint32_t inode;       /* 0: no socket file (not accepted yet, time-wait) */
  uint64_t cookie;      /* unique per socket */
  uid_t uid;
};

typedef void (*sockdiag_fn)(const struct sockdiag_entry *e, void *arg);

/* Dump the sockets of family/proto whose state bit (1 << state) is in
 * states. 0, or -VG_EUNSUPPORTED (no sock_diag for it), -VG_EIO. */
int sockdiag_dump(int family, int proto, uint32_t states, sockdiag_fn fn, void *arg,
                  struct vg_err *err);

#endif
