/* scalar.h — text → typed value conversions shared by the YAML readers
 * (yaml_tree.h) and command-line overrides (config.h --set).
 *
 * Every function takes a NUL-terminated string, writes *out only on success
 * and returns 0, -VG_ETYPE (not of that type) or -VG_ERANGE (does not fit in
 * int64_t). They never allocate and never fill a struct vg_err: the callers
 * know the position and word the message. */
#ifndef VIGIL_SCALAR_H
#define VIGIL_SCALAR_H

#include <stdbool.h>
#include <stdint.h>

/* Decimal integer with an optional sign: "-12", "+7", "0". No leading or
 * trailing space, no hex, no "1_000". */
int vg_scalar_int(const char *s, int64_t *out);

/* true/false/yes/no/on/off, case-insensitive. */
int vg_scalar_bool(const char *s, bool *out);

/* A count and a unit, in seconds: "30s", "5m", "12h", "7d", "2w". "0" alone
 * is allowed; any other number needs a unit (is "30" seconds or ms?). */
int vg_scalar_duration(const char *s, int64_t *out);

/* A count and an optional unit, in bytes: "512", "512B", "10KB", "10MB",
 * "1GB", "1TB" (powers of 1000) or "64KiB", "8MiB", "1GiB", "1TiB" (powers of
 * 1024). Units are case-insensitive. */
int vg_scalar_size(const char *s, int64_t *out);

#endif
