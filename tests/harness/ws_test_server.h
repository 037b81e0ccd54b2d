/* ws_test_server.h — a small libwebsockets WSS server for tests, on its own
 * service thread on 127.0.0.1, TLS from a test CA, optional mutual TLS.
 *
 * Behaviour, by the text of each message received:
 *   "big:N"            reply with one message of N bytes ('x'), fragmented
 *   "close:CODE:text"  close the connection with CODE and reason text
 *   anything else      echoed back as one message
 * A message over max_msg_bytes is answered with close 1009. When a client
 * certificate is required, one that does not chain to ca_file is refused at
 * the TLS handshake (the lws 4.1 verify-callback fix is in place). */
#ifndef VIGIL_WS_TEST_SERVER_H
#define VIGIL_WS_TEST_SERVER_H

#include <stddef.h>

struct ws_test_server;

struct ws_test_server_opts {
  const char *cert_file;    /* required: server certificate (PEM) */
  const char *key_file;     /* required: its key */
  const char *ca_file;      /* non-NULL: require a client cert chaining to it */
  int port;                 /* 0: a free loopback port */
  size_t max_msg_bytes;     /* 0: VG_LIMIT_MSG_BYTES */
  const char *subprotocol;  /* NULL: "vigil-test" */
};

/* Listening (and serving on its thread) when it returns; NULL on failure
 * (message on stderr). */
struct ws_test_server *ws_test_server_start(const struct ws_test_server_opts *o);
/* Stop the thread, close every connection, free. NULL is a no-op. */
void ws_test_server_stop(struct ws_test_server *s);

int ws_test_server_port(const struct ws_test_server *s);
/* WebSocket connections established so far. Thread-safe. */
int ws_test_server_established(struct ws_test_server *s);
/* Close code (and reason into buf[n]) the last client sent, 0 if none, or
 * the code the server closed with after a client's oversized message.
 * Thread-safe. */
int ws_test_server_last_close(struct ws_test_server *s, char *buf, size_t n);

#endif
