/* gateway.c — the sensor vhost's protocols: enrollment and sensor sessions
 * (docs/protocol.md). Service thread only. */
#include "backend/gateway.h"

#include <inttypes.h>
#include <libwebsockets.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

#include "backend/auth.h"
#include "backend/ca.h"
#include "backend/ingest.h"
#include "backend/registry.h"
#include "backend/rules.h"
#include "backend/tasks.h"
#include "backend/vigild.h"
#include "shared/alloc.h"
#include "shared/buf.h"
#include "shared/event.h"
#include "shared/idmap.h"
#include "shared/log.h"
#include "shared/proto.h"

#define COMP "gateway"
#define SENSOR_CERT_DAYS 3650

struct outmsg {
  struct outmsg *next;
  size_t len;
  unsigned char data[]; /* LWS_PRE headroom, then the message */
};

/* A batch waiting for room in the ingest queue. lws may deliver what it has
 * already read after rx flow control is turned off, so there can be several. */
struct pending {
  struct pending *next;
  uint64_t first;
  size_t len;
  char data[];
};

enum sess_state { SESS_NEW, SESS_ENROLL, SESS_AWAIT_HELLO, SESS_READY, SESS_CLOSING };

struct gw_session {
  uint64_t id;
  struct lws *wsi;
  enum sess_state state;
  char oid[VG_UUID_STR_LEN + 1], sid[VG_UUID_STR_LEN + 1];
  struct vg_buf rx;
  struct outmsg *out_head, *out_tail;
  size_t out_count;
  struct pending *pending; /* batches the ingest queue refused, in order; rx paused */
  bool paused;              /* in the gateway's wait line (paused_*), rx off */
  struct gw_session *wait_next, **wait_prev;
  int close_code;
  char close_reason[124];
};

struct gateway {
  struct vigild *vd;
  struct vg_idmap sessions; /* id → struct gw_session * */
  json_t *by_sid;           /* sid → session id (integer) of the live session */
  uint64_t next_id;
  /* Sessions waiting for room in the ingest queue, in the order they began
   * to wait: room goes to the head first, and while anyone waits a newly
   * arrived batch joins the line instead of taking the room — so no sensor
   * starves behind others that keep sending. */
  struct gw_session *wait_head, **wait_tail;
};

static void wait_push(struct gateway *gw, struct gw_session *s) {
  s->wait_next = NULL;
  s->wait_prev = gw->wait_tail;
  *gw->wait_tail = s;
  gw->wait_tail = &s->wait_next;
}

static void wait_remove(struct gateway *gw, struct gw_session *s) {
  *s->wait_prev = s->wait_next;
  if (s->wait_next)
    s->wait_next->wait_prev = s->wait_prev;
  else
    gw->wait_tail = s->wait_prev;
  s->wait_next = NULL;
  s->wait_prev = NULL;
}

struct gateway *gateway_create(struct vigild *vd) {
  struct gateway *gw = vg_xcalloc(1, sizeof(*gw));
  gw->vd = vd;
  gw->wait_tail = &gw->wait_head;
  vg_idmap_init(&gw->sessions);
  gw->by_sid = json_object();
  gw->next_id = 1;
  return gw;
}

void gateway_free(struct gateway *gw) {
  if (!gw) return;
  vg_idmap_cleanup(&gw->sessions);
  json_decref(gw->by_sid);
  free(gw);
}

static struct gateway *gw_of(struct lws *wsi) {
  struct vigild *vd = lws_context_user(lws_get_context(wsi));
  return vd ? vd->gw : NULL;
}

static struct gw_session *session_by_sid(struct gateway *gw, const char *sid) {
  json_t *id = json_object_get(gw->by_sid, sid);
  return id ? vg_idmap_get(&gw->sessions, (uint64_t)json_integer_value(id)) : NULL;
}

/* Queue an encoded message. -VG_EBUSY past the outbox limit. */
static int queue_raw(struct gw_session *s, const char *data, size_t len) {
  if (s->out_count >= VG_LIMIT_GATEWAY_OUTBOX) return -VG_EBUSY;
  struct outmsg *m = vg_xmalloc(sizeof(*m) + LWS_PRE + len);
  m->next = NULL;
  m->len = len;
  memcpy(m->data + LWS_PRE, data, len);
  if (s->out_tail)
    s->out_tail->next = m;
  else
    s->out_head = m;
  s->out_tail = m;
  s->out_count++;
  lws_callback_on_writable(s->wsi);
  return 0;
}

