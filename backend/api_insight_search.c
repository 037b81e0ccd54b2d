/* api_insight_search.c — insight.search, insight.export and insight.objects
 * (docs/insight.md, docs/query.md).
 *
 * Handlers run on the service thread, so a call does bounded work: at most
 * INSIGHT_SCAN_BUDGET keys scanned (then it returns what it found with a
 * cursor to continue) and at most `limit` rows. A plain search's cursor
 * carries the whole position (time range resolved at the first call,
 * partition, key, rows returned so far): the client sends the same query
 * with it. A query that must see every row before the first one (COUNT,
 * COUNT_UNIQUE, GROUP BY, ORDER BY) keeps its state here between calls
 * (at most INSIGHT_HELD per daemon, per organisation, dropped after
 * INSIGHT_HELD_IDLE_MS idle); its cursor names that state. Organisation
 * isolation: every scan is keyed by the session's oid, held state is only
 * found for the organisation that created it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/api_int.h"
#include "backend/insight_search.h"
#include "backend/registry.h"
#include "backend/store_objects.h"
#include "backend/vigild.h"
#include "shared/alloc.h"
#include "shared/buf.h"
#include "shared/event.h"
#include "shared/event_types.h"
#include "shared/expr.h"
#include "shared/routing.h"

#define INSIGHT_SCAN_BUDGET 250000      /* keys one call may scan (~0.1-0.2 s) */
#define INSIGHT_SEARCH_PAGE 100         /* default rows per call */
#define INSIGHT_HELD 16                 /* aggregations in progress, whole daemon */
#define INSIGHT_HELD_IDLE_MS 600000     /* an unused one is dropped after 10 min */
#define INSIGHT_OBJ_DAYS 366            /* insight.objects looks this far back */
#define INSIGHT_OBJ_ROWS 100000         /* (day, sensor) rows one objects call reads */
#define INSIGHT_TIME_MAX 253402300800000LL

const struct api_param api_insight_search_params[] = {
  {"query", API_P_STRING, false, 1, VG_LIMIT_QUERY_BYTES, 0},
  {"from", API_P_INT, false, 0, INSIGHT_TIME_MAX, 0},
  {"to", API_P_INT, false, 0, INSIGHT_TIME_MAX, 0},
  {"types", API_P_STRINGS, false, 0, VG_LIMIT_EXPR_EVENT_TYPES, VG_LIMIT_EVENT_TYPE_BYTES},
  {"sensors", API_P_STRING, false, 1, VG_LIMIT_QUERY_BYTES, 0},
  {"filter", API_P_STRING, false, 1, VG_LIMIT_QUERY_BYTES, 0},
  {"text", API_P_STRING, false, 1, VG_LIMIT_EXPR_STR_BYTES, 0},
  {"limit", API_P_INT, false, 1, VG_LIMIT_API_PAGE, 0},
  {"cursor", API_P_CURSOR, false, 0, 0, 0},
  {NULL, 0, false, 0, 0, 0},
};

const struct api_param api_insight_objects_params[] = {
  {"type", API_P_STRING, true, 1, 16, 0},
  {"value", API_P_STRING, true, 1, VG_LIMIT_EXPR_STR_BYTES, 0},
  {NULL, 0, false, 0, 0, 0},
};

/* --- what a call searches ---------------------------------------------------- */

struct target {
  struct vg_query *q;
  uint8_t oid[16];
  uint8_t (*sids)[16];
  size_t nsids;
  bool all_sensors;
  char *text;
};

static void target_cleanup(struct target *t) {
  vg_query_free(t->q);
  free(t->sids);
  free(t->text);
  memset(t, 0, sizeof(*t));
}

static int where_fail(struct vg_err *err, const char *param) {
  char msg[VG_LIMIT_ERR_MSG_BYTES];
  snprintf(msg, sizeof(msg), "%s", err->msg);
  int line = err->line, col = err->col, code = err->code ? err->code : VG_EPARSE;
  vg_err_set(err, code, NULL, line, col, "params.%s:%d:%d: %s", param, line, col, msg);
  return -code;
}

static int cmp_sid(const void *a, const void *b) { return memcmp(a, b, 16); }

/* The sensors of the organisation the selector picks, from the registry
 * (their current hostname, tags, platform). */
