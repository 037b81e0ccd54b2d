/* err.h — error codes with their messages from one table, and struct vg_err
 * that carries a code, a message and a position (file:line:col, byte offset).
 *
 * Convention: functions return 0 on success and a negative code (-VG_E…) on
 * failure; those that know the context also fill an optional struct vg_err *
 * (NULL is allowed everywhere and means "caller does not want details"). */
#ifndef VIGIL_ERR_H
#define VIGIL_ERR_H

#include <stddef.h>
#include "shared/limits.h"

/* X-macro: name, default message. The order is the numeric code. */
#define VG_ERR_TABLE(X)                                              \
  X(OK,        "success")                                            \
  X(EINVAL,    "invalid argument")                                   \
  X(EPARSE,    "malformed input")                                    \
  X(ELIMIT,    "limit exceeded")                                     \
  X(ETYPE,     "wrong type")                                         \
  X(ESCHEMA,   "schema violation")                                   \
  X(EUNKNOWN,  "unknown key")                                        \
  X(EMISSING,  "required value missing")                             \
  X(ERANGE,    "value out of range")                                 \
  X(ENOTFOUND, "not found")                                          \
  X(EEXIST,    "already exists")                                     \
  X(EIO,       "input/output error")                                 \
  X(EPERM,     "permission denied")                                  \
  X(EAUTH,     "authentication failed")                              \
  X(EPROTO,    "protocol error")                                     \
  X(ETLS,      "TLS error")                                          \
  X(EDB,       "storage error")                                      \
  X(EBUSY,     "resource busy")                                      \
  X(ETIMEOUT,  "timed out")                                          \
  X(EOFFLINE,  "sensor offline")                                     \
  X(EINTERNAL, "internal error")                                     \
  X(EUNSUPPORTED, "not supported on this system")

enum vg_code {
#define VG_ERR_ENUM(name, msg) VG_##name,
  VG_ERR_TABLE(VG_ERR_ENUM)
#undef VG_ERR_ENUM
  VG__CODE_COUNT
};

struct vg_err {
  int code;                               /* positive enum vg_code; 0 = none */
  char msg[VG_LIMIT_ERR_MSG_BYTES];       /* human message, NUL-terminated */
  char file[128];                         /* source name, "" if none */
  int line, col;                          /* 1-based; 0 = unknown */
  long pos;                               /* byte offset; -1 = unknown */
};

/* Message of a code (sign ignored); "unknown error" for out-of-table codes. */
const char *vg_strerror(int code);
/* Symbolic name of a code, e.g. "EPARSE"; sign ignored. */
const char *vg_code_name(int code);

/* Clear e (NULL-safe). */
void vg_err_clear(struct vg_err *e);

/* Fill e (NULL-safe) and return -code. file may be NULL; line/col 0 and pos -1
 * mean unknown. The message is printf-formatted and truncated to fit. */
int vg_err_set(struct vg_err *e, int code, const char *file, int line, int col,
               const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Shorthand without position. */
int vg_err_fail(struct vg_err *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Render "file:line:col: message" (parts that are unknown are left out; a
 * known byte offset without a line renders as "byte N: message") into buf.
 * Returns buf. */
const char *vg_err_str(const struct vg_err *e, char *buf, size_t n);

#endif
