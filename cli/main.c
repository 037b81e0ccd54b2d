/* main.c — vigilctl entry point: global options (anywhere before `--`),
 * dispatch through the command table, exit codes (cli.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmd_table.h"
#include "shared/log.h"
#include "shared/version.h"

struct global_opt {
  const char *name;
  bool value;
};

static const struct global_opt globals[] = {
    {"url", true}, {"oid", true}, {"api-key", true}, {"ca", true},
    {"env", true}, {"json", false}, {"api-timeout", true}, {NULL, false},
};

static int set_global(struct cli *c, const char *name, const char *v) {
  if (!strcmp(name, "url")) c->flags.url = v;
  else if (!strcmp(name, "oid")) c->flags.oid = v;
  else if (!strcmp(name, "api-key")) c->flags.api_key = v;
  else if (!strcmp(name, "ca")) c->flags.ca_file = v;
  else if (!strcmp(name, "env")) c->flags.env = v;
  else if (!strcmp(name, "json")) c->json = true;
  else if (!strcmp(name, "api-timeout")) {
    long long s = cli_seconds("", "--api-timeout", v, 3600);
    if (s <= 0) return CLI_USAGE;
    c->api_timeout_ms = (int)(s * 1000);
  }
  return CLI_OK;
}

/* Take the global options out of argv (compacting it); rc on a bad one. */
static int take_globals(struct cli *c, int *argc, char **argv) {
  int out = 1;
  bool rest = false;
  for (int i = 1; i < *argc; i++) {
    const char *a = argv[i];
    if (rest || strncmp(a, "--", 2) != 0) {
      argv[out++] = argv[i];
      continue;
    }
    if (!strcmp(a, "--")) {
      rest = true;
      argv[out++] = argv[i];
      continue;
    }
    const struct global_opt *g = NULL;
    const char *eq = strchr(a + 2, '=');
    size_t n = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
    for (const struct global_opt *t = globals; t->name; t++)
      if (strlen(t->name) == n && !strncmp(t->name, a + 2, n)) g = t;
    if (!g) {
      argv[out++] = argv[i];
      continue;
    }
    const char *v = NULL;
    if (g->value) {
      if (eq) v = eq + 1;
      else if (i + 1 < *argc) v = argv[++i];
      else return cli_fail(CLI_USAGE, "%s needs a value", a);
    } else if (eq) {
      return cli_fail(CLI_USAGE, "--%s takes no value", g->name);
    }
    int rc = set_global(c, g->name, v);
    if (rc) return rc;
  }
  argv[out] = NULL;
  *argc = out;
  return CLI_OK;
}

int main(int argc, char **argv) {
  struct cli c = {.api_timeout_ms = CLI_API_TIMEOUT_MS};
  vg_log_set_level(VG_LOG_ERROR);
  if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
    cmd_help_usage(stdout);
    return CLI_OK;
  }
  if (argc >= 2 && !strcmp(argv[1], "--version")) {
    vg_version_print(stdout, "vigilctl");
    return CLI_OK;
  }
  int rc = take_globals(&c, &argc, argv);
  if (rc) return rc;
  if (argc < 2) {
    cmd_help_usage(stderr);
    return CLI_USAGE;
  }
  if (argv[1][0] == '-') {
    fprintf(stderr, "vigilctl: unknown option '%s'\n", argv[1]);
    cmd_help_usage(stderr);
    return CLI_USAGE;
  }
  int used;
  const struct cli_cmd *cmd = cmd_table_find(argc - 1, argv + 1, &used);
  if (!cmd) {
    if (argc >= 3 && cmd_table_find(1, argv + 1, &used) == NULL) {
      bool group = false;
      for (const struct cli_cmd *t = cmd_table; t->name; t++)
        group |= !strncmp(t->name, argv[1], strlen(argv[1])) && t->name[strlen(argv[1])] == ' ';
      if (group) return cli_usage(argv[1], "unknown subcommand '%s'", argv[2]);
    }
    return cli_fail(CLI_USAGE, "unknown command '%s' (vigilctl help lists them)", argv[1]);
  }
  rc = cmd->handler(&c, argc - used, argv + used);
  vg_api_close(c.api);
  fflush(stdout);
  return rc;
}
