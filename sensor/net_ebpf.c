/* net_ebpf.c — loads sensor/bpf/net.bpf.c (net_ebpf.h). The accept hook
 * (fexit/inet_csk_accept) needs BPF trampolines (CONFIG_FUNCTION_TRACER);
 * when the kernel refuses it the programs load without it and the accepted
 * side of a connection is reported at ESTABLISHED without a pid, which
 * collect_net.c then takes from the listening socket's owner (sock_diag). */
#include "sensor/net_ebpf.h"

#include <errno.h>
#include <string.h>

#include "shared/err.h"

#ifndef VIGIL_HAVE_EBPF
int net_ebpf_open(struct net_ebpf **out, pid_t self, net_ebpf_fn fn, void *arg, struct vg_err *err) {
  (void)self, (void)fn, (void)arg;
  *out = NULL;
  return vg_err_fail(err, VG_EUNSUPPORTED, "eBPF: this sensor was built without it");
}
void net_ebpf_free(struct net_ebpf *n) { (void)n; }
int net_ebpf_fd(const struct net_ebpf *n) { return (void)n, -1; }
void net_ebpf_consume(struct net_ebpf *n) { (void)n; }
uint64_t net_ebpf_drops(const struct net_ebpf *n) { return (void)n, 0; }
bool net_ebpf_sees_accepts(const struct net_ebpf *n) { return (void)n, false; }
#else

#include <bpf/libbpf.h>
#include <linux/types.h>
#include <netinet/in.h>

#include "sensor/bpf/vigil_bpf.h"
#include "sensor/ebpf.h"
#include "shared/alloc.h"
#include "shared/log.h"
#include "net.skel.h"

struct net_ebpf {
  struct net_bpf *skel;
  struct ring_buffer *rb;
  bool accepts;
  net_ebpf_fn fn;
  void *arg;
};

static int on_record(void *arg, void *data, size_t len) {
  struct net_ebpf *n = arg;
  if (len < sizeof(struct vigil_bpf_tcp)) return 0;
  const struct vigil_bpf_tcp *r = data;
  if (r->family != AF_INET && r->family != AF_INET6) return 0;
  struct net_ebpf_conn c = {
      .is_new = r->kind == VIGIL_BPF_TCP_NEW,
      .pid = (pid_t)r->pid,
      .outgoing = r->outgoing,
      .sock = r->sock,
      .e = {.family = r->family, .proto = IPPROTO_TCP, .state = r->state,
            .sport = r->sport, .dport = r->dport},
  };
  memcpy(c.e.src, r->saddr, sizeof(c.e.src));
  memcpy(c.e.dst, r->daddr, sizeof(c.e.dst));
  n->fn(&c, n->arg);
  return 0;
}

/* Open and load, with or without the accept hook. NULL with errno. */
static struct net_bpf *load(pid_t self, bool accepts) {
  struct net_bpf *skel = net_bpf__open();
  if (!skel) return NULL;
  skel->rodata->self_tgid = (__u32)self;
  skel->rodata->accept_hook = accepts;
  bpf_program__set_autoload(skel->progs.vigil_accept, accepts);
  if (net_bpf__load(skel) || net_bpf__attach(skel)) {
    int e = errno;
    net_bpf__destroy(skel);
    errno = e;
    return NULL;
  }
  return skel;
}

int net_ebpf_open(struct net_ebpf **out, pid_t self, net_ebpf_fn fn, void *arg, struct vg_err *err) {
  *out = NULL;
  int rc = ebpf_usable(err);
  if (rc) return rc;
  struct net_ebpf *n = vg_xcalloc(1, sizeof(*n));
  n->fn = fn;
  n->arg = arg;
  n->accepts = true;
  n->skel = load(self, true);
  if (!n->skel) {
    vg_info("net-ebpf", "accept hook refused (%s): accepted connections get the pid of "
            "the process that listens (sock_diag)",
            strerror(errno));
    n->accepts = false;
    n->skel = load(self, false);
  }
  if (!n->skel) {
    rc = vg_err_fail(err, VG_EUNSUPPORTED, "eBPF: the kernel refused the TCP programs: %s",
                     strerror(errno));
    free(n);
    return rc;
  }
  n->rb = ring_buffer__new(bpf_map__fd(n->skel->maps.net_ring), on_record, n, NULL);
  if (!n->rb) {
    rc = vg_err_fail(err, VG_EINTERNAL, "eBPF: ring buffer: %s", strerror(errno));
    net_ebpf_free(n);
    return rc;
  }
  *out = n;
  return 0;
}

void net_ebpf_free(struct net_ebpf *n) {
  if (!n) return;
  ring_buffer__free(n->rb);
  net_bpf__destroy(n->skel);
  free(n);
}

int net_ebpf_fd(const struct net_ebpf *n) { return ring_buffer__epoll_fd(n->rb); }
void net_ebpf_consume(struct net_ebpf *n) { ring_buffer__consume(n->rb); }
uint64_t net_ebpf_drops(const struct net_ebpf *n) {
  return __atomic_load_n(&n->skel->bss->drops, __ATOMIC_RELAXED);
}
bool net_ebpf_sees_accepts(const struct net_ebpf *n) { return n->accepts; }
#endif
