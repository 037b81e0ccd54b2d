/* fuzz_creds.c — libFuzzer target for the credentials file parser
 * (vg_creds_parse): every environment selection on any input. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "shared/creds.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const char *const envs[] = {NULL, "prod", "lab"};
  for (size_t i = 0; i < sizeof envs / sizeof envs[0]; i++) {
    struct vg_creds c;
    struct vg_err err;
    int r = vg_creds_parse((const char *)data, size, "/fuzz/creds.yaml", envs[i], &c, &err);
    if (r == 0 && (!c.url[0] || !c.oid[0] || !c.api_key[0])) __builtin_trap();
    if (r == -VG_EPARSE && err.msg[0] == '\0') __builtin_trap();
  }
  return 0;
}
