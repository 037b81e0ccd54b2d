/* parse_maps.c — /proc/PID/maps lines:
 * "start-end perms offset dev inode   path". */
#include <stdio.h>
#include <string.h>

#include "sensor/parse.h"

static int hexnum(const char **p, const char *end, uint64_t *out, char stop) {
  uint64_t v = 0;
  int digits = 0;
  while (*p < end && **p != stop) {
    char ch = **p;
    int d = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
          : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
    if (d < 0 || digits >= 16) return -1;
    v = v << 4 | (uint64_t)d;
    digits++;
    (*p)++;
  }
  if (!digits) return -1;
  *out = v;
  return 0;
}

static const char *skip_sp(const char *p, const char *end) {
  while (p < end && *p == ' ') p++;
  return p;
}

int parse_maps_line(const char *line, size_t len, struct parse_maps_entry *e, struct vg_err *err) {
  const char *p = line, *end = line + len;
  memset(e, 0, sizeof *e);
  if (len > PARSE_MAX_LINE) return vg_err_fail(err, VG_EPARSE, "maps: line longer than %d bytes", PARSE_MAX_LINE);
#define BAD(what) vg_err_set(err, VG_EPARSE, NULL, 0, (int)(p - line) + 1, "maps: %s at column %d", what, (int)(p - line) + 1)
  if (hexnum(&p, end, &e->start, '-') || p >= end) return BAD("bad start address");
  p++;
  if (hexnum(&p, end, &e->end, ' ') || p >= end) return BAD("bad end address");
  if (e->end < e->start) return BAD("end address below start");
  p = skip_sp(p, end);
  if (end - p < 4) return BAD("bad permissions");
  for (int i = 0; i < 4; i++) {
    if (!strchr("rwxps-", p[i])) return BAD("bad permissions");
    e->perms[i] = p[i];
  }
  p += 4;
  if (p >= end || *p != ' ') return BAD("bad permissions");
  p = skip_sp(p, end);
  if (hexnum(&p, end, &e->offset, ' ') || p >= end) return BAD("bad offset");
  p = skip_sp(p, end);
  size_t dn = 0;
  while (p < end && *p != ' ') {
    if (dn + 1 >= sizeof e->dev || !strchr("0123456789abcdefABCDEF:", *p)) return BAD("bad device");
    e->dev[dn++] = *p++;
  }
  if (!dn || !strchr(e->dev, ':')) return BAD("bad device");
  p = skip_sp(p, end);
  uint64_t ino = 0;
  int digits = 0;
  while (p < end && *p >= '0' && *p <= '9') {
    if (digits++ >= 20) return BAD("bad inode");
    ino = ino * 10 + (uint64_t)(*p++ - '0');
  }
  if (!digits || (p < end && *p != ' ')) return BAD("bad inode");
  e->inode = ino;
  p = skip_sp(p, end);
  size_t n = (size_t)(end - p);
  if (n && p[n - 1] == '\n') n--;
  if (n >= sizeof e->path) n = sizeof e->path - 1;
  memcpy(e->path, p, n);
  e->path[n] = '\0';
  return 0;
#undef BAD
}

int parse_maps(const char *buf, size_t len,
               bool (*fn)(void *user, const struct parse_maps_entry *e), void *user,
               struct vg_err *err) {
  const char *p = buf, *end = buf + len;
  int lineno = 0;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
    lineno++;
    if (n) {
      struct parse_maps_entry e;
      int rc = parse_maps_line(p, n, &e, err);
      if (rc) {
        if (err) err->line = lineno;
        return rc;
      }
      if (!fn(user, &e)) return 0;
    }
    p += n + (nl ? 1 : 0);
  }
  return 0;
}
