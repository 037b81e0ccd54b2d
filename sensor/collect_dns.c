/* collect_dns.c — DNS_REQUEST from packet capture: one AF_PACKET SOCK_DGRAM
 * socket bound to no interface (so every interface, present and future) with
 * a classic BPF filter for IPv4/IPv6 UDP or TCP port 53. A query seen leaving
 * (or arriving at) a local socket is remembered with the process owning its
 * source port (sock_diag UDP/TCP dump → inode → /proc/PID/fd); the answer
 * emits one DNS_REQUEST. Loopback packets are seen twice (outgoing and
 * incoming): the outgoing copy is dropped. */
#include "sensor/collect_dns.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "sensor/collect_limits.h"
#include "sensor/collect_util.h"
#include "sensor/dns_parse.h"
#include "sensor/sockdiag.h"
#include "sensor/sockpid.h"
#include "shared/alloc.h"
#include "shared/event.h"
#include "shared/log.h"

#define LOGC "collect_dns"

const char *const collect_dns_events[] = {"DNS_REQUEST", NULL};

struct pending {
  bool used;
  uint16_t id, cport;
  int family;
  uint8_t client[16], server[16];
  pid_t pid;
  char atom[VG_ATOM_HEX_LEN + 1];
  int64_t t_ms;
};

struct collect_dns {
  struct sensor_ctx *ctx;
  int fd, stop_fd, lo_index;
  pthread_t thread;
  bool started;
  struct sockpid *sp;
  struct pending pend[SENSOR_DNS_PENDING];
  unsigned long packets, bad, unattributed;
  uint8_t buf[SENSOR_DNS_SNAPLEN];
};

/* cBPF on a SOCK_DGRAM packet socket: offset 0 is the network header. */
static struct sock_filter dns_filter[] = {
    BPF_STMT(BPF_LD | BPF_H | BPF_ABS, SKF_AD_OFF + SKF_AD_PROTOCOL),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IP, 0, 10),
    /* IPv4 (2) */
    BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 9),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_UDP, 1, 0),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_TCP, 0, 17),
    BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 6),
    BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x1fff, 15, 0),
    BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),
    BPF_STMT(BPF_LD | BPF_H | BPF_IND, 0),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 53, 11, 0),
    BPF_STMT(BPF_LD | BPF_H | BPF_IND, 2),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 53, 9, 10),
    /* IPv6 (12), no extension headers */
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IPV6, 0, 9),
    BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 6),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_UDP, 1, 0),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_TCP, 0, 6),
    BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 40),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 53, 3, 0),
    BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 42),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 53, 1, 2),
    BPF_STMT(BPF_RET | BPF_K, 0), /* (20) unreachable pad */
    BPF_STMT(BPF_RET | BPF_K, SENSOR_DNS_SNAPLEN), /* (21) accept */
    BPF_STMT(BPF_RET | BPF_K, 0), /* (22) drop */
};

static int64_t mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct port_match {
  uint16_t port;
  uint32_t inode;
};

static void match_port(const struct sockdiag_entry *e, void *arg) {
  struct port_match *m = arg;
  if (!m->inode && e->sport == m->port && e->inode) m->inode = e->inode;
}

/* The local process owning the client socket, or -1. */
static pid_t owner(struct collect_dns *s, int family, int l4, uint16_t port) {
  struct port_match m = {port, 0};
  sockdiag_dump(family, l4, ~0u, match_port, &m, NULL);
  if (!m.inode && family == AF_INET) /* a v6 socket may carry v4 (mapped) */
    sockdiag_dump(AF_INET6, l4, ~0u, match_port, &m, NULL);
  return sockpid_lookup(s->sp, m.inode);
}

static struct pending *find_pending(struct collect_dns *s, const struct dns_packet *p,
                                    uint16_t id, bool query) {
  const uint8_t *client = query ? p->src : p->dst, *server = query ? p->dst : p->src;
  uint16_t cport = query ? p->sport : p->dport;
  for (size_t i = 0; i < SENSOR_DNS_PENDING; i++) {
    struct pending *e = &s->pend[i];
    if (e->used && e->id == id && e->cport == cport && e->family == p->family &&
        memcmp(e->client, client, 16) == 0 && memcmp(e->server, server, 16) == 0)
      return e;
  }
  return NULL;
}

static void on_query(struct collect_dns *s, const struct dns_packet *p, const struct dns_msg *m) {
  if (find_pending(s, p, m->id, true)) return; /* a retransmission */
  int64_t now = mono_ms();
  struct pending *slot = NULL;
  for (size_t i = 0; i < SENSOR_DNS_PENDING && !slot; i++)
    if (!s->pend[i].used || now - s->pend[i].t_ms > SENSOR_DNS_PENDING_MS) slot = &s->pend[i];
  if (!slot) return; /* full of live queries: the answer is emitted unattributed */
  memset(slot, 0, sizeof *slot);
  slot->used = true;
  slot->id = m->id;
  slot->cport = p->sport;
  slot->family = p->family;
  memcpy(slot->client, p->src, 16);
  memcpy(slot->server, p->dst, 16);
  slot->t_ms = now;
  slot->pid = owner(s, p->family, p->l4, p->sport);
  if (slot->pid == s->ctx->self_pid) slot->pid = 0; /* our own lookups: kept, not attributed */
  collect_util_atom(s->ctx, slot->pid, slot->atom);
}

static const char *addr_text(int family, const uint8_t *a, char *out, size_t n) {
  return inet_ntop(family, a, out, (socklen_t)n) ? out : "";
}

