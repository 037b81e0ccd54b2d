/* procfs.c — /proc file parsers (see procfs.h). Pure: no syscalls. */
#include "sensor/procfs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Parse an unsigned decimal (or hex when base 16) at *p within end; advance. */
static int num(const char **p, const char *end, int base, uint64_t *out) {
  const char *s = *p;
  uint64_t v = 0;
  int any = 0;
  while (s < end) {
    int d;
    if (*s >= '0' && *s <= '9')
      d = *s - '0';
    else if (base == 16 && *s >= 'a' && *s <= 'f')
      d = *s - 'a' + 10;
    else if (base == 16 && *s >= 'A' && *s <= 'F')
      d = *s - 'A' + 10;
    else
      break;
    if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base) return -1;
    v = v * (uint64_t)base + (uint64_t)d;
    any = 1;
    s++;
  }
  if (!any) return -1;
  *p = s;
  *out = v;
  return 0;
}

static int snum(const char **p, const char *end, int64_t *out) {
  int neg = *p < end && **p == '-';
  if (neg) (*p)++;
  uint64_t v;
  if (num(p, end, 10, &v) || v > INT64_MAX) return -1;
  *out = neg ? -(int64_t)v : (int64_t)v;
  return 0;
}

int procfs_parse_stat(const char *buf, size_t len, struct procfs_stat *out, struct vg_err *err) {
  memset(out, 0, sizeof(*out));
  const char *p = buf, *end = buf + len;
  uint64_t v;
  if (num(&p, end, 10, &v) || v > INT32_MAX)
    return vg_err_fail(err, VG_EPARSE, "stat: byte 0: expected the pid");
  out->pid = (int)v;
  if (p + 2 > end || p[0] != ' ' || p[1] != '(')
    return vg_err_fail(err, VG_EPARSE, "stat: byte %td: expected ' ('", p - buf);
  const char *c = p + 2, *close = NULL;
  for (const char *q = c; q < end; q++)
    if (*q == ')') close = q;
  if (!close) return vg_err_fail(err, VG_EPARSE, "stat: byte %td: comm not closed", c - buf);
  size_t cl = (size_t)(close - c);
  if (cl >= sizeof(out->comm)) cl = sizeof(out->comm) - 1;
  memcpy(out->comm, c, cl);
  p = close + 1;
  if (p + 3 > end || p[0] != ' ' || p[2] != ' ')
    return vg_err_fail(err, VG_EPARSE, "stat: byte %td: expected the state", p - buf);
  out->state = p[1];
  p += 3;
  /* field 4 is ppid; starttime is field 22 */
  for (int field = 4; field <= 22; field++) {
    int64_t sv;
    if (snum(&p, end, &sv))
      return vg_err_fail(err, VG_EPARSE, "stat: byte %td: field %d is not a number", p - buf,
                         field);
    if (field == 4) {
      if (sv < 0 || sv > INT32_MAX)
        return vg_err_fail(err, VG_EPARSE, "stat: field 4 (ppid) out of range");
      out->ppid = (int)sv;
    }
    if (field == 22) {
      if (sv < 0) return vg_err_fail(err, VG_EPARSE, "stat: field 22 (starttime) negative");
      out->starttime = (uint64_t)sv;
      break;
    }
    if (p >= end || *p != ' ')
      return vg_err_fail(err, VG_EPARSE, "stat: byte %td: expected a space after field %d",
                         p - buf, field);
    p++;
  }
  return 0;
}

static const char *line_end(const char *p, const char *end) {
  const char *nl = memchr(p, '\n', (size_t)(end - p));
  return nl ? nl : end;
}

static int ids4(const char *p, const char *e, uint32_t out[4]) {
  for (int i = 0; i < 4; i++) {
    while (p < e && (*p == '\t' || *p == ' ')) p++;
    uint64_t v;
    if (num(&p, e, 10, &v) || v > UINT32_MAX) return -1;
    out[i] = (uint32_t)v;
  }
  return 0;
}

