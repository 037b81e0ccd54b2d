/* cmd_table.c — the sensor's commands (cmd.h). This branch holds the
 * collectors' rows only; the lead merges the full table. */
#include "sensor/cmd.h"
#include "sensor/cmd_doc_cache.h"
#include "sensor/cmd_fim.h"

static const struct cmd table[] = {
    {"doc_cache_get", "doc_cache_get [-f PATTERN] [-s HASH]",
     "documents and scripts seen written, from the in-memory cache (even if deleted)",
     cmd_doc_cache_get},
    {"fim_add", "fim_add --pattern PATTERN", "watch files matching a glob (FIM_HIT on change)",
     cmd_fim_add},
    {"fim_del", "fim_del --pattern PATTERN", "stop watching a FIM pattern", cmd_fim_del},
    {"fim_get", "fim_get", "list the FIM patterns", cmd_fim_get},
};

const struct cmd *cmd_table(size_t *n) {
  *n = sizeof table / sizeof table[0];
  return table;
}
