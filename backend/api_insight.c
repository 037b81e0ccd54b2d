/* api_insight.c — Insight reads over stored telemetry (docs/insight.md):
 * insight.timeline (one sensor's events, paged both ways with a cursor),
 * insight.histogram (counts per bucket), insight.atom / insight.children /
 * insight.parents (the process graph).
 *
 * Organisation isolation is by construction: every store key starts with the
 * session's oid, so no read can reach another organisation's events, even for
 * a sid or atom that exists there. Handlers run on the service thread, so
 * every read is bounded: one page (≤ VG_LIMIT_API_PAGE events), one
 * histogram (≤ INSIGHT_MAX_BUCKETS buckets), one parent chain
 * (≤ INSIGHT_MAX_DEPTH events). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/api_int.h"
#include "backend/store_counters.h"
#include "backend/store_events.h"
#include "backend/store_render.h"
#include "backend/vigild.h"
#include "shared/buf.h"
#include "shared/event_types.h"
#include "shared/limits.h"

#define INSIGHT_PAGE_DEFAULT 100
#define INSIGHT_MAX_BUCKETS 2000   /* buckets one histogram may return */
#define INSIGHT_MAX_DEPTH 64       /* events one parent chain may return */
#define INSIGHT_TIME_MAX 253402300800000LL /* year 10000 */
#define INSIGHT_CURSOR_LEN (1 + 2 * 16)    /* 'f'|'b' + the position in hex */

/* --- shared helpers ------------------------------------------------------ */

/* The rendered event as a JSON tree appended to arr. 0 or negative. */
static int append_event(json_t *arr, const struct store_rec *r, struct vg_err *err) {
  struct vg_buf b;
  vg_buf_init(&b, 2 * (size_t)VG_LIMIT_EVENT_BYTES);
  int rc = store_render(r, &b, err);
  json_t *ev = rc ? NULL : json_loadb(b.data, b.len, 0, NULL);
  vg_buf_cleanup(&b);
  if (rc) return rc;
  if (!ev) return vg_err_fail(err, VG_EINTERNAL, "stored event %llu is not JSON",
                              (unsigned long long)r->seq);
  json_array_append_new(arr, ev);
  return 0;
}

struct collect {
  json_t *events;
  size_t max;
  int err;
  struct vg_err *e;
  int64_t last_time;
};

static int collect_cb(void *ctx, const struct store_rec *r) {
  struct collect *c = ctx;
  if (json_array_size(c->events) >= c->max) return 1;
  c->err = append_event(c->events, r, c->e);
  c->last_time = r->time_ms;
  return c->err != 0;
}

/* Rendered events as the text of a JSON array (spliced into the response
 * by api_call_raw: no tree, no second printing). */
struct rawcol {
  struct vg_buf arr;
  size_t n, max;
  int err;
  struct vg_err *e;
  int64_t last_time; /* of the last event taken */
};

static void rawcol_init(struct rawcol *rc, size_t max, struct vg_err *err) {
  memset(rc, 0, sizeof(*rc));
  vg_buf_init(&rc->arr, SIZE_MAX);
  vg_buf_putc(&rc->arr, '[');
  rc->max = max;
  rc->e = err;
}

static int rawcol_cb(void *ctx, const struct store_rec *r) {
  struct rawcol *rc = ctx;
  if (rc->n >= rc->max) return 1;
  size_t mark = rc->arr.len;
  if (rc->n) vg_buf_putc(&rc->arr, ',');
  rc->err = store_render(r, &rc->arr, rc->e);
  if (rc->err) {
    rc->arr.len = mark;
    return 1;
  }
  rc->n++;
  rc->last_time = r->time_ms;
  return 0;
}

/* Close the array and hand it to the response as member key. */
static void rawcol_finish(struct rawcol *rc, struct api_call *c, const char *key) {
  vg_buf_putc(&rc->arr, ']');
  api_call_raw(c, key, &rc->arr);
}

static int parse_id(const char *s, uint8_t out[16], const char *what, struct vg_err *err) {
  if (s && vg_atom_uuid_parse(s, out) == 0) return 0;
  if (s && vg_atom_parse(s, out) == 0) return 0;
  return vg_err_fail(err, VG_EINVAL, "params.%s: not a valid id", what);
}

/* Event type names → ids (registered names only; "_rule" and other
 * unregistered names share VG_EVENT_TYPE_OTHER, which the filter takes as is). */
