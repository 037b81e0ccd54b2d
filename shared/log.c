/* log.c — component-tagged, levelled logging to stderr or a file. */
#include "shared/log.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "shared/err.h"
#include "shared/limits.h"

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static enum vg_log_level log_level = VG_LOG_INFO;
static int log_fd = -1; /* -1 = stderr; guarded by log_lock */

static const char *const level_names[] = {"error", "warn", "info", "debug", "trace"};
static const char *const level_tags[] = {"ERROR", "WARN ", "INFO ", "DEBUG", "TRACE"};

void vg_log_set_level(enum vg_log_level level) { log_level = level; }
enum vg_log_level vg_log_get_level(void) { return log_level; }

const char *vg_log_level_name(enum vg_log_level level) {
  return (unsigned)level <= VG_LOG_TRACE ? level_names[level] : "?";
}

int vg_log_level_parse(const char *s, enum vg_log_level *out) {
  for (int i = 0; i <= VG_LOG_TRACE; i++)
    if (s && strcmp(s, level_names[i]) == 0) {
      *out = (enum vg_log_level)i;
      return 0;
    }
  return -VG_EINVAL;
}

int vg_log_open(const char *path) {
  int fd = -1;
  if (path && strcmp(path, "-") != 0) {
    fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) return -VG_EIO;
  }
  pthread_mutex_lock(&log_lock);
  if (log_fd >= 0) close(log_fd);
  log_fd = fd;
  pthread_mutex_unlock(&log_lock);
  return 0;
}

void vg_log_close(void) { vg_log_open(NULL); }

void vg_vlog(enum vg_log_level level, const char *component, const char *fmt, va_list ap) {
  if (level > log_level) return;
  char line[VG_LIMIT_LOG_LINE_BYTES];
  struct timeval tv;
  struct tm tm;
  gettimeofday(&tv, NULL);
  gmtime_r(&tv.tv_sec, &tm);
  int n = snprintf(line, sizeof(line), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ %s %s: ",
                   tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                   tm.tm_sec, (int)(tv.tv_usec / 1000),
                   level_tags[(unsigned)level <= VG_LOG_TRACE ? level : 0],
                   component ? component : "-");
  if (n < 0) return;
  if ((size_t)n < sizeof(line)) {
    int m = vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
    if (m > 0) n += m;
  }
  if ((size_t)n >= sizeof(line) - 1) n = (int)sizeof(line) - 2;
  /* One record per line: fold embedded newlines so logs stay parseable. */
  for (int i = 0; i < n; i++)
    if (line[i] == '\n' || line[i] == '\r') line[i] = ' ';
  line[n++] = '\n';
  pthread_mutex_lock(&log_lock);
  int fd = log_fd >= 0 ? log_fd : STDERR_FILENO;
  ssize_t off = 0;
  while (off < n) {
    ssize_t w = write(fd, line + off, (size_t)(n - off));
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) break;
    off += w;
  }
  pthread_mutex_unlock(&log_lock);
}

void vg_log(enum vg_log_level level, const char *component, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vg_vlog(level, component, fmt, ap);
  va_end(ap);
}

const char *vg_log_redact(const char *secret, char *out, size_t n) {
  if (!out || n == 0) return out;
  if (!secret || !*secret)
    snprintf(out, n, "(none)");
  else
    snprintf(out, n, "%.4s…", secret);
  return out;
}
