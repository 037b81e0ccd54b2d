/* rules_replay_file.h — a rule over a JSONL file of event envelopes,
 * evaluated locally (rules_replay_file.c). */
#ifndef VIGIL_CLI_RULES_REPLAY_FILE_H
#define VIGIL_CLI_RULES_REPLAY_FILE_H

#include <stddef.h>

#include "cli/cli.h"

/* Evaluate the rule yaml[0..ylen) (yaml_name names it in errors) on every
 * envelope of events_path ("-" = stdin), in order, with one rule state; print
 * up to limit matches (a table, or NDJSON {"line", "event"} with --json) and a
 * summary on stderr. CLI_OK if anything matched, CLI_NOTHING if not,
 * CLI_USAGE for a rule that does not load or a malformed line (file:line). */
int rules_replay_file(struct cli *c, const char *yaml, size_t ylen, const char *yaml_name,
                      const char *events_path, long long limit);

#endif
