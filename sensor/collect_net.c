/* collect_net.c — NEW_/TERMINATE_ {TCP4,TCP6,UDP4,UDP6}_CONNECTION and
 * NETWORK_SUMMARY. Two table rows: "net-ebpf" takes TCP from eBPF
 * (net_ebpf.c: every connection, however short, with its connecting pid)
 * and UDP from sock_diag; "net", the fallback, takes both from
 * NETLINK_SOCK_DIAG dumps every SENSOR_NET_POLL_MS:
 * each snapshot is diffed against the previous one by socket cookie. A
 * socket is attributed to the process holding its inode (sockpid.c).
 * Polling misses connections shorter than the interval (documented in
 * docs/sensor-collectors.md); the sensor's own sockets are left out.
 *
 * TCP sockets count from SYN_SENT/ESTABLISHED/CLOSE_WAIT (with a socket
 * file) until they leave those states; SOURCE is the side that connected,
 * DESTINATION the side that listened (IS_OUTGOING says which one is us). */
#include "sensor/collect_net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "sensor/collect_limits.h"
#include "sensor/collect_util.h"
#include "sensor/net_ebpf.h"
#include "sensor/net_event.h"
#include "sensor/sockdiag.h"
#include "sensor/sockpid.h"
#include "shared/alloc.h"
#include "shared/event.h"
#include "shared/idmap.h"
#include "shared/log.h"

#define LOGC "collect_net"

const char *const collect_net_events[] = {
    "NEW_TCP4_CONNECTION", "TERMINATE_TCP4_CONNECTION", "NEW_TCP6_CONNECTION",
    "TERMINATE_TCP6_CONNECTION", "NEW_UDP4_CONNECTION", "TERMINATE_UDP4_CONNECTION",
    "NEW_UDP6_CONNECTION", "TERMINATE_UDP6_CONNECTION", "NETWORK_SUMMARY", NULL};
const char *const collect_net_ebpf_events[] = {
    "NEW_TCP4_CONNECTION", "TERMINATE_TCP4_CONNECTION", "NEW_TCP6_CONNECTION",
    "TERMINATE_TCP6_CONNECTION", "NEW_UDP4_CONNECTION", "TERMINATE_UDP4_CONNECTION",
    "NEW_UDP6_CONNECTION", "TERMINATE_UDP6_CONNECTION", "NETWORK_SUMMARY", "DATA_DROPPED", NULL};

struct conn {
  struct sockdiag_entry e;
  pid_t pid; /* 0: unknown */
  bool outgoing;
  char atom[VG_ATOM_HEX_LEN + 1];
};

struct snap {
  struct conn *v;
  size_t n, cap;
};

struct proc_net {
  pid_t pid;
  char atom[VG_ATOM_HEX_LEN + 1];
  unsigned long count;
  json_t *activity; /* first SENSOR_NET_SUMMARY_ENTRIES */
};

struct collect_net {
  struct sensor_ctx *ctx;
  int stop_fd;
  pthread_t thread;
  bool started, primed;
  struct sockpid *sp;
  struct snap prev;
  /* listening ports: bit per port, per family index (0 v4, 1 v6) — a local
   * port that listens makes its sockets incoming */
  uint8_t listen[2][65536 / 8];
  struct proc_net procs[SENSOR_NET_MAX_PROCS];
  size_t nprocs;
  /* eBPF mode: TCP from bpf; tcp maps kernel socket → struct conn * of a
   * reported connection until its end (at most SENSOR_NET_MAX_SOCKETS). */
  struct net_ebpf *bpf;
  struct vg_idmap tcp;
  size_t ntcp;
  uint64_t drops_seen;
};

#define TCP_ACTIVE ((1u << TCP_SYN_SENT) | (1u << TCP_ESTABLISHED) | (1u << TCP_CLOSE_WAIT))

static void snap_add(const struct sockdiag_entry *e, void *arg) {
  struct snap *s = arg;
  if (s->n >= SENSOR_NET_MAX_SOCKETS) return;
  if (s->n == s->cap) {
    s->cap = s->cap ? s->cap * 2 : 256;
    s->v = vg_xreallocarray(s->v, s->cap, sizeof *s->v);
  }
  memset(&s->v[s->n], 0, sizeof s->v[s->n]);
  s->v[s->n++].e = *e;
}

