/* fuzz_vt_parse.c — libFuzzer target for the VirusTotal v3 answer parsers
 * (backend/vt_parse.c): bytes from the network. A report accepted must have
 * the shape the lookup resource lends to metadata_rules: "engines" an
 * object of strings, "stats" an object of small integers. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "backend/vt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct vg_err err;
  vg_err_clear(&err);
  json_t *r = vt_parse_report((const char *)data, size, &err);
  if (r) {
    json_t *eng = json_object_get(r, "engines"), *st = json_object_get(r, "stats");
    if (!json_is_object(eng) || !json_is_object(st)) abort();
    const char *k;
    json_t *v;
    json_object_foreach(eng, k, v) {
      if (!json_is_string(v) || strlen(json_string_value(v)) > VT_FIELD_BYTES) abort();
    }
    json_object_foreach(st, k, v) {
      if (!json_is_integer(v) || json_integer_value(v) < 0) abort();
    }
    json_decref(r);
  } else if (!err.code || !err.msg[0]) {
    abort(); /* a refusal always says why */
  }
  char msg[300];
  vt_parse_error((const char *)data, size, msg, sizeof(msg));
  if (strlen(msg) >= sizeof(msg)) abort();
  return 0;
}
