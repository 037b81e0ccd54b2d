/* fuzz_api_request.c — libFuzzer target for backend/api_request.c: parse and
 * validate one API request, then check its params against a spec of every
 * parameter type. Invariants: success yields a method name that is valid and
 * a params object; failure always leaves a message. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "backend/api_request.h"
#include "shared/limits.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct api_param spec[] = {
  {"sid", API_P_UUID, false, 0, 0, 0},
  {"tag", API_P_STRING, false, 1, VG_LIMIT_TAG_BYTES, 0},
  {"ttl", API_P_INT, false, 0, 86400, 0},
  {"online", API_P_BOOL, false, 0, 0, 0},
  {"event_types", API_P_STRINGS, false, 0, VG_LIMIT_API_FILTER_ITEMS, VG_LIMIT_EVENT_TYPE_BYTES},
  {"sids", API_P_UUIDS, false, 0, VG_LIMIT_API_FILTER_ITEMS, 0},
  {"cursor", API_P_CURSOR, false, 0, 0, 0},
  {NULL, 0, false, 0, 0, 0},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct api_request req;
  struct vg_err err;
  vg_err_clear(&err);
  int r = api_request_parse((const char *)data, size, &req, &err);
  if (r) {
    if (r > 0 || !err.msg[0] || req.method || req.params) abort();
  } else {
    if (!api_method_name_valid(req.method) || !json_is_object(req.params) || !req.has_id ||
        req.id < 0 || req.id > API_REQUEST_ID_MAX)
      abort();
    vg_err_clear(&err);
    int p = api_params_check(req.params, spec, &err);
    if (p > 0 || (p && !err.msg[0])) abort();
    if (p == 0) {
      (void)api_param_str(req.params, "tag");
      (void)api_param_int(req.params, "ttl", 0);
      (void)api_param_bool(req.params, "online", -1);
    }
  }
  api_request_cleanup(&req);
  return 0;
}
