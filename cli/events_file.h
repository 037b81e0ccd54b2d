/* events_file.h — the event files `vigilctl rules test --events FILE` reads:
 * a JSON array of event envelopes {routing, event}, or NDJSON (one envelope
 * per line, as `vigilctl --json events` and `stream` print; blank lines
 * skipped). Untrusted input: fuzzed by tests/fuzz/fuzz_events_file.c. */
#ifndef VIGIL_CLI_EVENTS_FILE_H
#define VIGIL_CLI_EVENTS_FILE_H

#include <jansson.h>
#include <stddef.h>

#include "shared/err.h"

#define EVENTS_FILE_MAX 1000 /* envelopes in one file (rules.test's limit) */

/* text[0..len) → *events (a new array of envelopes). 0, or -VG_EINVAL /
 * -VG_ELIMIT with err naming name:line[:col] and what is wrong. */
int events_file_parse(const char *text, size_t len, const char *name, json_t **events, struct vg_err *err);

#endif
