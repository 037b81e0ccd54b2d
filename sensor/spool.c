/* spool.c — the on-disk spool (see spool.h). */
#include "sensor/spool.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "shared/alloc.h"
#include "shared/limits.h"
#include "shared/log.h"

#define COMP "spool"

struct seg {
  uint64_t first; /* seq of its first record (its name) */
  uint64_t next;  /* one past its last record */
  uint64_t bytes;
  int fd;
};

struct spool {
  pthread_mutex_t mu;
  char *dir;
  uint64_t max_bytes, seg_max, total;
  struct seg *segs; /* oldest first; the last one is the active segment */
  size_t nsegs;
  uint64_t acked;
  int dirty;
  /* rotated segments (dups of their fds) and the directory, synced by the
   * next spool_sync rather than by the append that rotated: an fsync there
   * held the lock and stalled the collector thread behind the disk */
  int unsynced[SPOOL_PENDING_SYNCS];
  size_t nunsynced;
  int dir_dirty;
  struct spool_stats st;
  /* read cursor: where the record with seq rd_seq starts in segment rd_first */
  uint64_t rd_seq, rd_first, rd_off;
  char *buf; /* SPOOL_READ_CHUNK_BYTES + VG_LIMIT_EVENT_BYTES + header */
};

static char *seg_path(const struct spool *s, uint64_t first) {
  return vg_xasprintf("%s/%020" PRIu64 ".seg", s->dir, first);
}

static void sync_dir(const struct spool *s) {
  int fd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    fsync(fd);
    close(fd);
  }
}

static int seg_create(struct spool *s, uint64_t first, struct vg_err *err) {
  if (s->nsegs >= SPOOL_MAX_SEGMENTS)
    return vg_err_fail(err, VG_ELIMIT, "spool %s: too many segments", s->dir);
  char *p = seg_path(s, first);
  int fd = open(p, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) {
    int r = vg_err_fail(err, VG_EIO, "spool: cannot create %s: %s", p, strerror(errno));
    free(p);
    return r;
  }
  free(p);
  s->segs = vg_xreallocarray(s->segs, s->nsegs + 1, sizeof(*s->segs));
  s->segs[s->nsegs++] = (struct seg){.first = first, .next = first, .bytes = 0, .fd = fd};
  s->dir_dirty = 1;
  return 0;
}

