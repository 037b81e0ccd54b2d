/* query.h — the Insight query language (docs/query.md):
 *
 *   TIME | SENSORS | EVENTS | FILTER [| PROJECTION]
 *   -24h | hostname contains "web" | DNS_REQUEST | event/DOMAIN_NAME ends with ".xyz"
 *        | routing/hostname as host COUNT(routing/event_id) as n GROUP BY(host)
 *
 * parsed into a struct vg_query whose sensor selector and filter are trees
 * of the rule engine's expression engine (shared/expr.h), built with its
 * builder API. Every error names the column (err->line, err->col, err->pos)
 * and what was expected there.
 *
 * The struct is read-only for callers (its fields are the contract); build
 * one only with vg_query_parse. */
#ifndef VIGIL_QUERY_H
#define VIGIL_QUERY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/err.h"
#include "shared/limits.h"

struct vg_expr;
struct vg_path;

enum vg_query_agg { VG_QAGG_NONE = 0, VG_QAGG_COUNT, VG_QAGG_COUNT_UNIQUE };

struct vg_query_col {
  char name[VG_LIMIT_QUERY_NAME_BYTES + 1]; /* `as` name, or the source text */
  enum vg_query_agg agg;
  struct vg_path *path; /* NULL only for COUNT() */
};

struct vg_query_order {
  size_t col; /* index into cols */
  bool desc;
};

struct vg_query {
  int64_t t0, t1;           /* [t0, t1) ms since the epoch */
  struct vg_expr *sensors;  /* NULL = every sensor (`*`) */
  size_t ntypes;            /* 0 = every event type (`*`) */
  char types[VG_LIMIT_EXPR_EVENT_TYPES][VG_LIMIT_EVENT_TYPE_BYTES + 1];
  struct vg_expr *filter;   /* NULL = every event (`*`) */
  /* Prefilter: every one of these ASCII literals appears (ignoring case) in
   * the JSON text of any event the filter can match, unless that text holds
   * a backslash escape. A necessary condition only: the filter decides. */
  size_t nlits;
  char lits[VG_LIMIT_QUERY_LITS][VG_LIMIT_EXPR_STR_BYTES + 1];
  /* Projection (ncols 0 = whole events). */
  size_t ncols;
  struct vg_query_col cols[VG_LIMIT_QUERY_COLS];
  bool aggregate;           /* any COUNT / COUNT_UNIQUE / GROUP BY */
  size_t ngroup;
  size_t group[VG_LIMIT_QUERY_COLS]; /* indexes into cols */
  size_t norder;
  struct vg_query_order order[VG_LIMIT_QUERY_COLS];
  int64_t limit;            /* LIMIT n; 0 = none */
};

/* Parse text (at most VG_LIMIT_QUERY_BYTES) with relative times taken from
 * now_ms. A new query (free with vg_query_free) or NULL with err filled:
 * -VG_EPARSE / -VG_ELIMIT with err->line/col/pos at the offending token. */
struct vg_query *vg_query_parse(const char *text, size_t len, int64_t now_ms, struct vg_err *err);

/* NULL is a no-op. */
void vg_query_free(struct vg_query *q);

/* Parse only a FILTER section (the API's structured `filter` parameter, the
 * console's filters): NULL with err filled on error, or a tree with *all set
 * false; for `*` NULL with *all true. Required literals go to lits/nlits if
 * non-NULL (capacity VG_LIMIT_QUERY_LITS). */
struct vg_expr *vg_query_parse_filter(const char *text, size_t len, bool *all,
                                      char (*lits)[VG_LIMIT_EXPR_STR_BYTES + 1], size_t *nlits,
                                      struct vg_err *err);

/* Index of the column named name, or -1. */
int vg_query_col_find(const struct vg_query *q, const char *name);

#endif
