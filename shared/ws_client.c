/* ws_client.c — WebSocket-over-TLS client: one lws context and service
 * thread per client, bounded send/receive queues to the other threads,
 * reassembly and fragmentation of messages, reconnect with back-off. */
#include "shared/ws_client.h"

#include <libwebsockets.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "shared/alloc.h"
#include "shared/buf.h"
#include "shared/log.h"
#include "shared/ws_queue.h"
#include "shared/ws_tls.h"

#define WS_BACKOFF_STEPS 16       /* entries in the doubling back-off table */
#define WS_JITTER_PERCENT 20
#define WS_CLOSE_WAIT_US 500000   /* free(): wait this long for the close handshake */
#define WS_RX_CHUNK 65536         /* lws rx_buffer_size: bytes per RECEIVE */

struct vg_ws_client {
  /* Immutable after create. */
  char *host, *path, *subprotocol, *server_name;
  int port;
  size_t max_msg;
  bool reconnect;
  struct vg_ws_callbacks cb;
  void *user;
  struct lws_protocols protocols[2];
  uint32_t backoff_ms[WS_BACKOFF_STEPS];
  lws_retry_bo_t retry;
  SSL_CTX *ssl_ctx;         /* ours (pinned CA), lws only borrows it */
  struct lws_context *ctx;  /* destroyed by the service thread at exit */
  pthread_t thread;

  /* Service thread only. */
  struct lws *wsi;              /* current connection (connecting or open) */
  lws_sorted_usec_list_t sul_connect, sul_stop;
  uint16_t retry_count;
  struct vg_buf rx;             /* message being reassembled */
  struct vg_ws_msg *tx;         /* message being written, and how far */
  size_t tx_off;
  unsigned char *frag;          /* LWS_PRE + VG_LIMIT_WS_FRAGMENT_BYTES */
  bool peer_closed;             /* close frame seen on this connection */
  bool reported;                /* this attempt's end was handled */
  int local_close;              /* close code we initiated on this connection */
  bool stop_started, quit, tearing_down;

  atomic_bool stop;             /* free() asks the service thread to end */

  pthread_mutex_t mu;           /* guards everything below */
  pthread_cond_t cv;            /* open/dead/recvq changes */
  struct vg_ws_queue sendq, recvq;
  bool open;                    /* WebSocket established */
  bool dead;                    /* closed for good (reconnect off, or stopping) */
  bool rx_paused;               /* lws_rx_flow_control(wsi, 0) in effect */
  bool ctx_gone;                /* no more lws_cancel_service() */
  int close_code;
  char reason[VG_LIMIT_WS_REASON_BYTES];
};

static void ws_connect(lws_sorted_usec_list_t *sul);

/* Next attempt after the back-off delay (our table, not lws's default). */
static void ws_schedule_retry(struct vg_ws_client *c) {
  if (c->reconnect && !atomic_load(&c->stop))
    lws_retry_sul_schedule(c->ctx, 0, &c->sul_connect, &c->retry, ws_connect, &c->retry_count);
}

/* Wake the service thread. Caller holds c->mu. */
static void ws_wake_locked(struct vg_ws_client *c) {
  if (!c->ctx_gone) lws_cancel_service(c->ctx);
}

static void ws_set_reason(struct vg_ws_client *c, int code, const char *text, size_t len) {
  pthread_mutex_lock(&c->mu);
  c->close_code = code;
  if (len >= sizeof(c->reason)) len = sizeof(c->reason) - 1;
  memcpy(c->reason, text, len);
  c->reason[len] = '\0';
  pthread_mutex_unlock(&c->mu);
}

/* A connection attempt failed or an open connection ended: report, then
 * schedule a retry or become dead. */
