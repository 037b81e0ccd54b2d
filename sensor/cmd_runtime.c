/* cmd_runtime.c — the commands the runtime itself answers: history_dump,
 * exfil_add / exfil_del / exfil_get, restart. */
#include <stdlib.h>
#include <string.h>

#include "sensor/cmd.h"
#include "sensor/runtime.h"
#include "shared/event.h"
#include "shared/event_types.h"

#define CMD_EXFIL_MAX_EXPIRE_S (365LL * 86400) /* exfil_add -e bound */

int cmd_runtime_exfil_add(struct cmd_call *c, int argc, char **argv);
int cmd_runtime_exfil_del(struct cmd_call *c, int argc, char **argv);
int cmd_runtime_exfil_get(struct cmd_call *c, int argc, char **argv);
int cmd_runtime_history_dump(struct cmd_call *c, int argc, char **argv);
int cmd_runtime_restart(struct cmd_call *c, int argc, char **argv);

int cmd_runtime_history_dump(struct cmd_call *c, int argc, char **argv) {
  struct history_filter f = {0};
  for (int i = 1; i < argc; i++) {
    const char **slot = strcmp(argv[i], "-r") == 0   ? &f.root
                        : strcmp(argv[i], "-a") == 0 ? &f.atom
                        : strcmp(argv[i], "-e") == 0 ? &f.event_type
                                                     : NULL;
    if (!slot || i + 1 >= argc)
      return cmd_error(c, VG_EINVAL, "argument %d ('%.64s'): usage: history_dump [-r ROOT_ATOM] "
                       "[-a ATOM] [-e EVENT_TYPE]", i, argv[i]);
    *slot = argv[++i];
  }
  if ((f.root && !vg_atom_valid(f.root)) || (f.atom && !vg_atom_valid(f.atom)))
    return cmd_error(c, VG_EINVAL, "an atom is 32 lower-case hex digits");
  json_t *evs = runtime_history(c->ctx->runtime, &f);
  size_t i;
  json_t *ev;
  json_array_foreach(evs, i, ev) {
    json_t *copy = json_deep_copy(ev);
    if (c->investigation_id)
      json_object_set_new(vg_event_routing(copy), "investigation_id",
                          json_string(c->investigation_id));
    runtime_emit_always(c->ctx->runtime, copy);
  }
  /* The reply last: it closes the answer (vigild ends the task with it). */
  cmd_reply(c, json_pack("{s:I}", "COUNT", (json_int_t)json_array_size(evs)));
  json_decref(evs);
  return 0;
}

static void exfil_reply(struct cmd_call *c) {
  c->reply_type = "GET_EXFIL_EVENT_REP";
  cmd_reply(c, runtime_exfil_get(c->ctx->runtime));
}

int cmd_runtime_exfil_add(struct cmd_call *c, int argc, char **argv) {
  long long expire_s = 0;
  int i = 1;
  if (i < argc && strcmp(argv[i], "-e") == 0) {
    char *end;
    if (i + 1 >= argc || (expire_s = strtoll(argv[i + 1], &end, 10)) <= 0 || *end ||
        expire_s > CMD_EXFIL_MAX_EXPIRE_S)
      return cmd_error(c, VG_EINVAL, "-e: seconds, 1..%lld", CMD_EXFIL_MAX_EXPIRE_S);
    i += 2;
  }
  if (i + 1 != argc)
    return cmd_error(c, VG_EINVAL, "usage: exfil_add [-e EXPIRE_SEC] EVENT_TYPE");
  int64_t exp = expire_s ? vg_event_now_ms() + expire_s * 1000 : 0;
  int r = runtime_exfil_add(c->ctx->runtime, argv[i], exp);
  if (r == -VG_EINVAL) return cmd_error(c, r, "'%.64s' is not an event type name", argv[i]);
  if (r) return cmd_error(c, r, "too many local additions");
  exfil_reply(c);
  return 0;
}

int cmd_runtime_exfil_del(struct cmd_call *c, int argc, char **argv) {
  if (argc != 2) return cmd_error(c, VG_EINVAL, "usage: exfil_del EVENT_TYPE");
  if (runtime_exfil_del(c->ctx->runtime, argv[1]))
    return cmd_error(c, VG_ENOTFOUND, "'%.64s' is not a local addition", argv[1]);
  exfil_reply(c);
  return 0;
}

int cmd_runtime_exfil_get(struct cmd_call *c, int argc, char **argv) {
  (void)argv;
  if (argc != 1) return cmd_error(c, VG_EINVAL, "usage: exfil_get");
  exfil_reply(c);
  return 0;
}

int cmd_runtime_restart(struct cmd_call *c, int argc, char **argv) {
  (void)argv;
  if (argc != 1) return cmd_error(c, VG_EINVAL, "usage: restart");
  runtime_request_restart(c->ctx->runtime);
  return 0;
}