static void seg_drop_oldest(struct spool *s) {
  struct seg *g = &s->segs[0];
  char *p = seg_path(s, g->first);
  unlink(p);
  free(p);
  close(g->fd);
  s->total -= g->bytes;
  memmove(s->segs, s->segs + 1, (s->nsegs - 1) * sizeof(*s->segs));
  s->nsegs--;
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

struct scan_ctx {
  uint64_t first, last;
  size_t n;
};

static int scan_cb(void *ctx, const struct spool_rec *r) {
  struct scan_ctx *c = ctx;
  if (c->n == 0) c->first = r->seq;
  c->last = r->seq;
  c->n++;
  return 0;
}

/* Load one segment file named for first: validate, cut a bad tail. */
static int seg_load(struct spool *s, uint64_t first, struct vg_err *err) {
  char *p = seg_path(s, first);
  int fd = open(p, O_RDWR | O_APPEND | O_CLOEXEC);
  struct stat sb;
  if (fd < 0 || fstat(fd, &sb) != 0) {
    int r = vg_err_fail(err, VG_EIO, "spool: cannot open %s: %s", p, strerror(errno));
    if (fd >= 0) close(fd);
    free(p);
    return r;
  }
  size_t len = (size_t)sb.st_size;
  char *data = vg_xmalloc(len ? len : 1);
  size_t got = 0;
  while (got < len) {
    ssize_t n = pread(fd, data + got, len - got, (off_t)got);
    if (n <= 0) break;
    got += (size_t)n;
  }
  struct scan_ctx sc = {0};
  size_t valid = 0;
  struct vg_err e;
  vg_err_clear(&e);
  if (spool_format_parse(data, got, scan_cb, &sc, &valid, NULL, &e) || got < len) {
    vg_warn(COMP, "%s: %s; cutting %zu bytes", p, e.msg[0] ? e.msg : "short read",
            len - valid);
    if (ftruncate(fd, (off_t)valid) != 0)
      vg_warn(COMP, "%s: truncate: %s", p, strerror(errno));
    s->st.torn++;
  }
  free(data);
  if (sc.n && sc.first != first) {
    vg_warn(COMP, "%s: first record has seq %" PRIu64 ", not %" PRIu64, p, sc.first, first);
    first = sc.first;
  }
  free(p);
  s->segs = vg_xreallocarray(s->segs, s->nsegs + 1, sizeof(*s->segs));
  s->segs[s->nsegs++] =
      (struct seg){.first = first, .next = sc.n ? sc.last + 1 : first, .bytes = valid, .fd = fd};
  s->total += valid;
  s->st.recovered += sc.n;
  return 0;
}

struct spool *spool_open(const char *dir, uint64_t max_bytes, struct vg_err *err) {
  if (!max_bytes) max_bytes = SPOOL_DEFAULT_MAX_BYTES;
  if (max_bytes < SPOOL_MIN_MAX_BYTES) {
    vg_err_fail(err, VG_ERANGE, "spool size %" PRIu64 " is below the minimum %llu", max_bytes,
                (unsigned long long)SPOOL_MIN_MAX_BYTES);
    return NULL;
  }
  if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
    vg_err_fail(err, VG_EIO, "spool: cannot create %s: %s", dir, strerror(errno));
    return NULL;
  }
  DIR *d = opendir(dir);
  if (!d) {
    vg_err_fail(err, VG_EIO, "spool: cannot open %s: %s", dir, strerror(errno));
    return NULL;
  }
  struct spool *s = vg_xcalloc(1, sizeof(*s));
  pthread_mutex_init(&s->mu, NULL);
  s->dir = vg_xstrdup(dir);
  s->max_bytes = max_bytes;
  s->seg_max = max_bytes / 8 < SPOOL_SEGMENT_MAX_BYTES ? max_bytes / 8 : SPOOL_SEGMENT_MAX_BYTES;
  s->buf = vg_xmalloc(SPOOL_READ_CHUNK_BYTES + VG_LIMIT_EVENT_BYTES + SPOOL_REC_HDR_BYTES);
  uint64_t *names = NULL;
  size_t nn = 0;
  struct dirent *de;
  while ((de = readdir(d))) {
    char *end;
    errno = 0;
    unsigned long long v = strtoull(de->d_name, &end, 10);
    if (errno || end - de->d_name != 20 || strcmp(end, ".seg") != 0) continue;
    names = vg_xreallocarray(names, nn + 1, sizeof(*names));
    names[nn++] = v;
  }
  closedir(d);
  if (nn) qsort(names, nn, sizeof(*names), cmp_u64);
  int r = 0;
  for (size_t i = 0; i < nn && r == 0; i++) r = seg_load(s, names[i], err);
  free(names);
  /* Drop empty segments except the newest; keep them in seq order. */
  for (size_t i = 0; r == 0 && i + 1 < s->nsegs;) {
    if (s->segs[i].next == s->segs[i].first || s->segs[i + 1].first < s->segs[i].next) {
      char *p = seg_path(s, s->segs[i].first);
      if (s->segs[i].next != s->segs[i].first)
        vg_warn(COMP, "%s overlaps the next segment; dropped", p);
      unlink(p);
      free(p);
      close(s->segs[i].fd);
      s->total -= s->segs[i].bytes;
      memmove(s->segs + i, s->segs + i + 1, (s->nsegs - i - 1) * sizeof(*s->segs));
      s->nsegs--;
      continue;
    }
    i++;
  }
  if (r == 0 && s->nsegs == 0) r = seg_create(s, 1, err);
  if (r) {
    spool_close(s);
    return NULL;
  }
  s->acked = s->segs[0].first - 1;
  s->rd_seq = 0;
  return s;
}

void spool_close(struct spool *s) {
  if (!s) return;
  spool_sync(s);
  for (size_t i = 0; i < s->nsegs; i++) {
    if (i + 1 == s->nsegs) fdatasync(s->segs[i].fd);
    close(s->segs[i].fd);
  }
  free(s->segs);
  free(s->dir);
  free(s->buf);
  pthread_mutex_destroy(&s->mu);
  free(s);
}

static uint64_t unacked_in(const struct spool *s, const struct seg *g) {
  uint64_t lo = g->first > s->acked + 1 ? g->first : s->acked + 1;
  return g->next > lo ? g->next - lo : 0;
}

