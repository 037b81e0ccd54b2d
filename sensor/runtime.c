/* runtime.c — the sensor's life: start-up, the event sink (routing, seq,
 * selection, spool), shutdown and restart. The connection is conn.c, tasks
 * tasks.c. */
#include "sensor/runtime.h"

#include <arpa/inet.h>
#include <errno.h>
#include <malloc.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sensor/runtime_int.h"
#include "sensor/tasks.h"
#include "shared/alloc.h"
#include "shared/buf.h"
#include "shared/event.h"
#include "shared/event_codec.h"
#include "shared/log.h"
#include "shared/platform.h"
#include "shared/version.h"

#define COMP "sensor"

static void set_if_missing(json_t *rt, const char *k, json_t *v) {
  if (!json_object_get(rt, k))
    json_object_set_new(rt, k, v);
  else
    json_decref(v);
}

static void fill_routing(struct sensor_rt *rt, json_t *ev);

/* Append one encoded event; 0 or negative (logged). */
static int append(struct sensor_rt *rt, json_t *ev, uint64_t *seq, struct spool_drop *drop) {
  struct vg_buf b;
  struct vg_err err;
  vg_err_clear(&err);
  vg_buf_init(&b, VG_LIMIT_EVENT_BYTES);
  *seq = 0;
  memset(drop, 0, sizeof(*drop));
  int r = vg_event_codec_encode(ev, &b, &err);
  if (r)
    vg_warn(COMP, "%s event not sent: %s", vg_event_get_type(ev), err.msg);
  else if ((r = spool_append(rt->spool, b.data, b.len, seq, drop, &err)))
    vg_error(COMP, "%s event lost: %s", vg_event_get_type(ev), err.msg);
  vg_buf_cleanup(&b);
  return r;
}

/* Drop accounting. The spool deletes its oldest unacked events when full.
 * Those never sent are lost for sure: DATA_DROPPED COUNT. Those sent but not
 * acked yet may be stored already, so they wait in rt->inflight until an
 * ack says they are stored (then they are not reported at all); whatever
 * the next welcome does not confirm is reported as UNCONFIRMED (stored or
 * not: vigild persists its acked seq lazily and loses the last ack of a
 * closing session, so welcome.acked is only a lower bound). A DATA_DROPPED
 * that is itself deleted before it is stored hands its numbers on. So the
 * stored COUNTs add up to at most the events the backend lacks, and
 * COUNT + UNCONFIRMED to at least that; with nothing in flight at the
 * outage (the usual case) COUNT is exact. All with dd_mu held. */

struct dd_sum {
  uint64_t count, unconfirmed;
};

/* Seqs lo..hi went: take the reports among them off the list and add their
 * numbers to *s (as unconfirmed unless sure). */
static void carry_locked(struct sensor_rt *rt, uint64_t lo, uint64_t hi, bool sure,
                         struct dd_sum *s) {
  size_t k = 0;
  for (size_t i = 0; i < rt->ndd; i++) {
    if (rt->dd[i].seq >= lo && rt->dd[i].seq <= hi) {
      if (sure)
        s->count += rt->dd[i].count;
      else
        s->unconfirmed += rt->dd[i].count;
      s->unconfirmed += rt->dd[i].unconfirmed;
    } else {
      rt->dd[k++] = rt->dd[i];
    }
  }
  rt->ndd = k;
}

static void inflight_add_locked(struct sensor_rt *rt, uint64_t lo, uint64_t hi) {
  if (rt->ninflight == RUNTIME_DD_PENDING) { /* never in practice: widen the newest */
    if (lo < rt->inflight[rt->ninflight - 1].lo) rt->inflight[rt->ninflight - 1].lo = lo;
    if (hi > rt->inflight[rt->ninflight - 1].hi) rt->inflight[rt->ninflight - 1].hi = hi;
    return;
  }
  rt->inflight[rt->ninflight].lo = lo;
  rt->inflight[rt->ninflight++].hi = hi;
}

