/* mountinfo.c — /proc/<pid>/mountinfo line parser (mountinfo.h). */
#include "sensor/mountinfo.h"

#include <stdlib.h>
#include <string.h>

/* Next space-separated field, NUL-terminated in place; NULL at the end. */
static char *next_field(char **cur) {
  char *p = *cur;
  while (*p == ' ') p++;
  if (!*p) return NULL;
  char *start = p;
  while (*p && *p != ' ') p++;
  if (*p) *p++ = '\0';
  *cur = p;
  return start;
}

/* Decode \ooo escapes in place. */
static void unescape(char *s) {
  char *w = s;
  for (char *r = s; *r;) {
    if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' &&
        r[3] >= '0' && r[3] <= '7') {
      *w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
      r += 4;
    } else {
      *w++ = *r++;
    }
  }
  *w = '\0';
}

int mountinfo_parse_line(char *line, struct mountinfo_entry *e, struct vg_err *err) {
  line[strcspn(line, "\n")] = '\0';
  char *cur = line;
  char *f[6];
  static const char *const names[] = {"mount id", "parent id", "major:minor", "root",
                                      "mount point", "options"};
  for (int i = 0; i < 6; i++)
    if (!(f[i] = next_field(&cur)))
      return vg_err_fail(err, VG_EPARSE, "mountinfo: field %d (%s) missing", i + 1, names[i]);
  char *colon = strchr(f[2], ':'), *end;
  if (!colon) return vg_err_fail(err, VG_EPARSE, "mountinfo: major:minor '%s' has no ':'", f[2]);
  unsigned long ma = strtoul(f[2], &end, 10);
  if (end != colon || ma > 0xfffff) return vg_err_fail(err, VG_EPARSE, "mountinfo: bad major in '%s'", f[2]);
  unsigned long mi = strtoul(colon + 1, &end, 10);
  if (*end || end == colon + 1 || mi > 0xfffff)
    return vg_err_fail(err, VG_EPARSE, "mountinfo: bad minor in '%s'", f[2]);
  char *x;
  do { /* optional fields up to the "-" separator */
    x = next_field(&cur);
  } while (x && strcmp(x, "-") != 0);
  if (!x) return vg_err_fail(err, VG_EPARSE, "mountinfo: no '-' separator");
  char *fstype = next_field(&cur);
  char *source = next_field(&cur);
  if (!fstype || !source) return vg_err_fail(err, VG_EPARSE, "mountinfo: filesystem type or source missing");
  unescape(f[3]);
  unescape(f[4]);
  unescape(source);
  e->major = (unsigned)ma;
  e->minor = (unsigned)mi;
  e->root = f[3];
  e->mount_point = f[4];
  e->fstype = fstype;
  e->source = source;
  return 0;
}
