/* api_vt.c — vt.lookup: one hash against the api/vt resource (docs/api.md),
 * for the console's hash check. Never waits on the network: a miss answers
 * "pending" and queues the hash; ask again. */
#include "backend/api_int.h"
#include "backend/rules.h"
#include "backend/vigild.h"
#include "backend/vt.h"

const struct api_param api_vt_lookup_params[] = {
  {"hash", API_P_STRING, true, 32, VT_HASH_BYTES, 0},
  {NULL, 0, false, 0, 0, 0},
};

API_HANDLER(api_vt_lookup) {
  struct vt *vt = c->vd->vt;
  if (!vt)
    return vg_err_fail(err, VG_EUNSUPPORTED,
                       "VirusTotal is not configured on this vigild (virustotal.api_key)");
  const char *hash = api_param_str(params, "hash");
  json_t *rep = NULL;
  enum vt_status s = vt_lookup(vt, hash, &rep);
  if (s == VT_INVALID) return vg_err_fail(err, VG_EINVAL, "hash: hex MD5, SHA-1 or SHA-256");
  json_t *stats = vt_stats(vt);
  json_t *parked = rules_vt_parked_stats(c->vd->rules);
  json_object_update(stats, parked);
  json_decref(parked);
  *result = json_pack("{s:s, s:s, s:o?, s:s?, s:O}", "hash", hash, "status", vt_status_name(s),
                      "report", rep, "error",
                      s == VT_ERROR ? json_string_value(json_object_get(stats, "last_error")) : NULL,
                      "stats", stats);
  json_decref(stats);
  return 0;
}