static void select_sensors(struct api_call *c, struct target *t) {
  t->all_sensors = !t->q->sensors;
  if (t->all_sensors) return;
  struct registry_filter f = {NULL, -1, -1, NULL};
  json_t *list = registry_list(c->vd->reg, c->oid, &f);
  t->sids = vg_xcalloc(json_array_size(list) + 1, sizeof(*t->sids));
  size_t i;
  json_t *rec;
  json_array_foreach(list, i, rec) {
    json_t *tags = json_array();
    const char *tag;
    json_t *exp;
    json_object_foreach(json_object_get(rec, "tags"), tag, exp) json_array_append_new(tags, json_string(tag));
    json_t *rt = json_pack("{s:s, s:I, s:o}", "event_type", "SENSOR", "event_time",
                           (json_int_t)0, "tags", tags);
    static const char *const keys[] = {"sid", "hostname", "plat", "arch", "int_ip", "ext_ip"};
    for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
      json_t *v = json_object_get(rec, keys[k]);
      if (v && (json_is_integer(v) || (json_is_string(v) && json_string_length(v))))
        json_object_set(rt, keys[k], v);
    }
    json_t *ev = json_pack("{s:o, s:{}}", "routing", rt, "event");
    struct vg_routing r;
    if (ev && vg_routing_get(ev, &r, NULL) == 0 && vg_expr_eval(t->q->sensors, ev, &r, NULL, NULL, NULL) &&
        vg_atom_uuid_parse(json_string_value(json_object_get(rec, "sid")), t->sids[t->nsids]) == 0)
      t->nsids++;
    json_decref(ev);
  }
  json_decref(list);
  qsort(t->sids, t->nsids, sizeof(*t->sids), cmp_sid);
}

/* The query of a call: `query`, or the structured params. */
static int target_build(struct api_call *c, const json_t *params, struct target *t,
                        struct vg_err *err) {
  vg_atom_uuid_parse(c->oid, t->oid);
  const char *qs = api_param_str(params, "query");
  const char *text = api_param_str(params, "text");
  if (text) t->text = vg_xstrdup(text);
  if (qs) {
    if (json_object_get(params, "filter") || json_object_get(params, "sensors") ||
        json_object_get(params, "types") || json_object_get(params, "from"))
      return vg_err_fail(err, VG_EINVAL, "params: give either query or from/to/types/sensors/filter");
    t->q = vg_query_parse(qs, strlen(qs), vg_event_now_ms(), err);
    if (!t->q) return where_fail(err, "query");
  } else {
    if (!json_object_get(params, "from") || !json_object_get(params, "to"))
      return vg_err_fail(err, VG_EMISSING, "params: query, or from and to");
    t->q = vg_xcalloc(1, sizeof(*t->q));
    t->q->t0 = api_param_int(params, "from", 0);
    t->q->t1 = api_param_int(params, "to", 0);
    if (t->q->t1 <= t->q->t0) return vg_err_fail(err, VG_EINVAL, "params.from must be before params.to");
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(params, "types"), i, v) {
      if (!vg_event_type_valid_name(json_string_value(v)))
        return vg_err_fail(err, VG_EINVAL, "params.types[%zu]: not an event type", i);
      snprintf(t->q->types[t->q->ntypes++], sizeof(t->q->types[0]), "%s", json_string_value(v));
    }
    bool all;
    const char *fs = api_param_str(params, "filter");
    if (fs) {
      t->q->filter = vg_query_parse_filter(fs, strlen(fs), &all, t->q->lits, &t->q->nlits, err);
      if (!t->q->filter && !all) return where_fail(err, "filter");
    }
    const char *ss = api_param_str(params, "sensors");
    if (ss) {
      t->q->sensors = vg_query_parse_filter(ss, strlen(ss), &all, NULL, NULL, err);
      if (!t->q->sensors && !all) return where_fail(err, "sensors");
    }
  }
  select_sensors(c, t);
  return 0;
}

/* --- cursors ------------------------------------------------------------------ */

struct plain_cursor {
  int64_t t0, t1;
  struct store_scan_pos pos;
  uint64_t emitted;
};

#define PLAIN_CURSOR_BYTES (8 + 8 + 4 + 1 + 16 + 8 + 8 + 8)

static void put64(uint8_t *p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (56 - 8 * i));
}
static uint64_t get64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++) v = v << 8 | p[i];
  return v;
}