static void ws_conn_ended(struct vg_ws_client *c, struct lws *wsi, bool failed, const char *text,
                          size_t len) {
  (void)wsi;
  if (c->reported) return;
  c->reported = true;
  c->wsi = NULL;
  vg_ws_msg_free(c->tx);
  c->tx = NULL;
  vg_buf_reset(&c->rx);
  char reason[VG_LIMIT_WS_REASON_BYTES];
  int code = 0;
  if (failed) {
    snprintf(reason, sizeof(reason), "%.*s", (int)len, text);
    ws_set_reason(c, 0, reason, strlen(reason));
  } else if (c->peer_closed || c->local_close) {
    pthread_mutex_lock(&c->mu);
    code = c->close_code;
    snprintf(reason, sizeof(reason), "%s", c->reason);
    pthread_mutex_unlock(&c->mu);
  } else {
    code = LWS_CLOSE_STATUS_ABNORMAL_CLOSE;
    snprintf(reason, sizeof(reason), "connection lost");
    ws_set_reason(c, code, reason, strlen(reason));
  }
  bool stopping = atomic_load(&c->stop);
  pthread_mutex_lock(&c->mu);
  c->open = false;
  c->rx_paused = false;
  if (!c->reconnect) c->dead = true;
  pthread_cond_broadcast(&c->cv);
  pthread_mutex_unlock(&c->mu);
  if (c->tearing_down || stopping) return;
  if (failed)
    vg_warn("ws", "connect to %s:%d failed: %s", c->host, c->port, reason);
  else
    vg_info("ws", "connection to %s:%d closed: %d %s", c->host, c->port, code, reason);
  if (c->cb.on_close) c->cb.on_close(c, code, reason, c->user);
  ws_schedule_retry(c);
}

static void ws_connect(lws_sorted_usec_list_t *sul) {
  struct vg_ws_client *c = lws_container_of(sul, struct vg_ws_client, sul_connect);
  if (atomic_load(&c->stop) || c->wsi) return;
  struct lws_client_connect_info i;
  memset(&i, 0, sizeof(i));
  i.context = c->ctx;
  i.address = c->host; /* resolved again on every attempt */
  i.port = c->port;
  i.path = c->path;
  i.host = c->server_name;
  i.origin = c->server_name;
  i.ssl_connection = LCCSCF_USE_SSL;
  i.protocol = c->subprotocol;
  i.local_protocol_name = c->protocols[0].name;
  i.retry_and_idle_policy = &c->retry;
  i.userdata = c;
  i.pwsi = &c->wsi;
  c->peer_closed = false;
  c->local_close = 0;
  c->reported = false;
  vg_debug("ws", "connecting to %s:%d%s (attempt %u)", c->host, c->port, c->path,
           (unsigned)c->retry_count + 1);
  if (lws_client_connect_via_info(&i)) return;
  c->wsi = NULL;
  if (c->reported) return; /* CONNECTION_ERROR already ran (and rescheduled) */
  c->reported = true;
  const char *msg = "cannot start connection (address resolution or socket failed)";
  ws_set_reason(c, 0, msg, strlen(msg));
  pthread_mutex_lock(&c->mu);
  if (!c->reconnect) c->dead = true;
  pthread_cond_broadcast(&c->cv);
  pthread_mutex_unlock(&c->mu);
  vg_warn("ws", "connect to %s:%d failed: %s", c->host, c->port, msg);
  if (c->cb.on_close) c->cb.on_close(c, 0, msg, c->user);
  ws_schedule_retry(c);
}

/* The frame header (RFC 6455 §5.2) of a masked client frame carrying n
 * payload bytes, written to end exactly at h + WS_FRAME_HEADER_MAX; returns
 * its length. */
#define WS_FRAME_HEADER_MAX 14 /* 2 + 8-byte length + 4-byte mask key */
_Static_assert(LWS_PRE >= WS_FRAME_HEADER_MAX, "the frame header goes in LWS_PRE");
static size_t frame_header(unsigned char *h, bool first, bool last, size_t n,
                           const unsigned char key[4]) {
  unsigned char b[WS_FRAME_HEADER_MAX];
  size_t len = 0;
  b[len++] = (unsigned char)((last ? 0x80 : 0) | (first ? 0x1 : 0x0)); /* text / continuation */
  if (n < 126) {
    b[len++] = (unsigned char)(0x80 | n);
  } else if (n < 65536) {
    b[len++] = 0x80 | 126;
    b[len++] = (unsigned char)(n >> 8);
    b[len++] = (unsigned char)n;
  } else {
    b[len++] = 0x80 | 127;
    for (int i = 7; i >= 0; i--) b[len++] = (unsigned char)((uint64_t)n >> (8 * i));
  }
  memcpy(b + len, key, 4);
  len += 4;
  memcpy(h + WS_FRAME_HEADER_MAX - len, b, len);
  return len;
}

