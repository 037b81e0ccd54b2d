/* cmd_help.c — vigilctl's usage and `vigilctl help [COMMAND]`, both from
 * the command table. */
#include <stdio.h>
#include <string.h>

#include "cli/cmd_table.h"

void cmd_help_usage(FILE *f) {
  fprintf(f,
          "usage: vigilctl [--json] [--env NAME] [--url URL --oid OID --api-key KEY [--ca FILE]]\n"
          "                [--api-timeout SECONDS] COMMAND [ARGS]\n"
          "       vigilctl --help | --version\n\n"
          "The Vigil command-line client for scripts and analysts.\n\ncommands:\n");
  for (const struct cli_cmd *t = cmd_table; t->name; t++) fprintf(f, "  %-26s %s\n", t->name, t->help);
  fprintf(f,
          "\n`vigilctl help COMMAND` for one command. Credentials: flags, then VIGIL_URL +\n"
          "VIGIL_OID + VIGIL_API_KEY [+ VIGIL_CA], then VIGIL_CREDS_FILE, then\n"
          "~/.config/vigil/credentials.yaml (docs/credentials.md). Exit codes: 0 ok,\n"
          "1 nothing found, 2 usage, 3 credentials, 4 connection/authentication, 5 refused\n"
          "by the API, 6 timed out, 7 spotcheck incomplete.\n");
}

int cmd_help(struct cli *c, int argc, char **argv) {
  (void)c;
  if (argc < 2) {
    cmd_help_usage(stdout);
    return CLI_OK;
  }
  size_t n = 0;
  for (const struct cli_cmd *t = cmd_table; t->name; t++) {
    size_t l = strlen(argv[1]);
    bool whole = !strcmp(t->name, argv[1]);
    bool group = !strncmp(t->name, argv[1], l) && t->name[l] == ' ';
    if (argc > 2) {
      char two[128];
      snprintf(two, sizeof two, "%s %s", argv[1], argv[2]);
      whole = !strcmp(t->name, two);
      group = false;
    }
    if (!whole && !group) continue;
    printf("%susage: vigilctl %s %s\n  %s\n", n++ ? "\n" : "", t->name, t->usage, t->help);
  }
  if (!n) return cli_fail(CLI_USAGE, "no command '%s' (vigilctl help lists them)", argv[1]);
  return CLI_OK;
}

