/* api.c — the `vigil-api.v1` websocket protocol: sessions, request
 * reassembly and dispatch through the method table, per-session bounded
 * outboxes, pushes from other threads, the live-stream ingest hook.
 *
 * Threads and ownership. Every lws callback runs on the service thread.
 * Sessions live in a->sessions keyed by a 64-bit id; other threads (tasks,
 * the ingest hook) know sessions only by that id and reach them through
 * api_push(), which appends to the session's outbox under a->lock, records
 * the id in a->wake and wakes the loop (server_wake → lws_cancel_service).
 * api_drain() (WAIT_CANCELLED, which lws delivers once per protocol per
 * vhost: draining an empty wake list is a no-op) asks lws for WRITEABLE on
 * each woken session; WRITEABLE writes one message.
 *
 * Bounds. A session's outbox takes pushes up to VG_LIMIT_API_OUTBOX_MSGS /
 * _BYTES; a push past that cancels its subscription with a notice (the
 * notice itself may pass the bound: at most one per subscription). Responses
 * may use twice the bound; past that the client is not reading and the
 * session is closed with a reason. Requests are reassembled up to
 * VG_LIMIT_API_MSG_BYTES; a longer one closes the session with 1009. */
#include "backend/api.h"
#include "backend/ingest.h"

#include <inttypes.h>
#include <libwebsockets.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/api_int.h"
#include "backend/audit.h"
#include "backend/server.h"
#include "backend/vigild.h"
#include "shared/alloc.h"
#include "shared/buf.h"
#include "shared/idmap.h"
#include "shared/limits.h"
#include "shared/log.h"
#include "shared/routing.h"

#define COMP "api"
#define RX_CHUNK_BYTES (64u << 10)
#define REASON_BYTES 120 /* a close reason fits one control frame (125) */

struct out_msg {
  struct out_msg *next;
  uint64_t sub;
  size_t len;
  unsigned char buf[]; /* LWS_PRE headroom, then len bytes of JSON text */
};

struct api_sub {
  uint64_t id;
  enum api_sub_kind kind;
  struct api_session *s;
  char oid[VG_UUID_STR_LEN + 1]; /* copied at open: the hook thread reads it */
  struct api_stream_filter f;
};

struct api_session {
  uint64_t id;
  /* Service thread only. */
  struct lws *wsi;
  struct vg_buf rx;
  int rx_binary;
  int auth_failures;
  char oid[VG_UUID_STR_LEN + 1];
  enum auth_role role;
  char key_id[17];
  uint64_t next_sub;
  /* Guarded by api->lock. */
  struct out_msg *head, *tail;
  size_t out_msgs, out_bytes;
  struct api_sub *subs[VG_LIMIT_API_SUBS];
  size_t nsubs;
  int wake_queued;
  int close_code;  /* non-zero: close with this code and reason ... */
  int close_now;   /* ... at once (else once the outbox is empty) */
  char close_reason[REASON_BYTES];
};

struct api {
  struct vigild *vd;
  pthread_mutex_t lock;
  /* Guarded by lock (written by the service thread only, so it may read
   * without the lock). */
  struct vg_idmap sessions;
  uint64_t next_session;
  /* Guarded by lock. */
  struct api_sub **streams; /* every open stream subscription */
  size_t nstreams, capstreams;
  uint64_t *wake;           /* sessions with output queued from other threads */
  size_t nwake, capwake;
};

struct api_pss {
  struct api_session *s;
};

/* ---- messages ---- */

static struct out_msg *msg_new(uint64_t sub, const char *text, size_t len) {
  struct out_msg *m = vg_xmalloc(sizeof(*m) + LWS_PRE + len + 1);
  m->next = NULL;
  m->sub = sub;
  m->len = len;
  memcpy(m->buf + LWS_PRE, text, len);
  m->buf[LWS_PRE + len] = '\0';
  return m;
}

