/* api_session.c — session.auth: the first request of every session. */
#include <string.h>

#include "backend/api_int.h"
#include "backend/auth.h"
#include "backend/vigild.h"
#include "shared/limits.h"
#include "shared/log.h"

#define COMP "api"

const struct api_param api_session_auth_params[] = {
  {"oid", API_P_UUID, true, 0, 0, 0},
  {"api_key", API_P_STRING, true, 1, 256, 0},
  {NULL, 0, false, 0, 0, 0},
};

API_HANDLER(api_session_auth) {
  if (c->role != AUTH_NONE)
    return vg_err_fail(err, VG_EINVAL, "this session is already authenticated");
  const char *oid = api_param_str(params, "oid");
  const char *key = api_param_str(params, "api_key");
  enum auth_role role = AUTH_NONE;
  char key_id[17] = "";
  if (auth_key_check(c->vd->store, oid, key, &role, key_id, NULL)) {
    char red[16];
    vg_warn(COMP, "session %llu: authentication failed for organisation %s (key %s)",
            (unsigned long long)c->session_id, oid, vg_log_redact(key, red, sizeof(red)));
    bool closing = api_session_auth_failed(c);
    return vg_err_fail(err, VG_EAUTH, "invalid API key or organisation%s",
                       closing ? " (too many failures: closing)" : "");
  }
  api_session_set_auth(c, oid, role, key_id);
  vg_info(COMP, "session %llu: authenticated as key %s (%s) of %s",
          (unsigned long long)c->session_id, key_id, auth_role_name(role), oid);
  *result = json_pack("{s:s, s:s, s:s}", "oid", oid, "role", auth_role_name(role), "key_id",
                      key_id);
  return 0;
}
