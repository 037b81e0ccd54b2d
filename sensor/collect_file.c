/* collect_file.c — the file collector: fanotify (FAN_CLASS_NOTIF,
 * FAN_REPORT_DFID_NAME) with one FAN_MARK_FILESYSTEM mark per real
 * filesystem, re-marking when the mount table changes. Emits FILE_CREATE,
 * FILE_DELETE, FILE_MODIFIED (on CLOSE_WRITE after a write), NEW_DOCUMENT
 * (content cached in ctx->docs) and FIM_HIT (ctx->fim); renames give a
 * FILE_DELETE of the old path and a FILE_CREATE of the new one. Events of the
 * sensor's own process (ctx->self_pid) are dropped. */
#include "sensor/collect_file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/fanotify.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "sensor/collect_limits.h"
#include "sensor/collect_util.h"
#include "sensor/docs.h"
#include "sensor/fim.h"
#include "sensor/file_capture.h"
#include "sensor/mountinfo.h"
#include "shared/alloc.h"
#include "shared/event.h"
#include "shared/log.h"

#define LOGC "collect_file"

const char *const collect_file_events[] = {"FILE_CREATE", "FILE_DELETE", "FILE_MODIFIED",
                                           "NEW_DOCUMENT", "FIM_HIT", NULL};

struct fs_mark {
  fsid_t fsid;
  dev_t dev;
  int mount_fd;   /* fd (not O_PATH: open_by_handle_at refuses those) of a mount of the filesystem, for open_by_handle_at */
  bool root_mount; /* the mount shows the filesystem's root */
};

struct collect_file {
  struct sensor_ctx *ctx;
  int fan_fd, stop_fd, mi_fd;
  int doc_fd; /* a second group in fd mode, CLOSE_WRITE only: its events hold
               * the file open, so a document deleted right after it was
               * written can still be read; -1 if unavailable */
  uint64_t mask;
  pthread_t thread;
  bool started;    /* thread runs */
  bool owns_docs, owns_fim; /* created ctx->docs / ctx->fim */
  struct fs_mark fs[SENSOR_FILE_MAX_FILESYSTEMS];
  size_t nfs;
  /* Keys of (dir, name) written since their last CLOSE_WRITE. 0 = free slot. */
  uint64_t dirty[SENSOR_FILE_DIRTY_SLOTS];
  size_t ndirty;
  bool dirty_overflow; /* the set filled: every CLOSE_WRITE counts until it drains */
  unsigned char buf[SENSOR_FILE_READ_BYTES] __attribute__((aligned(8)));
};

/* Pseudo filesystems that refuse marks or hold no user files. */
static const char *const skip_fstypes[] = {
    "proc", "sysfs", "cgroup", "cgroup2", "devpts", "mqueue", "debugfs", "tracefs",
    "securityfs", "pstore", "bpf", "configfs", "fusectl", "hugetlbfs", "autofs",
    "binfmt_misc", "nsfs", "efivarfs", "rpc_pipefs", "selinuxfs", "devtmpfs",
};

static bool skip_fstype(const char *t) {
  for (size_t i = 0; i < sizeof skip_fstypes / sizeof skip_fstypes[0]; i++)
    if (strcmp(t, skip_fstypes[i]) == 0) return true;
  return false;
}

static struct fs_mark *fs_by_dev(struct collect_file *s, dev_t dev) {
  for (size_t i = 0; i < s->nfs; i++)
    if (s->fs[i].dev == dev) return &s->fs[i];
  return NULL;
}

static struct fs_mark *fs_by_fsid(struct collect_file *s, const fsid_t *fsid) {
  for (size_t i = 0; i < s->nfs; i++)
    if (memcmp(&s->fs[i].fsid, fsid, sizeof *fsid) == 0) return &s->fs[i];
  return NULL;
}

