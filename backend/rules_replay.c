/* rules_replay.c — a rule over stored events without responses
 * (rules.replay: bounded work per call, resumable with a cursor), and the
 * unit tests embedded in a rule (tests: match / non_match). */
#include "backend/rules_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend/store_events.h"
#include "backend/store_render.h"
#include "backend/vigild.h"
#include "shared/alloc.h"
#include "shared/buf.h"

#define REPLAY_WINDOW_MS 3600000LL /* org replays walk the range an hour at a time */
#define REPLAY_DAY_MS 86400000LL     /* the store partitions events by UTC day */
#define REPLAY_CURSOR_BYTES 64

static int64_t mono_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* ---- embedded tests ---- */

/* True if some event of the case makes the rule hold (fresh state). */
static int run_case(struct org *o, struct crule *c, const json_t *evs, bool *hit, char *why,
                    size_t whylen) {
  struct vg_expr_state *st = vg_expr_is_stateful(c->rule->detect) ? vg_expr_state_new() : NULL;
  size_t i;
  json_t *ev;
  int rc = 0;
  *hit = false;
  json_array_foreach(evs, i, ev) {
    struct vg_routing rt;
    struct vg_err e;
    vg_err_clear(&e);
    if (vg_routing_get(ev, &rt, &e)) {
      snprintf(why, whylen, "event %zu: %s", i, e.msg);
      rc = -VG_EINVAL;
      break;
    }
    snprintf(rt.oid, sizeof(rt.oid), "%s", o->oid);
    struct vg_expr_env env = rules_env(o);
    json_t *rep = NULL;
    if (vg_expr_eval(c->rule->detect, ev, &rt, &env, st, &rep)) *hit = true;
    json_decref(rep);
  }
  vg_expr_state_free(st);
  return rc;
}

int rules_tests_locked(struct org *o, struct crule *c, json_t *failures, struct vg_err *err) {
  const json_t *t = c->rule->tests;
  if (!t) return 0;
  static const char *const kinds[] = {"match", "non_match"};
  int first = 0;
  for (int k = 0; k < 2; k++) {
    size_t i;
    json_t *cs;
    json_array_foreach(json_object_get(t, kinds[k]), i, cs) {
      bool hit;
      char why[VG_LIMIT_ERR_MSG_BYTES + 32] = "";
      int rc = run_case(o, c, cs, &hit, why, sizeof(why));
      char msg[VG_LIMIT_ERR_MSG_BYTES + 96];
      if (rc)
        snprintf(msg, sizeof(msg), "tests.%s[%zu]: %s", kinds[k], i, why);
      else if (hit != (k == 0))
        snprintf(msg, sizeof(msg), "tests.%s[%zu]: the rule %s", kinds[k], i,
                 k == 0 ? "did not match" : "matched");
      else
        continue;
      if (!first) first = vg_err_fail(err, VG_EINVAL, "%s", msg);
      if (failures) json_array_append_new(failures, json_string(msg));
    }
  }
  return first;
}

/* ---- replay ---- */

struct collect {
  json_t *events; /* rendered events, up to max */
  size_t max, skip, seen;
  int64_t to_ms;
  bool past_end;
  int err;
  struct vg_err *e;
};

static int collect_cb(void *ctx, const struct store_rec *r) {
  struct collect *c = ctx;
  if (c->to_ms && r->time_ms >= c->to_ms) { /* timelines have no upper bound */
    c->past_end = true;
    return 1;
  }
  if (c->seen++ < c->skip) return 0;
  if (json_array_size(c->events) >= c->max) return 1;
  struct vg_buf b;
  vg_buf_init(&b, 2 * (size_t)VG_LIMIT_EVENT_BYTES);
  int rc = store_render(r, &b, c->e);
  json_t *ev = rc ? NULL : json_loadb(b.data, b.len, 0, NULL);
  vg_buf_cleanup(&b);
  if (ev) json_array_append_new(c->events, ev);
  else if (!rc) rc = vg_err_fail(c->e, VG_EINTERNAL, "stored event %" PRIu64 " is not JSON", r->seq);
  c->err = rc;
  return rc != 0;
}

