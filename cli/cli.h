/* cli.h — what every vigilctl command shares: the run context (global
 * options, the lazily opened API connection), the command table row, the
 * exit codes (docs/vigilctl.md) and the call/usage helpers. */
#ifndef VIGIL_CLI_H
#define VIGIL_CLI_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "shared/api_client.h"
#include "shared/creds.h"

/* Exit codes: one table, documented in docs/vigilctl.md and vigilctl.1. */
enum cli_exit {
  CLI_OK = 0,         /* success (spotcheck: something was found) */
  CLI_NOTHING = 1,    /* spotcheck found nothing; get/delete of an unknown id */
  CLI_USAGE = 2,      /* bad command line */
  CLI_CREDS = 3,      /* no usable credentials (missing, malformed, readable by others) */
  CLI_CONNECT = 4,    /* the API could not be reached or refused the key */
  CLI_API = 5,        /* the API refused the request (permission, bad value, …) */
  CLI_TIMEOUT = 6,    /* no answer in time (task without replies, API timeout) */
  CLI_INCOMPLETE = 7, /* spotcheck found nothing but could not check every sensor */
};

#define CLI_API_TIMEOUT_MS 30000 /* default per-call timeout (--api-timeout) */
#define CLI_LIST_PAGE 1000       /* page size of list calls (the API maximum) */

struct cli {
  struct vg_creds_flags flags; /* --url --oid --api-key --ca --env */
  bool json;                   /* --json: JSON, NDJSON for lists and streams */
  int api_timeout_ms;          /* --api-timeout SECONDS */
  struct vg_api *api;          /* opened by cli_api(), closed by main */
  struct vg_creds creds;       /* what cli_api() resolved */
};

/* One command: name is one or two words ("sensors list"); usage follows
 * the name; help is one line. handler gets argv[0] = the last word of name. */
struct cli_cmd {
  const char *name;
  const char *usage;
  const char *help;
  int (*handler)(struct cli *c, int argc, char **argv);
};

/* The API connection, opened on first use. NULL after printing why;
 * *rc is then the exit code. */
struct vg_api *cli_api(struct cli *c, int *rc);
/* Call method (params stolen). CLI_OK with *result (new reference), or an
 * exit code after printing the error. */
int cli_call(struct cli *c, const char *method, json_t *params, json_t **result);
/* Every page of a list method (params stolen): the items of member key
 * appended to a new array in *items, at most max (0 = all). */
int cli_call_list(struct cli *c, const char *method, json_t *params, const char *key, size_t max,
                  json_t **items);
/* The exit code for a -VG_E… code. */
int cli_exit_for(int code);
/* Print "vigilctl NAME: message" and the command's usage to stderr; CLI_USAGE. */
int cli_usage(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print "vigilctl: message" to stderr; returns rc. */
int cli_fail(int rc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A positive integer option in [min, max], or -1 after cli_usage. */
long long cli_number(const char *cmd, const char *what, const char *s, long long min, long long max);
/* A duration in seconds from 90, 90s, 5m, 2h, 7d, 1w; -1 after cli_usage. */
long long cli_seconds(const char *cmd, const char *what, const char *s, long long max);

/* A whole file ("-" = stdin) of at most max bytes into a heap string
 * (NUL-terminated; *len its length). CLI_OK, or CLI_USAGE after printing
 * what went wrong (naming the command and the file). */
int cli_read_file(const char *cmd, const char *path, size_t max, char **text, size_t *len);

#endif
