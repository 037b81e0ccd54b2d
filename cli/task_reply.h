/* task_reply.h — when a sensor command has finished answering. The API ends
 * a task subscription only at its deadline; vigilctl stops earlier, at the
 * command's last reply: an event of the command's reply type (event_types.h)
 * without "MORE": true (lists come in parts), or an error reply; for
 * commands without a reply type of their own, the RECEIPT. */
#ifndef VIGIL_CLI_TASK_REPLY_H
#define VIGIL_CLI_TASK_REPLY_H

#include <jansson.h>
#include <stdbool.h>

/* command is the whole command line; ev is {routing, event}. */
bool task_reply_final(const char *command, const json_t *ev);

#endif
