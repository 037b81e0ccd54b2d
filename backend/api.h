/* api.h — the client API: the `vigil-api.v1` websocket protocol on the API
 * vhost (docs/api.md). JSON requests {"id","method","params"} → responses
 * {"id","result"} | {"id","error":{"code","message"}}; pushes {"sub",…}.
 * Methods are rows of one table (backend/api_table.c): name, minimum role,
 * handler. */
#ifndef VIGILD_API_H
#define VIGILD_API_H

#include <jansson.h>
#include <libwebsockets.h> /* struct lws_protocols, for the array below */
#include <stdint.h>

struct vigild;
struct vg_routing;
struct api;

extern const struct lws_protocols api_protocols[];

/* Create the API state; vd->store, reg, gw, tasks and server are read at
 * call time (they may be set after this). api_free after server_free (the
 * lws context's teardown closes sessions through the callback). */
struct api *api_create(struct vigild *vd);
void api_free(struct api *a);

/* Queue msg (reference stolen) to an API session; callable from any thread
 * (wakes the service thread). A session whose outbox is full loses the
 * subscription sub_id with a notice ({"sub":…, "error":{…}}); -VG_ENOTFOUND
 * when the session is gone, -VG_EBUSY when the message was refused. */
int api_push(struct api *a, uint64_t session_id, uint64_t sub_id, json_t *msg);

/* Ingest hook: the live stream for stream.subscribe subscribers. */
struct ingest_event;
void api_on_event(void *ctx, struct ingest_event *ev);

/* Drain the worker's results and pushes; from WAIT_CANCELLED. */
void api_drain(struct api *a);

#endif
