/* collect_proc.c — process telemetry from the netlink proc connector
 * (fork/exec/exit from the kernel; exe, command line and ids from /proc),
 * the fallback of collect_proc_ebpf.c. Both feed proc_events.c, the one
 * event builder.
 *
 * Events: EXISTING_PROCESS for every process at start-up (parents first, so
 * atoms link), NEW_PROCESS at exec (routing/this = a fresh atom for the new
 * image, routing/parent = the parent's atom), TERMINATE_PROCESS at exit
 * (routing/parent = the process's atom), CODE_IDENTITY once per (path,
 * hash), MODULE_LOAD per shared object a process maps (read from its maps
 * PROC_MODULE_DELAY_MS after exec, once per process), USER_OBSERVED once
 * per user. A fork without exec shares its parent's atom (same image).
 *
 * Lost kernel messages (ENOBUFS: the socket buffer overflowed) are counted
 * in DATA_DROPPED and /proc is rescanned: processes we missed are reported
 * as EXISTING_PROCESS, vanished ones as TERMINATE_PROCESS.
 * The connector gives pids only, so exe and argv are read from /proc after
 * the fact (a process that exits at once may have neither). */
#include <errno.h>
#include <fcntl.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sensor/collect_proc.h"
#include "sensor/proc_events.h"
#include "shared/alloc.h"
#include "shared/log.h"

#define COMP "proc"
#define PROC_RCVBUF_BYTES (8 << 20) /* SO_RCVBUFFORCE: bursts of execs */
#define PROC_RECV_BYTES (64u << 10)

struct proc_col {
  int nl, stop_pipe[2];
  pthread_t th;
  bool started;
  struct proc_events *pe;
};

static void handle(struct proc_events *pe, const struct proc_event *ev) {
  switch (ev->what) {
  case PROC_EVENT_FORK:
    if (ev->event_data.fork.child_pid != ev->event_data.fork.child_tgid) return; /* a thread */
    proc_events_fork(pe, ev->event_data.fork.parent_tgid, ev->event_data.fork.child_tgid);
    break;
  case PROC_EVENT_EXEC:
    proc_events_exec(pe, ev->event_data.exec.process_tgid, NULL);
    break;
  case PROC_EVENT_EXIT:
    if (ev->event_data.exit.process_pid != ev->event_data.exit.process_tgid) return;
    proc_events_exit(pe, ev->event_data.exit.process_tgid, (int)ev->event_data.exit.exit_code, true);
    break;
  default:
    break;
  }
}

static void *proc_main(void *arg) {
  struct proc_col *pc = arg;
  char *buf = vg_xmalloc(PROC_RECV_BYTES);
  for (;;) {
    int timeout = proc_events_timeout_ms(pc->pe);
    struct pollfd p[2] = {{pc->nl, POLLIN, 0}, {pc->stop_pipe[0], POLLIN, 0}};
    int r = poll(p, 2, timeout);
    if (r < 0 && errno != EINTR) break;
    if (p[1].revents) break;
    if (r > 0 && (p[0].revents & POLLIN)) {
      for (int k = 0; k < 64; k++) { /* drain a burst before looking at the clock */
        ssize_t n = recv(pc->nl, buf, PROC_RECV_BYTES, MSG_DONTWAIT);
        if (n < 0) {
          if (errno == ENOBUFS)
            proc_events_lost(pc->pe, "proc", "proc connector socket overflow (ENOBUFS); "
                                             "process table resynchronised from /proc");
          break;
        }
        for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
             h = NLMSG_NEXT(h, n)) {
          if (h->nlmsg_type == NLMSG_ERROR || h->nlmsg_type == NLMSG_NOOP) continue;
          struct cn_msg *cn = NLMSG_DATA(h);
          if (cn->id.idx != CN_IDX_PROC || cn->id.val != CN_VAL_PROC) continue;
          /* cn->data is only 4-byte aligned: copy before reading 8-byte fields */
          struct proc_event pev;
          memset(&pev, 0, sizeof(pev));
          size_t room = (size_t)((char *)h + h->nlmsg_len - (char *)cn->data);
          size_t len = cn->len < room ? cn->len : room;
          memcpy(&pev, cn->data, len < sizeof(pev) ? len : sizeof(pev));
          handle(pc->pe, &pev);
        }
      }
    }
    proc_events_module_scans(pc->pe, false);
  }
  free(buf);
  return NULL;
}

static int nl_open(struct vg_err *err) {
  int fd = socket(PF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_CONNECTOR);
  if (fd < 0)
    return vg_err_fail(err, VG_EUNSUPPORTED, "netlink proc connector: socket: %s",
                       strerror(errno));
  int sz = PROC_RCVBUF_BYTES;
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) != 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
  struct sockaddr_nl sa = {.nl_family = AF_NETLINK, .nl_groups = CN_IDX_PROC, .nl_pid = 0};
  if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
    int r = vg_err_fail(err, VG_EUNSUPPORTED, "netlink proc connector: bind: %s",
                        strerror(errno));
    close(fd);
    return r;
  }
  struct {
    struct nlmsghdr nl;
    struct cn_msg cn;
    enum proc_cn_mcast_op op;
  } __attribute__((packed)) msg;
  memset(&msg, 0, sizeof(msg));
  msg.nl.nlmsg_len = sizeof(msg);
  msg.nl.nlmsg_type = NLMSG_DONE;
  msg.cn.id.idx = CN_IDX_PROC;
  msg.cn.id.val = CN_VAL_PROC;
  msg.cn.len = sizeof(enum proc_cn_mcast_op);
  msg.op = PROC_CN_MCAST_LISTEN;
  if (send(fd, &msg, sizeof(msg), 0) != (ssize_t)sizeof(msg)) {
    int r = vg_err_fail(err, VG_EUNSUPPORTED, "netlink proc connector: listen: %s",
                        strerror(errno));
    close(fd);
    return r;
  }
  return fd;
}

int collect_proc_start(struct sensor_ctx *ctx, void **state, struct vg_err *err) {
  int fd = nl_open(err);
  if (fd < 0) return fd;
  struct proc_col *pc = vg_xcalloc(1, sizeof(*pc));
  pc->nl = fd;
  pc->stop_pipe[0] = pc->stop_pipe[1] = -1;
  pc->pe = proc_events_create(ctx);
  if (pipe2(pc->stop_pipe, O_CLOEXEC) != 0) {
    collect_proc_stop(pc);
    return vg_err_fail(err, VG_EINTERNAL, "pipe: %s", strerror(errno));
  }
  /* The socket listens already: nothing between this scan and the thread is lost. */
  proc_events_scan(pc->pe, false);
  proc_events_publish(pc->pe);
  if (pthread_create(&pc->th, NULL, proc_main, pc) != 0) {
    collect_proc_stop(pc);
    return vg_err_fail(err, VG_EINTERNAL, "cannot start the proc thread");
  }
  pc->started = true;
  *state = pc;
  return 0;
}

void collect_proc_stop(void *state) {
  struct proc_col *pc = state;
  if (!pc) return;
  if (pc->started) {
    if (write(pc->stop_pipe[1], "x", 1) != 1) vg_warn(COMP, "stop: %s", strerror(errno));
    pthread_join(pc->th, NULL);
  }
  proc_events_free(pc->pe);
  close(pc->nl);
  if (pc->stop_pipe[0] >= 0) close(pc->stop_pipe[0]);
  if (pc->stop_pipe[1] >= 0) close(pc->stop_pipe[1]);
  free(pc);
}
