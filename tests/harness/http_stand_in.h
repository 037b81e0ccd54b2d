/* http_stand_in.h — a small HTTP/1.1 server on loopback inside a test,
 * plain or TLS (OpenSSL, a certificate made by http_stand_in_cert): one
 * request per connection, answered by the test's handler on the server's
 * thread. It stands in for remote services vigild calls (VirusTotal's v3
 * API, webhook receivers) and counts the requests it answered. */
#ifndef VIGIL_TEST_HTTP_STAND_IN_H
#define VIGIL_TEST_HTTP_STAND_IN_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

struct http_stand_in_req {
  char method[16];
  char path[1024];
  char *headers; /* the header block, "Name: value\r\n"… */
  char *body;
  size_t body_len;
};

struct http_stand_in_reply {
  int status;
  char headers[512]; /* extra header lines, each ending "\r\n" */
  char *body;        /* malloc'd by the handler, or NULL */
};

struct http_stand_in {
  int port;
  int lfd;
  void *tls; /* SSL_CTX * or NULL */
  void (*handle)(void *ctx, const struct http_stand_in_req *req, struct http_stand_in_reply *out);
  void *ctx;
  pthread_t th;
  pthread_mutex_t lock;
  int requests;         /* answered so far */
  volatile bool stop;
};

/* Listen on 127.0.0.1 (a free port); TLS when cert and key (PEM paths) are
 * given. 0 or -1. */
int http_stand_in_start(struct http_stand_in *s, const char *cert, const char *key,
                        void (*handle)(void *, const struct http_stand_in_req *,
                                       struct http_stand_in_reply *),
                        void *ctx);
int http_stand_in_requests(struct http_stand_in *s);
void http_stand_in_stop(struct http_stand_in *s);
/* A self-signed certificate for 127.0.0.1 / localhost in dir:
 * <dir>/stand-in.crt (also the CA file to trust) and <dir>/stand-in.key.
 * 0 or -1 (the openssl command failed). */
int http_stand_in_cert(const char *dir);

#endif