/* dst = src XOR the repeated key (RFC 6455 §5.3), eight bytes at a time. */
static void mask_copy(unsigned char *dst, const char *src, size_t n, const unsigned char key[4]) {
  uint32_t k32;
  memcpy(&k32, key, 4);
  uint64_t k = (uint64_t)k32 << 32 | k32;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    memcpy(&w, src + i, 8);
    w ^= k;
    memcpy(dst + i, &w, 8);
  }
  for (; i < n; i++) dst[i] = (unsigned char)src[i] ^ key[i & 3];
}

/* One fragment of the current message per WRITEABLE, framed and masked
 * here: lws_write() masks a client's payload one byte at a time through
 * its connection state (about 5 cycles a byte, 8 % of the machine in
 * bench_ingest and the same share of a sensor's cost per event sent). The
 * finished frame goes out through lws_write(LWS_WRITE_HTTP), which on a
 * WebSocket connection sends bytes as they are and buffers what the socket
 * does not take (lws 4.1 rops_write_role_protocol_ws, "send_raw"); control
 * frames lws sends itself wait until that buffer is drained, so frames
 * never interleave (docs/ws-client.md). */
static int ws_writeable(struct vg_ws_client *c, struct lws *wsi) {
  if (c->stop_started) {
    lws_close_reason(wsi, LWS_CLOSE_STATUS_GOINGAWAY, (unsigned char *)"client shutting down", 20);
    return -1;
  }
  pthread_mutex_lock(&c->mu);
  if (!c->tx) {
    c->tx = vg_ws_queue_pop(&c->sendq);
    c->tx_off = 0;
  }
  bool more = c->sendq.count > 0;
  pthread_mutex_unlock(&c->mu);
  if (!c->tx) return 0;
  size_t n = c->tx->len - c->tx_off;
  if (n > VG_LIMIT_WS_FRAGMENT_BYTES) n = VG_LIMIT_WS_FRAGMENT_BYTES;
  bool first = c->tx_off == 0, last = c->tx_off + n == c->tx->len;
  unsigned char key[4];
  arc4random_buf(key, sizeof(key)); /* a fresh unpredictable key per frame (§5.3) */
  unsigned char *payload = c->frag + LWS_PRE;
  size_t hl = frame_header(payload - WS_FRAME_HEADER_MAX, first, last, n, key);
  mask_copy(payload, c->tx->data + c->tx_off, n, key);
  int w = lws_write(wsi, payload - hl, hl + n, LWS_WRITE_HTTP);
  if (w < (int)(hl + n)) {
    vg_warn("ws", "write to %s:%d failed", c->host, c->port);
    return -1;
  }
  c->tx_off += n;
  if (last) {
    vg_ws_msg_free(c->tx);
    c->tx = NULL;
  }
  if (c->tx || more) lws_callback_on_writable(wsi);
  return 0;
}

static int ws_receive(struct vg_ws_client *c, struct lws *wsi, const void *in, size_t len) {
  if (vg_buf_append(&c->rx, in, len) < 0) {
    char why[VG_LIMIT_WS_REASON_BYTES];
    snprintf(why, sizeof(why), "message exceeds %zu bytes (closed by client)", c->max_msg);
    vg_warn("ws", "%s:%d: %s", c->host, c->port, why);
    c->local_close = LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE;
    ws_set_reason(c, c->local_close, why, strlen(why));
    vg_buf_reset(&c->rx);
    if (!c->cb.on_message) {
      pthread_mutex_lock(&c->mu);
      vg_ws_queue_push(&c->recvq, NULL, 0, -VG_ELIMIT);
      pthread_cond_broadcast(&c->cv);
      pthread_mutex_unlock(&c->mu);
    }
    lws_close_reason(wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, (unsigned char *)"message too large", 17);
    return -1;
  }
  if (!lws_is_final_fragment(wsi) || lws_remaining_packet_payload(wsi)) return 0;
  size_t n;
  char *msg = vg_buf_steal(&c->rx, &n);
  if (c->cb.on_message) {
    c->cb.on_message(c, msg, n, c->user);
    free(msg);
    return 0;
  }
  pthread_mutex_lock(&c->mu);
  vg_ws_queue_push(&c->recvq, msg, n, 0);
  bool pause = vg_ws_queue_full(&c->recvq, 0) && !c->rx_paused;
  if (pause) c->rx_paused = true;
  pthread_cond_broadcast(&c->cv);
  pthread_mutex_unlock(&c->mu);
  if (pause) {
    vg_debug("ws", "receive queue full: pausing reads from %s:%d", c->host, c->port);
    lws_rx_flow_control(wsi, 0);
  }
  return 0;
}