int procfs_parse_status(const char *buf, size_t len, struct procfs_status *out,
                        struct vg_err *err) {
  memset(out, 0, sizeof(*out));
  const char *p = buf, *end = buf + len;
  unsigned seen = 0;
  int line = 0;
  while (p < end) {
    const char *e = line_end(p, end);
    line++;
    const char *colon = memchr(p, ':', (size_t)(e - p));
    if (colon) {
      size_t kl = (size_t)(colon - p);
      const char *v = colon + 1;
      while (v < e && (*v == '\t' || *v == ' ')) v++;
      uint64_t n;
      const char *q = v;
#define KEY(s) (kl == sizeof(s) - 1 && memcmp(p, s, kl) == 0)
      if (KEY("Name")) {
        size_t l = (size_t)(e - v);
        if (l >= sizeof(out->name)) l = sizeof(out->name) - 1;
        memcpy(out->name, v, l);
        out->name[l] = '\0';
        seen |= 1;
      } else if (KEY("Tgid") || KEY("Pid") || KEY("PPid")) {
        if (num(&q, e, 10, &n) || n > INT32_MAX)
          return vg_err_fail(err, VG_EPARSE, "status: line %d: %.*s is not a pid", line,
                             (int)kl, p);
        if (KEY("Tgid")) out->tgid = (int)n, seen |= 2;
        if (KEY("Pid")) out->pid = (int)n, seen |= 4;
        if (KEY("PPid")) out->ppid = (int)n, seen |= 8;
      } else if (KEY("Uid") || KEY("Gid")) {
        if (ids4(v, e, KEY("Uid") ? out->uid : out->gid))
          return vg_err_fail(err, VG_EPARSE, "status: line %d: %.*s needs four ids", line,
                             (int)kl, p);
        seen |= KEY("Uid") ? 16 : 32;
      }
#undef KEY
    }
    p = e < end ? e + 1 : end;
  }
  static const char *const names[] = {"Name", "Tgid", "Pid", "PPid", "Uid", "Gid"};
  for (int i = 0; i < 6; i++)
    if (!(seen & (1u << i)))
      return vg_err_fail(err, VG_EMISSING, "status: no %s line", names[i]);
  return 0;
}

size_t procfs_cmdline(const char *buf, size_t len, char *out, size_t n) {
  if (n == 0) return 0;
  while (len > 0 && buf[len - 1] == '\0') len--;
  size_t o = 0;
  for (size_t i = 0; i < len && o + 1 < n; i++) out[o++] = buf[i] ? buf[i] : ' ';
  out[o] = '\0';
  return o;
}

int procfs_is_shared_object(const char *path, size_t len) {
  const char *base = path;
  for (size_t i = 0; i < len; i++)
    if (path[i] == '/') base = path + i + 1;
  size_t bl = (size_t)(path + len - base);
  for (size_t i = 0; i + 3 <= bl; i++)
    if (memcmp(base + i, ".so", 3) == 0 && (i + 3 == bl || base[i + 3] == '.')) return 1;
  return 0;
}

int procfs_parse_maps(const char *buf, size_t len, procfs_map_cb cb, void *ctx,
                      struct vg_err *err) {
  const char *p = buf, *end = buf + len;
  int line = 0;
  while (p < end) {
    const char *e = line_end(p, end);
    line++;
    if (e == p) {
      p = e + 1;
      continue;
    }
    struct procfs_map m;
    memset(&m, 0, sizeof(m));
    const char *q = p;
    uint64_t dev;
    if (num(&q, e, 16, &m.start) || q >= e || *q++ != '-' || num(&q, e, 16, &m.end) ||
        m.end < m.start)
      return vg_err_fail(err, VG_EPARSE, "maps: line %d: bad address range", line);
    if (q + 6 > e || *q != ' ')
      return vg_err_fail(err, VG_EPARSE, "maps: line %d: bad permissions", line);
    memcpy(m.perms, q + 1, 4);
    q += 5;
    if (q >= e || *q++ != ' ' || num(&q, e, 16, &m.offset))
      return vg_err_fail(err, VG_EPARSE, "maps: line %d: bad offset", line);
    if (q >= e || *q++ != ' ' || num(&q, e, 16, &dev) || q >= e || *q++ != ':' ||
        num(&q, e, 16, &dev))
      return vg_err_fail(err, VG_EPARSE, "maps: line %d: bad device", line);
    if (q >= e || *q++ != ' ' || num(&q, e, 10, &m.inode))
      return vg_err_fail(err, VG_EPARSE, "maps: line %d: bad inode", line);
    while (q < e && *q == ' ') q++;
    m.path = q;
    m.path_len = (size_t)(e - q);
    if (cb) {
      int r = cb(ctx, &m);
      if (r) return r;
    }
    p = e < end ? e + 1 : end;
  }
  return 0;
}

struct mod_ctx {
  struct procfs_module *out;
  size_t max, n;
};

static int mod_cb(void *ctx, const struct procfs_map *m) {
  struct mod_ctx *c = ctx;
  if (!m->path_len || m->path[0] != '/' || !m->inode ||
      !procfs_is_shared_object(m->path, m->path_len))
    return 0;
  for (size_t i = 0; i < c->n; i++) {
    struct procfs_module *o = &c->out[i];
    if (o->path_len == m->path_len && memcmp(o->path, m->path, m->path_len) == 0) {
      uint64_t end = o->base + o->size;
      if (m->start < o->base) o->base = m->start;
      if (m->end > end) end = m->end;
      o->size = end - o->base;
      return 0;
    }
  }
  if (c->n >= c->max) return 0;
  c->out[c->n++] =
      (struct procfs_module){.path = m->path, .path_len = m->path_len, .base = m->start,
                             .size = m->end - m->start};
  return 0;
}

int procfs_modules(const char *buf, size_t len, struct procfs_module *out, size_t max, size_t *n,
                   struct vg_err *err) {
  struct mod_ctx c = {.out = out, .max = max};
  int r = procfs_parse_maps(buf, len, mod_cb, &c, err);
  *n = c.n;
  return r;
}
