/* parse_passwd.c — /etc/passwd lines "name:x:uid:gid:gecos:home:shell". */
#include <string.h>

#include "sensor/parse.h"

static void field(char *dst, size_t cap, const char *s, size_t n) {
  if (n >= cap) n = cap - 1;
  memcpy(dst, s, n);
  dst[n] = '\0';
}

static int num(const char *s, size_t n, uint32_t *out) {
  uint64_t v = 0;
  if (n == 0 || n > 10) return -1;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (uint64_t)(s[i] - '0');
  }
  if (v > UINT32_MAX) return -1;
  *out = (uint32_t)v;
  return 0;
}

int parse_passwd_line(const char *line, size_t len, struct parse_passwd_entry *e,
                      struct vg_err *err) {
  memset(e, 0, sizeof *e);
  if (len && line[len - 1] == '\n') len--;
  if (len == 0 || line[0] == '#' || line[0] == '+' || line[0] == '-') return 1;
  if (len > PARSE_MAX_LINE) return vg_err_fail(err, VG_EPARSE, "passwd: line longer than %d bytes", PARSE_MAX_LINE);
  const char *f[7];
  size_t fl[7];
  int n = 0;
  const char *p = line, *end = line + len;
  while (n < 7) {
    const char *colon = memchr(p, ':', (size_t)(end - p));
    f[n] = p;
    fl[n] = colon ? (size_t)(colon - p) : (size_t)(end - p);
    n++;
    if (!colon) break;
    p = colon + 1;
  }
  int colons = 0;
  for (size_t i = 0; i < len; i++) colons += line[i] == ':';
  if (n != 7 || colons != 6)
    return vg_err_fail(err, VG_EPARSE, "passwd: %d fields, expected 7", colons + 1);
  if (fl[0] == 0) return vg_err_fail(err, VG_EPARSE, "passwd: empty user name");
  if (num(f[2], fl[2], &e->uid)) return vg_err_fail(err, VG_EPARSE, "passwd: bad uid");
  if (num(f[3], fl[3], &e->gid)) return vg_err_fail(err, VG_EPARSE, "passwd: bad gid");
  field(e->name, sizeof e->name, f[0], fl[0]);
  field(e->gecos, sizeof e->gecos, f[4], fl[4]);
  field(e->home, sizeof e->home, f[5], fl[5]);
  field(e->shell, sizeof e->shell, f[6], fl[6]);
  return 0;
}
