/* audit.c — API audit records over store_audit_{append,list}. */
#include "backend/audit.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/orgs.h"
#include "backend/store_audit.h"
#include "shared/alloc.h"
#include "shared/event.h"
#include "shared/limits.h"

#define CURSOR_SKIP_MAX 100000

static const char *const secret_names[] = {"api_key", "key", "secret", "password", "token"};

static int is_secret(const char *name) {
  for (size_t i = 0; i < sizeof(secret_names) / sizeof(secret_names[0]); i++)
    if (strcmp(name, secret_names[i]) == 0) return 1;
  return 0;
}

static void redact_in_place(json_t *v) {
  if (json_is_object(v)) {
    const char *k;
    json_t *m;
    json_object_foreach(v, k, m) {
      if (is_secret(k))
        json_object_set_new(v, k, json_string("(redacted)"));
      else
        redact_in_place(m);
    }
  } else if (json_is_array(v)) {
    size_t i;
    json_t *m;
    json_array_foreach(v, i, m) redact_in_place(m);
  }
}

json_t *audit_redact(const json_t *params) {
  json_t *copy = params ? json_deep_copy(params) : json_object();
  if (!copy) copy = json_object();
  redact_in_place(copy);
  return copy;
}

int audit_append(struct store *st, const char *oid, const char *key_id, const char *role,
                 const char *method, const json_t *params, int code, const char *message,
                 struct vg_err *err) {
  uint8_t o[16];
  if (orgs_id_parse(oid, o)) return vg_err_fail(err, VG_EINVAL, "audit: oid is not a UUID");
  int64_t now = vg_event_now_ms();
  json_t *rec = json_pack("{s:I, s:s, s:s, s:s, s:o, s:s}", "time", (json_int_t)now, "key_id",
                          key_id ? key_id : "", "role", role ? role : "", "method", method,
                          "params", audit_redact(params), "outcome",
                          code ? vg_code_name(code) : "ok");
  if (code && message && *message) json_object_set_new(rec, "message", json_string(message));
  char *s = json_dumps(rec, JSON_COMPACT);
  json_decref(rec);
  int r = store_audit_append(st, o, now, s, strlen(s), err);
  free(s);
  return r;
}

struct page {
  json_t *records;
  int64_t skip_time; /* records at this time ... */
  size_t to_skip;    /* ... this many of them, were on earlier pages */
  size_t skipped;    /* the cursor's count */
  size_t limit;
  int more;          /* a record past limit exists */
  int64_t last_time;
  size_t last_run;   /* records delivered at last_time (this page) */
};

static int collect(void *ctx, int64_t time_ms, const char *rec, size_t len) {
  struct page *p = ctx;
  if (p->to_skip && time_ms == p->skip_time) {
    p->to_skip--;
    return 0;
  }
  if (json_array_size(p->records) == p->limit) {
    p->more = 1;
    return 1;
  }
  json_t *r = json_loadb(rec, len, 0, NULL);
  if (!r) r = json_pack("{s:I, s:s}", "time", (json_int_t)time_ms, "outcome", "(corrupt record)");
  json_array_append_new(p->records, r);
  if (time_ms == p->last_time) {
    p->last_run++;
  } else {
    p->last_time = time_ms;
    p->last_run = 1;
  }
  return 0;
}

static int cursor_parse(const char *cursor, int64_t *t, size_t *skip) {
  char *end;
  long long tt = strtoll(cursor, &end, 10);
  if (end == cursor || *end != ':' || tt < 0) return -1;
  const char *s = end + 1;
  unsigned long long k = strtoull(s, &end, 10);
  if (end == s || *end || k == 0 || k > CURSOR_SKIP_MAX || *s == '-') return -1;
  *t = tt;
  *skip = (size_t)k;
  return 0;
}

int audit_list(struct store *st, const char *oid, int64_t from, int64_t to, size_t limit,
               const char *cursor, json_t **records, char **next, struct vg_err *err) {
  uint8_t o[16];
  *records = NULL;
  *next = NULL;
  if (orgs_id_parse(oid, o)) return vg_err_fail(err, VG_EINVAL, "audit: oid is not a UUID");
  if (limit == 0 || limit > VG_LIMIT_API_PAGE)
    return vg_err_fail(err, VG_ERANGE, "limit: 1..%d", VG_LIMIT_API_PAGE);
  struct page p = {.records = json_array(), .limit = limit, .last_time = -1, .skip_time = -1};
  if (cursor) {
    int64_t t;
    size_t k;
    if (cursor_parse(cursor, &t, &k))
      return json_decref(p.records), vg_err_fail(err, VG_EINVAL, "cursor: not from audit.list");
    if (t + 1 < to) to = t + 1;
    p.skip_time = t;
    p.to_skip = k;
    p.skipped = k;
  }
  if (from < to) {
    int r = store_audit_list(st, o, from, to, limit + 1 + p.to_skip, collect, &p, err);
    if (r < 0) {
      json_decref(p.records);
      return r;
    }
  }
  if (p.more) {
    /* Records at last_time delivered so far: this page's run, plus the
     * earlier pages' when the run continues the cursor's millisecond. */
    size_t run = p.last_run + (p.last_time == p.skip_time ? p.skipped : 0);
    *next = vg_xasprintf("%" PRId64 ":%zu", p.last_time, run);
  }
  *records = p.records;
  return 0;
}
