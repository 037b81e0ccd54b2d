/* net.bpf.c — TCP connections for net_ebpf.c from the BTF-typed tracepoint
 * sock/inet_sock_set_state (tp_btf: no tracefs needed), IPv4 and IPv6.
 *
 *  - →SYN_SENT runs in the connecting process: remember its tgid in `conns`
 *    (the local port is not chosen yet, so nothing is reported).
 *  - SYN_SENT→ESTABLISHED: report NEW (outgoing) with that tgid.
 *  - SYN_RECV→ESTABLISHED is the passive side, run in softirq: the current
 *    task is whoever happened to run, so the pid is not taken from it. The
 *    socket is remembered; fexit/inet_csk_accept (the accepting process is
 *    current there) reports NEW with the acceptor's tgid. Without the accept
 *    hook (no BPF trampolines) NEW is reported here with pid 0.
 *  - →CLOSE: report END for a remembered socket (NEW first if it was never
 *    reported: a refused connect, or a connection closed before accept).
 * The sensor's own sockets are skipped. */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "sensor/bpf/vigil_bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define AF_INET 2
#define AF_INET6 10
#define IPPROTO_TCP 6

struct conn {
  __u32 pid;
  __u8 outgoing, reported, state, pad;
};

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, VIGIL_BPF_NET_SOCKETS);
  __type(key, __u64); /* struct sock * */
  __type(value, struct conn);
} conns SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, VIGIL_BPF_NET_RING_BYTES);
} net_ring SEC(".maps");

const volatile __u32 self_tgid = 0;   /* the sensor: set before load */
const volatile __u8 accept_hook = 0;  /* 1 when vigil_accept is loaded */
__u64 drops = 0;                      /* records lost (full ring or full map) */

static __always_inline void report(const struct sock *sk, __u32 kind, const struct conn *c) {
  struct vigil_bpf_tcp *r = bpf_ringbuf_reserve(&net_ring, sizeof(*r), 0);
  if (!r) {
    __sync_fetch_and_add(&drops, 1);
    return;
  }
  __builtin_memset(r, 0, sizeof(*r));
  r->kind = kind;
  r->pid = c->pid;
  r->sock = (__u64)sk;
  r->outgoing = c->outgoing;
  r->state = c->state;
  r->family = BPF_CORE_READ(sk, __sk_common.skc_family);
  r->sport = BPF_CORE_READ(sk, __sk_common.skc_num);
  r->dport = __builtin_bswap16(BPF_CORE_READ(sk, __sk_common.skc_dport));
  if (r->family == AF_INET) {
    BPF_CORE_READ_INTO((__u32 *)r->saddr, sk, __sk_common.skc_rcv_saddr);
    BPF_CORE_READ_INTO((__u32 *)r->daddr, sk, __sk_common.skc_daddr);
  } else {
    BPF_CORE_READ_INTO((struct in6_addr *)r->saddr, sk, __sk_common.skc_v6_rcv_saddr);
    BPF_CORE_READ_INTO((struct in6_addr *)r->daddr, sk, __sk_common.skc_v6_daddr);
  }
  bpf_ringbuf_submit(r, 0);
}

static __always_inline void remember(__u64 key, __u32 pid, __u8 outgoing, __u8 state) {
  struct conn c = {.pid = pid, .outgoing = outgoing, .state = state};
  if (bpf_map_update_elem(&conns, &key, &c, BPF_ANY) != 0) __sync_fetch_and_add(&drops, 1);
}

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(vigil_tcp_state, const struct sock *sk, const int oldstate, const int newstate) {
  if (sk->sk_protocol != IPPROTO_TCP) return 0;
  __u16 family = sk->__sk_common.skc_family;
  if (family != AF_INET && family != AF_INET6) return 0;
  __u64 key = (__u64)sk;
  if (newstate == TCP_SYN_SENT) {
    __u32 pid = bpf_get_current_pid_tgid() >> 32;
    if (pid != self_tgid) remember(key, pid, 1, TCP_SYN_SENT);
    return 0;
  }
  if (newstate == TCP_ESTABLISHED && oldstate == TCP_SYN_SENT) {
    struct conn *c = bpf_map_lookup_elem(&conns, &key);
    if (!c) return 0; /* connect() began before we were loaded, or ours */
    c->state = TCP_ESTABLISHED;
    c->reported = 1;
    report(sk, VIGIL_BPF_TCP_NEW, c);
    return 0;
  }
  if (newstate == TCP_ESTABLISHED && oldstate == TCP_SYN_RECV) {
    remember(key, 0, 0, TCP_ESTABLISHED);
    if (!accept_hook) {
      struct conn *c = bpf_map_lookup_elem(&conns, &key);
      if (!c) return 0;
      c->reported = 1;
      report(sk, VIGIL_BPF_TCP_NEW, c);
    }
    return 0;
  }
  if (newstate == TCP_CLOSE) {
    struct conn *c = bpf_map_lookup_elem(&conns, &key);
    if (!c) return 0;
    if (!c->reported) report(sk, VIGIL_BPF_TCP_NEW, c);
    report(sk, VIGIL_BPF_TCP_END, c);
    bpf_map_delete_elem(&conns, &key);
  }
  return 0;
}

/* The accepting process is current: attribute the passive side to it. */
SEC("fexit/inet_csk_accept")
int vigil_accept(__u64 *ctx) {
  __u64 ret = 0;
  if (bpf_get_func_ret(ctx, &ret) != 0 || !ret) return 0;
  __u64 key = ret;
  struct conn *c = bpf_map_lookup_elem(&conns, &key);
  if (!c || c->reported) return 0;
  __u32 pid = bpf_get_current_pid_tgid() >> 32;
  if (pid == self_tgid) {
    bpf_map_delete_elem(&conns, &key);
    return 0;
  }
  c->pid = pid;
  c->reported = 1;
  report((const struct sock *)ret, VIGIL_BPF_TCP_NEW, c);
  return 0;
}