static int queue_msg(struct gw_session *s, json_t *msg) {
  struct vg_buf b;
  vg_buf_init(&b, VG_LIMIT_PROTO_CTRL_BYTES);
  int r = vg_proto_encode(msg, &b);
  if (!r) r = queue_raw(s, b.data, b.len);
  vg_buf_cleanup(&b);
  json_decref(msg);
  return r;
}

/* Send an error, then close with code and reason once the outbox drains. */
static void session_fail(struct gw_session *s, int code, int close_code, const char *msg) {
  vg_info(COMP, "closing %s session: %s", s->sid[0] ? s->sid : "new", msg);
  queue_msg(s, vg_proto_error(code, msg));
  s->state = SESS_CLOSING;
  s->close_code = close_code;
  snprintf(s->close_reason, sizeof(s->close_reason), "%s", msg);
  lws_callback_on_writable(s->wsi);
}

/* Identity from the verified client certificate: CN = sid, O = oid. */
static int peer_ids(struct lws *wsi, char *oid, char *sid) {
  SSL *ssl = lws_get_ssl(wsi);
  X509 *x = ssl ? SSL_get1_peer_certificate(ssl) : NULL;
  int r = -1;
  if (x && SSL_get_verify_result(ssl) == X509_V_OK) {
    X509_NAME *n = X509_get_subject_name(x);
    if (X509_NAME_get_text_by_NID(n, NID_commonName, sid, VG_UUID_STR_LEN + 1) > 0 &&
        X509_NAME_get_text_by_NID(n, NID_organizationName, oid, VG_UUID_STR_LEN + 1) > 0)
      r = 0;
  }
  X509_free(x);
  return r;
}

static void handle_enroll(struct gateway *gw, struct gw_session *s, json_t *m) {
  struct vg_err err;
  vg_err_clear(&err);
  char oid[VG_UUID_STR_LEN + 1], iid[VG_UUID_STR_LEN + 1], sid[VG_UUID_STR_LEN + 1];
  const char *key = json_string_value(json_object_get(m, "key"));
  const char *csr = json_string_value(json_object_get(m, "csr"));
  const char *host = json_string_value(json_object_get(m, "hostname"));
  const char *mid = json_string_value(json_object_get(m, "machine_id"));
  json_int_t plat = json_integer_value(json_object_get(m, "plat"));
  json_int_t arch = json_integer_value(json_object_get(m, "arch"));
  if (strcmp(json_string_value(json_object_get(m, "t")), "enroll") || !csr) {
    session_fail(s, -VG_EPROTO, LWS_CLOSE_STATUS_PROTOCOL_ERR, "expected enroll with a csr");
    return;
  }
  if (auth_install_key_check(gw->vd->store, key, oid, iid, &err)) {
    vg_warn(COMP, "enrollment refused: %s", err.msg);
    session_fail(s, -VG_EAUTH, LWS_CLOSE_STATUS_POLICY_VIOLATION, err.msg);
    return;
  }
  if (host && strlen(host) > VG_LIMIT_HOSTNAME_BYTES) host = NULL;
  if (mid && strlen(mid) > 128) mid = NULL;
  char *cert = NULL;
  struct vg_cert_ids ids;
  if (registry_create(gw->vd->reg, oid, iid, host, (uint32_t)plat, (uint32_t)arch, mid, sid,
                      &err) == 0) {
    snprintf(ids.sid, sizeof(ids.sid), "%s", sid);
    snprintf(ids.oid, sizeof(ids.oid), "%s", oid);
    if (ca_sign_sensor(gw->vd->ca, csr, &ids, SENSOR_CERT_DAYS, &cert, &err))
      registry_delete(gw->vd->reg, oid, sid, NULL);
  }
  if (!cert) {
    session_fail(s, -(err.code ? err.code : VG_EINTERNAL), LWS_CLOSE_STATUS_POLICY_VIOLATION,
                 err.msg);
    return;
  }
  vg_info(COMP, "enrolled sensor %s (%s) in %s", sid, host ? host : "?", oid);
  queue_msg(s, json_pack("{s:s, s:s, s:s, s:s, s:s}", "t", "enrolled", "sid", sid, "oid", oid,
                         "iid", iid, "cert", cert));
  free(cert);
  s->state = SESS_CLOSING;
  s->close_code = LWS_CLOSE_STATUS_NORMAL;
  snprintf(s->close_reason, sizeof(s->close_reason), "enrolled");
}