/* Emit DATA_DROPPED for s (dd_mu held); *more gets what its append dropped. */
static void emit_dd_locked(struct sensor_rt *rt, struct dd_sum s, struct spool_drop *more) {
  vg_warn(COMP, "spool full: %llu unsent events dropped, %llu sent but unconfirmed",
          (unsigned long long)s.count, (unsigned long long)s.unconfirmed);
  json_t *ev = vg_event_new("DATA_DROPPED", vg_event_now_ms());
  json_object_set_new(ev, "event",
                      json_pack("{s:I, s:I, s:s}", "COUNT", (json_int_t)s.count, "UNCONFIRMED",
                                (json_int_t)s.unconfirmed, "REASON",
                                "spool full: oldest unacknowledged events deleted"));
  fill_routing(rt, ev);
  uint64_t seq;
  if (append(rt, ev, &seq, more) == 0) {
    if (rt->ndd == RUNTIME_DD_PENDING) { /* never in practice: fold the oldest into the next */
      rt->dd[1].count += rt->dd[0].count;
      rt->dd[1].unconfirmed += rt->dd[0].unconfirmed;
      memmove(rt->dd, rt->dd + 1, (rt->ndd - 1) * sizeof(rt->dd[0]));
      rt->ndd--;
    }
    rt->dd[rt->ndd].seq = seq;
    rt->dd[rt->ndd].count = s.count;
    rt->dd[rt->ndd++].unconfirmed = s.unconfirmed;
  }
  json_decref(ev);
}

/* The spool dropped d (dd_mu not held). */
static void report_drops(struct sensor_rt *rt, struct spool_drop d) {
  pthread_mutex_lock(&rt->dd_mu);
  while (d.count) {
    pthread_mutex_lock(&rt->cmu);
    uint64_t sent_below = rt->send_next; /* seqs below it went out on some connection */
    pthread_mutex_unlock(&rt->cmu);
    struct dd_sum s = {0, 0};
    if (d.lo < sent_below) {
      uint64_t hi = d.hi < sent_below - 1 ? d.hi : sent_below - 1;
      inflight_add_locked(rt, d.lo, hi);
      d.lo = hi + 1;
    }
    if (d.lo <= d.hi) {
      s.count = d.hi - d.lo + 1;
      carry_locked(rt, d.lo, d.hi, true, &s);
    }
    memset(&d, 0, sizeof(d));
    if (s.count || s.unconfirmed) emit_dd_locked(rt, s, &d);
  }
  pthread_mutex_unlock(&rt->dd_mu);
}

void runtime_acked(struct sensor_rt *rt, uint64_t seq) {
  pthread_mutex_lock(&rt->dd_mu);
  size_t k = 0;
  for (size_t i = 0; i < rt->ndd; i++)
    if (rt->dd[i].seq > seq) rt->dd[k++] = rt->dd[i];
  rt->ndd = k;
  k = 0;
  for (size_t i = 0; i < rt->ninflight; i++) { /* stored: not lost */
    if (rt->inflight[i].hi <= seq) continue;
    if (rt->inflight[i].lo <= seq) rt->inflight[i].lo = seq + 1;
    rt->inflight[k++] = rt->inflight[i];
  }
  rt->ninflight = k;
  pthread_mutex_unlock(&rt->dd_mu);
  spool_ack(rt->spool, seq);
}

void runtime_welcome_acked(struct sensor_rt *rt, uint64_t seq) {
  runtime_acked(rt, seq);
  pthread_mutex_lock(&rt->dd_mu);
  struct dd_sum s = {0, 0};
  for (size_t i = 0; i < rt->ninflight; i++) {
    s.unconfirmed += rt->inflight[i].hi - rt->inflight[i].lo + 1;
    carry_locked(rt, rt->inflight[i].lo, rt->inflight[i].hi, false, &s);
  }
  rt->ninflight = 0;
  struct spool_drop more = {0, 0, 0};
  if (s.unconfirmed) emit_dd_locked(rt, s, &more);
  pthread_mutex_unlock(&rt->dd_mu);
  if (more.count) report_drops(rt, more);
}