static int type_ids(const json_t *names, uint16_t *ids, size_t *n, struct vg_err *err) {
  size_t i;
  json_t *v;
  *n = 0;
  json_array_foreach(names, i, v) {
    const char *name = json_string_value(v);
    if (!vg_event_type_valid_name(name))
      return vg_err_fail(err, VG_EINVAL, "params.types[%zu]: \"%s\" is not an event type", i,
                         name ? name : "");
    uint32_t id = vg_event_type_id(name);
    ids[(*n)++] = (uint16_t)(id ? id : VG_EVENT_TYPE_OTHER);
  }
  return 0;
}

/* --- insight.timeline ---------------------------------------------------- */

const struct api_param api_insight_timeline_params[] = {
  {"sid", API_P_UUID, true, 0, 0, 0},
  {"from", API_P_INT, false, 0, INSIGHT_TIME_MAX, 0},
  {"direction", API_P_STRING, false, 1, 8, 0},
  {"limit", API_P_INT, false, 1, VG_LIMIT_API_PAGE, 0},
  {"types", API_P_STRINGS, false, 0, VG_LIMIT_STORE_TYPE_FILTER, VG_LIMIT_EVENT_TYPE_BYTES},
  {"cursor", API_P_CURSOR, false, 0, 0, 0},
  {NULL, 0, false, 0, 0, 0},
};

static void cursor_format(const struct store_cursor *c, bool fwd, char out[INSIGHT_CURSOR_LEN + 1]) {
  out[0] = fwd ? 'f' : 'b';
  for (int i = 0; i < 16; i++) snprintf(out + 1 + 2 * i, 3, "%02x", c->pos[i]);
}

static int cursor_parse(const char *s, struct store_cursor *c, bool *fwd, struct vg_err *err) {
  if (!s || strlen(s) != INSIGHT_CURSOR_LEN || (s[0] != 'f' && s[0] != 'b'))
    return vg_err_fail(err, VG_EINVAL, "params.cursor: not a cursor this method returned");
  *fwd = s[0] == 'f';
  for (int i = 0; i < 16; i++) {
    unsigned v;
    if (sscanf(s + 1 + 2 * i, "%2x", &v) != 1)
      return vg_err_fail(err, VG_EINVAL, "params.cursor: not a cursor this method returned");
    c->pos[i] = (uint8_t)v;
  }
  c->set = 1;
  return 0;
}

API_HANDLER(api_insight_timeline) {
  uint8_t oid[16], sid[16];
  vg_atom_uuid_parse(c->oid, oid);
  int r = parse_id(api_param_str(params, "sid"), sid, "sid", err);
  if (r) return r;
  const char *dir = api_param_str(params, "direction");
  bool fwd = !dir || strcmp(dir, "forward") == 0;
  if (dir && !fwd && strcmp(dir, "backward") != 0)
    return vg_err_fail(err, VG_EINVAL, "params.direction: \"forward\" or \"backward\"");
  struct store_cursor cur = STORE_CURSOR_INIT;
  const char *cs = api_param_str(params, "cursor");
  if (cs && (r = cursor_parse(cs, &cur, &fwd, err))) return r;
  uint16_t types[VG_LIMIT_STORE_TYPE_FILTER];
  size_t ntypes = 0;
  json_t *tn = json_object_get(params, "types");
  if (tn && (r = type_ids(tn, types, &ntypes, err))) return r;
  int64_t from = api_param_int(params, "from", fwd ? 0 : INSIGHT_TIME_MAX);
  size_t limit = (size_t)api_param_int(params, "limit", INSIGHT_PAGE_DEFAULT);
  struct store_timeline_q q = {oid, sid, from, fwd ? STORE_FORWARD : STORE_BACKWARD,
                               limit, ntypes ? types : NULL, ntypes};
  struct rawcol col;
  rawcol_init(&col, limit, err);
  int n = store_events_timeline(c->vd->store, &q, &cur, rawcol_cb, &col, err);
  if (n < 0 || col.err) {
    vg_buf_cleanup(&col.arr);
    return n < 0 ? n : col.err;
  }
  json_t *next = json_null();
  if ((size_t)n == limit && cur.set) {
    char cbuf[INSIGHT_CURSOR_LEN + 1];
    cursor_format(&cur, fwd, cbuf);
    next = json_string(cbuf);
  }
  rawcol_finish(&col, c, "events");
  *result = json_pack("{s:o}", "next", next);
  return 0;
}

/* --- insight.histogram --------------------------------------------------- */

const struct api_param api_insight_histogram_params[] = {
  {"sid", API_P_UUID, false, 0, 0, 0},
  {"from", API_P_INT, true, 0, INSIGHT_TIME_MAX, 0},
  {"to", API_P_INT, true, 0, INSIGHT_TIME_MAX, 0},
  {"granularity", API_P_STRING, false, 1, 8, 0},
  {"type", API_P_STRING, false, 1, VG_LIMIT_EVENT_TYPE_BYTES, 0},
  {"per_type", API_P_BOOL, false, 0, 0, 0},
  {NULL, 0, false, 0, 0, 0},
};