/* lws_cancel_service() from another thread: new sends, space in the
 * receive queue, or stop. */
static void ws_woken(struct vg_ws_client *c) {
  if (!c->wsi) return;
  pthread_mutex_lock(&c->mu);
  bool open = c->open, want_write = c->sendq.count > 0 || c->tx;
  bool resume = c->rx_paused && !vg_ws_queue_full(&c->recvq, 0);
  if (resume) c->rx_paused = false;
  pthread_mutex_unlock(&c->mu);
  if (!open) return;
  if (want_write || c->stop_started) lws_callback_on_writable(c->wsi);
  if (resume) lws_rx_flow_control(c->wsi, 1);
}

static int ws_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                       size_t len) {
  (void)user;
  if (!wsi) return 0;
  struct lws_context *ctx = lws_get_context(wsi);
  struct vg_ws_client *c = ctx ? lws_context_user(ctx) : NULL;
  if (!c) return 0;
  switch (reason) {
  case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
    ws_conn_ended(c, wsi, true, in ? (const char *)in : "connection failed",
                  in ? strnlen(in, len ? len : VG_LIMIT_WS_REASON_BYTES) : 17);
    break;
  case LWS_CALLBACK_CLIENT_ESTABLISHED: {
    c->retry_count = 0;
    vg_buf_reset(&c->rx);
    pthread_mutex_lock(&c->mu);
    c->open = true;
    bool pending = c->sendq.count > 0;
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
    vg_info("ws", "connected to %s:%d%s", c->host, c->port, c->path);
    if (c->cb.on_open && !c->tearing_down) c->cb.on_open(c, c->user);
    if (pending || c->stop_started) lws_callback_on_writable(wsi);
    break;
  }
  case LWS_CALLBACK_CLIENT_RECEIVE:
    return ws_receive(c, wsi, in, len);
  case LWS_CALLBACK_CLIENT_WRITEABLE:
    return ws_writeable(c, wsi);
  case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE: {
    const unsigned char *p = in;
    int code = len >= 2 ? (p[0] << 8) | p[1] : LWS_CLOSE_STATUS_NO_STATUS;
    c->peer_closed = true;
    ws_set_reason(c, code, len > 2 ? (const char *)p + 2 : "", len > 2 ? len - 2 : 0);
    break;
  }
  case LWS_CALLBACK_CLIENT_CLOSED:
    ws_conn_ended(c, wsi, false, "", 0);
    break;
  case LWS_CALLBACK_WSI_DESTROY:
    /* lws 4.1 frees a client wsi whose handshake write fails (server hung
     * up, e.g. after refusing our certificate) without CONNECTION_ERROR or
     * CLIENT_CLOSED: report it here so waiters and reconnect still work. */
    if (!c->reported) {
      static const char why[] = "connection closed during the TLS/WebSocket handshake";
      ws_conn_ended(c, wsi, true, why, sizeof(why) - 1);
    }
    break;
  case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
    ws_woken(c);
    break;
  default:
    break;
  }
  return 0;
}

static void ws_stop_timeout(lws_sorted_usec_list_t *sul) {
  struct vg_ws_client *c = lws_container_of(sul, struct vg_ws_client, sul_stop);
  c->quit = true;
}

