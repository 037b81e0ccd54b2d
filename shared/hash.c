/* hash.c — vg_hash64 (hash.h). */
#include "shared/hash.h"

#include <string.h>

uint64_t vg_hash64(const void *p, size_t n) {
  const unsigned char *c = p;
  uint64_t h = 0x9E3779B97F4A7C15ull ^ n, w;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    memcpy(&w, c + i, 8);
    h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
    h ^= h >> 29;
  }
  w = 0;
  for (size_t j = 0; i < n; i++, j++) w |= (uint64_t)c[i] << (8 * j);
  h = (h ^ w) * 0x94D049BB133111EBull;
  h ^= h >> 32;
  h *= 0xBF58476D1CE4E5B9ull;
  return h ^ (h >> 29);
}