static void handle_hello(struct gateway *gw, struct gw_session *s, json_t *m) {
  struct vg_err err;
  vg_err_clear(&err);
  char peer[64] = "";
  lws_get_peer_simple(s->wsi, peer, sizeof(peer));
  json_t *rec = registry_connected(gw->vd->reg, s->oid, s->sid, m, peer, &err);
  if (!rec) {
    session_fail(s, -VG_EAUTH, LWS_CLOSE_STATUS_POLICY_VIOLATION, "unknown or deleted sensor");
    return;
  }
  /* One session per sensor: a newer one replaces an older one. */
  struct gw_session *old = session_by_sid(gw, s->sid);
  if (old && old != s)
    session_fail(old, -VG_EBUSY, LWS_CLOSE_STATUS_POLICY_VIOLATION, "replaced by a newer session");
  json_object_set_new(gw->by_sid, s->sid, json_integer((json_int_t)s->id));
  s->state = SESS_READY;
  vg_info(COMP, "sensor %s (%s) connected from %s", s->sid,
          json_string_value(json_object_get(rec, "hostname")), peer);
  queue_msg(s, json_pack("{s:s, s:I, s:O, s:O, s:I}", "t", "welcome", "acked",
                         json_integer_value(json_object_get(rec, "acked")), "selection",
                         json_object_get(rec, "selection"), "isolated",
                         json_object_get(rec, "isolated"), "time",
                         (json_int_t)vg_event_now_ms()));
  json_decref(rec);
  tasks_flush_queued(gw->vd->tasks, s->sid); /* tasks queued while it was offline */
}

static void handle_batch(struct gateway *gw, struct gw_session *s, const char *msg, size_t len) {
  struct vg_err err;
  vg_err_clear(&err);
  uint64_t first;
  const char *ev;
  size_t elen;
  if (vg_proto_batch_split(msg, len, &first, &ev, &elen, &err)) {
    session_fail(s, -VG_EPROTO, LWS_CLOSE_STATUS_PROTOCOL_ERR, err.msg);
    return;
  }
  vg_debug(COMP, "sensor %s: batch first %" PRIu64 ", %zu bytes", s->sid, first, elen);
  if (!gw->wait_head &&
      ingest_submit(gw->vd->ingest, s->id, s->oid, s->sid, first, ev, elen) == 0)
    return;
  /* Queue full, or sessions waiting for it (this one's earlier batches or
   * others'): keep this batch in order and stop reading until its turn. */
  struct pending *p = vg_xmalloc(sizeof(*p) + elen), **tail = &s->pending;
  p->next = NULL;
  p->first = first;
  p->len = elen;
  memcpy(p->data, ev, elen);
  while (*tail) tail = &(*tail)->next;
  *tail = p;
  if (!s->paused) {
    vg_debug(COMP, "sensor %s: ingest queue full, reading paused", s->sid);
    s->paused = true;
    wait_push(gw, s);
    lws_rx_flow_control(s->wsi, 0);
  }
}

static void handle_message(struct gateway *gw, struct gw_session *s) {
  struct vg_err err;
  vg_err_clear(&err);
  char type[VG_PROTO_TYPE_BYTES];
  if (vg_proto_peek_type(s->rx.data, s->rx.len, type, &err)) {
    session_fail(s, -VG_EPROTO, LWS_CLOSE_STATUS_PROTOCOL_ERR, err.msg);
    return;
  }
  if (s->state == SESS_READY && strcmp(type, "batch") == 0) {
    handle_batch(gw, s, s->rx.data, s->rx.len);
    return;
  }
  json_t *m = vg_proto_parse(s->rx.data, s->rx.len, &err);
  if (!m) {
    session_fail(s, -VG_EPROTO, LWS_CLOSE_STATUS_PROTOCOL_ERR, err.msg);
    return;
  }
  if (s->state == SESS_ENROLL)
    handle_enroll(gw, s, m);
  else if (s->state == SESS_AWAIT_HELLO && strcmp(type, "hello") == 0)
    handle_hello(gw, s, m);
  else if (s->state == SESS_READY && strcmp(type, "error") == 0)
    vg_warn(COMP, "sensor %s reports: %s", s->sid,
            json_string_value(json_object_get(m, "message")));
  else
    session_fail(s, -VG_EPROTO, LWS_CLOSE_STATUS_PROTOCOL_ERR, "unexpected message");
  json_decref(m);
}

