/* api_client.h — the client side of vigild's API (docs/api.md) for vigilctl,
 * the console and anything else in C: one websocket (shared/ws_client.h,
 * TLS pinned to the credentials' CA), session.auth, requests matched to
 * responses by id, and pushes (subscriptions, task replies) delivered apart.
 *
 * Threading: thread-safe. Calls block only the calling thread; the console
 * calls from a worker, never from its drawing loop. */
#ifndef VIGIL_API_CLIENT_H
#define VIGIL_API_CLIENT_H

#include <jansson.h>
#include <stdint.h>

#include "shared/creds.h"
#include "shared/err.h"

struct vg_api;

/* Connect to c->url, pinning c->ca_file, and authenticate with c->api_key
 * for c->oid. With reconnect, a lost connection is re-established (and
 * re-authenticated) in the background. NULL with err (EOFFLINE, ETLS, EAUTH). */
struct vg_api *vg_api_connect(const struct vg_creds *c, bool reconnect, int timeout_ms,
                              struct vg_err *err);
void vg_api_close(struct vg_api *a);

/* Call method with params (stolen; NULL = {}). On success 0 and *result (new
 * reference). On an API error: the negative code matching the response's
 * error code and err->msg = the server's message; -VG_ETIMEOUT; -VG_EOFFLINE. */
int vg_api_call(struct vg_api *a, const char *method, json_t *params, int timeout_ms,
                json_t **result, struct vg_err *err);

/* The next push {"sub": id, "event": …} (new reference), or NULL after
 * timeout_ms (< 0 waits forever). Pushes are queued (bounded) in arrival
 * order; sub is the subscription id a subscribe/task call returned. */
json_t *vg_api_next_push(struct vg_api *a, int timeout_ms);

/* The result of the last successful session.auth ({"oid", "role",
 * "key_id"}; new reference), NULL before one. Extension for `whoami`. */
json_t *vg_api_session(struct vg_api *a);

/* True while connected and authenticated. */
bool vg_api_online(struct vg_api *a);

#endif
