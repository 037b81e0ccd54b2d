/* collect_util.c — process attribution shared by the collectors. */
#include "sensor/collect_util.h"

#include "shared/event.h"

void collect_util_atom(const struct sensor_ctx *ctx, pid_t pid, char out[VG_ATOM_HEX_LEN + 1]) {
  out[0] = '\0';
  if (pid <= 0 || !ctx->proc_atom) return;
  if (ctx->proc_sync) ctx->proc_sync(ctx->proc_sync_user);
  if (!ctx->proc_atom(ctx->proc_user, pid, out)) out[0] = '\0';
}

bool collect_util_attribute(const struct sensor_ctx *ctx, json_t *ev, pid_t pid,
                            const char *atom) {
  if (pid > 0) json_object_set_new(vg_event_payload(ev), "PROCESS_ID", json_integer(pid));
  char buf[VG_ATOM_HEX_LEN + 1];
  if (!atom || !atom[0]) {
    collect_util_atom(ctx, pid, buf);
    atom = buf;
  }
  if (!atom[0]) return false;
  json_object_set_new(vg_event_routing(ev), "parent", json_string(atom));
  return true;
}