static struct out_msg *msg_from_json(uint64_t sub, json_t *v) {
  char *text = json_dumps(v, JSON_COMPACT);
  if (!text) return NULL;
  struct out_msg *m = msg_new(sub, text, strlen(text));
  free(text);
  return m;
}

/* ---- outbox (caller holds a->lock) ---- */

static void outbox_append_locked(struct api_session *s, struct out_msg *m) {
  if (s->tail)
    s->tail->next = m;
  else
    s->head = m;
  s->tail = m;
  s->out_msgs++;
  s->out_bytes += m->len;
}

static void outbox_clear_locked(struct api_session *s) {
  for (struct out_msg *m = s->head, *n; m; m = n) {
    n = m->next;
    free(m);
  }
  s->head = s->tail = NULL;
  s->out_msgs = s->out_bytes = 0;
}

static void close_locked(struct api_session *s, int code, int now, const char *reason) {
  if (s->close_code && s->close_now) return;
  s->close_code = code;
  s->close_now = now;
  snprintf(s->close_reason, sizeof(s->close_reason), "%s", reason);
  if (now) outbox_clear_locked(s);
}

/* Record that s has output for the service thread; true if the loop must be
 * woken. */
static int wake_locked(struct api *a, struct api_session *s) {
  if (s->wake_queued) return 0;
  if (a->nwake == a->capwake) {
    a->capwake = a->capwake ? 2 * a->capwake : 16;
    a->wake = vg_xreallocarray(a->wake, a->capwake, sizeof(*a->wake));
  }
  a->wake[a->nwake++] = s->id;
  s->wake_queued = 1;
  return 1;
}

static void filter_release(struct api_stream_filter *f) {
  json_decref(f->sids);
  json_decref(f->event_types);
  json_decref(f->tags);
  memset(f, 0, sizeof(*f));
}

static struct api_sub *sub_find_locked(struct api_session *s, uint64_t id, size_t *idx) {
  for (size_t i = 0; i < s->nsubs; i++)
    if (s->subs[i]->id == id) {
      if (idx) *idx = i;
      return s->subs[i];
    }
  return NULL;
}

/* Remove subscription i of s (and from the stream list) and free it. */
static void sub_remove_locked(struct api *a, struct api_session *s, size_t i) {
  struct api_sub *sub = s->subs[i];
  s->subs[i] = s->subs[--s->nsubs];
  if (sub->kind == API_SUB_STREAM)
    for (size_t j = 0; j < a->nstreams; j++)
      if (a->streams[j] == sub) {
        a->streams[j] = a->streams[--a->nstreams];
        break;
      }
  filter_release(&sub->f);
  free(sub);
}

/* Cancel a subscription whose push did not fit, with a notice. */
static void sub_cull_locked(struct api *a, struct api_session *s, uint64_t sub_id) {
  size_t i;
  if (!sub_find_locked(s, sub_id, &i)) return;
  sub_remove_locked(a, s, i);
  json_t *n = json_pack("{s:I, s:{s:s, s:s}}", "sub", (json_int_t)sub_id, "error", "code",
                        vg_code_name(VG_EBUSY), "message",
                        "slow subscriber: subscription cancelled");
  outbox_append_locked(s, msg_from_json(0, n));
  json_decref(n);
  vg_info(COMP, "session %" PRIu64 ": subscription %" PRIu64 " cancelled (outbox full)", s->id,
          sub_id);
}

static int outbox_full(const struct api_session *s, size_t len, size_t factor) {
  return s->out_msgs >= factor * VG_LIMIT_API_OUTBOX_MSGS ||
         s->out_bytes + len > factor * (size_t)VG_LIMIT_API_OUTBOX_BYTES;
}

/* Queue m (taken over) to s. A push (m->sub != 0) needs its subscription
 * open and room below the bound, else the subscription is culled; a
 * response needs room below twice the bound, else the session is closed.
 * 0, -VG_ENOTFOUND (session closing / subscription gone), -VG_EBUSY. */
