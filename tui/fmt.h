/* fmt.h — text for values the views show: platform names, tag lists,
 * times, sizes. Pure functions of their arguments (golden screens depend on
 * it: times are UTC). */
#ifndef VIGIL_TUI_FMT_H
#define VIGIL_TUI_FMT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* "linux/x64" from a sensor record's plat and arch. */
const char *fmt_platform(const json_t *sensor, char *buf, size_t n);
/* "prod, web (ttl 3h)" from a tags object {tag: expiry_ms}; relative to now_ms. */
const char *fmt_tags(const json_t *tags, int64_t now_ms, char *buf, size_t n);
/* "2025-11-28 14:26:40" (UTC) from ms since the epoch; "—" for 0. */
const char *fmt_time(int64_t ms, char *buf, size_t n);
/* "1.5 MiB" */
const char *fmt_bytes(uint64_t bytes, char *buf, size_t n);
/* A string member or "" (never NULL). */
const char *fmt_str(const json_t *obj, const char *key);
/* An integer member or 0. */
int64_t fmt_int(const json_t *obj, const char *key);

#endif
