/* cmd_isolate.c — segregate_network / rejoin_network (isolate.h). */
#include "sensor/cmd_util.h"
#include "sensor/cmds.h"
#include "sensor/isolate.h"

int cmd_isolate_segregate(struct cmd_call *c, int argc, char **argv) {
  const char *pos[1];
  int npos, rc = cmd_util_parse(c, argc, argv, NULL, 0, pos, &npos, 0, 0);
  if (rc) return rc;
  struct vg_err e = {0};
  json_t *info = NULL;
  rc = isolate_apply(c->ctx->state_dir, c->ctx->backend_host, c->ctx->backend_port, &info, &e);
  if (rc) {
    json_decref(info);
    return cmd_error(c, rc, "%s", e.msg);
  }
  json_object_set_new(info, "IS_SEGREGATED", json_true());
  json_object_set_new(info, "TABLE", json_string("inet " ISOLATE_TABLE));
  cmd_reply(c, info);
  return 0;
}

int cmd_isolate_rejoin(struct cmd_call *c, int argc, char **argv) {
  const char *pos[1];
  int npos, rc = cmd_util_parse(c, argc, argv, NULL, 0, pos, &npos, 0, 0);
  if (rc) return rc;
  struct vg_err e = {0};
  bool was = false;
  if ((rc = isolate_remove(c->ctx->state_dir, &was, &e))) return cmd_error(c, rc, "%s", e.msg);
  cmd_reply(c, json_pack("{s:b, s:b}", "IS_SEGREGATED", 0, "WAS_SEGREGATED", was));
  return 0;
}