static int outbox_put_locked(struct api *a, struct api_session *s, struct out_msg *m) {
  int r = 0;
  if (s->close_code && (s->close_now || m->sub)) {
    r = -VG_ENOTFOUND; /* closing: only responses still go out before a graceful close */
  } else if (m->sub) {
    if (!sub_find_locked(s, m->sub, NULL)) {
      r = -VG_ENOTFOUND;
    } else if (outbox_full(s, m->len, 1)) {
      sub_cull_locked(a, s, m->sub);
      r = -VG_EBUSY;
    }
  } else if (outbox_full(s, m->len, 2)) {
    close_locked(s, LWS_CLOSE_STATUS_POLICY_VIOLATION, 1,
                 "outbox full: the client is not reading its responses");
    vg_warn(COMP, "session %" PRIu64 ": closed, responses not read", s->id);
    r = -VG_EBUSY;
  }
  if (r == 0)
    outbox_append_locked(s, m);
  else
    free(m);
  return r;
}

/* ---- pushes from any thread ---- */

int api_push(struct api *a, uint64_t session_id, uint64_t sub_id, json_t *msg) {
  if (!a || !msg) {
    json_decref(msg);
    return -VG_EINVAL;
  }
  int final = json_is_true(json_object_get(msg, "done")) ||
              json_is_true(json_object_get(msg, "timeout"));
  struct out_msg *m = msg_from_json(sub_id, msg);
  json_decref(msg);
  if (!m) return -VG_EINVAL;
  int wake = 0, r;
  pthread_mutex_lock(&a->lock);
  struct api_session *s = session_id ? vg_idmap_get(&a->sessions, session_id) : NULL;
  if (!s) {
    free(m);
    r = -VG_ENOTFOUND;
  } else {
    size_t before = s->out_msgs;
    r = outbox_put_locked(a, s, m);
    size_t i;
    struct api_sub *sub = sub_id ? sub_find_locked(s, sub_id, &i) : NULL;
    if (r == 0 && final && sub && sub->kind == API_SUB_TASK) sub_remove_locked(a, s, i);
    if (s->out_msgs != before || s->close_code) wake = wake_locked(a, s);
  }
  pthread_mutex_unlock(&a->lock);
  if (wake) server_wake(a->vd->server);
  return r;
}

void api_on_event(void *ctx, struct ingest_event *ev) {
  struct api *a = ctx;
  if (!a) return;
  pthread_mutex_lock(&a->lock);
  size_t n = a->nstreams;
  pthread_mutex_unlock(&a->lock);
  if (!n) return; /* nobody streams: the routing is not even read */
  const struct vg_routing *r = ingest_event_routing(ev);
  if (!r || !r->oid[0]) return;
  size_t el;
  const char *evs = ingest_event_json(ev, &el);
  if (!evs) return;
  int wake = 0;
  pthread_mutex_lock(&a->lock);
  /* Collect first: a push may cull a subscription and reorder the list. */
  struct api_session **hits = vg_xreallocarray(NULL, a->nstreams ? a->nstreams : 1, sizeof(*hits));
  uint64_t *ids = vg_xreallocarray(NULL, a->nstreams ? a->nstreams : 1, sizeof(*ids));
  size_t nh = 0;
  for (size_t j = 0; j < a->nstreams; j++) {
    struct api_sub *sub = a->streams[j];
    if (strcmp(sub->oid, r->oid) == 0 && api_stream_match(&sub->f, r)) {
      hits[nh] = sub->s;
      ids[nh++] = sub->id;
    }
  }
  for (size_t h = 0; h < nh; h++) {
    /* Sessions outlive this locked section; a subscription an earlier push
     * culled is refused by outbox_put_locked (it looks the id up). */
    struct api_session *s = hits[h];
    char head[48];
    int hl = snprintf(head, sizeof(head), "{\"sub\":%" PRIu64 ",\"event\":", ids[h]);
    struct out_msg *m = vg_xmalloc(sizeof(*m) + LWS_PRE + (size_t)hl + el + 2);
    m->next = NULL;
    m->sub = ids[h];
    m->len = (size_t)hl + el + 1;
    memcpy(m->buf + LWS_PRE, head, (size_t)hl);
    memcpy(m->buf + LWS_PRE + hl, evs, el);
    m->buf[LWS_PRE + hl + el] = '}';
    m->buf[LWS_PRE + hl + el + 1] = '\0';
    /* Queued, or the subscription culled with a notice: either way news. */
    if (outbox_put_locked(a, s, m) != -VG_ENOTFOUND) wake |= wake_locked(a, s);
  }
  free(hits);
  free(ids);
  pthread_mutex_unlock(&a->lock);
  if (wake) server_wake(a->vd->server);
}