static json_t *plain_cursor_str(const struct plain_cursor *pc) {
  uint8_t b[PLAIN_CURSOR_BYTES];
  put64(b, (uint64_t)pc->t0);
  put64(b + 8, (uint64_t)pc->t1);
  for (int i = 0; i < 4; i++) b[16 + i] = (uint8_t)((uint32_t)pc->pos.day >> (24 - 8 * i));
  b[20] = pc->pos.started;
  memcpy(b + 21, pc->pos.sid, 16);
  put64(b + 37, (uint64_t)pc->pos.time_ms);
  put64(b + 45, pc->pos.seq);
  put64(b + 53, pc->emitted);
  char s[1 + 2 * PLAIN_CURSOR_BYTES + 1] = "s";
  for (size_t i = 0; i < sizeof(b); i++) snprintf(s + 1 + 2 * i, 3, "%02x", b[i]);
  return json_string(s);
}

static int hex_decode(const char *s, uint8_t *out, size_t n) {
  if (strlen(s) != 2 * n) return -1;
  for (size_t i = 0; i < n; i++) {
    unsigned v;
    if (sscanf(s + 2 * i, "%2x", &v) != 1) return -1;
    out[i] = (uint8_t)v;
  }
  return 0;
}

static int plain_cursor_parse(const char *s, struct plain_cursor *pc, struct vg_err *err) {
  uint8_t b[PLAIN_CURSOR_BYTES];
  if (s[0] != 's' || hex_decode(s + 1, b, sizeof(b)))
    return vg_err_fail(err, VG_EINVAL, "params.cursor: not a cursor this method returned");
  pc->t0 = (int64_t)get64(b);
  pc->t1 = (int64_t)get64(b + 8);
  pc->pos.day = (int32_t)((uint32_t)b[16] << 24 | (uint32_t)b[17] << 16 | (uint32_t)b[18] << 8 | b[19]);
  pc->pos.started = b[20] ? 1 : 0;
  memcpy(pc->pos.sid, b + 21, 16);
  pc->pos.time_ms = (int64_t)get64(b + 37);
  pc->pos.seq = get64(b + 45);
  pc->emitted = get64(b + 53);
  return 0;
}

/* Aggregations in progress (service thread only: no lock). */
struct held {
  uint64_t token;
  char oid[VG_UUID_STR_LEN + 1];
  struct target t;
  struct store_scan_pos pos;
  struct insight_agg *agg;
  struct insight_search_stats st;
  int64_t used_ms;
};
static struct held held[INSIGHT_HELD];

static void held_drop(struct held *h) {
  target_cleanup(&h->t);
  insight_agg_free(h->agg);
  memset(h, 0, sizeof(*h));
}

static struct held *held_new(struct api_call *c, struct target *t, struct vg_err *err) {
  int64_t now = vg_event_now_ms();
  struct held *h = NULL, *oldest = NULL;
  for (size_t i = 0; i < INSIGHT_HELD; i++) {
    if (held[i].token && now - held[i].used_ms > INSIGHT_HELD_IDLE_MS) held_drop(&held[i]);
    if (!held[i].token && !h) h = &held[i];
    if (held[i].token && (!oldest || held[i].used_ms < oldest->used_ms)) oldest = &held[i];
  }
  if (!h) {
    vg_err_fail(err, VG_ELIMIT, "%d aggregations are in progress; finish one first", INSIGHT_HELD);
    return NULL;
  }
  (void)oldest;
  uint8_t rnd[16];
  vg_atom_random(rnd);
  memcpy(&h->token, rnd, 8);
  h->token |= 1;
  snprintf(h->oid, sizeof(h->oid), "%s", c->oid);
  h->t = *t;
  memset(t, 0, sizeof(*t));
  h->agg = insight_agg_new();
  h->used_ms = now;
  return h;
}

static struct held *held_find(struct api_call *c, const char *s) {
  uint8_t b[8];
  if (s[0] != 'h' || hex_decode(s + 1, b, 8)) return NULL;
  uint64_t token;
  memcpy(&token, b, 8);
  for (size_t i = 0; i < INSIGHT_HELD; i++)
    if (held[i].token && held[i].token == token && strcmp(held[i].oid, c->oid) == 0)
      return &held[i];
  return NULL;
}

static json_t *held_cursor_str(const struct held *h) {
  uint8_t b[8];
  memcpy(b, &h->token, 8);
  char s[18] = "h";
  for (int i = 0; i < 8; i++) snprintf(s + 1 + 2 * i, 3, "%02x", b[i]);
  return json_string(s);
}

/* --- insight.search / insight.export ------------------------------------------ */

