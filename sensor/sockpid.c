/* sockpid.c — socket inode → pid cache (sockpid.h). */
#include "sensor/sockpid.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sensor/collect_limits.h"
#include "shared/alloc.h"

struct slot {
  uint32_t inode; /* 0 = free */
  pid_t pid;
};

struct sockpid {
  struct slot *t;
  size_t cap, n;
  int64_t last_scan_ms;
  unsigned long scans;
  /* inodes a fresh scan did not find (sockpid_lookup_fresh), and when */
  struct {
    uint32_t inode;
    int64_t ms;
  } miss[SENSOR_SOCKPID_MISSES];
  size_t miss_next;
};

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct sockpid *sockpid_create(void) {
  struct sockpid *s = vg_xcalloc(1, sizeof *s);
  s->cap = 1024;
  s->t = vg_xcalloc(s->cap, sizeof *s->t);
  s->last_scan_ms = -SENSOR_SOCKPID_RESCAN_MS;
  return s;
}

void sockpid_free(struct sockpid *s) {
  if (!s) return;
  free(s->t);
  free(s);
}

static void put(struct sockpid *s, uint32_t inode, pid_t pid) {
  if ((s->n + 1) * 2 > s->cap) {
    struct slot *old = s->t;
    size_t oc = s->cap;
    s->cap *= 2;
    s->t = vg_xcalloc(s->cap, sizeof *s->t);
    s->n = 0;
    for (size_t i = 0; i < oc; i++)
      if (old[i].inode) put(s, old[i].inode, old[i].pid);
    free(old);
  }
  size_t i = (inode * 2654435761u) & (s->cap - 1);
  for (; s->t[i].inode; i = (i + 1) & (s->cap - 1))
    if (s->t[i].inode == inode) return; /* first holder wins */
  s->t[i].inode = inode;
  s->t[i].pid = pid;
  s->n++;
}

static void scan(struct sockpid *s) {
  memset(s->t, 0, s->cap * sizeof *s->t);
  s->n = 0;
  s->scans++;
  DIR *proc = opendir("/proc");
  if (!proc) return;
  struct dirent *d;
  while ((d = readdir(proc))) {
    char *end;
    long pid = strtol(d->d_name, &end, 10);
    if (*end || pid <= 0) continue;
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/fd", pid);
    DIR *fds = opendir(path);
    if (!fds) continue;
    struct dirent *f;
    while ((f = readdir(fds))) {
      if (f->d_name[0] == '.') continue;
      char target[64];
      ssize_t n = readlinkat(dirfd(fds), f->d_name, target, sizeof target - 1);
      if (n < 10 || memcmp(target, "socket:[", 8) != 0) continue;
      target[n] = '\0';
      unsigned long ino = strtoul(target + 8, &end, 10);
      if (*end == ']' && ino > 0 && ino <= UINT32_MAX) put(s, (uint32_t)ino, (pid_t)pid);
    }
    closedir(fds);
  }
  closedir(proc);
}

static pid_t find(const struct sockpid *s, uint32_t inode) {
  for (size_t i = (inode * 2654435761u) & (s->cap - 1); s->t[i].inode; i = (i + 1) & (s->cap - 1))
    if (s->t[i].inode == inode) return s->t[i].pid;
  return -1;
}

pid_t sockpid_lookup(struct sockpid *s, uint32_t inode) {
  if (!inode) return -1;
  pid_t pid = find(s, inode);
  if (pid > 0) return pid;
  int64_t now = now_ms();
  if (now - s->last_scan_ms < SENSOR_SOCKPID_RESCAN_MS) return -1;
  s->last_scan_ms = now;
  scan(s);
  return find(s, inode);
}

pid_t sockpid_lookup_fresh(struct sockpid *s, uint32_t inode) {
  if (!inode) return -1;
  pid_t pid = find(s, inode);
  if (pid > 0) return pid;
  int64_t now = now_ms();
  for (size_t i = 0; i < SENSOR_SOCKPID_MISSES; i++)
    if (s->miss[i].inode == inode && now - s->miss[i].ms < SENSOR_SOCKPID_MISS_MS) return -1;
  int64_t wait = SENSOR_SOCKPID_RESCAN_MS - (now - s->last_scan_ms);
  if (wait > 0) {
    struct timespec ts = {0, (long)wait * 1000000L};
    nanosleep(&ts, NULL);
  }
  s->last_scan_ms = now_ms();
  scan(s);
  pid = find(s, inode);
  if (pid < 0) {
    s->miss[s->miss_next].inode = inode;
    s->miss[s->miss_next].ms = s->last_scan_ms;
    s->miss_next = (s->miss_next + 1) % SENSOR_SOCKPID_MISSES;
  }
  return pid;
}

unsigned long sockpid_scans(const struct sockpid *s) { return s->scans; }
