/* cmd_table.c — every sensor command: one row {name, usage, help, handler}
 * drives dispatch (tasks.c), `vigil-sensor --help-commands` and the
 * console's completion. Adding a command = its cmd_<name>.c + one prototype
 * and one row here. Keep the rows sorted by name. */
#include "sensor/cmd.h"

/* cmd_runtime.c */
int cmd_runtime_exfil_add(struct cmd_call *c, int argc, char **argv);
int cmd_runtime_exfil_del(struct cmd_call *c, int argc, char **argv);
int cmd_runtime_exfil_get(struct cmd_call *c, int argc, char **argv);
int cmd_runtime_history_dump(struct cmd_call *c, int argc, char **argv);
int cmd_runtime_restart(struct cmd_call *c, int argc, char **argv);
/* cmd_deny_tree.c */
int cmd_deny_tree_run(struct cmd_call *c, int argc, char **argv);

static const struct cmd table[] = {
    {"deny_tree", "deny_tree ATOM [ATOM...]",
     "kill the process trees rooted at the atoms and keep killing new children for a while",
     cmd_deny_tree_run},
    {"exfil_add", "exfil_add [-e EXPIRE_SEC] EVENT_TYPE",
     "send this event type too (a local addition to the backend's selection)",
     cmd_runtime_exfil_add},
    {"exfil_del", "exfil_del EVENT_TYPE", "remove a local selection addition",
     cmd_runtime_exfil_del},
    {"exfil_get", "exfil_get", "list the event selection (backend's and local additions)",
     cmd_runtime_exfil_get},
    {"history_dump", "history_dump [-r ROOT_ATOM] [-a ATOM] [-e EVENT_TYPE]",
     "send the unsent telemetry kept in the local ring buffer", cmd_runtime_history_dump},
    {"restart", "restart", "stop the sensor cleanly and start it again", cmd_runtime_restart},
};

const struct cmd *cmd_table(size_t *n) {
  *n = sizeof(table) / sizeof(table[0]);
  return table;
}