static void listen_add(const struct sockdiag_entry *e, void *arg) {
  struct collect_net *s = arg;
  int fi = e->family == AF_INET6;
  s->listen[fi][e->sport / 8] |= (uint8_t)(1u << (e->sport % 8));
  if (fi) s->listen[0][e->sport / 8] |= (uint8_t)(1u << (e->sport % 8)); /* dual-stack */
}

static int cmp_cookie(const void *a, const void *b) {
  uint64_t x = ((const struct conn *)a)->e.cookie, y = ((const struct conn *)b)->e.cookie;
  return x < y ? -1 : x > y;
}

/* The event body of a connection (also an entry of NETWORK_SUMMARY). */
static json_t *conn_body(const struct conn *c) { return net_event_body(&c->e, c->outgoing); }

static void summary_note(struct collect_net *s, const struct conn *c) {
  if (c->pid <= 0) return;
  struct proc_net *p = NULL;
  for (size_t i = 0; i < s->nprocs && !p; i++)
    if (s->procs[i].pid == c->pid) p = &s->procs[i];
  if (!p) {
    if (s->nprocs >= SENSOR_NET_MAX_PROCS) return;
    p = &s->procs[s->nprocs++];
    p->pid = c->pid;
    memcpy(p->atom, c->atom, sizeof p->atom);
    p->count = 0;
    p->activity = json_array();
  }
  p->count++;
  if (json_array_size(p->activity) < SENSOR_NET_SUMMARY_ENTRIES)
    json_array_append_new(p->activity, conn_body(c));
}

/* NETWORK_SUMMARY for each process seen using the network that has exited. */
static void summaries(struct collect_net *s, bool all) {
  for (size_t i = 0; i < s->nprocs;) {
    struct proc_net *p = &s->procs[i];
    if (!all && !(kill(p->pid, 0) != 0 && errno == ESRCH)) {
      i++;
      continue;
    }
    json_t *ev = vg_event_new("NETWORK_SUMMARY", vg_event_now_ms());
    json_t *proc = json_pack("{s:i, s:o}", "PROCESS_ID", (int)p->pid, "NETWORK_ACTIVITY", p->activity);
    json_object_set_new(vg_event_payload(ev), "PROCESS", proc);
    json_object_set_new(vg_event_payload(ev), "CONNECTION_COUNT", json_integer((json_int_t)p->count));
    collect_util_attribute(s->ctx, ev, p->pid, p->atom);
    sensor_emit(s->ctx, ev);
    s->procs[i] = s->procs[--s->nprocs];
  }
}

static void emit_conn(struct collect_net *s, const struct conn *c, bool is_new) {
  json_t *ev = vg_event_new(net_event_type(c->e.family, c->e.proto, is_new), vg_event_now_ms());
  json_t *b = conn_body(c);
  json_object_update(vg_event_payload(ev), b);
  json_decref(b);
  collect_util_attribute(s->ctx, ev, c->pid, c->atom);
  sensor_emit(s->ctx, ev);
}

/* A socket not in the previous snapshot (or one that just got its file). */
static void seen_new(struct collect_net *s, struct conn *now) {
  if (!now->e.inode) { /* not accepted yet: no file, no owner; wait for it */
    now->pid = -1;
    return;
  }
  now->pid = sockpid_lookup(s->sp, now->e.inode);
  int fi = now->e.family == AF_INET6;
  bool listens = s->listen[fi][now->e.sport / 8] & (1u << (now->e.sport % 8));
  now->outgoing = now->e.proto == IPPROTO_TCP ? !listens : now->e.dport != 0;
  if (now->pid == s->ctx->self_pid) { /* ours: never reported */
    now->pid = -2;
    return;
  }
  if (now->pid < 0) now->pid = 0;
  collect_util_atom(s->ctx, now->pid, now->atom);
  if (s->primed) {
    emit_conn(s, now, true);
    summary_note(s, now);
  }
}

