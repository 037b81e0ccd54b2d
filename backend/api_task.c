/* api_task.c — task.send: a command line to one of the organisation's
 * sensors. The result comes at once; the sensor's replies are pushed on a
 * new subscription ({"sub":…, "event":…}, then {"sub":…, "task_id",
 * "done"|"timeout": true}). */
#include "backend/api_int.h"
#include "backend/tasks.h"
#include "backend/vigild.h"
#include "shared/limits.h"

#define TASK_TIMEOUT_DEFAULT_S 60

const struct api_param api_task_send_params[] = {
  {"sid", API_P_UUID, true, 0, 0, 0},
  {"command", API_P_STRING, true, 1, VG_LIMIT_TASK_COMMAND_BYTES, 0},
  {"timeout", API_P_INT, false, 1, 3600, 0},
  {"queue_ttl", API_P_INT, false, 0, 7 * 86400, 0},
  {NULL, 0, false, 0, 0, 0},
};

API_HANDLER(api_task_send) {
  const char *sid = api_param_str(params, "sid");
  uint64_t sub = 0;
  int r = api_sub_open(c, API_SUB_TASK, NULL, &sub, err);
  if (r) return r;
  char task_id[VG_UUID_STR_LEN + 1], inv_id[VG_UUID_STR_LEN + 1];
  bool queued = false;
  r = tasks_send(c->vd->tasks, c->oid, sid, api_param_str(params, "command"), c->session_id,
                 sub, (int)api_param_int(params, "timeout", TASK_TIMEOUT_DEFAULT_S),
                 (int)api_param_int(params, "queue_ttl", 0), &queued, task_id, inv_id, err);
  if (r) {
    api_sub_close(c, sub, NULL);
    return r;
  }
  *result = json_pack("{s:s, s:s, s:I, s:b}", "task_id", task_id, "investigation_id", inv_id,
                      "sub", (json_int_t)sub, "queued", queued);
  return 0;
}
