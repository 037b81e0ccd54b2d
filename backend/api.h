/* api.h — the client API: the `vigil-api.v1` websocket protocol on the API
 * vhost (docs/api.md). JSON requests {"id","method","params"} → responses
 * {"id","result"} | {"id","error":{"code","message"}}; pushes {"sub",…}.
 * Methods are rows of one table (backend/api_table.c): name, minimum role,
 * handler. */
#ifndef VIGILD_API_H
#define VIGILD_API_H

#include <jansson.h>
#include <stdint.h>

struct vigild;
#include <libwebsockets.h>
struct vg_routing;
struct api;

extern const struct lws_protocols api_protocols[];

struct api *api_create(struct vigild *vd);
void api_free(struct api *a);

/* Queue msg (reference stolen) to an API session; callable from any thread
 * (wakes the service thread). A session whose outbox is full loses the
 * subscription sub_id with a notice ({"sub":…, "error":{…}}); -VG_ENOTFOUND
 * when the session is gone, -VG_EBUSY when the message was refused. */
int api_push(struct api *a, uint64_t session_id, uint64_t sub_id, json_t *msg);

/* Ingest hook: the live stream for stream.subscribe subscribers. */
void api_on_event(void *ctx, const json_t *ev, const struct vg_routing *r);

/* Drain the worker's results and pushes; from WAIT_CANCELLED. */
void api_drain(struct api *a);

#endif
