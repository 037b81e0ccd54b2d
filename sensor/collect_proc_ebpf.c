/* collect_proc_ebpf.c — process telemetry from eBPF (sensor/bpf/proc.bpf.c:
 * BTF tracepoints sched_process_fork/_exec/_exit into one ring buffer),
 * built into the same events as the proc connector collector by
 * proc_events.c. The exec record carries pid, parent, uid, the exec'd
 * filename and the first VIGIL_BPF_ARGS_BYTES of argv, read in the kernel:
 * a process that exits at once still gets its NEW_PROCESS with FILE_PATH,
 * COMMAND_LINE and the right parent. Records lost to a full ring are
 * counted by the BPF side; user space then emits DATA_DROPPED and rescans
 * /proc. */
#include <errno.h>
#include <string.h>

#include "sensor/collect_proc.h"
#include "shared/err.h"

#ifndef VIGIL_HAVE_EBPF
int collect_proc_ebpf_start(struct sensor_ctx *ctx, void **state, struct vg_err *err) {
  (void)ctx;
  (void)state;
  return vg_err_fail(err, VG_EUNSUPPORTED, "eBPF: this sensor was built without it");
}
void collect_proc_ebpf_stop(void *state) { (void)state; }
#else

#include <bpf/libbpf.h>
#include <linux/types.h>
#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "sensor/bpf/vigil_bpf.h"
#include "sensor/ebpf.h"
#include "sensor/proc_events.h"
#include "shared/alloc.h"
#include "shared/log.h"
#include "proc.skel.h"

#define COMP "proc-ebpf"
#define PROC_EBPF_BATCH_MS 5 /* added latency: ≈10 execs at 2,000/s, ≪ the ring's ≈5,000 */
#define PROC_EBPF_BURST 8     /* records in one wake-up that make it a burst (fork+exec+exit ≈ 3 a process) */

struct proc_ebpf {
  struct proc_bpf *skel;
  struct ring_buffer *rb;
  struct proc_events *pe;
  int stop_fd;
  pthread_t th;
  pthread_mutex_t mu; /* held while records are handled, by any thread */
  bool started;
  uint64_t drops_seen;
  struct sensor_ctx *ctx;
};

static int on_record(void *arg, void *data, size_t len) {
  struct proc_ebpf *s = arg;
  if (len < sizeof(struct vigil_bpf_proc_head)) return 0;
  const struct vigil_bpf_proc_head *h = data;
  switch (h->kind) {
  case VIGIL_BPF_FORK: proc_events_fork(s->pe, (pid_t)h->ppid, (pid_t)h->pid); break;
  case VIGIL_BPF_EXIT: proc_events_exit(s->pe, (pid_t)h->pid, h->exit_code, true); break;
  case VIGIL_BPF_EXEC: {
    if (len < sizeof(struct vigil_bpf_exec)) return 0;
    const struct vigil_bpf_exec *e = data;
    char filename[VIGIL_BPF_FILENAME_BYTES];
    memcpy(filename, e->filename, sizeof(filename));
    filename[sizeof(filename) - 1] = '\0';
    char exe_name[VIGIL_BPF_EXE_NAME_BYTES];
    memcpy(exe_name, e->exe_name, sizeof(exe_name));
    exe_name[sizeof(exe_name) - 1] = '\0';
    struct proc_exec_facts f = {
        .ppid = (pid_t)h->ppid,
        .uid = h->uid,
        .filename = filename,
        .exe_name = exe_name,
        .args = e->args,
        .args_len = e->args_len <= VIGIL_BPF_ARGS_BYTES ? e->args_len : VIGIL_BPF_ARGS_BYTES,
        .args_total = e->args_total,
    };
    proc_events_exec(s->pe, (pid_t)h->pid, &f);
    break;
  }
  default: break;
  }
  return 0;
}

static void check_drops(struct proc_ebpf *s) {
  uint64_t d = __atomic_load_n(&s->skel->bss->drops, __ATOMIC_RELAXED);
  if (d == s->drops_seen) return;
  s->drops_seen = d;
  proc_events_lost(s->pe, "proc-ebpf", "eBPF ring buffer full: process records lost; "
                                       "process table resynchronised from /proc");
}

/* ctx->proc_sync: another collector's thread is about to attribute an event
 * to a pid; handle the records already in the ring first (the exec of that
 * pid may be one). Not on this collector's own thread, and not re-entered
 * from a record handled here. */