/* Service thread side of free(): polite close (bounded), then quit. */
static void ws_stop_step(struct vg_ws_client *c) {
  if (!c->stop_started) {
    c->stop_started = true;
    lws_sul_cancel(&c->sul_connect);
    pthread_mutex_lock(&c->mu);
    bool open = c->open;
    pthread_mutex_unlock(&c->mu);
    if (c->wsi && open) {
      lws_callback_on_writable(c->wsi);
      lws_sul_schedule(c->ctx, 0, &c->sul_stop, ws_stop_timeout, WS_CLOSE_WAIT_US);
      return;
    }
  }
  if (!c->wsi) c->quit = true;
  if (c->wsi && !c->open) c->quit = true; /* still connecting: just drop it */
}

static void *ws_thread(void *arg) {
  struct vg_ws_client *c = arg;
  ws_connect(&c->sul_connect);
  while (!c->quit) {
    if (atomic_load(&c->stop)) ws_stop_step(c);
    if (c->quit) break;
    lws_service(c->ctx, 0);
  }
  lws_sul_cancel(&c->sul_connect);
  lws_sul_cancel(&c->sul_stop);
  c->tearing_down = true;
  pthread_mutex_lock(&c->mu);
  c->ctx_gone = true;
  pthread_mutex_unlock(&c->mu);
  lws_context_destroy(c->ctx);
  c->ctx = NULL;
  return NULL;
}

static void ws_lws_log(int level, const char *line) {
  size_t n = strlen(line);
  while (n && (line[n - 1] == '\n' || line[n - 1] == '\r')) n--;
  vg_log(level == LLL_ERR ? VG_LOG_ERROR : level == LLL_WARN ? VG_LOG_WARN : VG_LOG_DEBUG, "ws",
         "lws: %.*s", (int)n, line);
}

/* lws's log level is process-wide: route ERR/WARN (and NOTICE/INFO when
 * vg_log is at debug or finer) into vg_log, once, at the first create. */
static void ws_lws_log_init(void) {
  int levels = LLL_ERR | LLL_WARN;
  if (vg_log_get_level() >= VG_LOG_DEBUG) levels |= LLL_NOTICE | LLL_INFO;
  lws_set_log_level(levels, ws_lws_log);
}

static int ws_check_file(const char *what, const char *path, struct vg_err *err) {
  if (access(path, R_OK) != 0) return vg_err_fail(err, VG_EIO, "%s '%s' is not readable", what, path);
  return 0;
}

static int ws_check_opts(const struct vg_ws_opts *o, struct vg_err *err) {
  if (!o || !o->host || !*o->host) return vg_err_fail(err, VG_EINVAL, "ws: host is required");
  if (o->port < 1 || o->port > 65535) return vg_err_fail(err, VG_EINVAL, "ws: port %d out of range", o->port);
  if (!o->ca_file) return vg_err_fail(err, VG_EINVAL, "ws: ca_file is required (server certificate pinning)");
  if (!o->cert_file != !o->key_file)
    return vg_err_fail(err, VG_EINVAL, "ws: cert_file and key_file go together");
  if (o->max_msg_bytes > VG_LIMIT_MSG_BYTES)
    return vg_err_fail(err, VG_EINVAL, "ws: max_msg_bytes %zu exceeds %u", o->max_msg_bytes, VG_LIMIT_MSG_BYTES);
  if (o->path && o->path[0] != '/') return vg_err_fail(err, VG_EINVAL, "ws: path must start with '/'");
  int r = ws_check_file("CA file", o->ca_file, err);
  if (!r && o->cert_file) r = ws_check_file("client certificate", o->cert_file, err);
  if (!r && o->key_file) r = ws_check_file("client key", o->key_file, err);
  return r;
}

static void ws_fill_backoff(struct vg_ws_client *c, const struct vg_ws_opts *o) {
  uint32_t lo = o->backoff_min_ms ? o->backoff_min_ms : VG_WS_BACKOFF_MIN_MS;
  uint32_t hi = o->backoff_max_ms ? o->backoff_max_ms : VG_WS_BACKOFF_MAX_MS;
  if (hi < lo) hi = lo;
  uint16_t n = 0;
  for (uint32_t d = lo; n < WS_BACKOFF_STEPS; d = d > hi / 2 ? hi : d * 2) {
    c->backoff_ms[n++] = d;
    if (d == hi) break;
  }
  c->retry.retry_ms_table = c->backoff_ms;
  c->retry.retry_ms_table_count = n;
  c->retry.conceal_count = LWS_RETRY_CONCEAL_ALWAYS;
  c->retry.jitter_percent = WS_JITTER_PERCENT;
}