/* The coarsest granularity that still gives detail: minutes up to 6 hours,
 * hours up to 30 days, days beyond. */
static enum store_gran pick_gran(int64_t span_ms) {
  if (span_ms <= 6 * 3600000LL) return STORE_GRAN_MINUTE;
  if (span_ms <= 30 * 86400000LL) return STORE_GRAN_HOUR;
  return STORE_GRAN_DAY;
}

static const char *const gran_names[] = {"", "minute", "hour", "day"};
static const int64_t gran_ms[] = {0, 60000LL, 3600000LL, 86400000LL};

struct hist {
  json_t *buckets;
  bool per_type;
  int64_t cur_bucket;
  json_t *cur;
  uint64_t total;
  bool too_many;
};

static int hist_cb(void *ctx, int64_t bucket_ms, uint16_t type_id, uint64_t count) {
  struct hist *h = ctx;
  h->total += count;
  if (!h->cur || bucket_ms != h->cur_bucket) {
    if (json_array_size(h->buckets) >= INSIGHT_MAX_BUCKETS) {
      h->too_many = true;
      return 1;
    }
    h->cur = h->per_type ? json_pack("{s:I, s:I, s:{}}", "t", (json_int_t)bucket_ms, "n",
                                     (json_int_t)0, "types")
                         : json_pack("{s:I, s:I}", "t", (json_int_t)bucket_ms, "n", (json_int_t)0);
    json_array_append_new(h->buckets, h->cur);
    h->cur_bucket = bucket_ms;
  }
  json_t *n = json_object_get(h->cur, "n");
  json_integer_set(n, json_integer_value(n) + (json_int_t)count);
  if (h->per_type) {
    const struct vg_event_type *t = vg_event_type_by_id(type_id);
    json_t *types = json_object_get(h->cur, "types");
    const char *name = t ? t->name : "OTHER";
    json_t *tn = json_object_get(types, name);
    json_object_set_new(types, name,
                        json_integer((tn ? json_integer_value(tn) : 0) + (json_int_t)count));
  }
  return 0;
}

API_HANDLER(api_insight_histogram) {
  uint8_t oid[16], sid[16];
  vg_atom_uuid_parse(c->oid, oid);
  const char *sids = api_param_str(params, "sid");
  int r = 0;
  if (sids && (r = parse_id(sids, sid, "sid", err))) return r;
  int64_t from = api_param_int(params, "from", 0), to = api_param_int(params, "to", 0);
  if (from >= to) return vg_err_fail(err, VG_EINVAL, "params.from must be before params.to");
  enum store_gran g = pick_gran(to - from);
  const char *gs = api_param_str(params, "granularity");
  if (gs) {
    int found = 0;
    for (int i = STORE_GRAN_MINUTE; i <= STORE_GRAN_DAY; i++)
      if (strcmp(gs, gran_names[i]) == 0) g = (enum store_gran)i, found = 1;
    if (!found) return vg_err_fail(err, VG_EINVAL, "params.granularity: minute, hour or day");
  }
  if ((to - from) / gran_ms[g] > INSIGHT_MAX_BUCKETS)
    return vg_err_fail(err, VG_ELIMIT, "params: more than %d %s buckets; use a coarser "
                       "granularity or a shorter range", INSIGHT_MAX_BUCKETS, gran_names[g]);
  uint16_t type_id = 0;
  const char *ts = api_param_str(params, "type");
  if (ts) {
    if (!vg_event_type_valid_name(ts))
      return vg_err_fail(err, VG_EINVAL, "params.type: \"%s\" is not an event type", ts);
    uint32_t id = vg_event_type_id(ts);
    type_id = (uint16_t)(id ? id : VG_EVENT_TYPE_OTHER);
  }
  struct hist h = {json_array(), api_param_bool(params, "per_type", 0) != 0, 0, NULL, 0, false};
  r = store_counters_get(c->vd->store, oid, sids ? sid : NULL, g, from, to, type_id, hist_cb, &h,
                         err);
  if (r < 0) {
    json_decref(h.buckets);
    return r;
  }
  *result = json_pack("{s:s, s:I, s:I, s:o}", "granularity", gran_names[g], "bucket_ms",
                      (json_int_t)gran_ms[g], "total", (json_int_t)h.total, "buckets", h.buckets);
  return 0;
}

/* --- the process graph --------------------------------------------------- */

const struct api_param api_insight_atom_params[] = {
  {"atom", API_P_STRING, true, 32, 32, 0},
  {NULL, 0, false, 0, 0, 0},
};