static void poll_once(struct collect_net *s) {
  struct snap cur = {0};
  memset(s->listen, 0, sizeof s->listen);
  static const int fams[2] = {AF_INET, AF_INET6};
  for (int f = 0; f < 2; f++) {
    if (!s->bpf) {
      sockdiag_dump(fams[f], IPPROTO_TCP, 1u << TCP_LISTEN, listen_add, s, NULL);
      sockdiag_dump(fams[f], IPPROTO_TCP, TCP_ACTIVE, snap_add, &cur, NULL);
    }
    sockdiag_dump(fams[f], IPPROTO_UDP, ~0u, snap_add, &cur, NULL);
  }
  if (cur.n) qsort(cur.v, cur.n, sizeof *cur.v, cmp_cookie);
  size_t i = 0, j = 0;
  while (i < s->prev.n || j < cur.n) {
    struct conn *old = i < s->prev.n ? &s->prev.v[i] : NULL, *now = j < cur.n ? &cur.v[j] : NULL;
    if (old && now && old->e.cookie == now->e.cookie) {
      i++, j++;
      /* the same socket: keep what we learnt, unless it waited for a file */
      if (old->pid != -1 || !now->e.inode) {
        struct sockdiag_entry e = now->e;
        *now = *old;
        now->e = e;
        continue;
      }
      seen_new(s, now);
      continue;
    }
    if (now && (!old || now->e.cookie < old->e.cookie)) {
      j++;
      seen_new(s, now);
      continue;
    }
    i++;
    if (old->pid >= 0 && old->e.inode && s->primed) emit_conn(s, old, false);
  }
  free(s->prev.v);
  s->prev = cur;
  s->primed = true;
  summaries(s, false);
}

static int64_t mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The listening socket an accepted connection came through: same local
 * port, its own address or a wildcard (a v6 wildcard takes v4 too). */
struct listener_find {
  const struct sockdiag_entry *conn;
  uint32_t exact, any;
};

static void listener_cb(const struct sockdiag_entry *l, void *arg) {
  struct listener_find *f = arg;
  const struct sockdiag_entry *c = f->conn;
  if (l->sport != c->sport || !l->inode) return;
  static const uint8_t zero[16];
  size_t alen = c->family == AF_INET ? 4 : 16;
  if (l->family == c->family && memcmp(l->src, c->src, alen) == 0)
    f->exact = l->inode;
  else if (memcmp(l->src, zero, l->family == AF_INET ? 4 : 16) == 0)
    f->any = l->inode;
}

/* The process that listens where an accepted connection arrived (the
 * passive ESTABLISHED runs in softirq: the kernel side has no pid, and the
 * accepted socket has no file, so no owner, until accept()): the listener
 * from sock_diag, its owner from the inode → pid cache. 0 if unknown. */
static pid_t listener_pid(struct collect_net *s, const struct sockdiag_entry *e) {
  struct listener_find f = {.conn = e};
  sockdiag_dump(e->family, IPPROTO_TCP, 1u << TCP_LISTEN, listener_cb, &f, NULL);
  if (!f.exact && !f.any && e->family == AF_INET) /* dual-stack v6 listener */
    sockdiag_dump(AF_INET6, IPPROTO_TCP, 1u << TCP_LISTEN, listener_cb, &f, NULL);
  uint32_t inode = f.exact ? f.exact : f.any;
  pid_t pid = inode ? sockpid_lookup_fresh(s->sp, inode) : -1;
  return pid > 0 ? pid : 0;
}

/* eBPF mode: one TCP connection began or ended. */
static void on_tcp(const struct net_ebpf_conn *ec, void *arg) {
  struct collect_net *s = arg;
  if (ec->pid == s->ctx->self_pid) return;
  struct net_ebpf_conn acc;
  if (ec->is_new && !ec->outgoing && ec->pid == 0) {
    acc = *ec;
    acc.pid = listener_pid(s, &ec->e);
    if (acc.pid == s->ctx->self_pid) return;
    ec = &acc;
  }
  struct conn *c = vg_idmap_del(&s->tcp, ec->sock);
  if (c) s->ntcp--;
  if (ec->is_new) {
    free(c); /* a socket address reused after a lost end */
    c = vg_xcalloc(1, sizeof *c);
    c->e = ec->e;
    c->pid = ec->pid;
    c->outgoing = ec->outgoing;
    collect_util_atom(s->ctx, c->pid, c->atom);
    emit_conn(s, c, true);
    summary_note(s, c);
    if (s->ntcp < SENSOR_NET_MAX_SOCKETS) {
      vg_idmap_put(&s->tcp, ec->sock, c);
      s->ntcp++;
    } else {
      free(c); /* its end will be reported without the atom */
    }
    return;
  }
  struct conn tmp = {.e = ec->e, .pid = ec->pid, .outgoing = ec->outgoing};
  emit_conn(s, c ? c : &tmp, false);
  free(c);
}

