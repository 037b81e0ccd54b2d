/* api_sim.h — an API client for integration tests: the real websocket client
 * speaking `vigil-api.v1` (docs/api.md) to the real vigild, with Check
 * assertions on transport failures. Pushes that arrive while a response is
 * awaited are kept in client.pushes. */
#ifndef VIGIL_API_SIM_H
#define VIGIL_API_SIM_H

#include <jansson.h>
#include <stdint.h>

#include "tests/harness/harness.h"

struct creds {
  char oid[64], api_key[128];
};

struct client {
  struct vg_ws_client *ws;
  int64_t next_id;
  json_t *pushes; /* pushes seen while waiting for responses */
};

/* oid and api_key from a credentials.yaml vigild wrote. */
void read_creds(const char *path, struct creds *c);
/* …from the one d wrote in its data dir (the default organisation's admin). */
void vigild_creds(const struct harness_vigild *d, struct creds *c);
/* A second organisation on d: vigild is stopped, `vigild --create-org name`
 * run (an offline command), its credentials read into *out, and vigild
 * restarted on the same data dir and ports. */
void make_org(struct harness_vigild *d, const char *name, struct creds *out);
void client_open(struct client *c, const struct harness_vigild *d);
/* client_open, then session.auth as the default organisation's admin (the
 * credentials d wrote). */
void admin_open(struct client *c, const struct harness_vigild *d);
void client_close(struct client *c);
/* Next message (new reference) or NULL after timeout_ms. */
json_t *recv_json(struct client *c, int timeout_ms);
/* Send raw text, return the next response (new reference). */
json_t *call_raw(struct client *c, const char *text);
/* Call method with params (stolen, may be NULL): the whole response. */
json_t *call(struct client *c, const char *method, json_t *params);
/* The error code of a response, or "ok". */
const char *code_of(const json_t *resp);
/* The result of a call that must succeed (new reference). */
json_t *result_of(struct client *c, const char *method, json_t *params);
/* session.auth that must succeed with role. */
void auth(struct client *c, const char *oid, const char *key, const char *role);
/* keys.create with role; the new secret (heap). */
char *make_key(struct client *admin, const char *role);
/* The next push for subscription sub (kept ones first), or NULL after timeout_ms. */
json_t *next_push(struct client *c, int64_t sub, int timeout_ms);

#define EXPECT(c, method, params, code)                                                      \
  do {                                                                                       \
    json_t *r_ = call(c, method, params);                                                    \
    ck_assert_msg(strcmp(code_of(r_), code) == 0, "%s: expected %s, got %s", method, code, \
                  json_dumps(r_, JSON_COMPACT));                                             \
    json_decref(r_);                                                                         \
  } while (0)

#endif
