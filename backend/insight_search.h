/* insight_search.h — the org-wide search engine behind insight.search and
 * insight.export (docs/insight.md): a budgeted scan (store_scan.h) with,
 * per event, cheap rejections first — the type id in front of the stored
 * bytes, then the query's required literals and the plain text looked up
 * in the stored JSON text without parsing it — and only then the render,
 * the parse and the filter (the rule engine's expression engine), then the
 * projection or the aggregation. */
#ifndef VIGILD_INSIGHT_SEARCH_H
#define VIGILD_INSIGHT_SEARCH_H

#include <jansson.h>

#include "backend/store_scan.h"
#include "shared/query.h"

struct insight_search_spec {
  const uint8_t *oid;
  const struct vg_query *q;  /* time range, types, filter, literals, projection */
  const char *text;          /* plain text (case-insensitive substring) or NULL */
  const uint8_t (*sids)[STORE_ID_BYTES]; /* sorted; NULL = every sensor */
  size_t nsids;
};

struct insight_search_stats {
  uint64_t examined; /* keys and seeks */
  uint64_t parsed;   /* events that passed the cheap checks and were parsed */
  uint64_t matched;  /* events that passed the filter and text */
};

/* Aggregation state of a query with COUNT / COUNT_UNIQUE / GROUP BY or an
 * ORDER BY (which needs every row before the first): bounded by
 * VG_LIMIT_QUERY_GROUPS groups (rows) and VG_LIMIT_QUERY_UNIQUE values. */
struct insight_agg;
struct insight_agg *insight_agg_new(void);
void insight_agg_free(struct insight_agg *a);
/* The result rows (new reference), ordered and limited per the query. */
json_t *insight_agg_rows(struct insight_agg *a, const struct vg_query *q);
/* True if a bound was reached (rows or distinct values were dropped). */
bool insight_agg_truncated(const struct insight_agg *a);

/* One call's work from *pos, at most budget keys: matching rows are appended
 * to rows (events, or projected objects) until it holds max_rows, or folded
 * into agg when it is non-NULL. Returns 1 when the range is exhausted, 0 when
 * there is more (continue from *pos), or a negative code. */
int insight_search_run(struct store *s, const struct insight_search_spec *sp,
                       struct store_scan_pos *pos, uint64_t budget, size_t max_rows,
                       json_t *rows, struct insight_agg *agg, struct insight_search_stats *st,
                       struct vg_err *err);

/* Case-insensitive (ASCII) search of needle (lower-case, nl > 0) in h. */
bool insight_find_nocase(const char *h, size_t hl, const char *needle, size_t nl);

#endif
