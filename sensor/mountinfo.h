/* mountinfo.h — pure parser of one /proc/<pid>/mountinfo line (proc(5)):
 * "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue". */
#ifndef VIGIL_SENSOR_MOUNTINFO_H
#define VIGIL_SENSOR_MOUNTINFO_H

#include "shared/err.h"

struct mountinfo_entry {
  unsigned major, minor;
  const char *root;        /* root of the mount within its filesystem */
  const char *mount_point; /* octal escapes (\040 …) decoded */
  const char *fstype;
  const char *source;
};

/* Parse line (modified in place; the entry points into it; a trailing
 * newline is ignored). 0, or -VG_EPARSE with err naming the field. */
int mountinfo_parse_line(char *line, struct mountinfo_entry *e, struct vg_err *err);

#endif
