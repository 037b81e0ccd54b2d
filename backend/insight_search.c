/* insight_search.c — the search engine (insight_search.h). */
#include "backend/insight_search.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "backend/store_render.h"
#include "shared/alloc.h"
#include "shared/buf.h"
#include "shared/event_types.h"
#include "shared/expr.h"
#include "shared/path.h"
#include "shared/routing.h"

bool insight_find_nocase(const char *h, size_t hl, const char *needle, size_t nl) {
  if (nl > hl) return false;
  unsigned char lo = (unsigned char)needle[0], up = (unsigned char)toupper(lo);
  const char *end = h + hl - nl + 1, *p = h;
  while (p < end) {
    const char *a = memchr(p, lo, (size_t)(end - p));
    const char *b = up != lo ? memchr(p, up, (size_t)((a ? a : end) - p)) : NULL;
    const char *c = b ? b : a;
    if (!c) return false;
    if (strncasecmp(c + 1, needle + 1, nl - 1) == 0) return true;
    p = c + 1;
  }
  return false;
}

/* --- aggregation ----------------------------------------------------------- */

struct insight_agg {
  json_t *groups;   /* group key (JSON text of the group values) → row state */
  json_t *plain;    /* non-aggregate rows held for ORDER BY */
  size_t nunique;
  bool truncated;
};

struct insight_agg *insight_agg_new(void) {
  struct insight_agg *a = vg_xcalloc(1, sizeof(*a));
  a->groups = json_object();
  a->plain = json_array();
  return a;
}

void insight_agg_free(struct insight_agg *a) {
  if (!a) return;
  json_decref(a->groups);
  json_decref(a->plain);
  free(a);
}

bool insight_agg_truncated(const struct insight_agg *a) { return a->truncated; }

static void agg_add(struct insight_agg *a, const struct vg_query *q, json_t *ev) {
  json_t *key = json_array();
  for (size_t g = 0; g < q->ngroup; g++) {
    json_t *v = vg_path_first(q->cols[q->group[g]].path, ev);
    json_array_append(key, v ? v : json_null());
  }
  char *ks = json_dumps(key, JSON_COMPACT | JSON_ENCODE_ANY);
  json_t *st = json_object_get(a->groups, ks);
  if (!st) {
    if (json_object_size(a->groups) >= VG_LIMIT_QUERY_GROUPS) {
      a->truncated = true;
      goto out;
    }
    st = json_pack("{s:O, s:[], s:[]}", "key", key, "n", "u");
    for (size_t i = 0; i < q->ncols; i++) {
      json_array_append_new(json_object_get(st, "n"), json_integer(0));
      json_array_append_new(json_object_get(st, "u"), json_object());
    }
    json_object_set_new(a->groups, ks, st);
  }
  for (size_t i = 0; i < q->ncols; i++) {
    const struct vg_query_col *c = &q->cols[i];
    if (c->agg == VG_QAGG_NONE) continue;
    json_t *v = c->path ? vg_path_first(c->path, ev) : json_true();
    if (!v || json_is_null(v)) continue;
    if (c->agg == VG_QAGG_COUNT) {
      json_t *n = json_array_get(json_object_get(st, "n"), i);
      json_integer_set(n, json_integer_value(n) + 1);
      continue;
    }
    json_t *set = json_array_get(json_object_get(st, "u"), i);
    char *vs = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    if (!json_object_get(set, vs)) {
      if (a->nunique >= VG_LIMIT_QUERY_UNIQUE) a->truncated = true;
      else json_object_set_new(set, vs, json_true()), a->nunique++;
    }
    free(vs);
  }
out:
  free(ks);
  json_decref(key);
}

static int cmp_json(const json_t *a, const json_t *b) {
  if (!a || json_is_null(a)) return (!b || json_is_null(b)) ? 0 : -1;
  if (!b || json_is_null(b)) return 1;
  if (json_is_number(a) && json_is_number(b)) {
    double x = json_number_value(a), y = json_number_value(b);
    return x < y ? -1 : x > y;
  }
  if (json_is_string(a) && json_is_string(b)) return strcmp(json_string_value(a), json_string_value(b));
  return json_is_number(a) ? -1 : json_is_number(b) ? 1 : 0;
}

