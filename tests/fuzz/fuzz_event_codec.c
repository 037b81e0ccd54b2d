/* fuzz_event_codec.c — libFuzzer target for the event codec: decode the input
 * as one event and as a batch; whatever decodes must encode, decode again and
 * re-encode to the same bytes, and the typed routing view must round-trip.
 * Inputs are also tried as the payload (`event`) of a minimal envelope. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/buf.h"
#include "shared/err.h"
#include "shared/event_codec.h"
#include "shared/limits.h"
#include "shared/routing.h"

static void fuzz_die(const char *what, const struct vg_err *e) {
  fprintf(stderr, "fuzz_event_codec: %s: %s\n", what, e ? e->msg : "");
  abort();
}

/* enc1 = encode(x); enc2 = encode(decode(enc1)); enc1 must equal enc2. Encode
 * may legitimately fail with ELIMIT (reals and escapes can grow), nothing else. */
static void fuzz_check(const json_t *x, int batch) {
  struct vg_buf b1, b2;
  struct vg_err e;
  vg_buf_init(&b1, VG_LIMIT_MSG_BYTES);
  vg_buf_init(&b2, VG_LIMIT_MSG_BYTES);
  int r = batch ? vg_event_codec_encode_batch(x, &b1, &e) : vg_event_codec_encode(x, &b1, &e);
  if (r == -VG_ELIMIT) goto out;
  if (r) fuzz_die("encode of a decoded value failed", &e);
  json_t *y = NULL;
  r = batch ? vg_event_codec_decode_batch(b1.data, b1.len, &y, &e)
            : vg_event_codec_decode(b1.data, b1.len, &y, &e);
  if (r) fuzz_die("decode of an encoding failed", &e);
  if (!json_equal((json_t *)x, y)) fuzz_die("decode(encode(x)) != x", NULL);
  r = batch ? vg_event_codec_encode_batch(y, &b2, &e) : vg_event_codec_encode(y, &b2, &e);
  if (r) fuzz_die("second encode failed", &e);
  if (b1.len != b2.len || memcmp(b1.data, b2.data, b1.len) != 0)
    fuzz_die("re-encoding differs", NULL);
  if (!batch) {
    struct vg_routing *rt = malloc(sizeof(*rt));
    if (!rt || vg_routing_get(y, rt, &e)) fuzz_die("routing get failed", &e);
    json_t *z = json_deep_copy(y);
    if (vg_routing_set(z, rt, rt->present, &e)) fuzz_die("routing set failed", &e);
    if (!json_equal(y, z)) fuzz_die("routing set(get(x)) changed x", NULL);
    json_decref(z);
    free(rt);
  }
  json_decref(y);
out:
  vg_buf_cleanup(&b1);
  vg_buf_cleanup(&b2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  json_t *j = NULL;
  if (vg_event_codec_decode(data, size, &j, NULL) == 0) {
    fuzz_check(j, 0);
    json_decref(j);
  }
  if (vg_event_codec_decode_batch(data, size, &j, NULL) == 0) {
    fuzz_check(j, 1);
    json_decref(j);
  }
  /* Most inputs fail the envelope; also try them as the payload of one. */
  static const char pre[] = "{\"routing\":{\"event_type\":\"X\",\"event_time\":1},\"event\":";
  if (size > VG_LIMIT_EVENT_BYTES - sizeof(pre)) return 0;
  char *w = malloc(sizeof(pre) + size + 1);
  if (!w) abort();
  memcpy(w, pre, sizeof(pre) - 1);
  if (size) memcpy(w + sizeof(pre) - 1, data, size);
  w[sizeof(pre) - 1 + size] = '}';
  if (vg_event_codec_decode(w, sizeof(pre) + size, &j, NULL) == 0) {
    fuzz_check(j, 0);
    json_decref(j);
  }
  free(w);
  return 0;
}