static void session_open(struct gateway *gw, struct gw_session *s, struct lws *wsi, int enroll) {
  memset(s, 0, sizeof(*s));
  s->id = gw->next_id++;
  s->wsi = wsi;
  vg_buf_init(&s->rx, VG_LIMIT_MSG_BYTES);
  vg_idmap_put(&gw->sessions, s->id, s);
  if (enroll) {
    s->state = SESS_ENROLL;
    return;
  }
  s->state = SESS_AWAIT_HELLO;
  if (peer_ids(wsi, s->oid, s->sid)) {
    session_fail(s, -VG_EAUTH, LWS_CLOSE_STATUS_POLICY_VIOLATION,
                 "a client certificate from this backend's CA is required");
    return;
  }
  if (!registry_exists(gw->vd->reg, s->oid, s->sid))
    session_fail(s, -VG_EAUTH, LWS_CLOSE_STATUS_POLICY_VIOLATION, "unknown or deleted sensor");
}

static void session_closed(struct gateway *gw, struct gw_session *s) {
  if (!s->id) return;
  json_t *cur = json_object_get(gw->by_sid, s->sid);
  if (cur && (uint64_t)json_integer_value(cur) == s->id) {
    json_object_del(gw->by_sid, s->sid);
    registry_disconnected(gw->vd->reg, s->oid, s->sid);
    vg_info(COMP, "sensor %s disconnected", s->sid);
  }
  vg_idmap_del(&gw->sessions, s->id);
  vg_buf_cleanup(&s->rx);
  for (struct outmsg *m = s->out_head, *n; m; m = n) {
    n = m->next;
    free(m);
  }
  for (struct pending *p = s->pending, *n; p; p = n) {
    n = p->next;
    free(p);
  }
  if (s->paused) wait_remove(gw, s);
  s->id = 0;
}

static int session_writeable(struct gw_session *s) {
  struct outmsg *m = s->out_head;
  if (m) {
    s->out_head = m->next;
    if (!s->out_head) s->out_tail = NULL;
    s->out_count--;
    int n = lws_write(s->wsi, m->data + LWS_PRE, m->len, LWS_WRITE_TEXT);
    free(m);
    if (n < 0) return -1;
    if (s->out_head) {
      lws_callback_on_writable(s->wsi);
      return 0;
    }
  }
  if (s->state == SESS_CLOSING) {
    lws_close_reason(s->wsi, (enum lws_close_status)s->close_code,
                     (unsigned char *)s->close_reason, strlen(s->close_reason));
    return -1;
  }
  return 0;
}

static void on_done(void *ctx, uint64_t session, uint64_t acked, int err, const char *msg) {
  struct gateway *gw = ctx;
  struct gw_session *s = vg_idmap_get(&gw->sessions, session);
  if (!s || s->state == SESS_CLOSING) return;
  if (err) {
    session_fail(s, err, LWS_CLOSE_STATUS_INVALID_PAYLOAD, msg);
    return;
  }
  vg_debug(COMP, "sensor %s: ack %" PRIu64, s->sid, acked);
  registry_set_acked(gw->vd->reg, s->oid, s->sid, acked);
  queue_msg(s, json_pack("{s:s, s:I}", "t", "ack", "seq", (json_int_t)acked));
}