static json_t *stats_json(const struct insight_search_stats *st) {
  return json_pack("{s:I, s:I, s:I}", "scanned", (json_int_t)st->examined, "parsed",
                   (json_int_t)st->parsed, "matched", (json_int_t)st->matched);
}

/* rows → {"results": rows} or {"ndjson": "…"} */
static void put_rows(json_t *res, json_t *rows, bool ndjson) {
  if (!ndjson) {
    json_object_set_new(res, "results", rows);
    return;
  }
  struct vg_buf b;
  vg_buf_init(&b, (size_t)1 << 30);
  size_t i;
  json_t *v;
  json_array_foreach(rows, i, v) {
    char *line = json_dumps(v, JSON_COMPACT);
    vg_buf_puts(&b, line);
    vg_buf_putc(&b, '\n');
    free(line);
  }
  json_object_set_new(res, "ndjson", json_stringn(b.data ? b.data : "", b.len));
  vg_buf_cleanup(&b);
  json_decref(rows);
}

static int held_step(struct api_call *c, struct held *h, bool ndjson, json_t **result,
                     struct vg_err *err) {
  struct insight_search_spec sp = {h->t.oid, h->t.q, h->t.text,
                                   h->t.all_sensors ? NULL : (const uint8_t(*)[16])h->t.sids,
                                   h->t.nsids};
  int r = 1;
  if (h->t.all_sensors || h->t.nsids)
    r = insight_search_run(c->vd->store, &sp, &h->pos, INSIGHT_SCAN_BUDGET, 0, NULL, h->agg,
                           &h->st, err);
  if (r < 0) {
    held_drop(h);
    return r;
  }
  h->used_ms = vg_event_now_ms();
  json_t *res = json_object();
  if (r == 1) {
    put_rows(res, insight_agg_rows(h->agg, h->t.q), ndjson);
    json_object_set_new(res, "truncated", json_boolean(insight_agg_truncated(h->agg)));
    json_object_set_new(res, "next", json_null());
  } else {
    put_rows(res, json_array(), ndjson);
    json_object_set_new(res, "next", held_cursor_str(h));
  }
  json_object_set_new(res, "done", json_boolean(r == 1));
  json_object_set_new(res, "stats", stats_json(&h->st));
  if (r == 1) held_drop(h);
  *result = res;
  return 0;
}

static int search(struct api_call *c, const json_t *params, bool ndjson, json_t **result,
                  struct vg_err *err) {
  const char *cs = api_param_str(params, "cursor");
  if (cs && cs[0] == 'h') {
    struct held *h = held_find(c, cs);
    if (!h) return vg_err_fail(err, VG_ENOTFOUND, "params.cursor: unknown or expired");
    return held_step(c, h, ndjson, result, err);
  }
  struct target t = {0};
  int r = target_build(c, params, &t, err);
  struct plain_cursor pc = {t.q ? t.q->t0 : 0, t.q ? t.q->t1 : 0, {0}, 0};
  if (r == 0 && cs) r = plain_cursor_parse(cs, &pc, err);
  if (r) {
    target_cleanup(&t);
    return r;
  }
  if (t.q->aggregate || t.q->norder) {
    struct held *h = held_new(c, &t, err);
    if (!h) {
      target_cleanup(&t);
      return -VG_ELIMIT;
    }
    return held_step(c, h, ndjson, result, err);
  }
  t.q->t0 = pc.t0; /* the range resolved at the first call */
  t.q->t1 = pc.t1;
  size_t limit = (size_t)api_param_int(params, "limit", INSIGHT_SEARCH_PAGE);
  if (t.q->limit && (uint64_t)t.q->limit - pc.emitted < limit)
    limit = pc.emitted >= (uint64_t)t.q->limit ? 0 : (size_t)((uint64_t)t.q->limit - pc.emitted);
  struct insight_search_stats st = {0, 0, 0};
  json_t *rows = json_array();
  struct insight_search_spec sp = {t.oid, t.q, t.text,
                                   t.all_sensors ? NULL : (const uint8_t(*)[16])t.sids, t.nsids};
  r = (limit && (t.all_sensors || t.nsids))
          ? insight_search_run(c->vd->store, &sp, &pc.pos, INSIGHT_SCAN_BUDGET, limit, rows, NULL,
                               &st, err)
          : 1;
  if (r < 0) {
    json_decref(rows);
    target_cleanup(&t);
    return r;
  }
  pc.emitted += json_array_size(rows);
  bool done = r == 1 || (t.q->limit && pc.emitted >= (uint64_t)t.q->limit);
  json_t *res = json_object();
  put_rows(res, rows, ndjson);
  json_object_set_new(res, "next", done ? json_null() : plain_cursor_str(&pc));
  json_object_set_new(res, "done", json_boolean(done));
  json_object_set_new(res, "stats", stats_json(&st));
  *result = res;
  target_cleanup(&t);
  return 0;
}