static const struct vg_query *sort_q; /* qsort has no context argument */

static int cmp_rows(const void *pa, const void *pb) {
  json_t *a = *(json_t *const *)pa, *b = *(json_t *const *)pb;
  for (size_t i = 0; i < sort_q->norder; i++) {
    const char *n = sort_q->cols[sort_q->order[i].col].name;
    int c = cmp_json(json_object_get(a, n), json_object_get(b, n));
    if (c) return sort_q->order[i].desc ? -c : c;
  }
  return 0;
}

json_t *insight_agg_rows(struct insight_agg *a, const struct vg_query *q) {
  json_t *rows = json_array();
  if (q->aggregate) {
    const char *k;
    json_t *st;
    json_object_foreach(a->groups, k, st) {
      json_t *row = json_object();
      size_t g = 0;
      for (size_t i = 0; i < q->ncols; i++) {
        const struct vg_query_col *c = &q->cols[i];
        if (c->agg == VG_QAGG_COUNT)
          json_object_set(row, c->name, json_array_get(json_object_get(st, "n"), i));
        else if (c->agg == VG_QAGG_COUNT_UNIQUE)
          json_object_set_new(row, c->name, json_integer((json_int_t)json_object_size(
                                                json_array_get(json_object_get(st, "u"), i))));
        else
          for (g = 0; g < q->ngroup; g++)
            if (q->group[g] == i)
              json_object_set(row, c->name, json_array_get(json_object_get(st, "key"), g));
      }
      json_array_append_new(rows, row);
    }
  } else {
    json_array_extend(rows, a->plain);
  }
  size_t n = json_array_size(rows);
  if (q->norder && n > 1) {
    json_t **v = vg_xcalloc(n, sizeof(*v));
    for (size_t i = 0; i < n; i++) v[i] = json_incref(json_array_get(rows, i));
    sort_q = q;
    qsort(v, n, sizeof(*v), cmp_rows);
    json_array_clear(rows);
    for (size_t i = 0; i < n; i++) json_array_append_new(rows, v[i]);
    free(v);
  }
  while (q->limit && json_array_size(rows) > (size_t)q->limit)
    json_array_remove(rows, json_array_size(rows) - 1);
  return rows;
}

/* --- the scan -------------------------------------------------------------- */

struct run {
  const struct insight_search_spec *sp;
  json_t *rows;
  size_t max_rows;
  struct insight_agg *agg;
  struct insight_search_stats *st;
  struct vg_buf render;
  char text_lc[VG_LIMIT_EXPR_STR_BYTES + 1];
  size_t text_len;
  char lits_lc[VG_LIMIT_QUERY_LITS][VG_LIMIT_EXPR_STR_BYTES + 1];
  size_t lit_len[VG_LIMIT_QUERY_LITS];
  int err;
  struct vg_err *e;
};

/* Any string value (or key) under j contains the text, ignoring case; the
 * routing ids spliced from the key (oid, sid, event_id) are not searched. */
static bool text_in(const json_t *j, const struct run *r, int depth) {
  if (json_is_string(j))
    return insight_find_nocase(json_string_value(j), json_string_length(j), r->text_lc,
                               r->text_len);
  if (depth > 64) return false;
  size_t i;
  json_t *v;
  const char *k;
  bool found = false;
  if (json_is_array(j)) {
    json_array_foreach(j, i, v) {
      if (!found) found = text_in(v, r, depth + 1);
    }
  } else if (json_is_object(j)) {
    json_object_foreach((json_t *)j, k, v) {
      bool id = depth == 1 && (!strcmp(k, "oid") || !strcmp(k, "sid") || !strcmp(k, "event_id"));
      if (!found && !id) found = text_in(v, r, depth + 1);
    }
  }
  return found;
}