void api_drain(struct api *a) {
  if (!a) return;
  pthread_mutex_lock(&a->lock);
  for (size_t i = 0; i < a->nwake; i++) {
    struct api_session *s = vg_idmap_get(&a->sessions, a->wake[i]);
    if (!s) continue;
    s->wake_queued = 0;
    lws_callback_on_writable(s->wsi);
  }
  a->nwake = 0;
  pthread_mutex_unlock(&a->lock);
}

/* ---- services for handlers (service thread) ---- */

void api_session_set_auth(struct api_call *c, const char *oid, enum auth_role role,
                          const char *key_id) {
  struct api_session *s = vg_idmap_get(&c->api->sessions, c->session_id);
  if (!s) return;
  snprintf(s->oid, sizeof(s->oid), "%s", oid);
  snprintf(s->key_id, sizeof(s->key_id), "%s", key_id);
  s->role = role;
}

bool api_session_auth_failed(struct api_call *c) {
  struct api_session *s = vg_idmap_get(&c->api->sessions, c->session_id);
  if (!s || ++s->auth_failures < VG_LIMIT_API_AUTH_FAILURES) return false;
  pthread_mutex_lock(&c->api->lock);
  close_locked(s, LWS_CLOSE_STATUS_POLICY_VIOLATION, 0, "too many failed authentications");
  pthread_mutex_unlock(&c->api->lock);
  return true;
}

int api_sub_open(struct api_call *c, enum api_sub_kind kind, struct api_stream_filter *f,
                 uint64_t *sub_id, struct vg_err *err) {
  struct api *a = c->api;
  struct api_session *s = vg_idmap_get(&a->sessions, c->session_id);
  if (!s) {
    if (f) filter_release(f);
    return vg_err_fail(err, VG_EINTERNAL, "no session");
  }
  int r = 0;
  pthread_mutex_lock(&a->lock);
  if (s->nsubs == VG_LIMIT_API_SUBS) {
    r = vg_err_fail(err, VG_ELIMIT, "at most %d open subscriptions per session",
                    VG_LIMIT_API_SUBS);
    if (f) filter_release(f);
  } else {
    struct api_sub *sub = vg_xcalloc(1, sizeof(*sub));
    sub->id = ++s->next_sub;
    sub->kind = kind;
    sub->s = s;
    snprintf(sub->oid, sizeof(sub->oid), "%s", s->oid);
    if (f) {
      sub->f = *f;
      memset(f, 0, sizeof(*f));
    }
    s->subs[s->nsubs++] = sub;
    if (kind == API_SUB_STREAM) {
      if (a->nstreams == a->capstreams) {
        a->capstreams = a->capstreams ? 2 * a->capstreams : 16;
        a->streams = vg_xreallocarray(a->streams, a->capstreams, sizeof(*a->streams));
      }
      a->streams[a->nstreams++] = sub;
    }
    *sub_id = sub->id;
  }
  pthread_mutex_unlock(&a->lock);
  return r;
}

int api_sub_close(struct api_call *c, uint64_t sub_id, struct vg_err *err) {
  struct api *a = c->api;
  struct api_session *s = vg_idmap_get(&a->sessions, c->session_id);
  int r = 0;
  size_t i;
  pthread_mutex_lock(&a->lock);
  if (s && sub_find_locked(s, sub_id, &i))
    sub_remove_locked(a, s, i);
  else
    r = vg_err_fail(err, VG_ENOTFOUND, "no subscription %" PRIu64 " on this session", sub_id);
  pthread_mutex_unlock(&a->lock);
  return r;
}

