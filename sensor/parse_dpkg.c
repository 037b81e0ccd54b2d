/* parse_dpkg.c — dpkg's status file: RFC 822-style stanzas separated by
 * blank lines; "Field: value" lines, continuation lines start with a space
 * or tab. */
#include <string.h>

#include "sensor/parse.h"

static void copy(char *dst, size_t cap, const char *s, size_t n) {
  while (n && (*s == ' ' || *s == '\t')) s++, n--;
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\r')) n--;
  if (n >= cap) n = cap - 1;
  memcpy(dst, s, n);
  dst[n] = '\0';
}

int parse_dpkg(const char *buf, size_t len, bool (*fn)(void *user, const struct parse_dpkg_pkg *p),
               void *user, struct vg_err *err) {
  struct parse_dpkg_pkg pkg;
  memset(&pkg, 0, sizeof pkg);
  const char *p = buf, *end = buf + len;
  int lineno = 0;
  bool in_stanza = false;
  while (p <= end) {
    const char *nl = p < end ? memchr(p, '\n', (size_t)(end - p)) : NULL;
    size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
    lineno++;
    if (n > PARSE_DPKG_MAX_LINE)
      return vg_err_set(err, VG_EPARSE, NULL, lineno, 0, "dpkg status: line %d longer than %d bytes",
                        lineno, PARSE_DPKG_MAX_LINE);
    bool blank = n == 0 || (n == 1 && p[0] == '\r');
    if (blank || p >= end) {
      if (in_stanza && pkg.name[0] && !fn(user, &pkg)) return 0;
      memset(&pkg, 0, sizeof pkg);
      in_stanza = false;
      if (p >= end) break;
    } else if (p[0] == ' ' || p[0] == '\t') {
      if (!in_stanza)
        return vg_err_set(err, VG_EPARSE, NULL, lineno, 1,
                          "dpkg status: continuation line %d outside a field", lineno);
    } else {
      const char *colon = memchr(p, ':', n);
      if (!colon || colon == p)
        return vg_err_set(err, VG_EPARSE, NULL, lineno, 1, "dpkg status: line %d has no 'Field:'", lineno);
      size_t kn = (size_t)(colon - p);
      const char *v = colon + 1;
      size_t vn = n - kn - 1;
      in_stanza = true;
      if (kn == 7 && memcmp(p, "Package", 7) == 0) copy(pkg.name, sizeof pkg.name, v, vn);
      else if (kn == 7 && memcmp(p, "Version", 7) == 0) copy(pkg.version, sizeof pkg.version, v, vn);
      else if (kn == 12 && memcmp(p, "Architecture", 12) == 0) copy(pkg.arch, sizeof pkg.arch, v, vn);
      else if (kn == 6 && memcmp(p, "Status", 6) == 0) copy(pkg.status, sizeof pkg.status, v, vn);
      else if (kn == 11 && memcmp(p, "Description", 11) == 0)
        copy(pkg.description, sizeof pkg.description, v, vn);
    }
    if (!nl) {
      if (in_stanza && pkg.name[0]) fn(user, &pkg);
      break;
    }
    p = nl + 1;
  }
  return 0;
}
