/* time_arg.h — the times vigilctl accepts on its command line:
 *   now; epoch milliseconds (digits); relative to now: -2h, -30m, -7d, -45s,
 *   -1w (and +…); RFC 3339: 2025-11-28T14:05:00Z, …:00.123+02:00, or a date
 *   2025-11-28 (midnight UTC). */
#ifndef VIGIL_CLI_TIME_ARG_H
#define VIGIL_CLI_TIME_ARG_H

#include <stdint.h>

#include "shared/err.h"

/* s → ms since the epoch (now_ms for relative forms). 0 or -VG_EINVAL with a
 * message naming s. */
int time_arg_parse(const char *s, int64_t now_ms, int64_t *out, struct vg_err *err);

#endif