void api_close_key_sessions(struct api_call *c, const char *key_id) {
  struct api *a = c->api;
  uint64_t id;
  void *v;
  pthread_mutex_lock(&a->lock);
  for (size_t i = 0; vg_idmap_next(&a->sessions, &i, &id, &v);) {
    struct api_session *s = v;
    if (strcmp(s->oid, c->oid) || strcmp(s->key_id, key_id)) continue;
    close_locked(s, LWS_CLOSE_STATUS_POLICY_VIOLATION, id != c->session_id, "API key revoked");
    lws_callback_on_writable(s->wsi);
  }
  pthread_mutex_unlock(&a->lock);
}

/* ---- dispatch (service thread) ---- */

static json_t *error_body(int code, const char *msg) {
  return json_pack("{s:s, s:s}", "code", vg_code_name(code), "message",
                   msg && *msg ? msg : vg_strerror(code));
}

static void respond(struct api *a, struct api_session *s, json_t *resp) {
  struct out_msg *m = msg_from_json(0, resp);
  json_decref(resp);
  if (!m) return;
  pthread_mutex_lock(&a->lock);
  outbox_put_locked(a, s, m);
  pthread_mutex_unlock(&a->lock);
  lws_callback_on_writable(s->wsi);
}

void api_call_raw(struct api_call *c, const char *key, struct vg_buf *raw) {
  if (c->raw) {
    vg_buf_cleanup(c->raw);
    free(c->raw);
  }
  c->raw_key = key;
  c->raw = vg_xmalloc(sizeof(*raw));
  *c->raw = *raw;
  memset(raw, 0, sizeof(*raw));
}

/* {"id":…,"result":{…}} with c's raw member spliced into the result. */
static void respond_raw(struct api *a, struct api_session *s, json_t *resp, struct api_call *c) {
  char *text = json_dumps(resp, JSON_COMPACT);
  json_decref(resp);
  if (!text) return;
  size_t n = strlen(text); /* ends "}}": the result's brace, then the response's */
  struct vg_buf b;
  vg_buf_init(&b, SIZE_MAX);
  vg_buf_append(&b, text, n - 2);
  if (text[n - 3] != '{') vg_buf_putc(&b, ',');
  vg_buf_appendf(&b, "\"%s\":", c->raw_key);
  vg_buf_append(&b, c->raw->data ? c->raw->data : "null", c->raw->data ? c->raw->len : 4);
  vg_buf_puts(&b, "}}");
  free(text);
  struct out_msg *m = msg_new(0, b.data, b.len);
  vg_buf_cleanup(&b);
  pthread_mutex_lock(&a->lock);
  outbox_put_locked(a, s, m);
  pthread_mutex_unlock(&a->lock);
  lws_callback_on_writable(s->wsi);
}

static void respond_error(struct api *a, struct api_session *s, int has_id, int64_t id,
                          int code, const char *msg) {
  json_t *resp = json_pack("{s:o, s:o}", "id", has_id ? json_integer(id) : json_null(), "error",
                           error_body(code, msg));
  respond(a, s, resp);
}

static void audit(struct api *a, const struct api_call *c, const struct api_method *m,
                  const json_t *params, int code, const char *msg) {
  struct vg_err e;
  vg_err_clear(&e);
  if (audit_append(a->vd->store, c->oid, c->key_id, auth_role_name(c->role), m->name, params,
                   code, msg, &e))
    vg_error(COMP, "audit append for %s failed: %s", m->name, e.msg);
}

