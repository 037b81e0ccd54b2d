/* proc_events.h — the one builder of process telemetry, shared by the
 * process collectors (collect_proc.c: netlink proc connector;
 * collect_proc_ebpf.c: eBPF tracepoints). They feed it fork/exec/exit as the
 * kernel reports them; it keeps the process table (atoms, parents) and emits
 * EXISTING_PROCESS, NEW_PROCESS, TERMINATE_PROCESS, CODE_IDENTITY,
 * MODULE_LOAD, USER_OBSERVED and DATA_DROPPED (see collect_proc.c).
 *
 * All calls but the lookups published in sensor_ctx come from the
 * collector's one thread. */
#ifndef VIGIL_SENSOR_PROC_EVENTS_H
#define VIGIL_SENSOR_PROC_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sensor/sensor.h"

extern const char *const proc_events_types[]; /* the collectors' event list */

/* What the kernel told an eBPF collector at exec time (facts are exact even
 * when the process is gone before user space looks at /proc). */
struct proc_exec_facts {
  pid_t ppid;
  uint32_t uid;
  const char *filename;   /* as passed to execve (may be relative), NUL-terminated */
  const char *exe_name;   /* the executable file's own name ("dash" for /bin/sh) */
  const char *args;       /* argv, NUL-separated, args_len bytes */
  size_t args_len;
  size_t args_total;      /* argv's full length: > args_len when truncated */
};

struct proc_events;

/* A builder emitting through ctx (not yet published in ctx). Never NULL. */
struct proc_events *proc_events_create(struct sensor_ctx *ctx);
/* Stop publishing and free. NULL is a no-op. */
void proc_events_free(struct proc_events *pe);
/* Point ctx->proc_atom / atom_pid / proc_user at the table. */
void proc_events_publish(struct proc_events *pe);

/* Every process not in the table: EXISTING_PROCESS, parents first. With
 * reap, table entries whose process is gone get TERMINATE_PROCESS. */
void proc_events_scan(struct proc_events *pe, bool reap);
/* A new process (not a thread): same image as its parent until it execs. */
void proc_events_fork(struct proc_events *pe, pid_t parent, pid_t child);
/* pid exec'd: NEW_PROCESS. facts NULL: everything is read from /proc. */
void proc_events_exec(struct proc_events *pe, pid_t pid, const struct proc_exec_facts *facts);
/* pid (a thread-group leader) exited: TERMINATE_PROCESS. */
void proc_events_exit(struct proc_events *pe, pid_t pid, int exit_code, bool known_code);
/* Kernel records were lost: DATA_DROPPED {SOURCE, REASON, OVERFLOWS} and a
 * /proc rescan (missed processes as EXISTING_PROCESS, vanished ones ended). */
void proc_events_lost(struct proc_events *pe, const char *source, const char *reason);
/* Milliseconds until the next due module scan (-1: none queued). */
int proc_events_timeout_ms(struct proc_events *pe);
/* MODULE_LOAD for processes whose delay has passed (all: every queued one). */
void proc_events_module_scans(struct proc_events *pe, bool all);

#endif
