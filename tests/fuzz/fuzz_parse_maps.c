/* fuzz_parse_maps.c — libFuzzer target for parse_maps (sensor/parse.h) and,
 * on the same bytes, parse_stat: a line is parsed or rejected, never read
 * past its end. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "sensor/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool count(void *user, const struct parse_maps_entry *e) {
  (*(size_t *)user)++;
  return e->end >= e->start;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  size_t n = 0;
  struct vg_err err;
  parse_maps((const char *)data, size, count, &n, &err);
  struct parse_stat st;
  parse_stat((const char *)data, size, &st, &err);
  return 0;
}
