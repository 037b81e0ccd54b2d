/* sockdiag.c — inet_diag dumps over NETLINK_SOCK_DIAG (sockdiag.h). */
#include "sensor/sockdiag.h"

#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int sockdiag_dump(int family, int proto, uint32_t states, sockdiag_fn fn, void *arg,
                  struct vg_err *err) {
  int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (fd < 0) return vg_err_fail(err, VG_EUNSUPPORTED, "NETLINK_SOCK_DIAG: %s", strerror(errno));
  struct {
    struct nlmsghdr nh;
    struct inet_diag_req_v2 r;
  } req;
  memset(&req, 0, sizeof req);
  req.nh.nlmsg_len = sizeof req;
  req.nh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  req.r.sdiag_family = (uint8_t)family;
  req.r.sdiag_protocol = (uint8_t)proto;
  req.r.idiag_states = states;
  struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
  if (sendto(fd, &req, sizeof req, 0, (struct sockaddr *)&sa, sizeof sa) < 0) {
    close(fd);
    return vg_err_fail(err, VG_EIO, "sock_diag request: %s", strerror(errno));
  }
  static __thread char buf[32768] __attribute__((aligned(8)));
  int rc = 0;
  for (;;) {
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      rc = vg_err_fail(err, VG_EIO, "sock_diag recv: %s", n < 0 ? strerror(errno) : "closed");
      break;
    }
    for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
      if (h->nlmsg_type == NLMSG_DONE) goto out;
      if (h->nlmsg_type == NLMSG_ERROR) {
        const struct nlmsgerr *e = NLMSG_DATA(h);
        rc = vg_err_fail(err, e->error == -ENOENT ? VG_EUNSUPPORTED : VG_EIO,
                         "sock_diag family %d proto %d: %s", family, proto, strerror(-e->error));
        goto out;
      }
      if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct inet_diag_msg))) continue;
      const struct inet_diag_msg *m = NLMSG_DATA(h);
      struct sockdiag_entry en;
      memset(&en, 0, sizeof en);
      en.family = m->idiag_family;
      en.proto = proto;
      en.state = m->idiag_state;
      size_t alen = m->idiag_family == AF_INET ? 4 : 16;
      memcpy(en.src, m->id.idiag_src, alen);
      memcpy(en.dst, m->id.idiag_dst, alen);
      en.sport = ntohs(m->id.idiag_sport);
      en.dport = ntohs(m->id.idiag_dport);
      en.inode = m->idiag_inode;
      en.cookie = (uint64_t)m->id.idiag_cookie[0] | (uint64_t)m->id.idiag_cookie[1] << 32;
      en.uid = m->idiag_uid;
      fn(&en, arg);
    }
  }
out:
  close(fd);
  return rc;
}