int spool_append(struct spool *s, const void *data, size_t len, uint64_t *seq,
                 struct spool_drop *drop, struct vg_err *err) {
  memset(drop, 0, sizeof(*drop));
  if (len == 0 || len > VG_LIMIT_EVENT_BYTES)
    return vg_err_fail(err, VG_ELIMIT, "spool: event of %zu bytes", len);
  pthread_mutex_lock(&s->mu);
  int r = 0;
  struct seg *a = &s->segs[s->nsegs - 1];
  uint64_t rec = SPOOL_REC_HDR_BYTES + len;
  if (a->bytes > 0 && a->bytes + rec > s->seg_max) {
    int dup_fd = s->nunsynced < SPOOL_PENDING_SYNCS ? dup(a->fd) : -1;
    if (dup_fd >= 0)
      s->unsynced[s->nunsynced++] = dup_fd;
    else
      fdatasync(a->fd); /* too many rotations between syncs: here, as before */
    if ((r = seg_create(s, a->next, err))) goto out;
    a = &s->segs[s->nsegs - 1];
  }
  while (s->total + rec > s->max_bytes && s->nsegs > 1) {
    uint64_t n = unacked_in(s, &s->segs[0]);
    if (n) {
      if (!drop->count) drop->lo = s->segs[0].next - n;
      drop->hi = s->segs[0].next - 1;
      drop->count += n;
    }
    if (s->segs[0].next - 1 > s->acked) s->acked = s->segs[0].next - 1;
    seg_drop_oldest(s);
    a = &s->segs[s->nsegs - 1];
  }
  uint8_t hdr[SPOOL_REC_HDR_BYTES];
  spool_format_header(hdr, a->next, data, len);
  struct iovec iov[2] = {{hdr, sizeof(hdr)}, {(void *)data, len}};
  ssize_t w = writev(a->fd, iov, 2);
  if (w != (ssize_t)rec) {
    int e = errno;
    if (ftruncate(a->fd, (off_t)a->bytes) != 0) vg_warn(COMP, "truncate: %s", strerror(errno));
    r = vg_err_fail(err, VG_EIO, "spool: write: %s", w < 0 ? strerror(e) : "short write");
    goto out;
  }
  *seq = a->next++;
  a->bytes += rec;
  s->total += rec;
  s->dirty = 1;
  s->st.dropped += drop->count;
out:
  pthread_mutex_unlock(&s->mu);
  return r;
}

void spool_ack(struct spool *s, uint64_t seq) {
  pthread_mutex_lock(&s->mu);
  if (seq > s->acked) s->acked = seq;
  if (s->acked >= s->segs[s->nsegs - 1].next) s->acked = s->segs[s->nsegs - 1].next - 1;
  while (s->nsegs > 1 && s->segs[0].next - 1 <= s->acked) seg_drop_oldest(s);
  pthread_mutex_unlock(&s->mu);
}

struct read_ctx {
  spool_rec_cb cb;
  void *ctx;
  uint64_t from;
  size_t max_events, max_bytes, n, bytes;
  size_t end_off; /* offset in the chunk past the last record passed */
};

static int read_cb(void *ctx, const struct spool_rec *r) {
  struct read_ctx *c = ctx;
  if (r->seq < c->from) {
    c->end_off = r->offset + SPOOL_REC_HDR_BYTES + r->len;
    return 0;
  }
  if (c->n >= c->max_events || (c->n > 0 && c->bytes + r->len > c->max_bytes)) return 1;
  c->cb(c->ctx, r);
  c->n++;
  c->bytes += r->len;
  c->end_off = r->offset + SPOOL_REC_HDR_BYTES + r->len;
  return 0;
}

