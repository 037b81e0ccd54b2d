/* fuzz_path.c — libFuzzer target for path.h: the input up to the first
 * newline is a path expression, the rest a JSON document; compile and select. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shared/alloc.h"
#include "shared/path.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const uint8_t *nl = memchr(data, '\n', size);
  size_t elen = nl ? (size_t)(nl - data) : size;
  char *expr = vg_xstrndup((const char *)data, elen);
  struct vg_err err;
  struct vg_path *p = vg_path_compile(expr, &err);
  free(expr);
  if (!p) return 0;
  json_t *doc = NULL;
  if (nl) doc = json_loadb((const char *)nl + 1, size - elen - 1, JSON_DECODE_ANY, NULL);
  if (doc) {
    static json_t *out[VG_LIMIT_PATH_MATCHES];
    size_t n = vg_path_select(p, doc, out, VG_LIMIT_PATH_MATCHES);
    for (size_t i = 0; i < n; i++)
      if (!out[i]) abort();
    json_t *first = vg_path_first(p, doc);
    if ((n == 0) != (first == NULL) || (n && first != out[0])) abort();
    json_decref(doc);
  }
  vg_path_free(p);
  return 0;
}
