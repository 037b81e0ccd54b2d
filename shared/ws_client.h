/* ws_client.h — the WebSocket-over-TLS client every Vigil program uses (sensor
 * → gateway, vigilctl/console → API, integration tests).
 *
 * Threading: a client owns one libwebsockets context and one service thread;
 * every lws call happens on that thread. Other threads talk to it through a
 * bounded send queue and a bounded receive queue (both mutex-protected; the
 * service thread is woken with lws_cancel_service()). All functions below are
 * thread-safe unless stated otherwise; callbacks run on the service thread.
 * docs/ws-client.md has the whole story. */
#ifndef VIGIL_WS_CLIENT_H
#define VIGIL_WS_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include "shared/err.h"
#include "shared/limits.h"

#define VG_WS_BACKOFF_MIN_MS 250u     /* default first reconnect delay */
#define VG_WS_BACKOFF_MAX_MS 30000u   /* default delay cap */
#define VG_WS_CONNECT_TIMEOUT_S 10u   /* default TCP+TLS+upgrade timeout */

struct vg_ws_client;

/* Called on the service thread. They must not block for long, and must not
 * call vg_ws_client_free() or the blocking vg_ws_client_recv()/wait_open();
 * vg_ws_client_send() is allowed. */
struct vg_ws_callbacks {
  /* The connection is open (again, after a reconnect). */
  void (*on_open)(struct vg_ws_client *c, void *user);
  /* One complete message; msg (NUL-terminated at msg[len]) is borrowed for
   * the call. When set, messages bypass the receive queue. */
  void (*on_message)(struct vg_ws_client *c, const char *msg, size_t len, void *user);
  /* A connection attempt failed (code 0, reason = error text) or an open
   * connection ended (code = WebSocket close code: the server's, 1006 if the
   * connection dropped without one, 1009 if we refused an oversized
   * message). Not called while vg_ws_client_free() tears down. */
  void (*on_close)(struct vg_ws_client *c, int code, const char *reason, void *user);
};

struct vg_ws_opts {
  const char *host;         /* required: DNS name or IP literal to connect to */
  int port;                 /* required: 1..65535 */
  const char *path;         /* NULL → "/" */
  const char *subprotocol;  /* NULL → no Sec-WebSocket-Protocol */
  const char *ca_file;      /* required: PEM CA the server cert must chain to
                             * (pinned: the system store is not used) */
  const char *cert_file;    /* optional client certificate (mutual TLS) ... */
  const char *key_file;     /* ... and its key; both or neither */
  const char *server_name;  /* NULL → host: name the server cert must carry
                             * (also sent as SNI and Host) */
  size_t max_msg_bytes;     /* 0 → VG_LIMIT_MSG_BYTES; at most that */
  size_t send_queue_msgs;   /* 0 → VG_LIMIT_WS_QUEUE_MSGS */
  size_t recv_queue_msgs;   /* 0 → VG_LIMIT_WS_QUEUE_MSGS */
  bool reconnect;           /* false: one connection, then closed for good */
  unsigned backoff_min_ms;  /* 0 → VG_WS_BACKOFF_MIN_MS; doubles per failure */
  unsigned backoff_max_ms;  /* 0 → VG_WS_BACKOFF_MAX_MS; ±20 % jitter on top */
  unsigned connect_timeout_s; /* 0 → VG_WS_CONNECT_TIMEOUT_S */
  struct vg_ws_callbacks cb;  /* all optional */
  void *user;               /* passed to the callbacks */
};

/* Validate o, create the lws context and start the service thread, which
 * connects at once. Strings in o are copied. NULL (with err filled: EINVAL
 * for bad options, EIO for unreadable files, ETLS/EINTERNAL if lws refuses)
 * on failure. Connection failures are not create failures: see wait_open. */
struct vg_ws_client *vg_ws_client_create(const struct vg_ws_opts *o, struct vg_err *err);

/* Stop: close the connection politely (1001, bounded wait), stop the thread,
 * free queued messages and everything else. NULL is a no-op. No other call
 * on c may be running or follow. */
void vg_ws_client_free(struct vg_ws_client *c);

/* Queue a copy of text[0..len) as one text message. 0; -VG_ELIMIT if len >
 * max_msg_bytes; -VG_EBUSY if the send queue is full; -VG_EOFFLINE if not
 * connected and reconnect is off (or the client is shutting down). With
 * reconnect on, messages queued while offline go out after the next open.
 * A message being written when the connection drops is lost. */
int vg_ws_client_send(struct vg_ws_client *c, const char *text, size_t len);

/* Next received message (reassembled from fragments): *msg is a heap string
 * (NUL-terminated at len) the caller frees. timeout_ms < 0 waits forever,
 * 0 polls. 0; -VG_ETIMEOUT; -VG_ELIMIT once, in order, where the server sent
 * a message over max_msg_bytes (the client closed that connection with
 * 1009); -VG_EOFFLINE when the queue is empty and the client is closed for
 * good. Not for clients with an on_message callback (they get -VG_EINVAL). */
int vg_ws_client_recv(struct vg_ws_client *c, int timeout_ms, char **msg, size_t *len);

/* Wait until the connection is open. 0, -VG_ETIMEOUT, or -VG_EOFFLINE when
 * it will never open (reconnect off and the attempt failed or closed). */
int vg_ws_client_wait_open(struct vg_ws_client *c, int timeout_ms);

/* True while the WebSocket is open. */
bool vg_ws_client_is_open(struct vg_ws_client *c);

/* Why the last connection ended or failed: returns the close code (the
 * server's, 1006 dropped, 1009 we refused an oversized message, 0 when the
 * connect/TLS/upgrade failed or nothing happened yet) and copies the reason
 * text (the server's close reason, or lws's connect/TLS error text) into
 * buf[n] (NUL-terminated, "" if none). buf may be NULL when n is 0. */
int vg_ws_client_close_reason(struct vg_ws_client *c, char *buf, size_t n);

#endif
