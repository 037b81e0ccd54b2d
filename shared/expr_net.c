/* expr_net.c — IP addresses for cidr, is public address and is private
 * address: parse text (IPv4 or IPv6), test membership of a prefix, and the
 * private ranges (RFC 1918, loopback, link-local, CGNAT, ULA). */
#include <arpa/inet.h>
#include <string.h>

#include "shared/expr_int.h"

bool vg_expr_net_parse(const char *s, uint8_t out[16], int *family) {
  memset(out, 0, 16);
  if (strchr(s, ':')) {
    if (inet_pton(AF_INET6, s, out) != 1) return false;
    /* An IPv4-mapped address (::ffff:a.b.c.d) is its IPv4 address. */
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (memcmp(out, mapped, 12) == 0) {
      memmove(out, out + 12, 4);
      memset(out + 4, 0, 12);
      *family = 4;
    } else {
      *family = 6;
    }
    return true;
  }
  if (inet_pton(AF_INET, s, out) != 1) return false;
  *family = 4;
  return true;
}

bool vg_expr_net_in(const uint8_t a[16], int fam, const uint8_t net[16], int nfam, int bits) {
  if (fam != nfam) return false;
  int full = bits / 8, rest = bits % 8;
  if (memcmp(a, net, (size_t)full) != 0) return false;
  if (!rest) return true;
  uint8_t mask = (uint8_t)(0xff << (8 - rest));
  return (a[full] & mask) == (net[full] & mask);
}

bool vg_expr_net_private(const uint8_t a[16], int fam) {
  if (fam == 4) {
    return a[0] == 10 || a[0] == 127 || (a[0] == 172 && (a[1] & 0xf0) == 16) ||
           (a[0] == 192 && a[1] == 168) || (a[0] == 169 && a[1] == 254) ||
           (a[0] == 100 && (a[1] & 0xc0) == 64) || a[0] == 0;
  }
  static const uint8_t loop[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  static const uint8_t zero[16] = {0};
  return (a[0] & 0xfe) == 0xfc || (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) ||
         memcmp(a, loop, 16) == 0 || memcmp(a, zero, 16) == 0;
}
