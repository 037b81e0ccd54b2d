/* cmd_table.h — THE table of vigilctl commands (cmd_table.c) and every
 * handler it names. One row drives dispatch, `vigilctl help [COMMAND]` and
 * the command list in the man page (docs/man/vigilctl.1). */
#ifndef VIGIL_CLI_CMD_TABLE_H
#define VIGIL_CLI_CMD_TABLE_H

#include "cli/cli.h"

extern const struct cli_cmd cmd_table[];

/* The row for argv (one or two words), or NULL; *used = words consumed. */
const struct cli_cmd *cmd_table_find(int argc, char **argv, int *used);

int cmd_login(struct cli *c, int argc, char **argv);
int cmd_login_use(struct cli *c, int argc, char **argv);
int cmd_login_whoami(struct cli *c, int argc, char **argv);
int cmd_sensors_list(struct cli *c, int argc, char **argv);
int cmd_sensors_get(struct cli *c, int argc, char **argv);
int cmd_sensors_delete(struct cli *c, int argc, char **argv);
int cmd_sensors_isolate(struct cli *c, int argc, char **argv);
int cmd_sensors_selection(struct cli *c, int argc, char **argv);
int cmd_sensors_tag(struct cli *c, int argc, char **argv);
int cmd_task(struct cli *c, int argc, char **argv);
int cmd_task_stream(struct cli *c, int argc, char **argv);
int cmd_keys_list(struct cli *c, int argc, char **argv);
int cmd_keys_create(struct cli *c, int argc, char **argv);
int cmd_keys_revoke(struct cli *c, int argc, char **argv);
int cmd_keys_inst_list(struct cli *c, int argc, char **argv);
int cmd_keys_inst_create(struct cli *c, int argc, char **argv);
int cmd_keys_inst_revoke(struct cli *c, int argc, char **argv);
int cmd_audit(struct cli *c, int argc, char **argv);
int cmd_spotcheck(struct cli *c, int argc, char **argv);
int cmd_insight_events(struct cli *c, int argc, char **argv);
int cmd_insight_histogram(struct cli *c, int argc, char **argv);
int cmd_graph(struct cli *c, int argc, char **argv);
int cmd_detections(struct cli *c, int argc, char **argv);
int cmd_rules_list(struct cli *c, int argc, char **argv);
int cmd_rules_get(struct cli *c, int argc, char **argv);
int cmd_rules_set(struct cli *c, int argc, char **argv);
int cmd_rules_delete(struct cli *c, int argc, char **argv);
int cmd_rules_enable(struct cli *c, int argc, char **argv);
int cmd_rules_disable(struct cli *c, int argc, char **argv);
int cmd_rules_test(struct cli *c, int argc, char **argv);
int cmd_rules_replay(struct cli *c, int argc, char **argv);
int cmd_fp_list(struct cli *c, int argc, char **argv);
int cmd_fp_set(struct cli *c, int argc, char **argv);
int cmd_fp_delete(struct cli *c, int argc, char **argv);
int cmd_feeds_list(struct cli *c, int argc, char **argv);
int cmd_feeds_set(struct cli *c, int argc, char **argv);
int cmd_feeds_delete(struct cli *c, int argc, char **argv);
int cmd_wizard(struct cli *c, int argc, char **argv);
int cmd_search(struct cli *c, int argc, char **argv);
int cmd_export(struct cli *c, int argc, char **argv);
int cmd_objects(struct cli *c, int argc, char **argv);
int cmd_help(struct cli *c, int argc, char **argv);
/* The general usage: options, the command list, exit codes. */
void cmd_help_usage(FILE *f);

#endif
