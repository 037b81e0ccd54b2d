/* procread.h — the thin readers of /proc that feed procfs.h's parsers
 * (the only syscalls of process inspection), plus the process list. */
#ifndef VIGIL_SENSOR_PROCREAD_H
#define VIGIL_SENSOR_PROCREAD_H

#include <stddef.h>
#include <sys/types.h>

#include "sensor/procfs.h"

#define PROCREAD_SMALL_BYTES 8192      /* stat, status, cmdline read this far */
#define PROCREAD_MAPS_BYTES (1u << 20) /* maps read this far */

/* /proc/<pid>/<name> into buf[cap] (NUL-terminated); length, or -1 (errno
 * set) when the process is gone or the file unreadable. */
ssize_t procread_file(pid_t pid, const char *name, char *buf, size_t cap);
/* The same into a heap buffer of at most max bytes (caller frees); NULL on failure. */
char *procread_file_alloc(pid_t pid, const char *name, size_t max, size_t *len);
/* readlink /proc/<pid>/exe into out[n]; 0 or -1. */
int procread_exe(pid_t pid, char *out, size_t n);
int procread_stat(pid_t pid, struct procfs_stat *st);
int procread_status(pid_t pid, struct procfs_status *st);

/* The pids of every process (thread group leaders) into a heap array. */
pid_t *procread_pids(size_t *n);

#endif