struct vg_ws_client *vg_ws_client_create(const struct vg_ws_opts *o, struct vg_err *err) {
  if (ws_check_opts(o, err)) return NULL;
  static pthread_once_t log_once = PTHREAD_ONCE_INIT;
  pthread_once(&log_once, ws_lws_log_init);

  struct vg_ws_client *c = vg_xcalloc(1, sizeof(*c));
  c->host = vg_xstrdup(o->host);
  c->port = o->port;
  c->path = vg_xstrdup(o->path ? o->path : "/");
  c->subprotocol = o->subprotocol ? vg_xstrdup(o->subprotocol) : NULL;
  c->server_name = vg_xstrdup(o->server_name ? o->server_name : o->host);
  c->max_msg = o->max_msg_bytes ? o->max_msg_bytes : VG_LIMIT_MSG_BYTES;
  c->reconnect = o->reconnect;
  c->cb = o->cb;
  c->user = o->user;
  ws_fill_backoff(c, o);
  vg_buf_init(&c->rx, c->max_msg);
  c->frag = vg_xmalloc(LWS_PRE + VG_LIMIT_WS_FRAGMENT_BYTES);
  atomic_init(&c->stop, false);
  pthread_mutex_init(&c->mu, NULL);
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&c->cv, &ca);
  pthread_condattr_destroy(&ca);
  vg_ws_queue_init(&c->sendq, o->send_queue_msgs ? o->send_queue_msgs : VG_LIMIT_WS_QUEUE_MSGS,
                   VG_LIMIT_WS_QUEUE_BYTES);
  vg_ws_queue_init(&c->recvq, o->recv_queue_msgs ? o->recv_queue_msgs : VG_LIMIT_WS_QUEUE_MSGS,
                   VG_LIMIT_WS_QUEUE_BYTES);

  c->protocols[0].name = "vigil-ws-client";
  c->protocols[0].callback = ws_callback;
  c->protocols[0].rx_buffer_size = WS_RX_CHUNK;

  c->ssl_ctx = vg_ws_tls_client_ctx(o->ca_file, o->cert_file, o->key_file, err);
  if (!c->ssl_ctx) goto fail;
  struct lws_context_creation_info info;
  memset(&info, 0, sizeof(info));
  info.port = CONTEXT_PORT_NO_LISTEN;
  info.protocols = c->protocols;
  info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
  info.provided_client_ssl_ctx = c->ssl_ctx;
  info.timeout_secs = o->connect_timeout_s ? o->connect_timeout_s : VG_WS_CONNECT_TIMEOUT_S;
  info.fd_limit_per_thread = 16;
  info.user = c;
  c->ctx = lws_create_context(&info);
  if (!c->ctx) {
    vg_err_fail(err, VG_EINTERNAL, "ws: cannot create the libwebsockets context");
    goto fail;
  }
  if (pthread_create(&c->thread, NULL, ws_thread, c) != 0) {
    vg_err_fail(err, VG_EINTERNAL, "ws: cannot start service thread");
    lws_context_destroy(c->ctx);
    c->ctx = NULL;
    goto fail;
  }
  return c;
fail:
  c->ctx_gone = true;
  vg_ws_client_free(c);
  return NULL;
}

void vg_ws_client_free(struct vg_ws_client *c) {
  if (!c) return;
  if (c->ctx) {
    pthread_mutex_lock(&c->mu);
    atomic_store(&c->stop, true);
    c->dead = true;
    pthread_cond_broadcast(&c->cv);
    ws_wake_locked(c);
    pthread_mutex_unlock(&c->mu);
    pthread_join(c->thread, NULL);
  }
  vg_ws_msg_free(c->tx);
  vg_ws_queue_cleanup(&c->sendq);
  vg_ws_queue_cleanup(&c->recvq);
  vg_buf_cleanup(&c->rx);
  SSL_CTX_free(c->ssl_ctx);
  pthread_cond_destroy(&c->cv);
  pthread_mutex_destroy(&c->mu);
  free(c->frag);
  free(c->host);
  free(c->path);
  free(c->subprotocol);
  free(c->server_name);
  free(c);
}

