/* api_outputs.c — outputs.*: where the caller's organisation's detections
 * are delivered (docs/outputs.md). Every call names c->oid, so another
 * organisation's outputs are not found. */
#include "backend/api_int.h"
#include "backend/outputs.h"
#include "backend/vigild.h"

const struct api_param api_outputs_set_params[] = {
  {"name", API_P_STRING, true, 1, OUTPUTS_NAME_BYTES, 0},
  {"type", API_P_STRING, true, 1, 16, 0},
  {"categories", API_P_STRINGS, false, 0, OUTPUTS_CATEGORIES, 256},
  {"min_priority", API_P_INT, false, INT32_MIN, INT32_MAX, 0},
  {"path", API_P_STRING, false, 1, OUTPUTS_FIELD_BYTES, 0},
  {"max_bytes", API_P_INT, false, OUTPUTS_FILE_MIN_BYTES, INT64_MAX, 0},
  {"keep", API_P_INT, false, 1, OUTPUTS_FILE_KEEP_MAX, 0},
  {"dest", API_P_STRING, false, 1, OUTPUTS_FIELD_BYTES, 0},
  {"transport", API_P_STRING, false, 1, 8, 0},
  {"url", API_P_STRING, false, 1, OUTPUTS_FIELD_BYTES, 0},
  {"ca_file", API_P_STRING, false, 1, OUTPUTS_FIELD_BYTES, 0},
  {NULL, 0, false, 0, 0, 0},
};

const struct api_param api_outputs_name_params[] = {
  {"name", API_P_STRING, true, 1, OUTPUTS_NAME_BYTES, 0},
  {NULL, 0, false, 0, 0, 0},
};

API_HANDLER(api_outputs_list) {
  (void)params, (void)err;
  *result = json_pack("{s:o}", "outputs", outputs_list(c->vd->outputs, c->oid));
  return 0;
}

API_HANDLER(api_outputs_set) {
  json_t *r = outputs_set(c->vd->outputs, c->oid, params, err);
  if (!r) return err && err->code ? -err->code : -VG_EINTERNAL;
  *result = r;
  return 0;
}

API_HANDLER(api_outputs_delete) {
  const char *name = api_param_str(params, "name");
  int r = outputs_delete(c->vd->outputs, c->oid, name, err);
  if (r) return r;
  *result = json_pack("{s:s, s:b}", "name", name, "deleted", 1);
  return 0;
}
