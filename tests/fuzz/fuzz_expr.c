/* fuzz_expr.c — libFuzzer target for the expression engine: the input is
 * rule YAML (a detect node); compile it and evaluate it (with a state, for
 * stateful roots) on a fixed sample of events: NEW_PROCESS parent and child,
 * DNS_REQUEST, NETWORK_CONNECTIONS. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>

#include "shared/expr.h"
#include "shared/routing.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const samples[] = {
  "{\"routing\":{\"event_type\":\"NEW_PROCESS\",\"event_time\":1000,\"sid\":\"09530d35-2df9-4fd2-845e-80a0c06efaa3\","
  "\"plat\":268435456,\"arch\":2,\"tags\":[\"vip\"],\"this\":\"00000000000000000000000000000001\","
  "\"parent\":\"00000000000000000000000000000009\"},\"event\":{\"FILE_PATH\":\"C:\\\\x\\\\word.exe\","
  "\"COMMAND_LINE\":\"word.exe /q aaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\"PROCESS_ID\":42,\"PARENT\":{\"FILE_PATH\":\"x\"}}}",
  "{\"routing\":{\"event_type\":\"NEW_PROCESS\",\"event_time\":2000,\"sid\":\"09530d35-2df9-4fd2-845e-80a0c06efaa3\","
  "\"plat\":268435456,\"arch\":2,\"this\":\"00000000000000000000000000000002\","
  "\"parent\":\"00000000000000000000000000000001\"},\"event\":{\"FILE_PATH\":\"C:\\\\x\\\\cmd.exe\",\"N\":[1,2,3]}}",
  "{\"routing\":{\"event_type\":\"DNS_REQUEST\",\"event_time\":3000,\"sid\":\"09530d35-2df9-4fd2-845e-80a0c06efaa3\","
  "\"plat\":536870912,\"arch\":1},\"event\":{\"DOMAIN_NAME\":\"a.b.evil.com\",\"IP_ADDRESS\":\"10.0.0.1\"}}",
  "{\"routing\":{\"event_type\":\"NETWORK_CONNECTIONS\",\"event_time\":4000},\"event\":{\"NETWORK_ACTIVITY\":["
  "{\"SOURCE\":{\"IP_ADDRESS\":\"fd00::1\",\"PORT\":1}},{\"DESTINATION\":{\"IP_ADDRESS\":\"8.8.8.8\"}}]}}",
};

static const json_t *var(void *u, const struct vg_routing *r, const char *name) {
  (void)u, (void)r, (void)name;
  static json_t *v;
  if (!v) v = json_pack("[s,s]", "root", "evil.com");
  return v;
}
static bool lookup(void *u, const char *res, const char *val, const json_t **mtd) {
  (void)u, (void)res;
  static json_t *m;
  if (!m) m = json_pack("[s,s]", "a", "b");
  *mtd = m;
  return val[0] == 'a' || val[0] == 'e';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct vg_err err;
  struct vg_expr *e = vg_expr_compile_text((const char *)data, size, "fuzz", &err);
  if (!e) return 0;
  struct vg_expr_env env = {NULL, var, lookup, NULL, 0};
  struct vg_expr_state *st = vg_expr_state_new();
  for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
    json_t *ev = json_loads(samples[i], 0, NULL);
    struct vg_routing r;
    if (!ev || vg_routing_get(ev, &r, NULL)) abort();
    json_t *rep = NULL;
    vg_expr_eval(e, ev, &r, &env, st, &rep);
    json_decref(rep);
    json_decref(ev);
  }
  vg_expr_state_free(st);
  vg_expr_free(e);
  return 0;
}