static void check_drops(struct collect_net *s) {
  uint64_t d = net_ebpf_drops(s->bpf);
  if (d == s->drops_seen) return;
  s->drops_seen = d;
  vg_warn(LOGC, "eBPF: %llu TCP records lost so far", (unsigned long long)d);
  json_t *ev = vg_event_new("DATA_DROPPED", vg_event_now_ms());
  json_t *b = vg_event_payload(ev);
  json_object_set_new(b, "SOURCE", json_string("net-ebpf"));
  json_object_set_new(b, "REASON", json_string("eBPF ring buffer or socket map full: "
                                               "TCP connection records lost"));
  json_object_set_new(b, "OVERFLOWS", json_integer((json_int_t)d));
  sensor_emit(s->ctx, ev);
}

static void *net_thread(void *arg) {
  struct collect_net *s = arg;
  struct pollfd pf[2] = {{.fd = s->stop_fd, .events = POLLIN},
                         {.fd = s->bpf ? net_ebpf_fd(s->bpf) : -1, .events = POLLIN}};
  int64_t next = 0;
  for (;;) {
    int64_t now = mono_ms();
    if (now >= next) {
      poll_once(s);
      next = now + SENSOR_NET_POLL_MS;
    }
    int n = poll(pf, s->bpf ? 2 : 1, (int)(next - now > 0 ? next - now : 0));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 || pf[0].revents) break;
    if (s->bpf) {
      if (pf[1].revents) net_ebpf_consume(s->bpf);
      check_drops(s);
    }
  }
  return NULL;
}

static int start(struct sensor_ctx *ctx, void **state, bool ebpf, struct vg_err *err) {
  struct snap probe = {0};
  int rc = sockdiag_dump(AF_INET, IPPROTO_TCP, 1u << TCP_LISTEN, snap_add, &probe, err);
  free(probe.v);
  if (rc < 0) return rc;
  struct collect_net *s = vg_xcalloc(1, sizeof *s);
  s->ctx = ctx;
  s->stop_fd = -1;
  vg_idmap_init(&s->tcp);
  if (ebpf && (rc = net_ebpf_open(&s->bpf, ctx->self_pid, on_tcp, s, err)) != 0) {
    collect_net_stop(s);
    return rc;
  }
  s->sp = sockpid_create();
  s->stop_fd = eventfd(0, EFD_CLOEXEC);
  s->started = pthread_create(&s->thread, NULL, net_thread, s) == 0;
  if (!s->started) {
    collect_net_stop(s);
    return vg_err_fail(err, VG_EINTERNAL, "collect_net: cannot start its thread");
  }
  *state = s;
  return 0;
}

int collect_net_start(struct sensor_ctx *ctx, void **state, struct vg_err *err) {
  return start(ctx, state, false, err);
}

int collect_net_ebpf_start(struct sensor_ctx *ctx, void **state, struct vg_err *err) {
  return start(ctx, state, true, err);
}

void collect_net_stop(void *state) {
  struct collect_net *s = state;
  if (!s) return;
  if (s->started) {
    uint64_t one = 1;
    if (write(s->stop_fd, &one, sizeof one) != sizeof one) vg_warn(LOGC, "stop: eventfd write failed");
    pthread_join(s->thread, NULL);
  }
  summaries(s, true);
  free(s->prev.v);
  sockpid_free(s->sp);
  if (s->stop_fd >= 0) close(s->stop_fd);
  net_ebpf_free(s->bpf);
  uint64_t id;
  void *v;
  for (size_t i = 0; vg_idmap_next(&s->tcp, &i, &id, &v);) free(v);
  vg_idmap_cleanup(&s->tcp);
  free(s);
}
