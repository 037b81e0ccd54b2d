/* atom.c — random atoms and UUIDs, hex text <-> 16-byte binary. */
#include "shared/atom.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "shared/err.h"

static const char atom_hex[] = "0123456789abcdef";

void vg_atom_random(uint8_t out[VG_ATOM_BYTES]) {
  size_t got = 0;
  while (got < VG_ATOM_BYTES) {
    ssize_t n = getrandom(out + got, VG_ATOM_BYTES - got, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      fprintf(stderr, "vigil: getrandom failed: %s\n", strerror(errno));
      abort();
    }
    got += (size_t)n;
  }
}

void vg_atom_format(const uint8_t a[VG_ATOM_BYTES], char out[VG_ATOM_HEX_LEN + 1]) {
  for (size_t i = 0; i < VG_ATOM_BYTES; i++) {
    out[2 * i] = atom_hex[a[i] >> 4];
    out[2 * i + 1] = atom_hex[a[i] & 0xf];
  }
  out[VG_ATOM_HEX_LEN] = '\0';
}

void vg_atom_new(char out[VG_ATOM_HEX_LEN + 1]) {
  uint8_t a[VG_ATOM_BYTES];
  vg_atom_random(a);
  vg_atom_format(a, out);
}

/* Digit values by character: 0..15 for 0-9 a-f, 16 + value for A-F (accepted
 * unless lower_only), 0 for anything else (told from '0' by the character). Ingest checks several atoms and
 * UUIDs per event: a table instead of three range tests per digit. */
#define HX(c, v) [c] = v
static const uint8_t atom_digit[256] = {
    HX('0', 0), HX('1', 1), HX('2', 2), HX('3', 3), HX('4', 4), HX('5', 5), HX('6', 6),
    HX('7', 7), HX('8', 8), HX('9', 9), HX('a', 10), HX('b', 11), HX('c', 12), HX('d', 13),
    HX('e', 14), HX('f', 15), HX('A', 26), HX('B', 27), HX('C', 28), HX('D', 29), HX('E', 30),
    HX('F', 31)};
#undef HX

/* Decode 2*n hex digits from s into out (may be NULL); false on a non-hex. */
static bool atom_hex_run(const char *s, size_t n, bool lower_only, uint8_t *out) {
  /* '0' maps to 0 like the non-digits: tell them apart by the character */
  unsigned bad = 0, upper = 0;
  for (size_t i = 0; i < 2 * n; i++) {
    unsigned char c = (unsigned char)s[i];
    unsigned d = atom_digit[c];
    bad |= d == 0 && c != '0';
    upper |= d >> 4;
  }
  if (bad || (lower_only && upper)) return false;
  if (out)
    for (size_t i = 0; i < n; i++)
      out[i] = (uint8_t)((atom_digit[(unsigned char)s[2 * i]] & 15) << 4 |
                         (atom_digit[(unsigned char)s[2 * i + 1]] & 15));
  return true;
}

int vg_atom_parse(const char *s, uint8_t out[VG_ATOM_BYTES]) {
  uint8_t tmp[VG_ATOM_BYTES];
  if (!s || strnlen(s, VG_ATOM_HEX_LEN + 1) != VG_ATOM_HEX_LEN) return -VG_EINVAL;
  if (!atom_hex_run(s, VG_ATOM_BYTES, false, tmp)) return -VG_EINVAL;
  memcpy(out, tmp, VG_ATOM_BYTES);
  return 0;
}

bool vg_atom_valid(const char *s) {
  return s && strnlen(s, VG_ATOM_HEX_LEN + 1) == VG_ATOM_HEX_LEN &&
         atom_hex_run(s, VG_ATOM_BYTES, true, NULL);
}

bool vg_atom_is_zero(const uint8_t a[VG_ATOM_BYTES]) {
  for (size_t i = 0; i < VG_ATOM_BYTES; i++)
    if (a[i]) return false;
  return true;
}

/* Byte counts of the five UUID groups. */
static const size_t uuid_groups[5] = {4, 2, 2, 2, 6};

void vg_atom_uuid_format(const uint8_t u[VG_ATOM_BYTES], char out[VG_UUID_STR_LEN + 1]) {
  size_t o = 0, b = 0;
  for (size_t g = 0; g < 5; g++) {
    if (g) out[o++] = '-';
    for (size_t i = 0; i < uuid_groups[g]; i++, b++) {
      out[o++] = atom_hex[u[b] >> 4];
      out[o++] = atom_hex[u[b] & 0xf];
    }
  }
  out[o] = '\0';
}

void vg_atom_uuid_new(char out[VG_UUID_STR_LEN + 1]) {
  uint8_t u[VG_ATOM_BYTES];
  vg_atom_random(u);
  u[6] = (uint8_t)((u[6] & 0x0f) | 0x40); /* version 4 */
  u[8] = (uint8_t)((u[8] & 0x3f) | 0x80); /* RFC 4122 variant */
  vg_atom_uuid_format(u, out);
}

static bool uuid_scan(const char *s, bool lower_only, uint8_t *out) {
  if (!s || strnlen(s, VG_UUID_STR_LEN + 1) != VG_UUID_STR_LEN) return false;
  size_t o = 0, b = 0;
  for (size_t g = 0; g < 5; g++) {
    if (g && s[o++] != '-') return false;
    if (!atom_hex_run(s + o, uuid_groups[g], lower_only, out ? out + b : NULL)) return false;
    o += 2 * uuid_groups[g];
    b += uuid_groups[g];
  }
  return true;
}

int vg_atom_uuid_parse(const char *s, uint8_t out[VG_ATOM_BYTES]) {
  uint8_t tmp[VG_ATOM_BYTES];
  if (!uuid_scan(s, false, tmp)) return -VG_EINVAL;
  memcpy(out, tmp, VG_ATOM_BYTES);
  return 0;
}

bool vg_atom_uuid_valid(const char *s) { return uuid_scan(s, true, NULL); }

void vg_atom_event_id(const uint8_t sid[VG_ATOM_BYTES], uint64_t seq,
                      char out[VG_UUID_STR_LEN + 1]) {
  uint8_t u[VG_ATOM_BYTES];
  memcpy(u, sid, 8);
  for (int i = 0; i < 8; i++) u[8 + i] = (uint8_t)(seq >> (56 - 8 * i));
  u[6] = (uint8_t)((u[6] & 0x0f) | 0x80); /* version 8 */
  /* variant 10: replaces seq's top two bits (seq stays below 2^62). */
  u[8] = (uint8_t)((u[8] & 0x3f) | 0x80);
  vg_atom_uuid_format(u, out);
}
