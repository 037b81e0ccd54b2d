/* fuzz_proto.c — the sensor protocol's framing: type peek, batch split (and
 * the codec on the events it yields), control message parse. */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/event_codec.h"
#include "shared/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *m = (const char *)data;
  char t[VG_PROTO_TYPE_BYTES];
  vg_proto_peek_type(m, size, t, NULL);
  uint64_t first;
  const char *ev;
  size_t elen;
  if (vg_proto_batch_split(m, size, &first, &ev, &elen, NULL) == 0) {
    if (ev < m || ev + elen > m + size) __builtin_trap();
    json_t *arr = NULL;
    if (vg_event_codec_decode_batch(ev, elen, &arr, NULL) == 0) json_decref(arr);
  }
  json_t *j = vg_proto_parse(m, size, NULL);
  json_decref(j);
  return 0;
}
