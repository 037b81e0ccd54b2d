/* fuzz_dns_parse.c — the DNS capture parsers. Input: 2 bytes ethertype (big
 * endian; 0 means "a bare DNS message") then the bytes. */
#include <stddef.h>
#include <stdint.h>

#include "sensor/dns_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2) return 0;
  uint16_t et = (uint16_t)(data[0] << 8 | data[1]);
  static struct dns_msg m;
  if (et == 0) {
    dns_parse_msg(data + 2, size - 2, &m, NULL);
    return 0;
  }
  struct dns_packet p;
  struct vg_err e;
  if (dns_parse_ip(data + 2, size - 2, et, &p, &e) == 0) dns_parse_msg(p.payload, p.len, &m, &e);
  return 0;
}
