/* cmd_util.h — what command handlers share: flag parsing with errors that
 * name the flag, number and pid arguments, errno → reply, bounded lists split
 * over several replies, emitting a second event type (YARA_DETECTION),
 * bounded file reads and hashing. */
#ifndef VIGIL_SENSOR_CMD_UTIL_H
#define VIGIL_SENSOR_CMD_UTIL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "sensor/cmd.h"

/* Entries one list reply holds before the list continues in the next reply
 * (keeps every reply far below VG_LIMIT_EVENT_BYTES). */
#define CMD_LIST_PER_REPLY 500
/* Values a flag may take (yara_scan -d ROOT PATTERN DEPTH takes 3). */
#define CMD_OPT_MAX_VALUES 3
/* Positional arguments one command may take. */
#define CMD_MAX_POSITIONAL 64

struct cmd_opt {
  char flag;               /* 'p' for -p, or 0 */
  const char *name_long;   /* "hash" for --hash, or NULL */
  int nvalues;             /* values it takes (0 = a switch) */
  bool repeat;             /* may appear more than once (values are those of the last) */
  /* filled by cmd_util_parse */
  bool seen;
  const char *value[CMD_OPT_MAX_VALUES];
};

/* Parse argv[1..] (argparse style: flags anywhere, "--" ends flags) against
 * opts. Positional arguments go to pos (pointers into argv), *npos their
 * count; fewer than min_pos or more than max_pos is an error. Errors are
 * replied (cmd_error naming the flag and the usage) and returned. */
int cmd_util_parse(struct cmd_call *c, int argc, char **argv, struct cmd_opt *opts,
                   size_t nopts, const char **pos, int *npos, int min_pos, int max_pos);

/* The usage line of c's command ("" if not in the table). */
const char *cmd_util_usage(const struct cmd_call *c);

/* Parse s as a decimal (or 0x hex) integer in [min, max] into *out; on a bad
 * value reply an error naming what (e.g. "PID") and return -VG_EINVAL. */
int cmd_util_number(struct cmd_call *c, const char *what, const char *s, long long min,
                    long long max, long long *out);

/* The target process of -p PID or -a ATOM (exactly one of them given):
 * *pid set, or an error replied (ENOTFOUND names the pid/atom). */
int cmd_util_target_pid(struct cmd_call *c, const struct cmd_opt *p, const struct cmd_opt *a,
                        pid_t *pid);

/* Reply an error for errno e about what (a path, "pid 42"): ENOENT/ESRCH →
 * ENOTFOUND, EACCES/EPERM → EPERM, others EIO; message "what: strerror". */
int cmd_util_errno(struct cmd_call *c, int e, const char *what);

/* Emit an event of type (not c->reply_type) with body (taken) and c's
 * investigation id, e.g. YARA_DETECTION. */
void cmd_util_emit(struct cmd_call *c, const char *type, json_t *body);

/* A list spread over replies of c->reply_type: each reply holds key: [≤
 * CMD_LIST_PER_REPLY entries] plus "PART" (1-based) and "MORE" (true on all
 * but the last); at most max entries in all, past which TRUNCATED is set. */
struct cmd_list {
  struct cmd_call *c;
  const char *key;
  json_t *arr;
  size_t total, max, part;
  bool truncated;
};
void cmd_util_list_init(struct cmd_list *l, struct cmd_call *c, const char *key, size_t max);
/* Add entry (taken). false once the list is full (the entry is dropped and
 * TRUNCATED set): the caller may stop walking. */
bool cmd_util_list_add(struct cmd_list *l, json_t *entry);
/* Emit the last reply; extra (taken, may be NULL) is merged into it. */
void cmd_util_list_finish(struct cmd_list *l, json_t *extra);

/* Read at most max bytes of path (works for /proc files of size 0) into a
 * NUL-terminated heap buffer. 0 or -errno; *truncated (may be NULL) says
 * whether the file had more. */
int cmd_util_read_file(const char *path, size_t max, char **buf, size_t *len, bool *truncated);

/* Digests of a whole file, lower-case hex; any out may be NULL. 0 or -errno. */
int cmd_util_hash_file(const char *path, char sha256[65], char sha1[41], char md5[33],
                       uint64_t *size);
/* SHA-256 of a buffer, lower-case hex. */
void cmd_util_sha256(const void *p, size_t n, char out[65]);
/* Base64 (standard alphabet, padded) of p as a new JSON string. */
json_t *cmd_util_base64(const void *p, size_t n);
/* Decode base64 text (whitespace ignored); heap buffer or NULL if invalid. */
unsigned char *cmd_util_unbase64(const char *s, size_t *n);

/* The user name of uid from the password database, or NULL (static-free:
 * written into buf). */
const char *cmd_util_user_name(uid_t uid, char *buf, size_t n);

#endif
