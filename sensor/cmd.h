/* cmd.h — sensor commands: one table (cmd_table.c) of {name, usage,
 * handler}; it drives dispatch, `vigil-sensor --help-commands` and the
 * console's completion. A handler lives in cmd_<name>.c (or a file named
 * for a family, e.g. cmd_file.c) and answers through its cmd_call:
 * cmd_reply() for each `*_REP` event body, or cmd_error() naming what was
 * wrong (an ERROR field in the reply type's body, per EDR-REFERENCE.md). */
#ifndef VIGIL_SENSOR_CMD_H
#define VIGIL_SENSOR_CMD_H

#include <jansson.h>
#include <stddef.h>

#include "sensor/sensor.h"

/* One invocation. The runtime fills it; handlers only read it and call
 * cmd_reply / cmd_error (both thread-safe; a handler may run long, e.g. a
 * yara scan, and reply many times). */
struct cmd_call {
  struct sensor_ctx *ctx;
  const char *name;             /* the command name as typed */
  const char *reply_type;       /* its reply event type, e.g. "FILE_GET_REP" */
  const char *investigation_id; /* echoed in every reply's routing */
  const char *task_id;
  int replies;                  /* how many cmd_reply/cmd_error so far */
};

/* Emit one reply event of c->reply_type with body (ownership taken) as its
 * "event" object, routing/investigation_id set. */
void cmd_reply(struct cmd_call *c, json_t *body);
/* Emit a reply whose body is {"ERROR": cmd_error_number(code), "ERROR_CODE":
 * its name, "ERROR_MESSAGE": "..."}.
 * Returns code (a negative VG_E* code) so handlers can `return cmd_error(…)`. */
int cmd_error(struct cmd_call *c, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The seed-compatible numeric ERROR of a VG code (0 OK, 2 not found, 5
 * denied, 87 bad parameter, 110 unsupported, else 1000 + the code). Every
 * error body carries it with ERROR_CODE (the code's name) and ERROR_MESSAGE. */
int cmd_error_number(int code);

/* argv[0] is the command name; argc >= 1. Return 0 or the negative code
 * also reported with cmd_error. */
typedef int (*cmd_fn)(struct cmd_call *c, int argc, char **argv);

struct cmd {
  const char *name;  /* "file_get" */
  const char *usage; /* "file_get [-o OFFSET] [-s MAXSIZE] PATH" */
  const char *help;  /* one line */
  cmd_fn run;
};

/* The table; *n gets the count. */
const struct cmd *cmd_table(size_t *n);
/* By exact name, or NULL. */
const struct cmd *cmd_find(const char *name);

/* Split a command line into argv with shell-like quoting ('…', "…", \).
 * *argv and its strings are one heap block (free(*argv)). 0, or -VG_EPARSE
 * with err naming the column (unterminated quote), -VG_ELIMIT if longer than
 * VG_LIMIT_TASK_COMMAND_BYTES. */
int cmd_split(const char *line, int *argc, char ***argv, struct vg_err *err);

#endif
