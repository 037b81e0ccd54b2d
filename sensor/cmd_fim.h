/* cmd_fim.h — fim_add --pattern P, fim_del --pattern P, fim_get: each
 * answers with FIM_LIST_REP {PATTERNS: [...]} (the set after the change), or
 * an ERROR naming what was wrong. */
#ifndef VIGIL_SENSOR_CMD_FIM_H
#define VIGIL_SENSOR_CMD_FIM_H

#include "sensor/cmd.h"

int cmd_fim_add(struct cmd_call *c, int argc, char **argv);
int cmd_fim_del(struct cmd_call *c, int argc, char **argv);
int cmd_fim_get(struct cmd_call *c, int argc, char **argv);

#endif