int vg_ws_client_send(struct vg_ws_client *c, const char *text, size_t len) {
  if (len > c->max_msg) return -VG_ELIMIT;
  int r = 0;
  pthread_mutex_lock(&c->mu);
  if (c->dead || (!c->reconnect && !c->open))
    r = -VG_EOFFLINE;
  else if (vg_ws_queue_full(&c->sendq, len))
    r = -VG_EBUSY;
  else {
    char *copy = vg_xmalloc(len + 1);
    memcpy(copy, text, len);
    copy[len] = '\0';
    vg_ws_queue_push(&c->sendq, copy, len, 0);
    ws_wake_locked(c);
  }
  pthread_mutex_unlock(&c->mu);
  return r;
}

/* Absolute CLOCK_MONOTONIC deadline timeout_ms from now. */
static struct timespec ws_deadline(int timeout_ms) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  ts.tv_sec += timeout_ms / 1000;
  ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
  if (ts.tv_nsec >= 1000000000L) {
    ts.tv_sec++;
    ts.tv_nsec -= 1000000000L;
  }
  return ts;
}

/* Wait on c->cv (mu held); false once the deadline passed. */
static bool ws_wait(struct vg_ws_client *c, int timeout_ms, const struct timespec *dl) {
  if (timeout_ms == 0) return false;
  if (timeout_ms < 0) {
    pthread_cond_wait(&c->cv, &c->mu);
    return true;
  }
  return pthread_cond_timedwait(&c->cv, &c->mu, dl) == 0;
}

int vg_ws_client_recv(struct vg_ws_client *c, int timeout_ms, char **msg, size_t *len) {
  if (c->cb.on_message) return -VG_EINVAL;
  struct timespec dl = ws_deadline(timeout_ms > 0 ? timeout_ms : 0);
  pthread_mutex_lock(&c->mu);
  struct vg_ws_msg *m;
  int r = 0;
  for (;;) {
    if ((m = vg_ws_queue_pop(&c->recvq))) break;
    if (c->dead) {
      r = -VG_EOFFLINE;
      break;
    }
    if (!ws_wait(c, timeout_ms, &dl) && c->recvq.count == 0) {
      r = c->dead ? -VG_EOFFLINE : -VG_ETIMEOUT;
      break;
    }
  }
  if (c->rx_paused && !vg_ws_queue_full(&c->recvq, 0)) ws_wake_locked(c);
  pthread_mutex_unlock(&c->mu);
  if (!m) return r;
  if (m->err) {
    r = m->err;
    vg_ws_msg_free(m);
    return r;
  }
  *msg = m->data;
  if (len) *len = m->len;
  m->data = NULL;
  vg_ws_msg_free(m);
  return 0;
}

int vg_ws_client_wait_open(struct vg_ws_client *c, int timeout_ms) {
  struct timespec dl = ws_deadline(timeout_ms > 0 ? timeout_ms : 0);
  pthread_mutex_lock(&c->mu);
  int r = 0;
  while (!c->open) {
    if (c->dead) {
      r = -VG_EOFFLINE;
      break;
    }
    if (!ws_wait(c, timeout_ms, &dl) && !c->open) {
      r = c->dead ? -VG_EOFFLINE : -VG_ETIMEOUT;
      break;
    }
  }
  pthread_mutex_unlock(&c->mu);
  return r;
}

bool vg_ws_client_is_open(struct vg_ws_client *c) {
  pthread_mutex_lock(&c->mu);
  bool open = c->open;
  pthread_mutex_unlock(&c->mu);
  return open;
}

int vg_ws_client_close_reason(struct vg_ws_client *c, char *buf, size_t n) {
  pthread_mutex_lock(&c->mu);
  int code = c->close_code;
  if (buf && n) snprintf(buf, n, "%s", c->reason);
  pthread_mutex_unlock(&c->mu);
  return code;
}
