/* server.h — vigild's one event loop: a libwebsockets context with two
 * vhosts (the sensor gateway, mutual TLS; the client API, TLS) served by one
 * thread that owns every socket. Other threads reach it only through
 * server_wake() (lws_cancel_service), after queueing work the loop drains in
 * LWS_CALLBACK_EVENT_WAIT_CANCELLED. */
#ifndef VIGILD_SERVER_H
#define VIGILD_SERVER_H

#include "shared/err.h"

struct lws_protocols;

struct server_opts {
  const char *sensor_listen;   /* host:port */
  const char *api_listen;      /* host:port */
  const char *cert, *key, *ca; /* PEM file paths: server cert/key, the CA for client certs */
  const struct lws_protocols *sensor_protocols; /* [0] also gets the cert-verify callback */
  const struct lws_protocols *api_protocols;
  void *user;                  /* lws_context_user() of every callback */
};

struct server;

/* Create the context and bind both listeners (fails if a port is taken).
 * Nothing is served until server_start(). */
struct server *server_create(const struct server_opts *o, struct vg_err *err);
/* Start the service thread. 0 or -VG_EINTERNAL. */
int server_start(struct server *s);
/* Wake the service thread; callable from any thread. */
void server_wake(struct server *s);
/* Ask the loop to stop, join it, destroy the context. NULL-safe. */
void server_free(struct server *s);
/* The bound ports (useful when 0 was asked for). */
int server_sensor_port(const struct server *s);
int server_api_port(const struct server *s);

#endif
