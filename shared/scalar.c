/* scalar.c — text → int, bool, duration and size. */
#include "shared/scalar.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "shared/err.h"

/* Leading decimal digits of s as a non-negative value; *end after them. */
static int scalar_digits(const char *s, const char **end, uint64_t limit, uint64_t *out) {
  uint64_t v = 0;
  const char *p = s;
  if (*p < '0' || *p > '9') return -VG_ETYPE;
  for (; *p >= '0' && *p <= '9'; p++) {
    uint64_t d = (uint64_t)(*p - '0');
    if (v > (limit - d) / 10) {
      while (*p >= '0' && *p <= '9') p++;
      *end = p;
      return -VG_ERANGE;
    }
    v = v * 10 + d;
  }
  *end = p;
  *out = v;
  return 0;
}

int vg_scalar_int(const char *s, int64_t *out) {
  bool neg = false;
  if (*s == '-' || *s == '+') neg = *s++ == '-';
  const char *end = s;
  uint64_t v = 0;
  uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
  int r = scalar_digits(s, &end, limit, &v);
  if (r == -VG_ETYPE || *end) return -VG_ETYPE;
  if (r) return r;
  *out = neg ? (v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v) : (int64_t)v;
  return 0;
}

int vg_scalar_bool(const char *s, bool *out) {
  static const struct {
    const char *text;
    bool value;
  } words[] = {{"true", true}, {"yes", true},  {"on", true},
               {"false", false}, {"no", false}, {"off", false}};
  for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
    if (!strcasecmp(s, words[i].text)) {
      *out = words[i].value;
      return 0;
    }
  return -VG_ETYPE;
}

struct scalar_unit {
  const char *name;
  uint64_t mult;
};

/* A count followed by one of units (or nothing, when bare_mult != 0). */
static int scalar_with_unit(const char *s, const struct scalar_unit *units, size_t n,
                            uint64_t bare_mult, int64_t *out) {
  const char *end = s;
  uint64_t v = 0;
  int r = scalar_digits(s, &end, (uint64_t)INT64_MAX, &v);
  if (r == -VG_ETYPE) return r;
  uint64_t mult = 0;
  if (!*end) {
    mult = bare_mult ? bare_mult : (v == 0 && r == 0 ? 1 : 0);
  } else {
    for (size_t i = 0; i < n; i++)
      if (!strcasecmp(end, units[i].name)) mult = units[i].mult;
  }
  if (!mult) return -VG_ETYPE;
  if (r) return r;
  if (v > (uint64_t)INT64_MAX / mult) return -VG_ERANGE;
  *out = (int64_t)(v * mult);
  return 0;
}

int vg_scalar_duration(const char *s, int64_t *out) {
  static const struct scalar_unit units[] = {
      {"s", 1}, {"m", 60}, {"h", 3600}, {"d", 86400}, {"w", 604800}};
  return scalar_with_unit(s, units, sizeof(units) / sizeof(units[0]), 0, out);
}

int vg_scalar_size(const char *s, int64_t *out) {
  static const struct scalar_unit units[] = {
      {"b", 1},
      {"kb", 1000ull},          {"mb", 1000000ull},
      {"gb", 1000000000ull},    {"tb", 1000000000000ull},
      {"kib", 1ull << 10},      {"mib", 1ull << 20},
      {"gib", 1ull << 30},      {"tib", 1ull << 40}};
  return scalar_with_unit(s, units, sizeof(units) / sizeof(units[0]), 1, out);
}
