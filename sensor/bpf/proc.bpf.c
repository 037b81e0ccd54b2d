/* proc.bpf.c — process fork/exec/exit for collect_proc_ebpf.c. BTF-typed
 * tracepoints (tp_btf: no tracefs needed) on sched_process_fork / _exec /
 * _exit put records (vigil_bpf.h) in one ring buffer, so user space sees
 * them in order. exec copies the filename and the first
 * VIGIL_BPF_ARGS_BYTES of argv while the process is current: a process
 * that exits at once still has its command line. */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "sensor/bpf/vigil_bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, VIGIL_BPF_PROC_RING_BYTES);
} proc_ring SEC(".maps");

const volatile __u32 self_tgid = 0; /* the sensor: set before load */
__u64 drops = 0;                    /* records lost to a full ring */

static __always_inline struct vigil_bpf_proc_head *head(__u32 size) {
  struct vigil_bpf_proc_head *h = bpf_ringbuf_reserve(&proc_ring, size, 0);
  if (!h) __sync_fetch_and_add(&drops, 1);
  return h;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(vigil_fork, struct task_struct *parent, struct task_struct *child) {
  if (child->pid != child->tgid || parent->tgid == self_tgid) return 0; /* threads, us */
  struct vigil_bpf_proc_head *h = head(sizeof(*h));
  if (!h) return 0;
  __builtin_memset(h, 0, sizeof(*h));
  h->kind = VIGIL_BPF_FORK;
  h->pid = child->tgid;
  h->ppid = parent->tgid;
  bpf_ringbuf_submit(h, 0);
  return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(vigil_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm) {
  if (p->tgid == self_tgid) return 0;
  struct vigil_bpf_exec *e = (struct vigil_bpf_exec *)head(sizeof(*e));
  if (!e) return 0;
  e->h.kind = VIGIL_BPF_EXEC;
  e->h.pid = p->tgid;
  e->h.ppid = BPF_CORE_READ(p, real_parent, tgid);
  e->h.uid = (__u32)bpf_get_current_uid_gid();
  e->h.exit_code = 0;
  e->h.pad = 0;
  if (bpf_probe_read_kernel_str(e->filename, sizeof(e->filename), BPF_CORE_READ(bprm, filename)) < 0)
    e->filename[0] = '\0';
  /* the file actually opened (/bin/sh → "dash"): user space checks that
   * /proc/PID/exe is still this image before trusting it */
  if (bpf_probe_read_kernel_str(e->exe_name, sizeof(e->exe_name),
                                BPF_CORE_READ(bprm, file, f_path.dentry, d_name.name)) < 0)
    e->exe_name[0] = '\0';
  /* argv lives in the new image's stack: [arg_start, arg_end) of p->mm
   * (p is current here, so a user read is of the right address space). */
  unsigned long start = BPF_CORE_READ(p, mm, arg_start), end = BPF_CORE_READ(p, mm, arg_end);
  __u64 total = end > start ? end - start : 0;
  __u32 len = total < VIGIL_BPF_ARGS_BYTES ? (__u32)total : VIGIL_BPF_ARGS_BYTES;
  e->args_total = total > 0xffffffffu ? 0xffffffffu : (__u32)total;
  if (len > VIGIL_BPF_ARGS_BYTES) len = VIGIL_BPF_ARGS_BYTES; /* for the verifier */
  if (bpf_probe_read_user(e->args, len, (const void *)start) < 0) len = 0;
  e->args_len = len;
  bpf_ringbuf_submit(e, 0);
  return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(vigil_exit, struct task_struct *p) {
  if (p->pid != p->tgid || p->tgid == self_tgid) return 0; /* the leader ends the process */
  struct vigil_bpf_proc_head *h = head(sizeof(*h));
  if (!h) return 0;
  __builtin_memset(h, 0, sizeof(*h));
  h->kind = VIGIL_BPF_EXIT;
  h->pid = p->tgid;
  h->ppid = BPF_CORE_READ(p, real_parent, tgid);
  h->exit_code = p->exit_code;
  bpf_ringbuf_submit(h, 0);
  return 0;
}
