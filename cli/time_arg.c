/* time_arg.c — absolute and relative times on the command line (time_arg.h). */
#include "cli/time_arg.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TIME_ARG_MAX_MS 253402300799999LL /* 9999-12-31T23:59:59.999Z */

static int bad(const char *s, struct vg_err *err) {
  return vg_err_fail(err, VG_EINVAL,
                     "'%.64s' is not a time: use RFC 3339 (2025-11-28T14:05:00Z), epoch ms, now, or -2h, "
                     "-30m, -7d, -1w",
                     s);
}

/* n digits at *p into *v. */
static bool digits(const char **p, int n, int *v) {
  *v = 0;
  for (int i = 0; i < n; i++) {
    if ((*p)[i] < '0' || (*p)[i] > '9') return false;
    *v = *v * 10 + ((*p)[i] - '0');
  }
  *p += n;
  return true;
}

static int rfc3339(const char *s, int64_t *out, struct vg_err *err) {
  const char *p = s;
  int y, mo, d, h = 0, mi = 0, sec = 0, ms = 0;
  if (!digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) || *p++ != '-' || !digits(&p, 2, &d))
    return bad(s, err);
  long off = 0;
  if (*p) {
    if (*p != 'T' && *p != 't' && *p != ' ') return bad(s, err);
    p++;
    if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi)) return bad(s, err);
    if (*p == ':') {
      p++;
      if (!digits(&p, 2, &sec)) return bad(s, err);
      if (*p == '.') {
        p++;
        int n = 0;
        while (*p >= '0' && *p <= '9') {
          if (n < 3) ms = ms * 10 + (*p - '0');
          n++;
          p++;
        }
        if (n == 0) return bad(s, err);
        for (; n < 3; n++) ms *= 10;
      }
    }
    if (*p == 'Z' || *p == 'z') {
      p++;
    } else if (*p == '+' || *p == '-') {
      int sign = *p++ == '-' ? -1 : 1, oh, om;
      if (!digits(&p, 2, &oh) || *p++ != ':' || !digits(&p, 2, &om) || oh > 23 || om > 59)
        return bad(s, err);
      off = sign * (oh * 3600L + om * 60L);
    } else {
      return bad(s, err);
    }
  }
  if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return bad(s, err);
  struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi,
                  .tm_sec = sec};
  time_t t = timegm(&tm);
  if (tm.tm_mday != d) return bad(s, err); /* 2025-02-30 */
  *out = ((int64_t)t - off) * 1000 + ms;
  return 0;
}

int time_arg_parse(const char *s, int64_t now_ms, int64_t *out, struct vg_err *err) {
  if (!s || !*s) return bad(s ? s : "", err);
  if (!strcmp(s, "now")) return *out = now_ms, 0;
  if (s[0] == '-' || s[0] == '+') {
    char *end;
    errno = 0;
    long long v = strtoll(s + 1, &end, 10);
    long long unit = 0;
    if (end != s + 1 && end[0] && !end[1]) {
      switch (end[0]) {
        case 's': unit = 1000; break;
        case 'm': unit = 60000; break;
        case 'h': unit = 3600000; break;
        case 'd': unit = 86400000; break;
        case 'w': unit = 7 * 86400000LL; break;
        default: break;
      }
    }
    if (errno || !unit || s[1] < '0' || s[1] > '9' || v > TIME_ARG_MAX_MS / unit) return bad(s, err);
    *out = now_ms + (s[0] == '-' ? -1 : 1) * v * unit;
    return 0;
  }
  if (strspn(s, "0123456789") == strlen(s)) {
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || v > TIME_ARG_MAX_MS) return bad(s, err);
    return *out = v, 0;
  }
  return rfc3339(s, out, err);
}