/* One sensor: its timeline from the cursor ("s" + position in hex). */
static int collect_sensor(struct rules *r, const uint8_t *oid, const uint8_t *sid, int64_t from,
                          const char *cursor, struct collect *col, char *next, struct vg_err *err) {
  struct store_cursor cur = STORE_CURSOR_INIT;
  if (cursor) {
    if (cursor[0] != 's' || strlen(cursor) != 33) goto bad;
    for (int i = 0; i < 16; i++) {
      unsigned v;
      if (sscanf(cursor + 1 + 2 * i, "%2x", &v) != 1) goto bad;
      cur.pos[i] = (uint8_t)v;
    }
    cur.set = 1;
  }
  for (;;) {
    size_t want = col->max - json_array_size(col->events);
    if (!want) break;
    if (want > VG_LIMIT_STORE_PAGE) want = VG_LIMIT_STORE_PAGE;
    struct store_timeline_q q = {oid, sid, from, STORE_FORWARD, want, NULL, 0};
    int n = store_events_timeline(r->vd->store, &q, &cur, collect_cb, col, err);
    if (n < 0) return n;
    if (col->err) return col->err;
    if ((size_t)n < want || col->past_end) {
      next[0] = '\0';
      return 0;
    }
  }
  next[0] = 's';
  for (int i = 0; i < 16; i++) snprintf(next + 1 + 2 * i, 3, "%02x", cur.pos[i]);
  return 0;
bad:
  return vg_err_fail(err, VG_EINVAL, "params.cursor: not a cursor this method returned");
}

static int first_cb(void *ctx, const struct store_rec *r) {
  *(int64_t *)ctx = r->time_ms;
  return 1;
}

/* The organisation: hour windows of the range; the cursor ("w<start>:<n>")
 * names the window and how many of its events (in scan order) are done. */
static int collect_org(struct rules *r, const uint8_t *oid, int64_t from, int64_t to,
                       const char *cursor, struct collect *col, char *next, struct vg_err *err) {
  int64_t w = from - from % REPLAY_WINDOW_MS;
  uint64_t skip = 0;
  if (cursor) {
    char *end;
    if (cursor[0] != 'w') goto bad;
    long long ws = strtoll(cursor + 1, &end, 10);
    if (*end != ':' || ws < w || ws % REPLAY_WINDOW_MS) goto bad;
    unsigned long long sk = strtoull(end + 1, &end, 10);
    if (*end) goto bad;
    w = ws;
    skip = sk;
  }
  next[0] = '\0';
  for (; w < to; w += REPLAY_WINDOW_MS, skip = 0) {
    if (!skip) {
      /* jump over empty stretches: the first event the scan of the rest of
       * the range meets lies in the earliest non-empty UTC day partition */
      int64_t first = -1, rest0 = w > from ? w : from;
      int64_t n = store_events_scan(r->vd->store, oid, rest0, to, first_cb, &first, err);
      if (n < 0) return (int)n;
      if (first < 0) break;
      int64_t day = first - first % REPLAY_DAY_MS;
      if (day > w) w = day;
    }
    int64_t t0 = w > from ? w : from, t1 = w + REPLAY_WINDOW_MS < to ? w + REPLAY_WINDOW_MS : to;
    size_t before = json_array_size(col->events);
    col->skip = skip;
    col->seen = 0;
    int64_t n = store_events_scan(r->vd->store, oid, t0, t1, collect_cb, col, err);
    if (n < 0) return (int)n;
    if (col->err) return col->err;
    if (json_array_size(col->events) >= col->max) {
      /* full: resume in this window after what it delivered (the window is
       * finished only if the scan ran out at the same time) */
      uint64_t done = skip + (json_array_size(col->events) - before);
      if (col->seen > done || (uint64_t)n > done) {
        snprintf(next, REPLAY_CURSOR_BYTES, "w%lld:%llu", (long long)w, (unsigned long long)done);
        return 0;
      }
      if (w + REPLAY_WINDOW_MS < to)
        snprintf(next, REPLAY_CURSOR_BYTES, "w%lld:0", (long long)(w + REPLAY_WINDOW_MS));
      return 0;
    }
  }
  return 0;
bad:
  return vg_err_fail(err, VG_EINVAL, "params.cursor: not a cursor this method returned");
}