static void mark_one(struct collect_file *s, const struct mountinfo_entry *m) {
  struct stat st;
  if (skip_fstype(m->fstype) || stat(m->mount_point, &st) != 0) return;
  bool is_root = strcmp(m->root, "/") == 0;
  struct fs_mark *have = fs_by_dev(s, st.st_dev);
  if (have) {
    if (have->root_mount || !is_root) return;
    int fd = open(m->mount_point, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    close(have->mount_fd); /* prefer a mount of the root: full paths */
    have->mount_fd = fd;
    have->root_mount = true;
    return;
  }
  if (s->nfs >= SENSOR_FILE_MAX_FILESYSTEMS) return;
  if (fanotify_mark(s->fan_fd, FAN_MARK_ADD | FAN_MARK_FILESYSTEM, s->mask, AT_FDCWD,
                    m->mount_point) != 0) {
    vg_debug(LOGC, "no mark on %s (%s): %s", m->mount_point, m->fstype, strerror(errno));
    return;
  }
  int fd = open(m->mount_point, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  struct statfs sfs;
  if (fd < 0 || fstatfs(fd, &sfs) != 0) {
    if (fd >= 0) close(fd);
    fanotify_mark(s->fan_fd, FAN_MARK_REMOVE | FAN_MARK_FILESYSTEM, s->mask, AT_FDCWD,
                  m->mount_point);
    return;
  }
  if (s->doc_fd >= 0 &&
      fanotify_mark(s->doc_fd, FAN_MARK_ADD | FAN_MARK_FILESYSTEM, FAN_CLOSE_WRITE, AT_FDCWD,
                    m->mount_point) != 0)
    vg_debug(LOGC, "no document mark on %s: %s", m->mount_point, strerror(errno));
  struct fs_mark *f = &s->fs[s->nfs++];
  memcpy(&f->fsid, &sfs.f_fsid, sizeof f->fsid);
  f->dev = st.st_dev;
  f->mount_fd = fd;
  f->root_mount = is_root;
  vg_debug(LOGC, "marked %s (%s)", m->mount_point, m->fstype);
}

/* Mark every filesystem of the mount table not marked yet. */
static void mark_all(struct collect_file *s) {
  FILE *fp = fopen("/proc/self/mountinfo", "re");
  if (!fp) return;
  char *line = NULL;
  size_t cap = 0;
  while (getline(&line, &cap, fp) > 0) {
    struct mountinfo_entry m;
    if (mountinfo_parse_line(line, &m, NULL) == 0) mark_one(s, &m);
  }
  free(line);
  fclose(fp);
}

/* ---- the dirty set: open addressing, linear probing, backward-shift delete */

static uint64_t fid_key(const fsid_t *fsid, const struct file_handle *fh, const char *name) {
  uint64_t h = 1469598103934665603ull;
  const unsigned char *parts[3] = {(const unsigned char *)fsid, fh->f_handle,
                                   (const unsigned char *)name};
  size_t lens[3] = {sizeof *fsid, fh->handle_bytes, strlen(name)};
  for (int p = 0; p < 3; p++)
    for (size_t i = 0; i < lens[p]; i++) h = (h ^ parts[p][i]) * 1099511628211ull;
  return h ? h : 1;
}

static void dirty_add(struct collect_file *s, uint64_t k) {
  size_t i = k % SENSOR_FILE_DIRTY_SLOTS;
  for (; s->dirty[i]; i = (i + 1) % SENSOR_FILE_DIRTY_SLOTS)
    if (s->dirty[i] == k) return;
  if (s->ndirty + 1 >= SENSOR_FILE_DIRTY_SLOTS * 3 / 4) {
    s->dirty_overflow = true;
    return;
  }
  s->dirty[i] = k;
  s->ndirty++;
}

static bool dirty_take(struct collect_file *s, uint64_t k) {
  size_t i = k % SENSOR_FILE_DIRTY_SLOTS;
  for (; s->dirty[i] != k; i = (i + 1) % SENSOR_FILE_DIRTY_SLOTS)
    if (!s->dirty[i]) return s->dirty_overflow;
  s->dirty[i] = 0;
  s->ndirty--;
  for (size_t j = (i + 1) % SENSOR_FILE_DIRTY_SLOTS; s->dirty[j]; j = (j + 1) % SENSOR_FILE_DIRTY_SLOTS) {
    uint64_t v = s->dirty[j];
    size_t home = v % SENSOR_FILE_DIRTY_SLOTS;
    /* move v back if its home is not in (i, j] cyclically */
    bool in_range = i <= j ? (home > i && home <= j) : (home > i || home <= j);
    if (!in_range) {
      s->dirty[i] = v;
      s->dirty[j] = 0;
      i = j;
    }
  }
  if (s->ndirty == 0) s->dirty_overflow = false;
  return true;
}

/* ---- names and emission */

struct fid_name {
  const fsid_t *fsid;
  struct file_handle *fh;
  const char *name;
};

/* An O_PATH fd of the directory, or -1. */
static int open_dir(struct collect_file *s, const struct fid_name *f) {
  struct fs_mark *m = fs_by_fsid(s, f->fsid);
  if (!m) return -1;
  return open_by_handle_at(m->mount_fd, f->fh, O_PATH | O_CLOEXEC);
}

static bool resolve(struct collect_file *s, const struct fid_name *f, char *out, size_t n,
                    int *dir_fd) {
  int fd = open_dir(s, f);
  if (fd < 0) return false;
  char link[64], dir[PATH_MAX];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t len = readlink(link, dir, sizeof dir - 1);
  if (len <= 0) {
    close(fd);
    return false;
  }
  dir[len] = '\0';
  int w = snprintf(out, n, "%s/%s", strcmp(dir, "/") == 0 ? "" : dir, f->name);
  if (w < 0 || (size_t)w >= n) {
    close(fd);
    return false;
  }
  if (dir_fd) *dir_fd = fd; else close(fd);
  return true;
}

static json_t *file_event(struct collect_file *s, const char *type, pid_t pid, const char *path) {
  json_t *ev = vg_event_new(type, vg_event_now_ms());
  json_object_set_new(vg_event_payload(ev), "FILE_PATH", json_string(path));
  collect_util_attribute(s->ctx, ev, pid, NULL);
  return ev;
}

static void fim_check(struct collect_file *s, const char *action, pid_t pid, const char *path) {
  char pat[SENSOR_FIM_PATTERN_BYTES + 1];
  if (!s->ctx->fim || !fim_match(s->ctx->fim, path, pat, sizeof pat)) return;
  json_t *ev = vg_event_new("FIM_HIT", vg_event_now_ms());
  json_t *b = vg_event_payload(ev);
  json_object_set_new(b, "FILE_PATH", json_string(path));
  json_object_set_new(b, "ACTION", json_string(action));
  json_object_set_new(b, "PATTERN", json_string(pat));
  json_object_set_new(b, "PROCESS", json_pack("{s:i}", "PROCESS_ID", (int)pid));
  char atom[VG_ATOM_HEX_LEN + 1];
  collect_util_atom(s->ctx, pid, atom);
  if (atom[0]) json_object_set_new(vg_event_routing(ev), "parent", json_string(atom));
  sensor_emit(s->ctx, ev);
}

static void emit_simple(struct collect_file *s, const char *type, const char *action, pid_t pid,
                        const char *path, const char *other_key, const char *other) {
  json_t *ev = file_event(s, type, pid, path);
  if (other_key && other) json_object_set_new(vg_event_payload(ev), other_key, json_string(other));
  sensor_emit(s->ctx, ev);
  fim_check(s, action, pid, path);
}

/* A document just written (fd open on it): cache and announce it. */
static void document(struct collect_file *s, pid_t pid, const char *path, int fd) {
  if (!s->ctx->docs || !docs_is_document(path)) return;
  struct file_capture cap;
  int rc = file_capture_fd(fd, SENSOR_DOCS_FILE_CAP_BYTES, SENSOR_DOCS_HASH_MAX_BYTES, &cap);
  if (rc == 0 && docs_put(s->ctx->docs, path, cap.hash, cap.data, cap.len, cap.size,
                          vg_event_now_ms())) {
    json_t *ev = file_event(s, "NEW_DOCUMENT", pid, path);
    json_t *b = vg_event_payload(ev);
    if (cap.hash[0]) json_object_set_new(b, "HASH", json_string(cap.hash));
    json_object_set_new(b, "FILE_SIZE", json_integer((json_int_t)cap.size));
    sensor_emit(s->ctx, ev);
  }
  free(cap.data);
}

/* Documents by name after a rename into place (the FID group's view). */
static void document_at(struct collect_file *s, pid_t pid, const char *path, int dir_fd,
                        const char *name) {
  if (!docs_is_document(path)) return;
  int fd = openat(dir_fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return;
  document(s, pid, path, fd);
  close(fd);
}

/* The fd-mode group: one event per CLOSE_WRITE with the file open. */
static void drain_docs(struct collect_file *s) {
  for (;;) {
    ssize_t len = read(s->doc_fd, s->buf, sizeof s->buf);
    if (len <= 0) return;
    const struct fanotify_event_metadata *m = (const void *)s->buf;
    for (; FAN_EVENT_OK(m, len); m = FAN_EVENT_NEXT(m, len)) {
      if (m->fd < 0) continue;
      char link[64], path[PATH_MAX];
      snprintf(link, sizeof link, "/proc/self/fd/%d", m->fd);
      ssize_t n = m->pid == s->ctx->self_pid ? -1 : readlink(link, path, sizeof path - 1);
      if (n > 0) {
        path[n] = '\0';
        static const char del[] = " (deleted)";
        size_t dl = sizeof del - 1;
        if ((size_t)n > dl && strcmp(path + n - dl, del) == 0) path[n - dl] = '\0';
        document(s, m->pid, path, m->fd);
      }
      close(m->fd);
    }
  }
}

static void on_event(struct collect_file *s, uint64_t mask, pid_t pid, const struct fid_name *f,
                     const struct fid_name *old, const struct fid_name *new_) {
  char path[PATH_MAX + 256];
  if (f && !resolve(s, f, path, sizeof path, NULL)) {
    if (!(mask & FAN_DELETE)) return;
    /* the directory went away with the file: name only */
    snprintf(path, sizeof path, "%s", f->name);
  }
  if (f && (mask & FAN_CREATE)) emit_simple(s, "FILE_CREATE", "created", pid, path, NULL, NULL);
  if (f && (mask & FAN_MODIFY)) dirty_add(s, fid_key(f->fsid, f->fh, f->name));
  if (f && (mask & FAN_CLOSE_WRITE) && dirty_take(s, fid_key(f->fsid, f->fh, f->name))) {
    emit_simple(s, "FILE_MODIFIED", "modified", pid, path, NULL, NULL);
    int dfd = s->doc_fd < 0 ? open_dir(s, f) : -1;
    if (dfd >= 0) {
      document_at(s, pid, path, dfd, f->name);
      close(dfd);
    }
  }
  if (f && (mask & FAN_MOVED_FROM)) emit_simple(s, "FILE_DELETE", "renamed", pid, path, NULL, NULL);
  if (f && (mask & FAN_MOVED_TO)) emit_simple(s, "FILE_CREATE", "renamed", pid, path, NULL, NULL);
  if ((mask & FAN_RENAME) && old && new_) {
    char from[PATH_MAX + 256], to[PATH_MAX + 256];
    int dfd = -1;
    bool have_from = resolve(s, old, from, sizeof from, NULL);
    if (!resolve(s, new_, to, sizeof to, &dfd)) return;
    if (!have_from) snprintf(from, sizeof from, "%s", old->name);
    emit_simple(s, "FILE_DELETE", "renamed", pid, from, "NEW_FILE_PATH", to);
    emit_simple(s, "FILE_CREATE", "renamed", pid, to, "OLD_FILE_PATH", from);
    document_at(s, pid, to, dfd, new_->name);
    close(dfd);
  }
  if (f && (mask & FAN_DELETE)) {
    dirty_take(s, fid_key(f->fsid, f->fh, f->name));
    emit_simple(s, "FILE_DELETE", "deleted", pid, path, NULL, NULL);
  }
}

static void drain(struct collect_file *s) {
  for (;;) {
    ssize_t len = read(s->fan_fd, s->buf, sizeof s->buf);
    if (len <= 0) return;
    /* Records are 4-byte aligned (FANOTIFY_EVENT_ALIGN): copy the headers out. */
    for (size_t off = 0; off + sizeof(struct fanotify_event_metadata) <= (size_t)len;) {
      struct fanotify_event_metadata md;
      memcpy(&md, s->buf + off, sizeof md);
      if (md.event_len < sizeof md || off + md.event_len > (size_t)len) break;
      const struct fanotify_event_metadata *m = &md;
      const unsigned char *base = s->buf + off;
      off += md.event_len;
      if (m->vers != FANOTIFY_METADATA_VERSION) continue;
      if (m->mask & FAN_Q_OVERFLOW) {
        json_t *ev = vg_event_new("DATA_DROPPED", vg_event_now_ms());
        json_object_set_new(vg_event_payload(ev), "SOURCE", json_string("file"));
        json_object_set_new(vg_event_payload(ev), "REASON",
                            json_string("fanotify queue overflow: file events were lost"));
        sensor_emit(s->ctx, ev);
        continue;
      }
      if (m->pid == s->ctx->self_pid) continue;
      struct fid_name recs[3];
      fsid_t fsids[3];
      struct fid_name *f = NULL, *old = NULL, *new_ = NULL;
      const unsigned char *p = base + m->metadata_len;
      const unsigned char *end = base + m->event_len;
      int nrec = 0;
      while (p + sizeof(struct fanotify_event_info_header) <= end && nrec < 3) {
        struct fanotify_event_info_header h;
        memcpy(&h, p, sizeof h);
        if (h.len < sizeof h || p + h.len > end) break;
        size_t fh_off = offsetof(struct fanotify_event_info_fid, handle);
        if ((h.info_type == FAN_EVENT_INFO_TYPE_DFID_NAME ||
             h.info_type == FAN_EVENT_INFO_TYPE_OLD_DFID_NAME ||
             h.info_type == FAN_EVENT_INFO_TYPE_NEW_DFID_NAME) &&
            h.len >= fh_off + sizeof(struct file_handle)) {
          struct file_handle *fh = (struct file_handle *)(p + fh_off); /* 4-aligned: its ints are fine */
          const char *name = (const char *)fh->f_handle + fh->handle_bytes;
          if ((const unsigned char *)name < p + h.len &&
              memchr(name, '\0', (size_t)(p + h.len - (const unsigned char *)name))) {
            struct fid_name *r = &recs[nrec];
            memcpy(&fsids[nrec], p + offsetof(struct fanotify_event_info_fid, fsid), sizeof fsids[0]);
            r->fsid = &fsids[nrec];
            r->fh = fh;
            r->name = name;
            nrec++;
            if (h.info_type == FAN_EVENT_INFO_TYPE_DFID_NAME) f = r;
            else if (h.info_type == FAN_EVENT_INFO_TYPE_OLD_DFID_NAME) old = r;
            else new_ = r;
          }
        }
        p += h.len;
      }
      on_event(s, m->mask, m->pid, f, old, new_);
    }
  }
}

static void *file_thread(void *arg) {
  struct collect_file *s = arg;
  struct pollfd pf[4] = {{.fd = s->fan_fd, .events = POLLIN},
                         {.fd = s->stop_fd, .events = POLLIN},
                         {.fd = s->doc_fd, .events = POLLIN},
                         {.fd = s->mi_fd, .events = POLLPRI}};
  for (;;) {
    int n = poll(pf, 4, -1); /* a negative fd is ignored */
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 || pf[1].revents) break;
    if (pf[3].revents & (POLLPRI | POLLERR)) mark_all(s);
    /* documents first: the FID group's FILE_MODIFIED then follows them */
    if (pf[2].revents & POLLIN) drain_docs(s);
    if (pf[0].revents & POLLIN) drain(s);
  }
  return NULL;
}

int collect_file_start(struct sensor_ctx *ctx, void **state, struct vg_err *err) {
  int fd = fanotify_init(FAN_CLASS_NOTIF | FAN_REPORT_DFID_NAME | FAN_CLOEXEC | FAN_NONBLOCK,
                         O_RDONLY | O_LARGEFILE | O_CLOEXEC);
  if (fd < 0)
    return vg_err_fail(err, errno == EINVAL || errno == ENOSYS ? VG_EUNSUPPORTED : VG_EPERM,
                       "fanotify_init(FAN_REPORT_DFID_NAME): %s", strerror(errno));
  struct collect_file *s = vg_xcalloc(1, sizeof *s);
  s->ctx = ctx;
  s->fan_fd = fd;
  s->mask = FAN_CREATE | FAN_DELETE | FAN_MODIFY | FAN_CLOSE_WRITE | FAN_RENAME;
  /* FAN_RENAME (5.17) reports both names in one event; older kernels get
   * MOVED_FROM / MOVED_TO. Probe on / (always marked). */
  if (fanotify_mark(fd, FAN_MARK_ADD | FAN_MARK_FILESYSTEM, s->mask, AT_FDCWD, "/") != 0) {
    s->mask = (s->mask & ~(uint64_t)FAN_RENAME) | FAN_MOVED_FROM | FAN_MOVED_TO;
  } else {
    fanotify_mark(fd, FAN_MARK_REMOVE | FAN_MARK_FILESYSTEM, s->mask, AT_FDCWD, "/");
  }
  s->doc_fd = fanotify_init(FAN_CLASS_NOTIF | FAN_CLOEXEC | FAN_NONBLOCK,
                            O_RDONLY | O_LARGEFILE | O_CLOEXEC | O_NOATIME);
  if (s->doc_fd < 0) vg_warn(LOGC, "fanotify fd-mode group: %s (documents read by name)", strerror(errno));
  s->stop_fd = eventfd(0, EFD_CLOEXEC);
  s->mi_fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
  mark_all(s);
  if (s->nfs == 0) {
    int rc = vg_err_fail(err, VG_EUNSUPPORTED, "fanotify: no filesystem accepted FAN_MARK_FILESYSTEM");
    collect_file_stop(s);
    return rc;
  }
  if (!ctx->docs) {
    ctx->docs = docs_create(SENSOR_DOCS_BUDGET_BYTES, SENSOR_DOCS_FILE_CAP_BYTES);
    s->owns_docs = true;
  }
  if (!ctx->fim) {
    ctx->fim = fim_create(ctx->state_dir);
    s->owns_fim = true;
  }
  s->started = pthread_create(&s->thread, NULL, file_thread, s) == 0;
  if (!s->started) {
    collect_file_stop(s);
    return vg_err_fail(err, VG_EINTERNAL, "collect_file: cannot start its thread");
  }
  vg_info(LOGC, "fanotify: %zu filesystems marked%s", s->nfs,
          (s->mask & FAN_RENAME) ? "" : " (no FAN_RENAME: moves as MOVED_FROM/TO)");
  *state = s;
  return 0;
}

void collect_file_stop(void *state) {
  struct collect_file *s = state;
  if (!s) return;
  if (s->started) {
    uint64_t one = 1;
    if (write(s->stop_fd, &one, sizeof one) != sizeof one) vg_warn(LOGC, "stop: eventfd write failed");
    pthread_join(s->thread, NULL);
  }
  if (s->owns_docs) {
    docs_free(s->ctx->docs);
    s->ctx->docs = NULL;
  }
  if (s->owns_fim) {
    fim_free(s->ctx->fim);
    s->ctx->fim = NULL;
  }
  for (size_t i = 0; i < s->nfs; i++) close(s->fs[i].mount_fd);
  close(s->fan_fd);
  if (s->doc_fd >= 0) close(s->doc_fd);
  if (s->stop_fd >= 0) close(s->stop_fd);
  if (s->mi_fd >= 0) close(s->mi_fd);
  free(s);
}

