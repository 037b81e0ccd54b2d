/* parse_stat.c — /proc/PID/stat: "pid (comm) state ppid … utime stime …
 * num_threads … starttime vsize rss …". comm may hold spaces and ')': the
 * last ')' ends it. */
#include <stdlib.h>
#include <string.h>

#include "sensor/parse.h"

int parse_stat(const char *buf, size_t len, struct parse_stat *s, struct vg_err *err) {
  memset(s, 0, sizeof *s);
  if (len > PARSE_MAX_LINE) return vg_err_fail(err, VG_EPARSE, "stat: longer than %d bytes", PARSE_MAX_LINE);
  char tmp[PARSE_MAX_LINE + 1];
  memcpy(tmp, buf, len);
  tmp[len] = '\0';
  if (strlen(tmp) != len) return vg_err_fail(err, VG_EPARSE, "stat: NUL byte in input");
  char *open = strchr(tmp, '('), *close = strrchr(tmp, ')');
  if (!open || !close || close < open) return vg_err_fail(err, VG_EPARSE, "stat: no (comm)");
  char *end;
  long pid = strtol(tmp, &end, 10);
  if (end == tmp || pid <= 0 || pid > 0x7fffffff) return vg_err_fail(err, VG_EPARSE, "stat: bad pid");
  s->pid = (int)pid;
  size_t cn = (size_t)(close - open - 1);
  if (cn >= sizeof s->comm) cn = sizeof s->comm - 1;
  memcpy(s->comm, open + 1, cn);
  s->comm[cn] = '\0';
  /* fields after ')' numbered from 3 (state) as in proc(5) */
  char *p = close + 1;
  uint64_t f[53] = {0};
  int field = 3;
  while (*p && field <= 52) {
    while (*p == ' ') p++;
    if (!*p || *p == '\n') break;
    if (field == 3) {
      s->state = *p;
      while (*p && *p != ' ') p++;
    } else {
      char *e2;
      long long v = strtoll(p, &e2, 10);
      if (e2 == p) return vg_err_fail(err, VG_EPARSE, "stat: field %d is not a number", field);
      f[field] = (uint64_t)v;
      p = e2;
    }
    field++;
  }
  if (field <= 24) return vg_err_fail(err, VG_EPARSE, "stat: only %d fields", field - 1);
  s->ppid = (int)f[4];
  s->utime = f[14];
  s->stime = f[15];
  s->threads = (long)f[20];
  s->starttime = f[22];
  s->vsize = f[23];
  s->rss_pages = f[24];
  return 0;
}
