/* fuzz_parse_dpkg.c — libFuzzer target for parse_dpkg and the KEY=value
 * parsers (os-release, systemd units). */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "sensor/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool on_pkg(void *u, const struct parse_dpkg_pkg *p) {
  (*(size_t *)u) += strlen(p->name);
  return true;
}
static void on_kv(void *u, const char *k, const char *v) { (*(size_t *)u) += strlen(k) + strlen(v); }
static void on_unit(void *u, const char *s, const char *k, const char *v) {
  (*(size_t *)u) += strlen(s) + strlen(k) + strlen(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  size_t n = 0;
  struct vg_err err;
  parse_dpkg((const char *)data, size, on_pkg, &n, &err);
  parse_kv_osrelease((const char *)data, size, on_kv, &n, &err);
  parse_kv_unit((const char *)data, size, on_unit, &n, &err);
  return 0;
}