void gateway_drain(struct gateway *gw) {
  if (!gw || !gw->vd->ingest) return;
  ingest_drain(gw->vd->ingest, on_done, gw);
  /* Room goes to the waiting sessions in the order they began to wait;
   * a session reads again once all its batches are in the queue. */
  struct gw_session *s;
  while ((s = gw->wait_head)) {
    while (s->pending) {
      struct pending *p = s->pending;
      if (ingest_submit(gw->vd->ingest, s->id, s->oid, s->sid, p->first, p->data, p->len))
        return; /* still full: the next wake goes on from here */
      s->pending = p->next;
      free(p);
    }
    vg_debug(COMP, "sensor %s: reading resumed", s->sid);
    wait_remove(gw, s);
    s->paused = false;
    if (s->state != SESS_CLOSING) lws_rx_flow_control(s->wsi, 1);
  }
}

static int gateway_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
                            void *in, size_t len) {
  struct gateway *gw = gw_of(wsi);
  struct gw_session *s = user;
  switch (reason) {
    case LWS_CALLBACK_OPENSSL_PERFORM_CLIENT_CERT_VERIFICATION:
      /* lws 4.1 turns a 0 here into success whatever OpenSSL decided: accept
       * only what OpenSSL pre-verified against our CA (LIBRARY-NOTES §1). */
      return len ? 0 : 1;
    case LWS_CALLBACK_ESTABLISHED:
      session_open(gw, s, wsi, strcmp(lws_get_protocol(wsi)->name, VG_PROTO_ENROLL) == 0);
      return 0;
    case LWS_CALLBACK_RECEIVE:
      if (!s->id || s->state == SESS_CLOSING) return 0;
      if (vg_buf_append(&s->rx, in, len)) {
        lws_close_reason(wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE,
                         (unsigned char *)"message too large", 17);
        return -1;
      }
      if (!lws_is_final_fragment(wsi) || lws_remaining_packet_payload(wsi)) return 0;
      handle_message(gw, s);
      vg_buf_reset(&s->rx);
      return 0;
    case LWS_CALLBACK_SERVER_WRITEABLE:
      return s->id ? session_writeable(s) : 0;
    case LWS_CALLBACK_CLOSED:
      if (s) session_closed(gw, s);
      return 0;
    case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
      gateway_drain(gw); /* once per protocol: draining twice is harmless */
      rules_drain(gw->vd->rules); /* tasks and isolation pushes from rule responses */
      return 0;
    default:
      return lws_callback_http_dummy(wsi, reason, user, in, len);
  }
}

const struct lws_protocols gateway_protocols[] = {
    {VG_PROTO_SENSOR, gateway_callback, sizeof(struct gw_session), 65536, 0, NULL, 0},
    {VG_PROTO_ENROLL, gateway_callback, sizeof(struct gw_session), 65536, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

bool gateway_online(struct gateway *gw, const char *sid) {
  struct gw_session *s = session_by_sid(gw, sid);
  return s && s->state == SESS_READY;
}

int gateway_send(struct gateway *gw, const char *sid, json_t *msg, struct vg_err *err) {
  struct gw_session *s = session_by_sid(gw, sid);
  if (!s || s->state != SESS_READY) {
    json_decref(msg);
    return vg_err_fail(err, VG_EOFFLINE, "sensor %s is offline", sid);
  }
  int r = queue_msg(s, msg);
  return r ? vg_err_fail(err, VG_EBUSY, "sensor %s: outbox full", sid) : 0;
}

void gateway_push_selection(struct gateway *gw, const char *oid, const char *sid) {
  json_t *sel = registry_get_selection(gw->vd->reg, oid, sid);
  if (sel) gateway_send(gw, sid, json_pack("{s:s, s:o}", "t", "selection", "events", sel), NULL);
}

void gateway_push_isolation(struct gateway *gw, const char *oid, const char *sid) {
  json_t *rec = registry_get(gw->vd->reg, oid, sid, NULL);
  if (!rec) return;
  gateway_send(gw, sid,
               json_pack("{s:s, s:O}", "t", "isolation", "isolated",
                         json_object_get(rec, "isolated")),
               NULL);
  json_decref(rec);
}

void gateway_kick(struct gateway *gw, const char *sid, const char *reason) {
  struct gw_session *s = session_by_sid(gw, sid);
  if (s) session_fail(s, -VG_EAUTH, LWS_CLOSE_STATUS_POLICY_VIOLATION, reason);
}
