/* http_stand_in.c — the loopback HTTP(S) stand-in server of the tests. */
#include "tests/harness/http_stand_in.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "shared/alloc.h"

#define STAND_IN_REQ_MAX (1 << 20)

struct conn {
  int fd;
  SSL *ssl;
};

static ssize_t c_read(struct conn *c, char *b, size_t n) {
  if (c->ssl) {
    int r = SSL_read(c->ssl, b, (int)n);
    return r > 0 ? r : -1;
  }
  return recv(c->fd, b, n, 0);
}

static void c_write(struct conn *c, const char *b, size_t n) {
  while (n) {
    ssize_t w = c->ssl ? SSL_write(c->ssl, b, (int)n) : send(c->fd, b, n, MSG_NOSIGNAL);
    if (w <= 0) return;
    b += w;
    n -= (size_t)w;
  }
}

static const char *reason(int st) {
  switch (st) {
    case 200: return "OK";
    case 404: return "Not Found";
    case 429: return "Too Many Requests";
    case 401: return "Unauthorized";
    default: return "Status";
  }
}

static void serve(struct http_stand_in *s, int fd) {
  struct conn c = {.fd = fd};
  struct timeval tv = {.tv_sec = 10};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  if (s->tls) {
    c.ssl = SSL_new(s->tls);
    SSL_set_fd(c.ssl, fd);
    if (SSL_accept(c.ssl) != 1) goto out; /* e.g. the client refused our certificate */
  }
  size_t cap = 1 << 16, n = 0;
  char *b = vg_xmalloc(cap + 1);
  const char *end = NULL;
  long want = 0;
  for (;;) {
    if (n == cap) {
      if (cap >= STAND_IN_REQ_MAX) break;
      cap *= 2;
      b = vg_xrealloc(b, cap + 1);
    }
    ssize_t r = c_read(&c, b + n, cap - n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    n += (size_t)r;
    b[n] = '\0';
    if (!end && (end = memmem(b, n, "\r\n\r\n", 4))) {
      const char *cl = strcasestr(b, "\r\nContent-Length:");
      want = cl && cl < end ? strtol(cl + 17, NULL, 10) : 0;
    }
    if (end && (long)(n - (size_t)(end + 4 - b)) >= want) break;
  }
  if (end) {
    struct http_stand_in_req rq;
    memset(&rq, 0, sizeof(rq));
    sscanf(b, "%15s %1023s", rq.method, rq.path);
    const char *hs = strstr(b, "\r\n");
    rq.headers = vg_xasprintf("%.*s", (int)(end + 2 - (hs + 2)), hs + 2);
    rq.body = (char *)end + 4;
    rq.body_len = n - (size_t)(end + 4 - b);
    struct http_stand_in_reply rp = {.status = 200};
    s->handle(s->ctx, &rq, &rp);
    char *head = vg_xasprintf("HTTP/1.1 %d %s\r\nContent-Type: application/json\r\n%s"
                              "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                              rp.status, reason(rp.status), rp.headers,
                              rp.body ? strlen(rp.body) : 0);
    c_write(&c, head, strlen(head));
    if (rp.body) c_write(&c, rp.body, strlen(rp.body));
    free(head);
    free(rp.body);
    free(rq.headers);
    pthread_mutex_lock(&s->lock);
    s->requests++;
    pthread_mutex_unlock(&s->lock);
  }
  free(b);
out:
  if (c.ssl) {
    SSL_shutdown(c.ssl);
    SSL_free(c.ssl);
  }
  close(fd);
}

static void *run(void *arg) {
  struct http_stand_in *s = arg;
  while (!s->stop) {
    struct pollfd pf = {.fd = s->lfd, .events = POLLIN};
    int pr = poll(&pf, 1, 200);
    if (pr <= 0) continue;
    int fd = accept(s->lfd, NULL, NULL);
    if (fd >= 0) serve(s, fd);
  }
  return NULL;
}

int http_stand_in_start(struct http_stand_in *s, const char *cert, const char *key,
                        void (*handle)(void *, const struct http_stand_in_req *,
                                       struct http_stand_in_reply *),
                        void *ctx) {
  memset(s, 0, sizeof(*s));
  s->handle = handle;
  s->ctx = ctx;
  pthread_mutex_init(&s->lock, NULL);
  if (cert) {
    SSL_CTX *t = SSL_CTX_new(TLS_server_method());
    if (!t || SSL_CTX_use_certificate_chain_file(t, cert) != 1 ||
        SSL_CTX_use_PrivateKey_file(t, key, SSL_FILETYPE_PEM) != 1) {
      ERR_print_errors_fp(stderr);
      SSL_CTX_free(t);
      return -1;
    }
    s->tls = t;
  }
  s->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t l = sizeof(a);
  if (s->lfd < 0 || bind(s->lfd, (struct sockaddr *)&a, sizeof(a)) || listen(s->lfd, 16) ||
      getsockname(s->lfd, (struct sockaddr *)&a, &l))
    return -1;
  s->port = ntohs(a.sin_port);
  return pthread_create(&s->th, NULL, run, s) ? -1 : 0;
}

int http_stand_in_requests(struct http_stand_in *s) {
  pthread_mutex_lock(&s->lock);
  int n = s->requests;
  pthread_mutex_unlock(&s->lock);
  return n;
}

void http_stand_in_stop(struct http_stand_in *s) {
  s->stop = true;
  pthread_join(s->th, NULL);
  close(s->lfd);
  SSL_CTX_free(s->tls);
  pthread_mutex_destroy(&s->lock);
}

int http_stand_in_cert(const char *dir) {
  char *cmd = vg_xasprintf(
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
      "-subj /CN=vigil-stand-in -addext subjectAltName=IP:127.0.0.1,DNS:localhost "
      "-keyout '%s/stand-in.key' -out '%s/stand-in.crt' >/dev/null 2>&1",
      dir, dir);
  int r = system(cmd);
  free(cmd);
  return r == 0 ? 0 : -1;
}
