/* procread.c — /proc readers (see procread.h). */
#include "sensor/procread.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "shared/alloc.h"

ssize_t procread_file(pid_t pid, const char *name, char *buf, size_t cap) {
  char path[64];
  snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  size_t got = 0;
  while (got + 1 < cap) {
    ssize_t n = read(fd, buf + got, cap - 1 - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += (size_t)n;
  }
  close(fd);
  buf[got] = '\0';
  return (ssize_t)got;
}

char *procread_file_alloc(pid_t pid, const char *name, size_t max, size_t *len) {
  size_t cap = 16384;
  char *buf = NULL;
  for (;;) {
    buf = vg_xrealloc(buf, cap + 1);
    ssize_t n = procread_file(pid, name, buf, cap + 1);
    if (n < 0) {
      free(buf);
      return NULL;
    }
    if ((size_t)n < cap || cap >= max) {
      *len = (size_t)n;
      return buf;
    }
    cap *= 4;
    if (cap > max) cap = max;
  }
}

int procread_exe(pid_t pid, char *out, size_t n) {
  char path[64];
  snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
  ssize_t l = readlink(path, out, n - 1);
  if (l < 0) return -1;
  out[l] = '\0';
  return 0;
}

int procread_stat(pid_t pid, struct procfs_stat *st) {
  char buf[PROCREAD_SMALL_BYTES];
  ssize_t n = procread_file(pid, "stat", buf, sizeof(buf));
  return n > 0 && procfs_parse_stat(buf, (size_t)n, st, NULL) == 0 ? 0 : -1;
}

int procread_status(pid_t pid, struct procfs_status *st) {
  char buf[PROCREAD_SMALL_BYTES];
  ssize_t n = procread_file(pid, "status", buf, sizeof(buf));
  return n > 0 && procfs_parse_status(buf, (size_t)n, st, NULL) == 0 ? 0 : -1;
}

pid_t *procread_pids(size_t *n) {
  *n = 0;
  DIR *d = opendir("/proc");
  if (!d) return NULL;
  size_t cap = 256;
  pid_t *v = vg_xmalloc(cap * sizeof(*v));
  struct dirent *de;
  while ((de = readdir(d))) {
    if (!isdigit((unsigned char)de->d_name[0])) continue;
    char *end;
    long p = strtol(de->d_name, &end, 10);
    if (*end || p <= 0) continue;
    if (*n == cap) v = vg_xreallocarray(v, cap *= 2, sizeof(*v));
    v[(*n)++] = (pid_t)p;
  }
  closedir(d);
  return v;
}
