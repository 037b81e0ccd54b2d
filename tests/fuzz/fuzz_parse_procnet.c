/* fuzz_parse_procnet.c — libFuzzer target for parse_procnet_line (every line,
 * as IPv4 and as IPv6) and parse_passwd_line. */
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "sensor/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *p = (const char *)data, *end = p + size;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
    struct parse_procnet_entry e;
    struct parse_passwd_entry pw;
    struct vg_err err;
    parse_procnet_line(p, n, AF_INET, &e, &err);
    parse_procnet_line(p, n, AF_INET6, &e, &err);
    parse_passwd_line(p, n, &pw, &err);
    p += n + 1;
  }
  return 0;
}
