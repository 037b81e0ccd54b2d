/* parse_kv.c — KEY=value text: os-release(5) (shell-style quoting) and
 * systemd unit files ([Section] then Key=Value; '\' continues a line). */
#include <string.h>

#include "sensor/parse.h"

static void trim(const char **s, size_t *n) {
  while (*n && (**s == ' ' || **s == '\t')) (*s)++, (*n)--;
  while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' || (*s)[*n - 1] == '\r')) (*n)--;
}

int parse_kv_osrelease(const char *buf, size_t len,
                       void (*fn)(void *user, const char *key, const char *value), void *user,
                       struct vg_err *err) {
  const char *p = buf, *end = buf + len;
  int lineno = 0;
  char key[128], val[PARSE_MAX_FIELD];
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
    const char *s = p;
    lineno++;
    p += n + (nl ? 1 : 0);
    trim(&s, &n);
    if (n == 0 || s[0] == '#') continue;
    const char *eq = memchr(s, '=', n);
    if (!eq || eq == s || (size_t)(eq - s) >= sizeof key)
      return vg_err_set(err, VG_EPARSE, NULL, lineno, 1, "os-release: line %d is not KEY=value", lineno);
    memcpy(key, s, (size_t)(eq - s));
    key[eq - s] = '\0';
    for (const char *k = key; *k; k++)
      if (!((*k >= 'A' && *k <= 'Z') || (*k >= '0' && *k <= '9') || *k == '_' || (*k >= 'a' && *k <= 'z')))
        return vg_err_set(err, VG_EPARSE, NULL, lineno, (int)(k - key) + 1,
                          "os-release: line %d: bad character in key", lineno);
    const char *v = eq + 1, *ve = s + n;
    size_t o = 0;
    char q = 0;
    if (v < ve && (*v == '"' || *v == '\'')) q = *v++;
    while (v < ve && o + 1 < sizeof val) {
      if (q && *v == q) break;
      if (q != '\'' && *v == '\\' && v + 1 < ve) v++;
      val[o++] = *v++;
    }
    if (q && (v >= ve || *v != q) && o + 1 < sizeof val)
      return vg_err_set(err, VG_EPARSE, NULL, lineno, 0, "os-release: line %d: unterminated quote", lineno);
    val[o] = '\0';
    fn(user, key, val);
  }
  return 0;
}

int parse_kv_unit(const char *buf, size_t len,
                  void (*fn)(void *user, const char *section, const char *key, const char *value),
                  void *user, struct vg_err *err) {
  const char *p = buf, *end = buf + len;
  int lineno = 0;
  char section[128] = "", key[128], val[PARSE_MAX_FIELD];
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
    const char *s = p;
    lineno++;
    p += n + (nl ? 1 : 0);
    trim(&s, &n);
    if (n == 0 || s[0] == '#' || s[0] == ';') continue;
    if (s[0] == '[') {
      if (s[n - 1] != ']' || n - 2 >= sizeof section)
        return vg_err_set(err, VG_EPARSE, NULL, lineno, 1, "unit: line %d: bad section header", lineno);
      memcpy(section, s + 1, n - 2);
      section[n - 2] = '\0';
      continue;
    }
    const char *eq = memchr(s, '=', n);
    if (!eq || eq == s)
      return vg_err_set(err, VG_EPARSE, NULL, lineno, 1, "unit: line %d is not Key=Value", lineno);
    const char *ks = s;
    size_t kn = (size_t)(eq - s);
    trim(&ks, &kn);
    if (kn == 0 || kn >= sizeof key)
      return vg_err_set(err, VG_EPARSE, NULL, lineno, 1, "unit: line %d: bad key", lineno);
    memcpy(key, ks, kn);
    key[kn] = '\0';
    const char *v = eq + 1;
    size_t vn = (size_t)(s + n - v);
    trim(&v, &vn);
    size_t o = 0;
    for (;;) { /* join '\'-continued lines */
      bool cont = vn && v[vn - 1] == '\\';
      size_t take = cont ? vn - 1 : vn;
      if (o + take >= sizeof val) take = sizeof val - 1 - o;
      memcpy(val + o, v, take);
      o += take;
      if (!cont || p >= end) break;
      const char *nl2 = memchr(p, '\n', (size_t)(end - p));
      vn = nl2 ? (size_t)(nl2 - p) : (size_t)(end - p);
      v = p;
      lineno++;
      p += vn + (nl2 ? 1 : 0);
      trim(&v, &vn);
      if (o + 1 < sizeof val) val[o++] = ' ';
    }
    val[o] = '\0';
    fn(user, section, key, val);
  }
  return 0;
}
