/* procfs.h — pure parsers of /proc/<pid>/ files (buffer in, struct out),
 * tested against fixture files in tests/fixtures/proc/. The thin readers
 * that fetch the bytes are procread.h. A parser names what is wrong and
 * where (byte offset or line) on bad input. */
#ifndef VIGIL_SENSOR_PROCFS_H
#define VIGIL_SENSOR_PROCFS_H

#include <stddef.h>
#include <stdint.h>

#include "shared/err.h"

#define PROCFS_COMM_BYTES 64      /* comm is 16 in the kernel; room for escapes */
#define PROCFS_MODULES_MAX 512    /* shared objects reported per process */

/* /proc/<pid>/stat: "pid (comm) state ppid pgrp ... starttime(22) ...".
 * comm may hold spaces and ')' — the last ')' ends it. */
struct procfs_stat {
  int pid;
  char comm[PROCFS_COMM_BYTES];
  char state;
  int ppid;
  uint64_t starttime; /* clock ticks after boot */
};
int procfs_parse_stat(const char *buf, size_t len, struct procfs_stat *out, struct vg_err *err);

/* /proc/<pid>/status: Name, Tgid, Pid, PPid, Uid (real, effective, saved,
 * fs), Gid (same). -VG_EMISSING names the first absent key. */
struct procfs_status {
  char name[PROCFS_COMM_BYTES];
  int tgid, pid, ppid;
  uint32_t uid[4], gid[4];
};
int procfs_parse_status(const char *buf, size_t len, struct procfs_status *out,
                        struct vg_err *err);

/* /proc/<pid>/cmdline (NUL-separated arguments) as one line joined with
 * spaces into out[n] (truncated, always NUL-terminated). Returns the length
 * written. An empty buffer (kernel threads, zombies) gives "". */
size_t procfs_cmdline(const char *buf, size_t len, char *out, size_t n);

/* One line of /proc/<pid>/maps:
 * "start-end perms offset dev inode [path]". path points into the buffer
 * (not NUL-terminated; path_len 0 for anonymous mappings). */
struct procfs_map {
  uint64_t start, end, offset, inode;
  char perms[5];
  const char *path;
  size_t path_len;
};
typedef int (*procfs_map_cb)(void *ctx, const struct procfs_map *m);
/* Parse every line; cb non-zero stops (returned). -VG_EPARSE names the
 * line and what was wrong. */
int procfs_parse_maps(const char *buf, size_t len, procfs_map_cb cb, void *ctx,
                      struct vg_err *err);

/* The shared objects mapped (file-backed mappings whose name has ".so"
 * followed by the end or '.'), one per path: base = lowest start, size =
 * highest end - base, in order of first appearance. At most max; *n gets
 * how many. Paths point into buf. */
struct procfs_module {
  const char *path;
  size_t path_len;
  uint64_t base, size;
};
int procfs_modules(const char *buf, size_t len, struct procfs_module *out, size_t max, size_t *n,
                   struct vg_err *err);

/* True if the file name looks like a shared object ("libc.so.6", "x.so"). */
int procfs_is_shared_object(const char *path, size_t len);

#endif
