/* fmt.c — value formatting for the views. */
#include "tui/fmt.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "shared/platform.h"

const char *fmt_str(const json_t *obj, const char *key) {
  const char *s = json_string_value(json_object_get(obj, key));
  return s ? s : "";
}

int64_t fmt_int(const json_t *obj, const char *key) {
  json_t *v = json_object_get(obj, key);
  if (json_is_integer(v)) return json_integer_value(v);
  if (json_is_real(v)) return (int64_t)json_real_value(v);
  return 0;
}

const char *fmt_platform(const json_t *sensor, char *buf, size_t n) {
  const char *p = vg_platform_name((uint32_t)fmt_int(sensor, "plat"));
  const char *ar = vg_platform_arch_name((uint32_t)fmt_int(sensor, "arch"));
  snprintf(buf, n, "%s/%s", p ? p : "?", ar ? ar : "?");
  return buf;
}

const char *fmt_tags(const json_t *tags, int64_t now_ms, char *buf, size_t n) {
  size_t used = 0;
  const char *k;
  json_t *v;
  buf[0] = '\0';
  json_object_foreach((json_t *)tags, k, v) {
    int64_t exp = json_integer_value(v);
    char ttl[32] = "";
    if (exp > 0) {
      int64_t s = (exp - now_ms) / 1000;
      if (s < 0) s = 0;
      if (s < 3600)
        snprintf(ttl, sizeof ttl, " (%lldm)", (long long)(s / 60));
      else if (s < 86400)
        snprintf(ttl, sizeof ttl, " (%lldh)", (long long)(s / 3600));
      else
        snprintf(ttl, sizeof ttl, " (%lldd)", (long long)(s / 86400));
    }
    int w = snprintf(buf + used, n - used, "%s%s%s", used ? ", " : "", k, ttl);
    if (w < 0 || (size_t)w >= n - used) {
      buf[used] = '\0';
      break;
    }
    used += (size_t)w;
  }
  return buf;
}

const char *fmt_time(int64_t ms, char *buf, size_t n) {
  if (ms <= 0) {
    snprintf(buf, n, "—");
    return buf;
  }
  time_t t = (time_t)(ms / 1000);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(buf, n, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

const char *fmt_bytes(uint64_t b, char *buf, size_t n) {
  static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = (double)b;
  int u = 0;
  while (v >= 1024 && u < 4) v /= 1024, u++;
  if (u == 0)
    snprintf(buf, n, "%llu B", (unsigned long long)b);
  else
    snprintf(buf, n, "%.1f %s", v, units[u]);
  return buf;
}
