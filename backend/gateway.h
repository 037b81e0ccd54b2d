/* gateway.h — the sensor gateway: the `vigil-enroll.v1` and `vigil-sensor.v1`
 * websocket protocols of docs/protocol.md, on the sensor vhost.
 * Every function here runs on the service thread only. */
#ifndef VIGILD_GATEWAY_H
#define VIGILD_GATEWAY_H

#include <jansson.h>
#include <stdbool.h>

#include "shared/err.h"

struct vigild;
#include <libwebsockets.h>
struct gateway;

extern const struct lws_protocols gateway_protocols[];

struct gateway *gateway_create(struct vigild *vd);
void gateway_free(struct gateway *gw);

/* True when the sensor has a live session. */
bool gateway_online(struct gateway *gw, const char *sid);
/* Queue msg (a protocol message object; reference stolen) to the sensor's
 * session. -VG_EOFFLINE when it has none, -VG_EBUSY when its outbox is full. */
int gateway_send(struct gateway *gw, const char *sid, json_t *msg, struct vg_err *err);
/* Push the sensor's current event selection / isolation state (after a change). */
void gateway_push_selection(struct gateway *gw, const char *oid, const char *sid);
void gateway_push_isolation(struct gateway *gw, const char *oid, const char *sid);
/* Close the sensor's session with policy violation and reason (deleted sensor). */
void gateway_kick(struct gateway *gw, const char *sid, const char *reason);

/* Drain completions from the ingest thread (acks, resumed reads). Called from
 * LWS_CALLBACK_EVENT_WAIT_CANCELLED. */
void gateway_drain(struct gateway *gw);

#endif