/* Number it, write it to the spool; ev is taken. */
static void spool_event(struct sensor_rt *rt, json_t *ev) {
  uint64_t seq;
  struct spool_drop d;
  int r = append(rt, ev, &seq, &d);
  json_decref(ev);
  if (d.count) report_drops(rt, d);
  /* The sender sets sender_waiting before it looks at the spool a last time
   * and waits under cmu: either it sees this record or we see the flag (and
   * cmu, held until it waits, orders our wake-up after its wait). */
  if (!r && __atomic_load_n(&rt->sender_waiting, __ATOMIC_SEQ_CST)) {
    pthread_mutex_lock(&rt->cmu);
    pthread_cond_broadcast(&rt->ccv);
    pthread_mutex_unlock(&rt->cmu);
  }
}

static void fill_routing(struct sensor_rt *rt, json_t *ev) {
  json_t *r = vg_event_routing(ev);
  if (!r) {
    r = json_object();
    json_object_set_new(ev, "routing", r);
  }
  set_if_missing(r, "iid", json_string(rt->st.iid));
  set_if_missing(r, "hostname", json_string(rt->hostname));
  set_if_missing(r, "plat", json_integer(rt->plat));
  set_if_missing(r, "arch", json_integer(rt->arch));
  set_if_missing(r, "int_ip", json_string(rt->int_ip));
  if (!json_object_get(r, "this")) {
    char a[VG_ATOM_HEX_LEN + 1];
    vg_atom_new(a);
    json_object_set_new(r, "this", json_string(a));
  }
}

void runtime_emit(void *user, json_t *ev) {
  struct sensor_rt *rt = user;
  if (!ev) return;
  fill_routing(rt, ev);
  const char *type = vg_event_get_type(ev);
  pthread_mutex_lock(&rt->mu);
  bool send = selection_wants(rt->sel, type, vg_event_now_ms());
  if (!send) history_push(rt->hist, ev);
  pthread_mutex_unlock(&rt->mu);
  if (send) spool_event(rt, ev);
}

void runtime_emit_always(struct sensor_rt *rt, json_t *ev) {
  fill_routing(rt, ev);
  spool_event(rt, ev);
}

void runtime_emit_simple(struct sensor_rt *rt, const char *type, json_t *body) {
  json_t *ev = vg_event_new(type, vg_event_now_ms());
  if (body) json_object_set_new(ev, "event", body);
  runtime_emit(rt, ev);
}

json_t *runtime_history(struct sensor_rt *rt, const struct history_filter *f) {
  pthread_mutex_lock(&rt->mu);
  json_t *a = history_select(rt->hist, f);
  pthread_mutex_unlock(&rt->mu);
  return a;
}

int runtime_exfil_add(struct sensor_rt *rt, const char *type, int64_t expire_ms) {
  pthread_mutex_lock(&rt->mu);
  int r = selection_local_add(rt->sel, type, expire_ms);
  pthread_mutex_unlock(&rt->mu);
  return r;
}

int runtime_exfil_del(struct sensor_rt *rt, const char *type) {
  pthread_mutex_lock(&rt->mu);
  int r = selection_local_del(rt->sel, type);
  pthread_mutex_unlock(&rt->mu);
  return r;
}

json_t *runtime_exfil_get(struct sensor_rt *rt) {
  pthread_mutex_lock(&rt->mu);
  json_t *b = selection_get_backend(rt->sel);
  json_t *l = selection_local_get(rt->sel, vg_event_now_ms());
  pthread_mutex_unlock(&rt->mu);
  return json_pack("{s:o, s:o}", "EVENTS", b ? b : json_null(), "LOCAL", l);
}

void runtime_request_restart(struct sensor_rt *rt) {
  rt->restart = 1;
  kill(getpid(), SIGTERM);
}

void runtime_set_selection(struct sensor_rt *rt, const json_t *types) {
  if (!json_is_array(types)) return;
  pthread_mutex_lock(&rt->mu);
  selection_set_backend(rt->sel, types);
  pthread_mutex_unlock(&rt->mu);
  char *text = json_dumps(types, JSON_COMPACT);
  if (text) state_write_file(&rt->st, "selection.json", text);
  free(text);
}

