/* parse.h — pure parsers of the system files commands read (/proc/PID/maps,
 * /proc/PID/stat, /proc/net/{tcp,udp}[6], /etc/passwd, dpkg's status file,
 * os-release, systemd unit files). Buffer in, struct out: no I/O, no
 * globals; tested against tests/fixtures/ and fuzzed. Every rejection names
 * what was wrong and where (err->line, err->col where it applies). */
#ifndef VIGIL_SENSOR_PARSE_H
#define VIGIL_SENSOR_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/err.h"

/* Longest line any of these parsers accepts. */
#define PARSE_MAX_LINE 8192
/* Text fields they keep (longer values are truncated, not rejected). */
#define PARSE_MAX_FIELD 1024

/* ---- parse_maps.c: one line of /proc/PID/maps ---- */
struct parse_maps_entry {
  uint64_t start, end, offset, inode;
  char perms[5];               /* "r-xp" */
  char dev[16];                /* "08:01" */
  char path[PARSE_MAX_FIELD];  /* "" for anonymous, "[heap]", a file path */
};
/* Parse one line (no newline needed; len bytes of line). 0 or -VG_EPARSE. */
int parse_maps_line(const char *line, size_t len, struct parse_maps_entry *e, struct vg_err *err);
/* Parse a whole maps buffer, calling fn per entry (stop early by returning
 * false). 0, or -VG_EPARSE with err->line set. */
int parse_maps(const char *buf, size_t len,
               bool (*fn)(void *user, const struct parse_maps_entry *e), void *user,
               struct vg_err *err);

/* ---- parse_stat.c: /proc/PID/stat ---- */
struct parse_stat {
  int pid, ppid;
  char comm[64];
  char state;
  uint64_t utime, stime, starttime; /* clock ticks */
  long threads;
  uint64_t vsize, rss_pages;
};
int parse_stat(const char *buf, size_t len, struct parse_stat *s, struct vg_err *err);

/* ---- parse_procnet.c: one line of /proc/net/{tcp,tcp6,udp,udp6} ---- */
struct parse_procnet_entry {
  int family;                    /* AF_INET or AF_INET6 */
  uint8_t local[16], remote[16]; /* network order; 4 bytes used for AF_INET */
  uint16_t lport, rport;
  unsigned state;                /* TCP_* numbering (0x0A = LISTEN) */
  uint32_t uid;
  uint64_t inode;
};
/* Parse one data line (the header line is -VG_EPARSE; callers skip line 1).
 * family is AF_INET for tcp/udp, AF_INET6 for tcp6/udp6. */
int parse_procnet_line(const char *line, size_t len, int family, struct parse_procnet_entry *e,
                       struct vg_err *err);
/* "LISTEN", "ESTABLISHED", … for a TCP state number; "UNKNOWN" else. */
const char *parse_procnet_state_name(unsigned state);

/* ---- parse_passwd.c: one line of /etc/passwd ---- */
struct parse_passwd_entry {
  char name[256], gecos[PARSE_MAX_FIELD], home[PARSE_MAX_FIELD], shell[PARSE_MAX_FIELD];
  uint32_t uid, gid;
};
/* 0, 1 for a line to skip (blank, comment, NIS "+"), or -VG_EPARSE. */
int parse_passwd_line(const char *line, size_t len, struct parse_passwd_entry *e,
                      struct vg_err *err);

/* ---- parse_dpkg.c: /var/lib/dpkg/status ---- */
/* Longest line (descriptions hold long continuation lines: 11 KB seen). */
#define PARSE_DPKG_MAX_LINE (1u << 20)
struct parse_dpkg_pkg {
  char name[256], version[256], arch[64], status[128];
  char description[PARSE_MAX_FIELD]; /* the synopsis line */
};
/* Call fn for every stanza with a Package field (stop by returning false).
 * 0, or -VG_EPARSE (line too long, a field line without ':' outside a
 * continuation) with err->line. */
int parse_dpkg(const char *buf, size_t len, bool (*fn)(void *user, const struct parse_dpkg_pkg *p),
               void *user, struct vg_err *err);

/* ---- parse_kv.c: KEY=value files (os-release) and systemd unit files ---- */
/* Call fn(key, value) for each KEY=value line (os-release: value unquoted,
 * shell escapes \" \\ \$ \` undone) or each Key=Value line in a unit file
 * (section given). Comments and blank lines skipped. 0 or -VG_EPARSE with
 * err->line. */
int parse_kv_osrelease(const char *buf, size_t len,
                       void (*fn)(void *user, const char *key, const char *value), void *user,
                       struct vg_err *err);
int parse_kv_unit(const char *buf, size_t len,
                  void (*fn)(void *user, const char *section, const char *key, const char *value),
                  void *user, struct vg_err *err);

#endif
