/* vigil_bpf.h — the records the sensor's BPF programs (sensor/bpf/NAME.bpf.c)
 * put in their ring buffers, shared by the BPF side and user space
 * (collect_proc_ebpf.c, net_ebpf.c). Include <linux/types.h> (user space) or
 * vmlinux.h (BPF) first. Fixed-size fields only: the layout is the ABI. */
#ifndef VIGIL_SENSOR_BPF_H
#define VIGIL_SENSOR_BPF_H

/* Ring buffer sizes (bytes, a power of two and a multiple of the page size). */
#define VIGIL_BPF_PROC_RING_BYTES (4u << 20) /* ≈5000 execs of burst */
#define VIGIL_BPF_NET_RING_BYTES (1u << 20)
/* Bytes of the exec'd filename and of argv (NUL-separated) copied per exec. */
#define VIGIL_BPF_FILENAME_BYTES 256
#define VIGIL_BPF_ARGS_BYTES 512
/* Bytes of the executable's own file name (its dentry: symlinks resolved). */
#define VIGIL_BPF_EXE_NAME_BYTES 64
/* TCP sockets followed between connect/accept and close. */
#define VIGIL_BPF_NET_SOCKETS 65536

enum vigil_bpf_proc_kind { VIGIL_BPF_FORK = 1, VIGIL_BPF_EXEC = 2, VIGIL_BPF_EXIT = 3 };

/* Every process record starts with this; FORK and EXIT are only this. */
struct vigil_bpf_proc_head {
  __u32 kind;      /* enum vigil_bpf_proc_kind */
  __u32 pid;       /* tgid of the process */
  __u32 ppid;      /* FORK/EXEC: real parent's tgid */
  __u32 uid;       /* EXEC: real uid */
  __s32 exit_code; /* EXIT: task->exit_code (as the proc connector gives it) */
  __u32 pad;
};

struct vigil_bpf_exec {
  struct vigil_bpf_proc_head h;
  __u32 args_len;   /* bytes of args copied (≤ VIGIL_BPF_ARGS_BYTES) */
  __u32 args_total; /* mm->arg_end - mm->arg_start: > args_len means truncated */
  char filename[VIGIL_BPF_FILENAME_BYTES]; /* as given to execve (may be relative) */
  char exe_name[VIGIL_BPF_EXE_NAME_BYTES]; /* last component of the opened file */
  char args[VIGIL_BPF_ARGS_BYTES];         /* argv, NUL-separated */
};

enum vigil_bpf_net_kind { VIGIL_BPF_TCP_NEW = 1, VIGIL_BPF_TCP_END = 2 };

struct vigil_bpf_tcp {
  __u32 kind;      /* enum vigil_bpf_net_kind */
  __u32 pid;       /* tgid of the connecting / accepting process; 0 unknown */
  __u64 sock;      /* kernel socket address: the connection's key (not exported) */
  __u16 family;    /* AF_INET / AF_INET6 */
  __u16 sport;     /* local port, host order */
  __u16 dport;     /* remote port, host order */
  __u8 outgoing;   /* 1: we connected (SYN_SENT), 0: accepted */
  __u8 state;      /* TCP state when reported (TCP_ESTABLISHED, or TCP_SYN_SENT if it never was) */
  __u8 saddr[16];  /* local; v4 in the first 4 bytes */
  __u8 daddr[16];  /* remote */
};

#endif