static void handle_request(struct api *a, struct api_session *s, const char *text, size_t len) {
  struct api_request req;
  struct vg_err err;
  vg_err_clear(&err);
  int r = api_request_parse(text, len, &req, &err);
  if (r) {
    char msg[VG_LIMIT_ERR_MSG_BYTES + 32];
    respond_error(a, s, req.has_id, req.id, r, vg_err_str(&err, msg, sizeof(msg)));
    api_request_cleanup(&req);
    return;
  }
  struct api_call c = {.api = a, .vd = a->vd, .session_id = s->id, .role = s->role};
  snprintf(c.oid, sizeof(c.oid), "%s", s->oid);
  snprintf(c.key_id, sizeof(c.key_id), "%s", s->key_id);
  const struct api_method *m = api_method_find(req.method);
  json_t *result = NULL;
  if (s->role == AUTH_NONE && !(m && (m->flags & API_NOAUTH))) {
    r = vg_err_fail(&err, VG_EAUTH, "authenticate first: the first request must be session.auth");
  } else if (!m) {
    r = vg_err_fail(&err, VG_EUNKNOWN, "unknown method '%s'", req.method);
  } else if (s->role < m->min_role) {
    r = vg_err_fail(&err, VG_EPERM, "%s needs the %s role (this key is %s)", m->name,
                    auth_role_name(m->min_role), auth_role_name(s->role));
  } else if ((r = api_params_check(req.params, m->params, &err)) == 0) {
    r = m->handler(&c, req.params, &result, &err);
    if (r == 0 && !result) result = json_object();
  }
  if (m && (m->flags & API_AUDIT) && s->role != AUTH_NONE)
    audit(a, &c, m, req.params, r, r ? err.msg : NULL);
  vg_debug(COMP, "session %" PRIu64 " key %s: %s → %s", s->id, s->key_id[0] ? s->key_id : "-",
           req.method, r ? vg_code_name(r) : "ok");
  if (r) {
    json_decref(result);
    respond_error(a, s, 1, req.id, r, err.msg);
  } else if (c.raw) {
    respond_raw(a, s, json_pack("{s:I, s:o}", "id", (json_int_t)req.id, "result", result), &c);
  } else {
    respond(a, s, json_pack("{s:I, s:o}", "id", (json_int_t)req.id, "result", result));
  }
  if (c.raw) {
    vg_buf_cleanup(c.raw);
    free(c.raw);
  }
  api_request_cleanup(&req);
}

/* ---- lifecycle ---- */

struct api *api_create(struct vigild *vd) {
  struct api *a = vg_xcalloc(1, sizeof(*a));
  a->vd = vd;
  pthread_mutex_init(&a->lock, NULL);
  vg_idmap_init(&a->sessions);
  return a;
}

static void session_free(struct api *a, struct api_session *s) {
  pthread_mutex_lock(&a->lock);
  vg_idmap_del(&a->sessions, s->id);
  while (s->nsubs) sub_remove_locked(a, s, s->nsubs - 1);
  outbox_clear_locked(s);
  pthread_mutex_unlock(&a->lock);
  vg_buf_cleanup(&s->rx);
  free(s);
}

void api_free(struct api *a) {
  if (!a) return;
  uint64_t id;
  void *v;
  for (size_t i = 0; vg_idmap_next(&a->sessions, &i, &id, &v);) {
    struct api_session *s = v;
    while (s->nsubs) sub_remove_locked(a, s, s->nsubs - 1);
    outbox_clear_locked(s);
    vg_buf_cleanup(&s->rx);
    free(s);
  }
  vg_idmap_cleanup(&a->sessions);
  free(a->streams);
  free(a->wake);
  pthread_mutex_destroy(&a->lock);
  free(a);
}

/* ---- the protocol callback ---- */

static int close_with(struct lws *wsi, int code, const char *reason) {
  lws_close_reason(wsi, (enum lws_close_status)code, (unsigned char *)reason, strlen(reason));
  return -1;
}

