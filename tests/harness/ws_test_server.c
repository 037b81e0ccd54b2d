/* ws_test_server.c — scripted WSS echo server for the WebSocket client tests. */
#include "tests/harness/ws_test_server.h"

#include <libwebsockets.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/alloc.h"
#include "shared/buf.h"
#include "shared/limits.h"
#include "shared/ws_queue.h"
#include "shared/ws_tls.h"
#include "tests/harness/harness.h"

struct ws_test_server {
  struct lws_context *ctx;
  SSL_CTX *client_ctx;  /* so lws does not make one (it would load the system CAs) */
  struct lws_protocols protocols[2];
  pthread_t thread;
  atomic_bool stop;
  int port;
  size_t max_msg;
  unsigned char *frag;  /* service thread only */
  pthread_mutex_t mu;   /* guards the counters below */
  int established;
  int last_close;
  char last_reason[128];
};

/* Per connection, service thread only. */
struct pss {
  struct vg_ws_queue outq;
  struct vg_buf rx;
  struct vg_ws_msg *tx;
  size_t tx_off;
  int close_code;
  char close_reason[100];
};

static void srv_record_close(struct ws_test_server *s, int code, const char *r, size_t n) {
  pthread_mutex_lock(&s->mu);
  s->last_close = code;
  snprintf(s->last_reason, sizeof(s->last_reason), "%.*s", (int)n, r);
  pthread_mutex_unlock(&s->mu);
}

static void srv_message(struct lws *wsi, struct pss *p, char *msg, size_t len) {
  if (len > 4 && strncmp(msg, "big:", 4) == 0) {
    size_t n = strtoul(msg + 4, NULL, 10);
    char *big = vg_xmalloc(n + 1);
    memset(big, 'x', n);
    big[n] = '\0';
    vg_ws_queue_push(&p->outq, big, n, 0);
    free(msg);
  } else if (len > 6 && strncmp(msg, "close:", 6) == 0) {
    char *end;
    p->close_code = (int)strtol(msg + 6, &end, 10);
    snprintf(p->close_reason, sizeof(p->close_reason), "%s", *end == ':' ? end + 1 : "");
    free(msg);
  } else {
    vg_ws_queue_push(&p->outq, msg, len, 0);
  }
  lws_callback_on_writable(wsi);
}

static int srv_writeable(struct ws_test_server *s, struct lws *wsi, struct pss *p) {
  if (p->close_code) {
    lws_close_reason(wsi, (enum lws_close_status)p->close_code, (unsigned char *)p->close_reason,
                     strlen(p->close_reason));
    return -1;
  }
  if (!p->tx) {
    p->tx = vg_ws_queue_pop(&p->outq);
    p->tx_off = 0;
  }
  if (!p->tx) return 0;
  size_t n = p->tx->len - p->tx_off;
  if (n > VG_LIMIT_WS_FRAGMENT_BYTES) n = VG_LIMIT_WS_FRAGMENT_BYTES;
  bool first = p->tx_off == 0, last = p->tx_off + n == p->tx->len;
  memcpy(s->frag + LWS_PRE, p->tx->data + p->tx_off, n);
  int flags = lws_write_ws_flags(LWS_WRITE_TEXT, first, last);
  if (lws_write(wsi, s->frag + LWS_PRE, n, (enum lws_write_protocol)flags) < (int)n) return -1;
  p->tx_off += n;
  if (last) {
    vg_ws_msg_free(p->tx);
    p->tx = NULL;
  }
  if (p->tx || p->outq.count) lws_callback_on_writable(wsi);
  return 0;
}