static __thread bool in_sync;
static void proc_ebpf_sync(void *user) {
  struct proc_ebpf *s = user;
  if (in_sync || pthread_equal(pthread_self(), s->th)) return;
  in_sync = true;
  pthread_mutex_lock(&s->mu);
  ring_buffer__consume(s->rb);
  pthread_mutex_unlock(&s->mu);
  in_sync = false;
}

static void *proc_ebpf_main(void *arg) {
  struct proc_ebpf *s = arg;
  struct pollfd p[2] = {{ring_buffer__epoll_fd(s->rb), POLLIN, 0}, {s->stop_fd, POLLIN, 0}};
  for (;;) {
    pthread_mutex_lock(&s->mu);
    int timeout = proc_events_timeout_ms(s->pe);
    pthread_mutex_unlock(&s->mu);
    int r = poll(p, 2, timeout);
    if (r < 0 && errno != EINTR) break;
    if (r > 0 && p[1].revents) break;
    pthread_mutex_lock(&s->mu);
    int n = r > 0 && p[0].revents ? ring_buffer__consume(s->rb) : 0;
    check_drops(s);
    proc_events_module_scans(s->pe, false);
    pthread_mutex_unlock(&s->mu);
    if (n >= PROC_EBPF_BURST) {
      /* In a burst, let the next records gather: the kernel wakes us for a
       * record only when we had caught up, so without a pause a high exec
       * rate costs a wake-up (two context switches) per record. Not below
       * a burst: a pause there delays the exec record of a new process
       * past the first DNS or connection events other collectors attribute
       * to it, which would then name the parent it forked from. */
      struct timespec ts = {0, PROC_EBPF_BATCH_MS * 1000000L};
      nanosleep(&ts, NULL);
    }
  }
  return NULL;
}

int collect_proc_ebpf_start(struct sensor_ctx *ctx, void **state, struct vg_err *err) {
  int rc = ebpf_usable(err);
  if (rc) return rc;
  struct proc_ebpf *s = vg_xcalloc(1, sizeof(*s));
  s->stop_fd = -1;
  s->ctx = ctx;
  pthread_mutex_init(&s->mu, NULL);
  s->skel = proc_bpf__open();
  if (!s->skel) {
    rc = vg_err_fail(err, VG_EUNSUPPORTED, "eBPF: cannot open the process programs: %s",
                     strerror(errno));
    goto fail;
  }
  s->skel->rodata->self_tgid = (__u32)ctx->self_pid;
  if (proc_bpf__load(s->skel) || proc_bpf__attach(s->skel)) {
    rc = vg_err_fail(err, VG_EUNSUPPORTED, "eBPF: the kernel refused the process programs: %s",
                     strerror(errno));
    goto fail;
  }
  s->pe = proc_events_create(ctx);
  s->rb = ring_buffer__new(bpf_map__fd(s->skel->maps.proc_ring), on_record, s, NULL);
  s->stop_fd = eventfd(0, EFD_CLOEXEC);
  if (!s->rb || s->stop_fd < 0) {
    rc = vg_err_fail(err, VG_EINTERNAL, "eBPF: ring buffer: %s", strerror(errno));
    goto fail;
  }
  /* Attached already: the scan misses nothing, and records of processes it
   * reported are harmless (an exec is a new image, an exit ends it). */
  proc_events_scan(s->pe, false);
  proc_events_publish(s->pe);
  if (pthread_create(&s->th, NULL, proc_ebpf_main, s) != 0) {
    rc = vg_err_fail(err, VG_EINTERNAL, "cannot start the proc-ebpf thread");
    goto fail;
  }
  s->started = true;
  ctx->proc_sync = proc_ebpf_sync;
  ctx->proc_sync_user = s;
  *state = s;
  return 0;
fail:
  collect_proc_ebpf_stop(s);
  return rc;
}

void collect_proc_ebpf_stop(void *state) {
  struct proc_ebpf *s = state;
  if (!s) return;
  if (s->ctx && s->ctx->proc_sync_user == s) {
    s->ctx->proc_sync = NULL;
    s->ctx->proc_sync_user = NULL;
  }
  if (s->started) {
    uint64_t one = 1;
    if (write(s->stop_fd, &one, sizeof(one)) != sizeof(one)) vg_warn(COMP, "stop: %s", strerror(errno));
    pthread_join(s->th, NULL);
  }
  pthread_mutex_lock(&s->mu); /* a sync already inside finishes first */
  pthread_mutex_unlock(&s->mu);
  ring_buffer__free(s->rb);
  proc_bpf__destroy(s->skel);
  proc_events_free(s->pe);
  if (s->stop_fd >= 0) close(s->stop_fd);
  pthread_mutex_destroy(&s->mu);
  free(s);
}
#endif