static json_t *project(const struct vg_query *q, json_t *ev) {
  json_t *row = json_object();
  for (size_t i = 0; i < q->ncols; i++) {
    json_t *v = vg_path_first(q->cols[i].path, ev);
    json_object_set(row, q->cols[i].name, v ? v : json_null());
  }
  return row;
}

static int on_rec(void *ctx, const struct store_rec *rec) {
  struct run *r = ctx;
  const struct vg_query *q = r->sp->q;
  bool escapes = memchr(rec->data, '\\', rec->len) != NULL;
  if (!escapes) {
    for (size_t i = 0; i < q->nlits; i++)
      if (!insight_find_nocase(rec->data, rec->len, r->lits_lc[i], r->lit_len[i])) return 0;
    if (r->text_len && !insight_find_nocase(rec->data, rec->len, r->text_lc, r->text_len))
      return 0;
  }
  r->st->parsed++;
  vg_buf_reset(&r->render);
  if ((r->err = store_render(rec, &r->render, r->e))) return 1;
  json_t *ev = json_loadb(r->render.data, r->render.len, 0, NULL);
  if (!ev) return 0; /* not JSON: cannot match */
  bool ok = true;
  if (q->filter) {
    struct vg_routing rt;
    ok = vg_routing_get(ev, &rt, NULL) == 0 && vg_expr_eval(q->filter, ev, &rt, NULL, NULL, NULL);
  }
  if (ok && r->text_len) ok = text_in(ev, r, 0);
  if (!ok) {
    json_decref(ev);
    return 0;
  }
  r->st->matched++;
  int stop = 0;
  if (r->agg && q->aggregate) {
    agg_add(r->agg, q, ev);
  } else if (r->agg) { /* ORDER BY over plain rows: hold them */
    if (json_array_size(r->agg->plain) >= VG_LIMIT_QUERY_GROUPS) r->agg->truncated = true;
    else json_array_append_new(r->agg->plain, q->ncols ? project(q, ev) : json_incref(ev));
  } else {
    json_array_append_new(r->rows, q->ncols ? project(q, ev) : json_incref(ev));
    stop = json_array_size(r->rows) >= r->max_rows;
  }
  json_decref(ev);
  return stop;
}

static void lower(char *dst, const char *src, size_t cap, size_t *len) {
  size_t i = 0;
  for (; src[i] && i + 1 < cap; i++) dst[i] = (char)tolower((unsigned char)src[i]);
  dst[i] = '\0';
  *len = i;
}

int insight_search_run(struct store *s, const struct insight_search_spec *sp,
                       struct store_scan_pos *pos, uint64_t budget, size_t max_rows,
                       json_t *rows, struct insight_agg *agg, struct insight_search_stats *st,
                       struct vg_err *err) {
  const struct vg_query *q = sp->q;
  uint16_t types[VG_LIMIT_EXPR_EVENT_TYPES];
  for (size_t i = 0; i < q->ntypes; i++) {
    uint32_t id = vg_event_type_id(q->types[i]);
    types[i] = (uint16_t)(id ? id : VG_EVENT_TYPE_OTHER);
  }
  struct run *r = vg_xcalloc(1, sizeof(*r));
  r->sp = sp, r->rows = rows, r->max_rows = max_rows, r->agg = agg, r->st = st, r->e = err;
  vg_buf_init(&r->render, 2 * (size_t)VG_LIMIT_EVENT_BYTES);
  if (sp->text) lower(r->text_lc, sp->text, sizeof(r->text_lc), &r->text_len);
  for (size_t i = 0; i < q->nlits; i++)
    lower(r->lits_lc[i], q->lits[i], sizeof(r->lits_lc[i]), &r->lit_len[i]);
  struct store_scan_q sq = {sp->oid, q->t0, q->t1, sp->sids, sp->nsids,
                            q->ntypes ? types : NULL, q->ntypes, budget};
  uint64_t ex = 0;
  int rc = max_rows || agg ? store_scan_run(s, &sq, pos, on_rec, r, &ex, err) : 0;
  st->examined += ex;
  if (r->err) rc = r->err;
  vg_buf_cleanup(&r->render);
  free(r);
  return rc;
}
