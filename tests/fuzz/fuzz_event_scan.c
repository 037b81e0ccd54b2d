/* fuzz_event_scan.c — libFuzzer target: the tree-free scanner (ingest's hot
 * path) must accept exactly what the event codec accepts, as one event and
 * as a batch, and read the same routing. Inputs are also tried inside
 * [ … ] and as the payload of a minimal envelope. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/alloc.h"
#include "shared/event_codec.h"
#include "shared/event_scan.h"
#include "shared/routing.h"

static struct vg_jscan scan;
static int ready;

static void die(const char *what, const char *in, size_t n, int a, int b) {
  fprintf(stderr, "fuzz_event_scan: %s (codec %d, scanner %d) on %zu bytes: %.*s\n", what, a, b,
          n, (int)(n < 300 ? n : 300), in);
  abort();
}

static void one(const char *d, size_t n) {
  json_t *ev = NULL;
  int a = vg_event_codec_decode(d, n, &ev, NULL);
  struct vg_event_span sp;
  static struct vg_routing r1, r2;
  int b = vg_event_scan_one(&scan, d, n, &sp, &r2, NULL);
  if ((a == 0) != (b == 0)) die("event: acceptance differs", d, n, a, b);
  if (a == 0) {
    if (vg_routing_get(ev, &r1, NULL)) die("event: routing_get failed", d, n, 0, 0);
    if (r1.present != r2.present || r1.event_time != r2.event_time ||
        strcmp(r1.event_type, r2.event_type) || strcmp(r1.this_atom, r2.this_atom) ||
        strcmp(r1.hostname, r2.hostname) || r1.ntags != r2.ntags)
      die("event: routing differs", d, n, 0, 0);
  }
  json_decref(ev);
}

static void batch(const char *d, size_t n) {
  json_t *arr = NULL;
  int a = vg_event_codec_decode_batch(d, n, &arr, NULL);
  int b = vg_event_scan_batch(&scan, d, n, NULL, NULL, NULL);
  if ((a == 0) != (b >= 0)) die("batch: acceptance differs", d, n, a, b);
  if (a == 0 && (size_t)b != json_array_size(arr)) die("batch: count differs", d, n, a, b);
  json_decref(arr);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!ready) {
    vg_jscan_init(&scan);
    ready = 1;
  }
  if (size > 1 << 16) return 0;
  const char *d = (const char *)data;
  one(d, size);
  batch(d, size);
  char *w = vg_xmalloc(size + 96);
  memcpy(w, "[", 1);
  memcpy(w + 1, d, size);
  w[size + 1] = ']';
  batch(w, size + 2);
  int h = snprintf(w, 96, "{\"routing\":{\"event_type\":\"X\",\"event_time\":1},\"event\":");
  memcpy(w + h, d, size);
  w[h + size] = '}';
  one(w, (size_t)h + size + 1);
  free(w);
  return 0;
}
