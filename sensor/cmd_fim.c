/* cmd_fim.c — fim_add / fim_del / fim_get (cmd_fim.h). */
#include "sensor/cmd_fim.h"

#include <string.h>

#include "sensor/fim.h"

/* fim_add and fim_del answer with FIM_LIST_REP whatever the table says. */
static void reply_list(struct cmd_call *c) {
  struct cmd_call r = *c;
  r.reply_type = "FIM_LIST_REP";
  r.replies = 0;
  cmd_reply(&r, json_pack("{s:o}", "PATTERNS", fim_list(c->ctx->fim)));
  __atomic_add_fetch(&c->replies, 1, __ATOMIC_RELAXED);
}

static int change(struct cmd_call *c, int argc, char **argv,
                  int (*fn)(struct sensor_fim *, const char *, struct vg_err *)) {
  if (argc != 3 || (strcmp(argv[1], "--pattern") != 0 && strcmp(argv[1], "-p") != 0))
    return cmd_error(c, -VG_EINVAL, "usage: %s --pattern PATTERN", argv[0]);
  if (!c->ctx->fim) return cmd_error(c, -VG_EUNSUPPORTED, "%s: the file collector is not running", argv[0]);
  struct vg_err e;
  vg_err_clear(&e);
  int rc = fn(c->ctx->fim, argv[2], &e);
  if (rc < 0 && rc != -VG_EIO) return cmd_error(c, rc, "%s: %s", argv[0], e.msg);
  reply_list(c);
  return 0;
}

int cmd_fim_add(struct cmd_call *c, int argc, char **argv) {
  return change(c, argc, argv, fim_add);
}

int cmd_fim_del(struct cmd_call *c, int argc, char **argv) {
  return change(c, argc, argv, fim_del);
}

int cmd_fim_get(struct cmd_call *c, int argc, char **argv) {
  if (argc != 1) return cmd_error(c, -VG_EINVAL, "usage: fim_get (unexpected '%s')", argv[1]);
  if (!c->ctx->fim) return cmd_error(c, -VG_EUNSUPPORTED, "fim_get: the file collector is not running");
  reply_list(c);
  return 0;
}