json_t *rules_replay(struct rules *r, const char *oid, const char *yaml, const char *ns,
                     const char *name, const char *sid, int64_t from_ms, int64_t to_ms,
                     const char *cursor, size_t max_events, struct vg_err *err) {
  uint8_t oidb[VG_ATOM_BYTES], sidb[VG_ATOM_BYTES];
  if (vg_atom_uuid_parse(oid, oidb)) {
    vg_err_fail(err, VG_EINVAL, "bad organisation");
    return NULL;
  }
  if (sid && vg_atom_uuid_parse(sid, sidb)) {
    vg_err_fail(err, VG_EINVAL, "params.sid: not a sensor id");
    return NULL;
  }
  if (to_ms <= from_ms) {
    vg_err_fail(err, VG_EINVAL, "params.to: must be after params.from");
    return NULL;
  }
  /* The rule: given, or a fresh compile of the stored one (its live state
   * and counters are not touched). */
  char *src = yaml ? vg_xstrdup(yaml) : NULL;
  if (!src) {
    json_t *rec = rules_get(r, oid, ns, name, err);
    if (!rec) return NULL;
    src = vg_xstrdup(json_string_value(json_object_get(rec, "yaml")));
    json_decref(rec);
  }
  struct crule *c = rules_crule_new("replay", name ? name : "replay", src, false, err);
  free(src);
  if (!c) return NULL;

  struct collect col = {json_array(), max_events, 0, 0, sid ? to_ms : 0, false, 0, err};
  char next[REPLAY_CURSOR_BYTES] = "";
  int rc = sid ? collect_sensor(r, oidb, sidb, from_ms, cursor, &col, next, err)
               : collect_org(r, oidb, from_ms, to_ms, cursor, &col, next, err);
  json_t *out = NULL;
  if (rc) goto done;

  json_t *matches = json_array();
  uint64_t evals = 0;
  int64_t t0 = mono_ns();
  pthread_mutex_lock(&r->lock); /* lookups and variables read the org's state */
  struct org *o = rules_org_locked(r, oid);
  size_t i;
  json_t *ev;
  json_array_foreach(col.events, i, ev) {
    struct vg_routing rt;
    if (!o || vg_routing_get(ev, &rt, NULL)) continue;
    snprintf(rt.oid, sizeof(rt.oid), "%s", oid);
    struct vg_expr_env env = rules_env(o);
    json_t *rep = NULL;
    evals++;
    if (vg_expr_eval(c->rule->detect, ev, &rt, &env, c->st, &rep))
      json_array_append_new(matches, json_pack("{s:O}", "event", rep ? rep : ev));
    json_decref(rep);
  }
  pthread_mutex_unlock(&r->lock);
  int64_t ns_spent = mono_ns() - t0;
  out = json_pack("{s:o, s:I, s:I, s:I, s:s?}", "matches", matches, "evaluations",
                  (json_int_t)evals, "events_scanned", (json_int_t)json_array_size(col.events),
                  "eval_ns", (json_int_t)ns_spent, "next", next[0] ? next : NULL);
  if (!next[0]) json_object_set_new(out, "next", json_null());
done:
  json_decref(col.events);
  rules_crule_free(c);
  return out;
}