void runtime_set_isolation(struct sensor_rt *rt, bool isolated) {
  pthread_mutex_lock(&rt->mu);
  int was = rt->isolated;
  rt->isolated = isolated;
  pthread_mutex_unlock(&rt->mu);
  if (was == (int)isolated) return;
  state_write_file(&rt->st, "isolated", isolated ? "1\n" : "0\n");
  /* Unknown before (-1) and not isolated now: nothing to undo. */
  if (was < 0 && !isolated) return;
  const char *cmd = isolated ? "segregate_network" : "rejoin_network";
  vg_info(COMP, "backend asks for %s", cmd);
  if (!tasks_run_internal(rt->tasks, cmd))
    vg_warn(COMP, "%s is not available in this build", cmd);
}

/* The address this host uses towards the backend (no packet is sent). */
static void find_int_ip(struct sensor_rt *rt) {
  struct addrinfo hints = {.ai_socktype = SOCK_DGRAM}, *ai = NULL;
  char port[16];
  snprintf(port, sizeof(port), "%d", rt->st.backend_port);
  if (getaddrinfo(rt->st.backend_host, port, &hints, &ai) != 0) return;
  for (struct addrinfo *a = ai; a; a = a->ai_next) {
    int fd = socket(a->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) continue;
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    if (connect(fd, a->ai_addr, a->ai_addrlen) == 0 &&
        getsockname(fd, (struct sockaddr *)&ss, &sl) == 0) {
      void *src = ss.ss_family == AF_INET ? (void *)&((struct sockaddr_in *)&ss)->sin_addr
                                          : (void *)&((struct sockaddr_in6 *)&ss)->sin6_addr;
      inet_ntop(ss.ss_family, src, rt->int_ip, sizeof(rt->int_ip));
      close(fd);
      break;
    }
    close(fd);
  }
  freeaddrinfo(ai);
}

static void *ctx_runtime(struct sensor_rt *rt) { return rt; }

/* Start, in table order, the first selected collector of each kind that
 * starts (eBPF first unless no_ebpf, then its fallback). */
static void collectors_start(struct sensor_rt *rt, const char *wanted, bool no_ebpf) {
  rt->cols = collector_table(&rt->ncols);
  rt->col_state = vg_xcalloc(rt->ncols, sizeof(void *));
  rt->running = json_array();
  for (size_t i = 0; i < rt->ncols; i++) {
    const struct collector *c = &rt->cols[i];
    bool kind_runs = false;
    for (size_t j = 0; j < i; j++)
      kind_runs |= rt->col_state[j] && strcmp(rt->cols[j].kind, c->kind) == 0;
    if (kind_runs) continue;
    if (!collector_selected(c, wanted) || (no_ebpf && c->ebpf)) {
      vg_info(COMP, "collector %s not started (%s)", c->name,
              no_ebpf && c->ebpf ? "--no-ebpf" : "--collectors");
      continue;
    }
    struct vg_err err;
    vg_err_clear(&err);
    int r = c->start(&rt->ctx, &rt->col_state[i], &err);
    if (r) {
      vg_warn(COMP, "collector %s not running: %s", c->name, err.msg[0] ? err.msg : vg_strerror(r));
      rt->col_state[i] = NULL;
      continue;
    }
    vg_info(COMP, "collector %s running", c->name);
    json_array_append_new(rt->running, json_string(c->name));
  }
  /* Loading eBPF programs parses the kernel's BTF (~10 MiB of heap, freed
   * once they are loaded): give it back to the system, or the sensor keeps
   * it resident for its whole life (measured: RSS 34 → 23 MiB). */
  malloc_trim(0);
}

static void collectors_stop(struct sensor_rt *rt) {
  for (size_t i = rt->ncols; i-- > 0;)
    if (rt->col_state[i]) rt->cols[i].stop(rt->col_state[i]);
  free(rt->col_state);
  rt->col_state = NULL;
}