static int srv_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                        size_t len) {
  struct pss *p = user;
  switch (reason) {
  /* lws 4.1 turns this callback's 0 into "certificate OK" even when OpenSSL
   * said no: reject unless OpenSSL pre-verified (LIBRARY-NOTES §1). */
  case LWS_CALLBACK_OPENSSL_PERFORM_CLIENT_CERT_VERIFICATION:
    return len ? 0 : 1;
  default:
    break;
  }
  struct ws_test_server *s = wsi ? lws_context_user(lws_get_context(wsi)) : NULL;
  if (!s) return 0;
  switch (reason) {
  case LWS_CALLBACK_ESTABLISHED:
    vg_ws_queue_init(&p->outq, VG_LIMIT_WS_QUEUE_MSGS, VG_LIMIT_WS_QUEUE_BYTES);
    vg_buf_init(&p->rx, s->max_msg);
    p->tx = NULL;
    p->close_code = 0;
    pthread_mutex_lock(&s->mu);
    s->established++;
    pthread_mutex_unlock(&s->mu);
    return 0;
  case LWS_CALLBACK_RECEIVE:
    if (vg_buf_append(&p->rx, in, len) < 0) {
      srv_record_close(s, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, "server: message too large", 25);
      lws_close_reason(wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, (unsigned char *)"message too large", 17);
      return -1;
    }
    if (lws_is_final_fragment(wsi) && !lws_remaining_packet_payload(wsi)) {
      size_t n;
      char *msg = vg_buf_steal(&p->rx, &n);
      srv_message(wsi, p, msg, n);
    }
    return 0;
  case LWS_CALLBACK_SERVER_WRITEABLE:
    return srv_writeable(s, wsi, p);
  case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE: {
    const unsigned char *b = in;
    srv_record_close(s, len >= 2 ? (b[0] << 8) | b[1] : 0, len > 2 ? (const char *)b + 2 : "",
                     len > 2 ? len - 2 : 0);
    return 0;
  }
  case LWS_CALLBACK_CLOSED:
    vg_ws_queue_cleanup(&p->outq);
    vg_buf_cleanup(&p->rx);
    vg_ws_msg_free(p->tx);
    p->tx = NULL;
    return 0;
  default:
    return lws_callback_http_dummy(wsi, reason, user, in, len);
  }
}

static void *srv_thread(void *arg) {
  struct ws_test_server *s = arg;
  while (!atomic_load(&s->stop)) lws_service(s->ctx, 0);
  return NULL;
}

struct ws_test_server *ws_test_server_start(const struct ws_test_server_opts *o) {
  struct ws_test_server *s = vg_xcalloc(1, sizeof(*s));
  s->port = o->port ? o->port : harness_free_port();
  s->max_msg = o->max_msg_bytes ? o->max_msg_bytes : VG_LIMIT_MSG_BYTES;
  s->frag = vg_xmalloc(LWS_PRE + VG_LIMIT_WS_FRAGMENT_BYTES);
  pthread_mutex_init(&s->mu, NULL);
  atomic_init(&s->stop, false);
  s->protocols[0].name = o->subprotocol ? o->subprotocol : "vigil-test";
  s->protocols[0].callback = srv_callback;
  s->protocols[0].per_session_data_size = sizeof(struct pss);
  s->protocols[0].rx_buffer_size = 65536;

  struct lws_context_creation_info info;
  memset(&info, 0, sizeof(info));
  info.port = s->port;
  info.iface = "127.0.0.1";
  info.protocols = s->protocols;
  info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT | LWS_SERVER_OPTION_FAIL_UPON_UNABLE_TO_BIND;
  if (o->ca_file) info.options |= LWS_SERVER_OPTION_REQUIRE_VALID_OPENSSL_CLIENT_CERT;
  info.ssl_cert_filepath = o->cert_file;
  info.ssl_private_key_filepath = o->key_file;
  info.ssl_ca_filepath = o->ca_file;
  info.fd_limit_per_thread = 64;
  s->client_ctx = vg_ws_tls_client_ctx(NULL, NULL, NULL, NULL);
  info.provided_client_ssl_ctx = s->client_ctx;
  info.user = s;
  s->ctx = lws_create_context(&info);
  if (!s->ctx) {
    fprintf(stderr, "ws_test_server: cannot listen on 127.0.0.1:%d\n", s->port);
    goto fail;
  }
  if (pthread_create(&s->thread, NULL, srv_thread, s) != 0) {
    lws_context_destroy(s->ctx);
    goto fail;
  }
  return s;
fail:
  SSL_CTX_free(s->client_ctx);
  pthread_mutex_destroy(&s->mu);
  free(s->frag);
  free(s);
  return NULL;
}

void ws_test_server_stop(struct ws_test_server *s) {
  if (!s) return;
  atomic_store(&s->stop, true);
  lws_cancel_service(s->ctx);
  pthread_join(s->thread, NULL);
  lws_context_destroy(s->ctx); /* the service thread is gone: safe here */
  SSL_CTX_free(s->client_ctx);
  pthread_mutex_destroy(&s->mu);
  free(s->frag);
  free(s);
}

int ws_test_server_port(const struct ws_test_server *s) { return s->port; }

int ws_test_server_established(struct ws_test_server *s) {
  pthread_mutex_lock(&s->mu);
  int n = s->established;
  pthread_mutex_unlock(&s->mu);
  return n;
}

int ws_test_server_last_close(struct ws_test_server *s, char *buf, size_t n) {
  pthread_mutex_lock(&s->mu);
  int code = s->last_close;
  if (buf && n) snprintf(buf, n, "%s", s->last_reason);
  pthread_mutex_unlock(&s->mu);
  return code;
}
