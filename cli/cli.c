/* cli.c — helpers every command uses (cli.h): connecting, calls with the
 * error printed once and mapped to an exit code, paging, usage errors. */
#include "cli/cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd_table.h"
#include "shared/alloc.h"

int cli_exit_for(int code) {
  switch (code < 0 ? -code : code) {
    case VG_OK: return CLI_OK;
    case VG_ENOTFOUND: return CLI_NOTHING;
    case VG_EAUTH: case VG_EOFFLINE: case VG_ETLS: return CLI_CONNECT;
    case VG_ETIMEOUT: return CLI_TIMEOUT;
    default: return CLI_API;
  }
}

int cli_fail(int rc, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("vigilctl: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  return rc;
}

int cli_usage(const char *name, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "vigilctl %s: ", name);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  for (const struct cli_cmd *t = cmd_table; t->name; t++)
    if (!strcmp(t->name, name) || (!strncmp(t->name, name, strlen(name)) && t->name[strlen(name)] == ' '))
      fprintf(stderr, "usage: vigilctl %s %s\n", t->name, t->usage);
  return CLI_USAGE;
}

long long cli_number(const char *cmd, const char *what, const char *s, long long min, long long max) {
  char *end;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (errno || end == s || *end || v < min || v > max) {
    cli_usage(cmd, "%s: '%s' is not a number in %lld..%lld", what, s, min, max);
    return -1;
  }
  return v;
}

long long cli_seconds(const char *cmd, const char *what, const char *s, long long max) {
  char *end;
  errno = 0;
  long long v = strtoll(s, &end, 10), mul = 1;
  if (!errno && end != s && end[0] && !end[1]) {
    switch (*end) {
      case 's': mul = 1; end++; break;
      case 'm': mul = 60; end++; break;
      case 'h': mul = 3600; end++; break;
      case 'd': mul = 86400; end++; break;
      case 'w': mul = 7 * 86400; end++; break;
      default: break;
    }
  }
  if (errno || end == s || *end || v < 0 || v > max / mul) {
    cli_usage(cmd, "%s: '%s' is not a duration (90, 90s, 5m, 2h, 7d, 1w) of at most %llds", what, s, max);
    return -1;
  }
  return v * mul;
}

struct vg_api *cli_api(struct cli *c, int *rc) {
  if (c->api) return c->api;
  struct vg_err e;
  vg_err_clear(&e);
  int r = vg_creds_resolve(&c->flags, &c->creds, &e);
  if (r) {
    char buf[VG_LIMIT_ERR_MSG_BYTES + 160];
    *rc = cli_fail(CLI_CREDS, "credentials: %s", vg_err_str(&e, buf, sizeof buf));
    return NULL;
  }
  c->api = vg_api_connect(&c->creds, false, c->api_timeout_ms, &e);
  if (!c->api) {
    *rc = cli_fail(CLI_CONNECT, "%s (credentials from %s)", e.msg, c->creds.source);
    return NULL;
  }
  return c->api;
}

int cli_call(struct cli *c, const char *method, json_t *params, json_t **result) {
  int rc;
  *result = NULL;
  if (!cli_api(c, &rc)) {
    json_decref(params);
    return rc;
  }
  struct vg_err e;
  vg_err_clear(&e);
  int r = vg_api_call(c->api, method, params, c->api_timeout_ms, result, &e);
  if (!r) return CLI_OK;
  /* EOFFLINE while connected is the sensor's, not ours: a refused request. */
  rc = r == -VG_EOFFLINE && vg_api_online(c->api) ? CLI_API : cli_exit_for(r);
  return cli_fail(rc, "%s: %s: %s", method, vg_code_name(r), e.msg);
}

int cli_call_list(struct cli *c, const char *method, json_t *params, const char *key, size_t max,
                  json_t **items) {
  *items = json_array();
  json_t *cursor = NULL;
  for (;;) {
    json_t *p = json_deep_copy(params);
    size_t want = max ? max - json_array_size(*items) : CLI_LIST_PAGE;
    json_object_set_new(p, "limit", json_integer((json_int_t)(want < CLI_LIST_PAGE ? want : CLI_LIST_PAGE)));
    if (cursor) json_object_set(p, "cursor", cursor);
    json_t *res;
    int rc = cli_call(c, method, p, &res);
    json_decref(cursor);
    cursor = NULL;
    if (rc) {
      json_decref(params);
      json_decref(*items);
      *items = NULL;
      return rc;
    }
    json_array_extend(*items, json_object_get(res, key));
    json_t *next = json_object_get(res, "next");
    if (json_is_string(next) && (!max || json_array_size(*items) < max)) cursor = json_incref(next);
    json_decref(res);
    if (!cursor) break;
  }
  json_decref(params);
  return CLI_OK;
}

int cli_read_file(const char *cmd, const char *path, size_t max, char **text, size_t *len) {
  bool in = !strcmp(path, "-");
  FILE *f = in ? stdin : fopen(path, "rb");
  *text = NULL;
  if (!f) {
    cli_usage(cmd, "%s: %s", path, strerror(errno));
    return CLI_USAGE;
  }
  size_t cap = 4096, n = 0;
  char *buf = vg_xmalloc(cap + 1);
  for (;;) {
    if (n == cap) {
      if (cap > max) break;
      cap *= 2;
      buf = vg_xrealloc(buf, cap + 1);
    }
    size_t r = fread(buf + n, 1, cap - n, f);
    n += r;
    if (r == 0) break;
  }
  bool err = ferror(f) != 0;
  if (!in) fclose(f);
  if (err || n > max) {
    free(buf);
    if (err) cli_usage(cmd, "%s: read error", path);
    else cli_usage(cmd, "%s: larger than %zu bytes", path, max);
    return CLI_USAGE;
  }
  buf[n] = '\0';
  *text = buf;
  if (len) *len = n;
  return CLI_OK;
}
