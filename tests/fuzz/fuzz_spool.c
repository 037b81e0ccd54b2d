/* fuzz_spool.c — the spool segment parser (sensor/spool_format.c): any
 * bytes; the valid prefix it reports must hold exactly the records it
 * passed, each inside the buffer, seqs consecutive. */
#include <stddef.h>
#include <stdint.h>

#include "sensor/spool_format.h"

struct chk {
  const uint8_t *buf;
  size_t size, end;
  uint64_t prev;
  size_t n;
};

static int cb(void *ctx, const struct spool_rec *r) {
  struct chk *c = ctx;
  const uint8_t *d = (const uint8_t *)r->data;
  if (d < c->buf || d + r->len > c->buf + c->size) __builtin_trap();
  if (r->offset != c->end) __builtin_trap();
  if (c->n && r->seq != c->prev + 1) __builtin_trap();
  c->prev = r->seq;
  c->end = r->offset + SPOOL_REC_HDR_BYTES + r->len;
  c->n++;
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct chk c = {.buf = data, .size = size};
  size_t valid = 0, n = 0;
  int r = spool_format_parse(data, size, cb, &c, &valid, &n, NULL);
  if (valid != c.end || n != c.n || valid > size) __builtin_trap();
  if (r == 0 && valid != size) __builtin_trap();
  return 0;
}