const struct api_param api_insight_children_params[] = {
  {"atom", API_P_STRING, true, 32, 32, 0},
  {"from", API_P_INT, false, 0, INSIGHT_TIME_MAX, 0},
  {"to", API_P_INT, false, 0, INSIGHT_TIME_MAX, 0},
  {"limit", API_P_INT, false, 1, VG_LIMIT_API_PAGE, 0},
  {NULL, 0, false, 0, 0, 0},
};

const struct api_param api_insight_parents_params[] = {
  {"atom", API_P_STRING, true, 32, 32, 0},
  {"depth", API_P_INT, false, 1, INSIGHT_MAX_DEPTH, 0},
  {NULL, 0, false, 0, 0, 0},
};

/* The event of atom into *ev (new reference), or NULL if unknown. */
static int atom_event(struct api_call *c, const uint8_t *oid, const char *atom, json_t **ev,
                      struct vg_err *err) {
  uint8_t a[16];
  *ev = NULL;
  if (vg_atom_parse(atom, a)) return vg_err_fail(err, VG_EINVAL, "params.atom: not an atom");
  struct collect col = {json_array(), 1, 0, err, 0};
  int r = store_events_atom(c->vd->store, oid, a, collect_cb, &col, err);
  if (r < 0 || col.err) {
    json_decref(col.events);
    return r < 0 ? r : col.err;
  }
  *ev = json_incref(json_array_get(col.events, 0));
  json_decref(col.events);
  return 0;
}

API_HANDLER(api_insight_atom) {
  uint8_t oid[16];
  vg_atom_uuid_parse(c->oid, oid);
  json_t *ev;
  int r = atom_event(c, oid, api_param_str(params, "atom"), &ev, err);
  if (r) return r;
  if (!ev) return vg_err_fail(err, VG_ENOTFOUND, "no process event with this atom");
  *result = json_pack("{s:o}", "event", ev);
  return 0;
}

/* children: the page, then the time of one more event (where to go on). */
struct children_ctx {
  struct rawcol col;
  int64_t more_at; /* -1: no more */
};

static int children_cb(void *ctx, const struct store_rec *r) {
  struct children_ctx *cc = ctx;
  if (cc->col.n < cc->col.max) return rawcol_cb(&cc->col, r);
  cc->more_at = r->time_ms;
  return 1;
}

API_HANDLER(api_insight_children) {
  uint8_t oid[16], a[16];
  vg_atom_uuid_parse(c->oid, oid);
  if (vg_atom_parse(api_param_str(params, "atom"), a))
    return vg_err_fail(err, VG_EINVAL, "params.atom: not an atom");
  size_t limit = (size_t)api_param_int(params, "limit", INSIGHT_PAGE_DEFAULT);
  int64_t from = api_param_int(params, "from", 0);
  int64_t to = api_param_int(params, "to", INSIGHT_TIME_MAX);
  /* One more than asked says whether there is more: continue from its time. */
  struct children_ctx cc = {.more_at = -1};
  rawcol_init(&cc.col, limit, err);
  int64_t n = store_events_children(c->vd->store, oid, a, from, to, children_cb, &cc, err);
  if (n < 0 || cc.col.err) {
    vg_buf_cleanup(&cc.col.arr);
    return n < 0 ? (int)n : cc.col.err;
  }
  rawcol_finish(&cc.col, c, "events");
  *result = json_pack("{s:o}", "next_from",
                      cc.more_at >= 0 ? json_integer(cc.more_at) : json_null());
  return 0;
}

API_HANDLER(api_insight_parents) {
  uint8_t oid[16];
  vg_atom_uuid_parse(c->oid, oid);
  int64_t depth = api_param_int(params, "depth", INSIGHT_MAX_DEPTH);
  json_t *chain = json_array();
  char atom[VG_ATOM_HEX_LEN + 1];
  snprintf(atom, sizeof(atom), "%s", api_param_str(params, "atom"));
  for (int64_t i = 0; i < depth; i++) {
    json_t *ev;
    int r = atom_event(c, oid, atom, &ev, err);
    if (r) {
      json_decref(chain);
      return r;
    }
    if (!ev) break;
    json_array_append_new(chain, ev);
    const char *p = json_string_value(json_object_get(json_object_get(ev, "routing"), "parent"));
    if (!p || !vg_atom_valid(p) || strcmp(p, atom) == 0) break;
    snprintf(atom, sizeof(atom), "%s", p);
  }
  if (!json_array_size(chain)) {
    json_decref(chain);
    return vg_err_fail(err, VG_ENOTFOUND, "no process event with this atom");
  }
  /* chain[0] is the atom's own event; the last one's parent is unknown or
   * was not recorded (the root as far as Vigil saw). */
  *result = json_pack("{s:o}", "chain", chain);
  return 0;
}
