/* api_audit.c — audit.list: the organisation's audit trail, newest first,
 * one bounded page per call. The handler runs on the service thread, so the
 * scan it does is bounded by the page size (≤ VG_LIMIT_API_PAGE records,
 * about a millisecond of RocksDB range scan); older records are reached with
 * the cursor, never in one long scan. */
#include <stdlib.h>

#include "backend/api_int.h"
#include "backend/audit.h"
#include "backend/vigild.h"
#include "shared/event.h"
#include "shared/limits.h"

#define AUDIT_PAGE_DEFAULT 100
#define TIME_MAX 253402300800000LL /* year 10000 */

const struct api_param api_audit_list_params[] = {
  {"from", API_P_INT, false, 0, TIME_MAX, 0},
  {"to", API_P_INT, false, 0, TIME_MAX, 0},
  {"limit", API_P_INT, false, 1, VG_LIMIT_API_PAGE, 0},
  {"cursor", API_P_CURSOR, false, 0, 0, 0},
  {NULL, 0, false, 0, 0, 0},
};

API_HANDLER(api_audit_list) {
  int64_t from = api_param_int(params, "from", 0);
  int64_t to = api_param_int(params, "to", TIME_MAX);
  if (from > to) return vg_err_fail(err, VG_EINVAL, "params.from is after params.to");
  json_t *records = NULL;
  char *next = NULL;
  int r = audit_list(c->vd->store, c->oid, from, to,
                     (size_t)api_param_int(params, "limit", AUDIT_PAGE_DEFAULT),
                     api_param_str(params, "cursor"), &records, &next, err);
  if (r) return r;
  *result = json_pack("{s:o, s:o}", "records", records, "next",
                      next ? json_string(next) : json_null());
  free(next);
  return 0;
}
