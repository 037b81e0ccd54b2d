/* cmd_audit.c — audit: the audit trail, newest first, over a time range. */
#include <getopt.h>
#include <time.h>

#include "cli/cmd_table.h"
#include "cli/output.h"
#include "cli/time_arg.h"
#include "shared/event.h"

static const struct output_col audit_cols[] = {{"TIME", "time", OUTPUT_TIME},
                                               {"KEY_ID", "key_id", OUTPUT_TEXT},
                                               {"ROLE", "role", OUTPUT_TEXT},
                                               {"METHOD", "method", OUTPUT_TEXT},
                                               {"OUTCOME", "outcome", OUTPUT_TEXT},
                                               {"PARAMS", "params", OUTPUT_TEXT},
                                               {NULL, NULL, 0}};

int cmd_audit(struct cli *c, int argc, char **argv) {
  static const struct option opts[] = {{"start", required_argument, NULL, 's'},
                                       {"end", required_argument, NULL, 'e'},
                                       {"limit", required_argument, NULL, 'l'},
                                       {NULL, 0, NULL, 0}};
  json_t *p = json_object();
  long long limit = 0;
  int64_t now = vg_event_now_ms(), t;
  int o;
  optind = 1;
  opterr = 0;
  while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    struct vg_err e;
    switch (o) {
      case 's':
      case 'e':
        if (time_arg_parse(optarg, now, &t, &e)) {
          cli_usage("audit", "%s: %s", o == 's' ? "--start" : "--end", e.msg);
          goto usage;
        }
        json_object_set_new(p, o == 's' ? "from" : "to", json_integer(t));
        break;
      case 'l':
        if ((limit = cli_number("audit", "--limit", optarg, 1, 1000000)) < 0) goto usage;
        break;
      default: cli_usage("audit", "unknown option %s", argv[optind - 1]); goto usage;
    }
  }
  if (optind < argc) {
    cli_usage("audit", "unexpected argument '%s'", argv[optind]);
    goto usage;
  }
  json_t *items;
  int rc = cli_call_list(c, "audit.list", p, "records", limit ? (size_t)limit : 100, &items);
  if (rc) return rc;
  output_list(stdout, items, audit_cols, c->json);
  json_decref(items);
  return CLI_OK;
usage:
  json_decref(p);
  return CLI_USAGE;
}
