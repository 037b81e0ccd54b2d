/* fuzz_events_file.c — libFuzzer target for the event files of `vigilctl
 * rules test --events` (cli/events_file.c): any input is a list of
 * envelopes or an error with a message. */
#include <stddef.h>
#include <stdint.h>

#include "cli/events_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  json_t *evs = NULL;
  struct vg_err err;
  int r = events_file_parse((const char *)data, size, "fuzz", &evs, &err);
  if (r == 0) {
    if (!json_is_array(evs) || !json_array_size(evs) || json_array_size(evs) > EVENTS_FILE_MAX) __builtin_trap();
    json_decref(evs);
  } else if (evs || err.msg[0] == '\0') {
    __builtin_trap();
  }
  return 0;
}