int spool_read(struct spool *s, uint64_t from, size_t max_events, size_t max_bytes,
               spool_rec_cb cb, void *ctx) {
  pthread_mutex_lock(&s->mu);
  int n = 0;
  if (from <= s->acked) from = s->acked + 1;
  if (from < s->segs[0].first) from = s->segs[0].first;
  size_t i = 0;
  while (i < s->nsegs && s->segs[i].next <= from) i++;
  if (i == s->nsegs || max_events == 0) goto out;
  struct seg *g = &s->segs[i];
  uint64_t off = 0;
  if (s->rd_first == g->first && s->rd_seq <= from && s->rd_seq >= g->first) off = s->rd_off;
  for (;;) {
    size_t want = SPOOL_READ_CHUNK_BYTES;
    if (off + want > g->bytes) want = (size_t)(g->bytes - off);
    if (want == 0) break;
    ssize_t got = pread(g->fd, s->buf, want, (off_t)off);
    if (got <= 0) break;
    struct read_ctx rc = {.cb = cb, .ctx = ctx, .from = from, .max_events = max_events,
                          .max_bytes = max_bytes};
    size_t valid = 0;
    int stop = spool_format_parse(s->buf, (size_t)got, read_cb, &rc, &valid, NULL, NULL);
    if (rc.end_off == 0 && stop < 0 && valid == 0) {
      /* one record longer than the chunk: read it whole */
      uint32_t rlen = (uint32_t)(uint8_t)s->buf[4] | (uint32_t)(uint8_t)s->buf[5] << 8 |
                      (uint32_t)(uint8_t)s->buf[6] << 16 | (uint32_t)(uint8_t)s->buf[7] << 24;
      if ((size_t)got >= SPOOL_REC_HDR_BYTES && rlen <= VG_LIMIT_EVENT_BYTES &&
          off + SPOOL_REC_HDR_BYTES + rlen <= g->bytes && SPOOL_REC_HDR_BYTES + rlen > want) {
        got = pread(g->fd, s->buf, SPOOL_REC_HDR_BYTES + rlen, (off_t)off);
        if (got <= 0) break;
        stop = spool_format_parse(s->buf, (size_t)got, read_cb, &rc, &valid, NULL, NULL);
      }
    }
    if (rc.end_off == 0) {
      if (stop < 0) vg_warn(COMP, "segment %" PRIu64 " unreadable at byte %" PRIu64, g->first, off);
      break;
    }
    off += rc.end_off;
    n += (int)rc.n;
    from += rc.n;
    max_events -= rc.n;
    if (rc.n) {
      s->rd_first = g->first;
      s->rd_seq = from;
      s->rd_off = off;
    }
    if (stop > 0 || max_events == 0 || rc.bytes >= max_bytes) break;
    if (rc.n) max_bytes -= rc.bytes;
  }
out:
  pthread_mutex_unlock(&s->mu);
  return n;
}

int spool_advance(struct spool *s, uint64_t next, struct vg_err *err) {
  pthread_mutex_lock(&s->mu);
  int r = 0;
  struct seg *a = &s->segs[s->nsegs - 1];
  if (next > a->next) {
    fdatasync(a->fd);
    r = seg_create(s, next, err);
    if (!r && next - 1 > s->acked) s->acked = next - 1;
    while (!r && s->nsegs > 1 && s->segs[0].next - 1 <= s->acked) seg_drop_oldest(s);
  }
  pthread_mutex_unlock(&s->mu);
  return r;
}

uint64_t spool_first_unacked(struct spool *s) {
  pthread_mutex_lock(&s->mu);
  uint64_t v = s->acked + 1;
  if (v < s->segs[0].first) v = s->segs[0].first;
  pthread_mutex_unlock(&s->mu);
  return v;
}

uint64_t spool_next_seq(struct spool *s) {
  pthread_mutex_lock(&s->mu);
  uint64_t v = s->segs[s->nsegs - 1].next;
  pthread_mutex_unlock(&s->mu);
  return v;
}

void spool_sync(struct spool *s) {
  int fds[SPOOL_PENDING_SYNCS + 1];
  pthread_mutex_lock(&s->mu);
  size_t n = s->nunsynced;
  memcpy(fds, s->unsynced, n * sizeof(int));
  s->nunsynced = 0;
  int fd = s->dirty ? dup(s->segs[s->nsegs - 1].fd) : -1;
  if (fd >= 0) fds[n++] = fd;
  s->dirty = 0;
  int dir = s->dir_dirty;
  s->dir_dirty = 0;
  pthread_mutex_unlock(&s->mu);
  for (size_t i = 0; i < n; i++) { /* dups: the segments may be rotated and dropped meanwhile */
    fdatasync(fds[i]);
    close(fds[i]);
  }
  if (dir) sync_dir(s);
}

void spool_stats(struct spool *s, struct spool_stats *out) {
  pthread_mutex_lock(&s->mu);
  *out = s->st;
  out->bytes = s->total;
  out->segments = s->nsegs;
  out->next_seq = s->segs[s->nsegs - 1].next;
  out->acked = s->acked;
  pthread_mutex_unlock(&s->mu);
}
