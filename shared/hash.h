/* hash.h — a fast 64-bit hash of bytes for in-memory tables (never stored:
 * it may change between versions). */
#ifndef VIGIL_HASH_H
#define VIGIL_HASH_H

#include <stddef.h>
#include <stdint.h>

/* Eight bytes at a time (multiply and fold), then the tail, then a final
 * mix that spreads every input bit into the low bits tables mask with. */
uint64_t vg_hash64(const void *p, size_t n);

#endif
