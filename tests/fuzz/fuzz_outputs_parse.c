/* fuzz_outputs_parse.c — libFuzzer target for the outputs' parsers of
 * untrusted or user-given text (backend/outputs.h): host:port, webhook URLs,
 * HTTP status lines from remote servers, and output configurations. Each must
 * refuse bad input without crashing, and what it accepts must be in bounds. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "backend/outputs.h"
#include "shared/alloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 1 << 14) return 0;
  char *s = vg_xmalloc(size + 1);
  memcpy(s, data, size);
  s[size] = '\0';
  char host[256], port[16];
  if (outputs_send_hostport(s, host, sizeof(host), port, sizeof(port)) == 0 &&
      (strlen(host) >= sizeof(host) || strlen(port) >= sizeof(port)))
    abort();
  const char *path = NULL;
  if (outputs_send_url(s, host, sizeof(host), port, sizeof(port), &path) == 0 &&
      (!path || path[0] != '/' || strlen(host) >= sizeof(host) || strlen(port) >= sizeof(port)))
    abort();
  int st = outputs_send_http_status((const char *)data, size);
  if (st != -1 && (st < 0 || st > 999)) abort();
  json_t *cfg = json_loadb((const char *)data, size, 0, NULL);
  if (json_is_object(cfg)) outputs_send_validate(cfg, NULL);
  json_decref(cfg);
  free(s);
  return 0;
}