API_HANDLER(api_insight_search) { return search(c, params, false, result, err); }
API_HANDLER(api_insight_export) { return search(c, params, true, result, err); }

/* --- insight.objects ------------------------------------------------------------ */

struct obj_acc {
  int32_t today;
  json_t *by_sid; /* sid → {count, first_seen, last_seen} */
  uint64_t total, d1, d7, d30;
  int64_t first, last;
  bool truncated;
  size_t rows;
};

static int obj_cb(void *ctx, const struct store_obj_row *r) {
  struct obj_acc *a = ctx;
  if (++a->rows > INSIGHT_OBJ_ROWS) {
    a->truncated = true;
    return 1;
  }
  a->total += r->count;
  if (r->day >= a->today) a->d1 += r->count;
  if (r->day >= a->today - 6) a->d7 += r->count;
  if (r->day >= a->today - 29) a->d30 += r->count;
  if (!a->first || r->first_ms < a->first) a->first = r->first_ms;
  if (r->last_ms > a->last) a->last = r->last_ms;
  char sid[VG_UUID_STR_LEN + 1];
  vg_atom_uuid_format(r->sid, sid);
  json_t *s = json_object_get(a->by_sid, sid);
  if (!s) {
    if (json_object_size(a->by_sid) >= VG_LIMIT_API_PAGE) {
      a->truncated = true;
      return 0;
    }
    s = json_pack("{s:s, s:I, s:I, s:I}", "sid", sid, "count", (json_int_t)0, "first_seen",
                  (json_int_t)r->first_ms, "last_seen", (json_int_t)r->last_ms);
    json_object_set_new(a->by_sid, sid, s);
  }
  json_t *n = json_object_get(s, "count");
  json_integer_set(n, json_integer_value(n) + (json_int_t)r->count);
  if (r->first_ms < json_integer_value(json_object_get(s, "first_seen")))
    json_object_set_new(s, "first_seen", json_integer(r->first_ms));
  if (r->last_ms > json_integer_value(json_object_get(s, "last_seen")))
    json_object_set_new(s, "last_seen", json_integer(r->last_ms));
  return 0;
}

API_HANDLER(api_insight_objects) {
  uint8_t oid[16];
  vg_atom_uuid_parse(c->oid, oid);
  const char *ts = api_param_str(params, "type"), *value = api_param_str(params, "value");
  enum store_obj_type type = store_objects_type(ts);
  if (!type)
    return vg_err_fail(err, VG_EINVAL,
                       "params.type: domain, ip, hash, file_path or user_name, not \"%s\"", ts);
  int32_t today = store_day_of(vg_event_now_ms());
  struct obj_acc a = {today, json_object(), 0, 0, 0, 0, 0, 0, false, 0};
  int64_t n = store_objects_get(c->vd->store, oid, type, value, strlen(value),
                                today - INSIGHT_OBJ_DAYS, today + 1, obj_cb, &a, err);
  if (n < 0) {
    json_decref(a.by_sid);
    return (int)n;
  }
  json_t *sensors = json_array();
  const char *k;
  json_t *v;
  json_object_foreach(a.by_sid, k, v) {
    json_t *rec = registry_get(c->vd->reg, c->oid, k, NULL);
    json_t *hn = rec ? json_object_get(rec, "hostname") : NULL;
    json_object_set_new(v, "hostname", hn ? json_incref(hn) : json_null());
    json_decref(rec);
    json_array_append(sensors, v);
  }
  json_decref(a.by_sid);
  *result = json_pack("{s:s, s:s, s:I, s:o, s:o, s:{s:I, s:I, s:I}, s:o, s:b}", "type", ts,
                      "value", value, "total", (json_int_t)a.total, "first_seen",
                      a.total ? json_integer(a.first) : json_null(), "last_seen",
                      a.total ? json_integer(a.last) : json_null(), "counts", "1d",
                      (json_int_t)a.d1, "7d", (json_int_t)a.d7, "30d", (json_int_t)a.d30,
                      "sensors", sensors, "truncated", a.truncated);
  return 0;
}