static void on_response(struct collect_dns *s, const struct dns_packet *p, const struct dns_msg *m) {
  struct pending *q = find_pending(s, p, m->id, false);
  pid_t pid = q ? q->pid : -1;
  if (!q) { /* the query went by before we started, or the table was full */
    pid = owner(s, p->family, p->l4, p->dport);
    if (pid == s->ctx->self_pid) pid = 0;
  }
  if (pid < 0) s->unattributed++;
  json_t *ev = vg_event_new("DNS_REQUEST", vg_event_now_ms());
  json_t *b = vg_event_payload(ev);
  json_object_set_new(b, "DOMAIN_NAME", json_string(m->qname));
  json_object_set_new(b, "DNS_TYPE", json_integer(m->qtype));
  json_object_set_new(b, "DNS_FLAGS", json_integer(m->flags));
  json_object_set_new(b, "DNS_RCODE", json_integer(m->rcode));
  json_object_set_new(b, "MESSAGE_ID", json_integer(m->id));
  json_object_set_new(b, "PROTOCOL", json_string(p->l4 == IPPROTO_TCP ? "tcp" : "udp"));
  char txt[INET6_ADDRSTRLEN];
  json_object_set_new(b, "SERVER", json_pack("{s:s, s:i}", "IP_ADDRESS",
                                             addr_text(p->family, p->src, txt, sizeof txt), "PORT", p->sport));
  json_t *addrs = json_array(), *cnames = json_array();
  for (size_t i = 0; i < m->nanswers; i++) {
    const struct dns_answer *a = &m->answers[i];
    if (a->type == 1 || a->type == 28) json_array_append_new(addrs, json_string(a->value));
    else if (a->type == 5) json_array_append_new(cnames, json_string(a->value));
  }
  if (json_array_size(addrs)) json_object_set(b, "IP_ADDRESS", json_array_get(addrs, 0));
  if (json_array_size(cnames)) json_object_set(b, "CNAME", json_array_get(cnames, 0));
  json_object_set_new(b, "IP_ADDRESSES", addrs);
  json_object_set_new(b, "CNAMES", cnames);
  collect_util_attribute(s->ctx, ev, pid > 0 ? pid : 0, q ? q->atom : NULL);
  sensor_emit(s->ctx, ev);
  if (q) q->used = false;
}

static void on_packet(struct collect_dns *s, const uint8_t *buf, size_t len, uint16_t proto) {
  struct dns_packet p;
  struct dns_msg m;
  s->packets++;
  if (dns_parse_ip(buf, len, proto, &p, NULL) < 0 || dns_parse_msg(p.payload, p.len, &m, NULL) < 0) {
    s->bad++;
    return;
  }
  if (!m.is_response && p.dport == 53) on_query(s, &p, &m);
  else if (m.is_response && p.sport == 53) on_response(s, &p, &m);
}

static void *dns_thread(void *arg) {
  struct collect_dns *s = arg;
  struct pollfd pf[2] = {{.fd = s->fd, .events = POLLIN}, {.fd = s->stop_fd, .events = POLLIN}};
  for (;;) {
    int n = poll(pf, 2, -1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 || pf[1].revents) break;
    for (;;) {
      struct sockaddr_ll sll;
      socklen_t sl = sizeof sll;
      ssize_t len = recvfrom(s->fd, s->buf, sizeof s->buf, MSG_DONTWAIT, (struct sockaddr *)&sll, &sl);
      if (len <= 0) break;
      if (sll.sll_pkttype == PACKET_OUTGOING && sll.sll_ifindex == s->lo_index) continue;
      on_packet(s, s->buf, (size_t)len, ntohs(sll.sll_protocol));
    }
  }
  return NULL;
}

int collect_dns_start(struct sensor_ctx *ctx, void **state, struct vg_err *err) {
  int fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_ALL));
  if (fd < 0)
    return vg_err_fail(err, errno == EPERM ? VG_EPERM : VG_EUNSUPPORTED, "AF_PACKET socket: %s",
                       strerror(errno));
  struct sock_fprog prog = {.len = sizeof dns_filter / sizeof dns_filter[0], .filter = dns_filter};
  if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) != 0) {
    int e = errno;
    close(fd);
    return vg_err_fail(err, VG_EUNSUPPORTED, "AF_PACKET: SO_ATTACH_FILTER: %s", strerror(e));
  }
  int rcv = 4 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof rcv);
  struct collect_dns *s = vg_xcalloc(1, sizeof *s);
  s->ctx = ctx;
  s->fd = fd;
  s->lo_index = (int)if_nametoindex("lo");
  s->sp = sockpid_create();
  s->stop_fd = eventfd(0, EFD_CLOEXEC);
  s->started = pthread_create(&s->thread, NULL, dns_thread, s) == 0;
  if (!s->started) {
    collect_dns_stop(s);
    return vg_err_fail(err, VG_EINTERNAL, "collect_dns: cannot start its thread");
  }
  *state = s;
  return 0;
}

void collect_dns_stop(void *state) {
  struct collect_dns *s = state;
  if (!s) return;
  if (s->started) {
    uint64_t one = 1;
    if (write(s->stop_fd, &one, sizeof one) != sizeof one) vg_warn(LOGC, "stop: eventfd write failed");
    pthread_join(s->thread, NULL);
  }
  vg_debug(LOGC, "%lu packets, %lu unparsable, %lu answers unattributed", s->packets, s->bad,
           s->unattributed);
  sockpid_free(s->sp);
  close(s->fd);
  if (s->stop_fd >= 0) close(s->stop_fd);
  free(s);
}
