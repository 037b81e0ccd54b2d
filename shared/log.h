/* log.h — logging tagged by component, with levels.
 *
 * One line per call: "2026-11-28T15:20:00.123Z INFO  gateway: message".
 * Output goes to stderr unless vg_log_open() named a file. Thread-safe.
 * Never log secrets: pass keys through vg_log_redact() first. */
#ifndef VIGIL_LOG_H
#define VIGIL_LOG_H

#include <stdarg.h>
#include <stddef.h>

enum vg_log_level { VG_LOG_ERROR, VG_LOG_WARN, VG_LOG_INFO, VG_LOG_DEBUG, VG_LOG_TRACE };

void vg_log_set_level(enum vg_log_level level);
enum vg_log_level vg_log_get_level(void);
/* "error"|"warn"|"info"|"debug"|"trace" → 0, else -VG_EINVAL. */
int vg_log_level_parse(const char *s, enum vg_log_level *out);
const char *vg_log_level_name(enum vg_log_level level);

/* Append to path (created 0600). NULL or "-" means stderr. 0 or -VG_EIO.
 * Calling again reopens (SIGHUP log rotation). */
int vg_log_open(const char *path);
void vg_log_close(void);

void vg_log(enum vg_log_level level, const char *component, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void vg_vlog(enum vg_log_level level, const char *component, const char *fmt, va_list ap);

#define vg_error(comp, ...) vg_log(VG_LOG_ERROR, comp, __VA_ARGS__)
#define vg_warn(comp, ...)  vg_log(VG_LOG_WARN, comp, __VA_ARGS__)
#define vg_info(comp, ...)  vg_log(VG_LOG_INFO, comp, __VA_ARGS__)
#define vg_debug(comp, ...) vg_log(VG_LOG_DEBUG, comp, __VA_ARGS__)

/* A loggable stand-in for a secret: its first 4 characters then "…"
 * ("(none)" for NULL/empty). Returns out. */
const char *vg_log_redact(const char *secret, char *out, size_t n);

#endif