static int setup(struct sensor_rt *rt, const struct runtime_opts *o) {
  struct vg_err err;
  vg_err_clear(&err);
  int cloned = 0;
  if (state_load(o->state_dir, &rt->st, &err) || state_check_clone(&rt->st, &cloned, &err)) {
    vg_error(COMP, "%s", err.msg);
    return -1;
  }
  rt->spool = spool_open(rt->st.spool_dir, o->spool_max_bytes, &err);
  if (!rt->spool) {
    vg_error(COMP, "%s", err.msg);
    return -1;
  }
  struct spool_stats ss;
  spool_stats(rt->spool, &ss);
  vg_info(COMP, "sensor %s, state %s: spool holds %llu events from seq %llu, next seq %llu",
          rt->st.sid, rt->st.dir, (unsigned long long)ss.recovered,
          (unsigned long long)spool_first_unacked(rt->spool), (unsigned long long)ss.next_seq);
  gethostname(rt->hostname, sizeof(rt->hostname) - 1);
  rt->plat = vg_platform_host();
  rt->arch = vg_platform_host_arch();
  find_int_ip(rt);
  rt->sel = selection_create();
  rt->hist = history_create(o->history_events);
  char *sel = state_read_file(&rt->st, "selection.json");
  if (sel) {
    json_t *types = json_loads(sel, 0, NULL);
    selection_set_backend(rt->sel, types);
    json_decref(types);
    free(sel);
  }
  char *iso = state_read_file(&rt->st, "isolated");
  rt->isolated = iso ? iso[0] == '1' : -1;
  free(iso);
  rt->ctx.sink.emit = runtime_emit;
  rt->ctx.sink.user = rt;
  rt->ctx.self_pid = getpid();
  rt->ctx.state_dir = rt->st.dir;
  rt->ctx.backend_host = rt->st.backend_host;
  rt->ctx.backend_port = rt->st.backend_port;
  rt->ctx.runtime = ctx_runtime(rt);
  if (cloned)
    runtime_emit_simple(rt, "STARTING_UP",
                        json_pack("{s:s, s:b}", "VERSION", vg_version(), "RE_ENROLLED", 1));
  else
    runtime_emit_simple(rt, "STARTING_UP", json_pack("{s:s}", "VERSION", vg_version()));
  return 0;
}

int runtime_run(const struct runtime_opts *o) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, NULL); /* every thread inherits it; main waits */
  signal(SIGPIPE, SIG_IGN);
  struct sensor_rt *rt = vg_xcalloc(1, sizeof(*rt));
  pthread_mutex_init(&rt->mu, NULL);
  pthread_mutex_init(&rt->cmu, NULL);
  pthread_mutex_init(&rt->dd_mu, NULL);
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&rt->ccv, &ca);
  pthread_condattr_destroy(&ca);
  int rc = 1;
  if (setup(rt, o)) goto out;
  rt->tasks = tasks_create(&rt->ctx, RUNTIME_TASK_WORKERS, RUNTIME_TASK_QUEUE);
  collectors_start(rt, o->collectors, o->no_ebpf);
  if (rt->isolated == 1) tasks_run_internal(rt->tasks, "segregate_network");
  struct vg_err err;
  vg_err_clear(&err);
  if (conn_start(rt, &err)) {
    vg_error(COMP, "%s", err.msg);
    collectors_stop(rt);
    goto out;
  }
  int sig = 0;
  while (sigwait(&set, &sig) == 0 && sig == SIGHUP) vg_log_open(NULL);
  vg_info(COMP, "%s: %s", strsignal(sig), rt->restart ? "restarting" : "stopping");
  runtime_emit_simple(rt, "SHUTTING_DOWN", json_pack("{s:b}", "RESTART", rt->restart != 0));
  conn_flush(rt, RUNTIME_SHUTDOWN_FLUSH_MS);
  conn_stop(rt);         /* no more tasks arrive */
  tasks_free(rt->tasks); /* before the collectors: handlers look atoms up */
  rt->tasks = NULL;
  collectors_stop(rt);
  rc = 0;
out:
  tasks_free(rt->tasks);
  spool_close(rt->spool);
  selection_free(rt->sel);
  history_free(rt->hist);
  json_decref(rt->running);
  state_cleanup(&rt->st);
  int restart = rt->restart;
  free(rt);
  if (restart && rc == 0) {
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    execv("/proc/self/exe", o->argv);
    vg_error(COMP, "restart: exec: %s", strerror(errno));
    return 1;
  }
  return rc;
}