static int on_receive(struct api *a, struct api_session *s, struct lws *wsi, const char *in,
                      size_t len) {
  if (s->close_code) return 0; /* closing: input is ignored */
  if (s->rx.len == 0) s->rx_binary = lws_frame_is_binary(wsi);
  size_t remaining = lws_remaining_packet_payload(wsi);
  if (s->rx.len + len + remaining > VG_LIMIT_API_MSG_BYTES ||
      vg_buf_append(&s->rx, in, len)) {
    char reason[REASON_BYTES];
    snprintf(reason, sizeof(reason), "message exceeds %u bytes", VG_LIMIT_API_MSG_BYTES);
    vg_warn(COMP, "session %" PRIu64 ": %s, closing", s->id, reason);
    return close_with(wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, reason);
  }
  if (!lws_is_final_fragment(wsi) || remaining) return 0;
  if (s->rx_binary)
    respond_error(a, s, 0, 0, VG_EPROTO, "binary messages are not accepted: send JSON text");
  else
    handle_request(a, s, s->rx.data ? s->rx.data : "", s->rx.len);
  vg_buf_reset(&s->rx);
  return 0;
}

static int on_writeable(struct api *a, struct api_session *s, struct lws *wsi) {
  pthread_mutex_lock(&a->lock);
  if (s->close_code && (s->close_now || !s->head)) {
    char reason[REASON_BYTES];
    int code = s->close_code;
    snprintf(reason, sizeof(reason), "%s", s->close_reason);
    pthread_mutex_unlock(&a->lock);
    return close_with(wsi, code, reason);
  }
  struct out_msg *m = s->head;
  if (m) {
    s->head = m->next;
    if (!s->head) s->tail = NULL;
    s->out_msgs--;
    s->out_bytes -= m->len;
  }
  int more = s->head != NULL || s->close_code;
  pthread_mutex_unlock(&a->lock);
  if (!m) return 0; /* spurious WRITEABLE */
  int n = lws_write(wsi, m->buf + LWS_PRE, m->len, LWS_WRITE_TEXT);
  size_t len = m->len;
  free(m);
  if (n < (int)len) return -1;
  if (more) lws_callback_on_writable(wsi);
  return 0;
}

static int api_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                        size_t len) {
  struct vigild *vd = lws_context_user(lws_get_context(wsi));
  struct api *a = vd ? vd->api : NULL;
  struct api_pss *pss = user;
  switch (reason) {
  case LWS_CALLBACK_ESTABLISHED: {
    if (!a) return -1;
    if (a->sessions.len >= VG_LIMIT_API_SESSIONS)
      return close_with(wsi, LWS_CLOSE_STATUS_POLICY_VIOLATION, "too many API sessions");
    struct api_session *s = vg_xcalloc(1, sizeof(*s));
    s->wsi = wsi;
    vg_buf_init(&s->rx, VG_LIMIT_API_MSG_BYTES);
    pthread_mutex_lock(&a->lock);
    s->id = ++a->next_session;
    vg_idmap_put(&a->sessions, s->id, s);
    pthread_mutex_unlock(&a->lock);
    pss->s = s;
    vg_debug(COMP, "session %" PRIu64 " opened", s->id);
    return 0;
  }
  case LWS_CALLBACK_RECEIVE:
    if (!a || !pss || !pss->s) return -1;
    return on_receive(a, pss->s, wsi, in, len);
  case LWS_CALLBACK_SERVER_WRITEABLE:
    if (!a || !pss || !pss->s) return 0;
    return on_writeable(a, pss->s, wsi);
  case LWS_CALLBACK_CLOSED:
    if (a && pss && pss->s) {
      vg_debug(COMP, "session %" PRIu64 " closed", pss->s->id);
      session_free(a, pss->s);
      pss->s = NULL;
    }
    return 0;
  case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
    api_drain(a);
    return 0;
  default:
    /* protocols[0] also serves plain HTTP on this vhost. */
    return lws_callback_http_dummy(wsi, reason, user, in, len);
  }
}

/* First so that a client offering no subprotocol still gets the API. */
const struct lws_protocols api_protocols[] = {
  {"vigil-api.v1", api_callback, sizeof(struct api_pss), RX_CHUNK_BYTES, 0, NULL, 0},
  {NULL, NULL, 0, 0, 0, NULL, 0},
};
