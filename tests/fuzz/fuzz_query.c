/* fuzz_query.c — libFuzzer target for the Insight query language: parse
 * any input; on success evaluate the sensor selector and filter on a sample
 * event and read every projection column from it. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>

#include "shared/expr.h"
#include "shared/path.h"
#include "shared/query.h"
#include "shared/routing.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *sample =
    "{\"routing\":{\"event_type\":\"DNS_REQUEST\",\"event_time\":1000,\"hostname\":\"web\","
    "\"plat\":536870912,\"tags\":[\"vip\"]},\"event\":{\"DOMAIN_NAME\":\"a.b.evil.xyz\","
    "\"IP_ADDRESS\":\"10.0.0.1\",\"N\":[1,2,{\"X\":\"y\"}]}}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static json_t *ev;
  static struct vg_routing r;
  if (!ev) {
    ev = json_loads(sample, 0, NULL);
    vg_routing_get(ev, &r, NULL);
  }
  struct vg_err e = {0};
  struct vg_query *q = vg_query_parse((const char *)data, size, 1700000000000LL, &e);
  if (!q) return 0;
  if (q->sensors) vg_expr_eval(q->sensors, ev, &r, NULL, NULL, NULL);
  if (q->filter) vg_expr_eval(q->filter, ev, &r, NULL, NULL, NULL);
  for (size_t i = 0; i < q->ncols; i++)
    if (q->cols[i].path) vg_path_first(q->cols[i].path, ev);
  vg_query_free(q);
  bool all;
  struct vg_expr *f = vg_query_parse_filter((const char *)data, size, &all, NULL, NULL, &e);
  vg_expr_free(f);
  return 0;
}
