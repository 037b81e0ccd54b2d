/* api_client.c — the vigil-api.v1 client (api_client.h): one websocket,
 * session.auth sent from on_open (so a reconnect re-authenticates before
 * anything queued), responses matched to waiting callers by id, pushes kept
 * in a bounded queue. All state below is guarded by mu. */
#include "shared/api_client.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "shared/alloc.h"
#include "shared/ws_client.h"

#define API_SUBPROTOCOL "vigil-api.v1"
#define API_DEFAULT_PORT 7444
#define API_PUSH_QUEUE 8192 /* pushes kept for the reader; past it they are dropped (noted once) */
#define API_AUTH_ID 0       /* the id session.auth uses; calls count from 1 */

struct pending {
  int64_t id;
  json_t *resp; /* set when answered */
  bool lost;    /* the connection dropped before the answer */
  struct pending *next;
};

struct vg_api {
  struct vg_ws_client *ws;
  pthread_mutex_t mu;
  pthread_cond_t cv; /* any state change: answer, push, auth, close */
  char oid[sizeof(((struct vg_creds *)0)->oid)];
  char api_key[VG_CREDS_KEY_BYTES];
  int64_t next_id;
  bool authed;        /* this connection is authenticated */
  int auth_code;      /* last session.auth failure (positive), 0 if none */
  char auth_msg[VG_LIMIT_ERR_MSG_BYTES];
  bool closed;        /* a connection ended (or failed) since the last open */
  bool reconnect;     /* set at connect, read-only after */
  struct pending *waiting;
  json_t *session;    /* the last session.auth result */
  json_t *pushes;     /* array, arrival order */
  size_t dropped;     /* pushes dropped since the queue was last full */
};

static int64_t now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Wait on a->cv until deadline (< 0: forever). false on timeout. mu held. */
static bool wait_until(struct vg_api *a, int64_t deadline) {
  if (deadline < 0) {
    pthread_cond_wait(&a->cv, &a->mu);
    return true;
  }
  int64_t left = deadline - now_ms();
  if (left <= 0) return false;
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  ts.tv_sec += left / 1000;
  ts.tv_nsec += (left % 1000) * 1000000;
  if (ts.tv_nsec >= 1000000000) {
    ts.tv_sec++;
    ts.tv_nsec -= 1000000000;
  }
  return pthread_cond_timedwait(&a->cv, &a->mu, &ts) != ETIMEDOUT || now_ms() < deadline;
}

static int code_from_name(const char *name) {
  for (int c = 1; c < VG__CODE_COUNT; c++)
    if (name && !strcmp(vg_code_name(c), name)) return c;
  return VG_EINTERNAL;
}

static void push_locked(struct vg_api *a, json_t *p) {
  if (json_array_size(a->pushes) >= API_PUSH_QUEUE) {
    a->dropped++;
    json_decref(p);
    return;
  }
  if (a->dropped) {
    char m[128];
    snprintf(m, sizeof m, "%zu pushes dropped: the client is not reading them", a->dropped);
    json_array_append_new(a->pushes, json_pack("{s:n, s:{s:s, s:s}}", "sub", "error", "code", "EBUSY",
                                               "message", m));
    a->dropped = 0;
  }
  json_array_append_new(a->pushes, p);
}

/* c is the client the callback got: a->ws may not be set yet when the first
 * on_open runs (the service thread connects before create returns). */
static void send_auth(struct vg_api *a, struct vg_ws_client *c) {
  json_t *req = json_pack("{s:i, s:s, s:{s:s, s:s}}", "id", API_AUTH_ID, "method", "session.auth",
                          "params", "oid", a->oid, "api_key", a->api_key);
  char *text = json_dumps(req, JSON_COMPACT);
  json_decref(req);
  vg_ws_client_send(c, text, strlen(text));
  memset(text, 0, strlen(text));
  free(text);
}

static void on_open(struct vg_ws_client *c, void *user) {
  struct vg_api *a = user;
  pthread_mutex_lock(&a->mu);
  a->closed = false;
  pthread_mutex_unlock(&a->mu);
  send_auth(a, c);
}

static void on_message(struct vg_ws_client *c, const char *msg, size_t len, void *user) {
  struct vg_api *a = user;
  (void)c;
  json_t *m = json_loadb(msg, len, 0, NULL);
  if (!json_is_object(m)) {
    json_decref(m);
    return;
  }
  pthread_mutex_lock(&a->mu);
  json_t *id = json_object_get(m, "id");
  if (json_is_integer(id) && json_integer_value(id) == API_AUTH_ID) {
    json_t *e = json_object_get(m, "error");
    a->authed = e == NULL;
    if (!e) {
      json_decref(a->session);
      a->session = json_incref(json_object_get(m, "result"));
    }
    a->auth_code = e ? code_from_name(json_string_value(json_object_get(e, "code"))) : 0;
    const char *em = e ? json_string_value(json_object_get(e, "message")) : "";
    snprintf(a->auth_msg, sizeof a->auth_msg, "%s", em ? em : "authentication failed");
    json_decref(m);
  } else if (json_is_integer(id)) {
    struct pending *p = a->waiting;
    while (p && p->id != json_integer_value(id)) p = p->next;
    if (p) p->resp = m;
    else json_decref(m); /* its caller gave up */
  } else if (json_object_get(m, "sub")) {
    push_locked(a, m);
  } else {
    json_decref(m); /* id null: a request we sent was unreadable; nothing waits on it */
  }
  pthread_cond_broadcast(&a->cv);
  pthread_mutex_unlock(&a->mu);
}

static void on_close(struct vg_ws_client *c, int code, const char *reason, void *user) {
  struct vg_api *a = user;
  (void)c;
  pthread_mutex_lock(&a->mu);
  bool was = a->authed;
  a->authed = false;
  a->closed = true;
  for (struct pending *p = a->waiting; p; p = p->next) p->lost = true;
  if (was) {
    char m[VG_LIMIT_WS_REASON_BYTES + 64];
    snprintf(m, sizeof m, "connection lost (%d %s): subscriptions ended", code, reason ? reason : "");
    push_locked(a, json_pack("{s:n, s:{s:s, s:s}}", "sub", "error", "code", "EOFFLINE", "message", m));
  }
  pthread_cond_broadcast(&a->cv);
  pthread_mutex_unlock(&a->mu);
}

/* wss://host[:port][/path] → parts. IPv6 literals in brackets. */
static int parse_url(const char *url, char *host, size_t hn, int *port, char *path, size_t pn,
                     struct vg_err *err) {
  if (strncmp(url, "wss://", 6) != 0)
    return vg_err_fail(err, VG_EINVAL, "url '%.200s': must start with wss://", url);
  const char *h = url + 6, *end;
  size_t len;
  if (*h == '[') {
    end = strchr(h, ']');
    if (!end) return vg_err_fail(err, VG_EINVAL, "url '%.200s': unclosed [", url);
    h++;
    len = (size_t)(end - h);
    end++;
  } else {
    len = strcspn(h, ":/");
    end = h + len;
  }
  if (len == 0 || len >= hn) return vg_err_fail(err, VG_EINVAL, "url '%.200s': bad host", url);
  memcpy(host, h, len);
  host[len] = '\0';
  *port = API_DEFAULT_PORT;
  if (*end == ':') {
    char *e;
    errno = 0;
    long p = strtol(end + 1, &e, 10);
    if (errno || e == end + 1 || p < 1 || p > 65535 || (*e && *e != '/'))
      return vg_err_fail(err, VG_EINVAL, "url '%.200s': port must be 1-65535", url);
    *port = (int)p;
    end = e;
  }
  if (*end && *end != '/') return vg_err_fail(err, VG_EINVAL, "url '%.200s': unexpected '%c'", url, *end);
  snprintf(path, pn, "%s", *end ? end : "/");
  return 0;
}

struct vg_api *vg_api_connect(const struct vg_creds *c, bool reconnect, int timeout_ms,
                              struct vg_err *err) {
  char host[256], path[VG_CREDS_URL_BYTES];
  int port;
  if (parse_url(c->url, host, sizeof host, &port, path, sizeof path, err)) return NULL;
  if (!c->ca_file[0]) {
    vg_err_fail(err, VG_EINVAL,
                "no CA certificate for %s: give --ca (vigild's <data-dir>/tls/ca.pem) or `ca:` in the "
                "credentials file",
                c->url);
    return NULL;
  }
  struct vg_api *a = vg_xcalloc(1, sizeof(*a));
  pthread_mutex_init(&a->mu, NULL);
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&a->cv, &ca);
  pthread_condattr_destroy(&ca);
  snprintf(a->oid, sizeof a->oid, "%s", c->oid);
  snprintf(a->api_key, sizeof a->api_key, "%s", c->api_key);
  a->next_id = 1;
  a->reconnect = reconnect;
  a->pushes = json_array();
  struct vg_ws_opts o = {.host = host, .port = port, .path = path, .subprotocol = API_SUBPROTOCOL,
                         .ca_file = c->ca_file, .reconnect = reconnect,
                         .cb = {.on_open = on_open, .on_message = on_message, .on_close = on_close},
                         .user = a};
  struct vg_err e2;
  vg_err_clear(&e2);
  a->ws = vg_ws_client_create(&o, &e2);
  if (!a->ws) {
    vg_err_fail(err, e2.code ? e2.code : VG_EINTERNAL, "%s", e2.msg);
    vg_api_close(a);
    return NULL;
  }
  int64_t deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
  pthread_mutex_lock(&a->mu);
  while (!a->authed && !a->auth_code && !(a->closed && !reconnect))
    if (!wait_until(a, deadline)) break;
  bool ok = a->authed;
  int acode = a->auth_code;
  char amsg[sizeof a->auth_msg];
  snprintf(amsg, sizeof amsg, "%s", a->auth_msg);
  pthread_mutex_unlock(&a->mu);
  if (ok) return a;
  if (acode) {
    vg_err_fail(err, acode, "%s: %s", c->url, amsg);
  } else {
    char why[VG_LIMIT_WS_REASON_BYTES];
    int code = vg_ws_client_close_reason(a->ws, why, sizeof why);
    bool tls = strstr(why, "SSL") || strstr(why, "ssl") || strstr(why, "cert");
    if (!why[0]) snprintf(why, sizeof why, "no answer within %d ms", timeout_ms);
    vg_err_fail(err, tls ? VG_ETLS : VG_EOFFLINE, "cannot reach %s: %s%s%s", c->url, why,
                code ? " (closed by the server)" : "", tls ? " (is the CA vigild's tls/ca.pem?)" : "");
  }
  vg_api_close(a);
  return NULL;
}

void vg_api_close(struct vg_api *a) {
  if (!a) return;
  vg_ws_client_free(a->ws);
  for (struct pending *p = a->waiting, *n; p; p = n) {
    n = p->next;
    json_decref(p->resp);
    free(p);
  }
  json_decref(a->pushes);
  json_decref(a->session);
  memset(a->api_key, 0, sizeof a->api_key);
  pthread_cond_destroy(&a->cv);
  pthread_mutex_destroy(&a->mu);
  free(a);
}

static void unlink_pending(struct vg_api *a, struct pending *p) {
  for (struct pending **pp = &a->waiting; *pp; pp = &(*pp)->next)
    if (*pp == p) {
      *pp = p->next;
      return;
    }
}

int vg_api_call(struct vg_api *a, const char *method, json_t *params, int timeout_ms,
                json_t **result, struct vg_err *err) {
  *result = NULL;
  int64_t deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
  pthread_mutex_lock(&a->mu);
  while (!a->authed && !a->auth_code && !(a->closed && !a->reconnect))
    if (!wait_until(a, deadline)) break;
  if (!a->authed) {
    int code = a->auth_code ? a->auth_code : VG_EOFFLINE;
    pthread_mutex_unlock(&a->mu);
    json_decref(params);
    return vg_err_fail(err, code, "%s: %s", method,
                       code == VG_EOFFLINE ? "not connected to the API" : a->auth_msg);
  }
  struct pending *p = vg_xcalloc(1, sizeof(*p));
  p->id = a->next_id++;
  p->next = a->waiting;
  a->waiting = p;
  pthread_mutex_unlock(&a->mu);

  json_t *req = json_pack("{s:I, s:s, s:o}", "id", (json_int_t)p->id, "method", method, "params",
                          params ? params : json_object());
  char *text = json_dumps(req, JSON_COMPACT);
  json_decref(req);
  int r = text ? vg_ws_client_send(a->ws, text, strlen(text)) : -VG_EINVAL;
  free(text);

  pthread_mutex_lock(&a->mu);
  if (r) {
    r = vg_err_fail(err, -r, "%s: cannot send: %s", method, vg_strerror(r));
  } else {
    while (!p->resp && !p->lost)
      if (!wait_until(a, deadline)) break;
    if (p->resp) {
      json_t *e = json_object_get(p->resp, "error");
      if (e) {
        const char *msg = json_string_value(json_object_get(e, "message"));
        r = vg_err_fail(err, code_from_name(json_string_value(json_object_get(e, "code"))), "%s",
                        msg ? msg : "error");
      } else {
        *result = json_incref(json_object_get(p->resp, "result"));
        if (!*result) *result = json_object();
      }
    } else if (p->lost) {
      r = vg_err_fail(err, VG_EOFFLINE, "%s: the connection dropped before the answer", method);
    } else {
      r = vg_err_fail(err, VG_ETIMEOUT, "%s: no answer within %d ms", method, timeout_ms);
    }
  }
  unlink_pending(a, p);
  pthread_mutex_unlock(&a->mu);
  json_decref(p->resp);
  free(p);
  return r;
}

json_t *vg_api_next_push(struct vg_api *a, int timeout_ms) {
  int64_t deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
  pthread_mutex_lock(&a->mu);
  while (json_array_size(a->pushes) == 0)
    if (!wait_until(a, deadline)) break;
  json_t *p = NULL;
  if (json_array_size(a->pushes)) {
    p = json_incref(json_array_get(a->pushes, 0));
    json_array_remove(a->pushes, 0);
  }
  pthread_mutex_unlock(&a->mu);
  return p;
}

json_t *vg_api_session(struct vg_api *a) {
  pthread_mutex_lock(&a->mu);
  json_t *s = json_deep_copy(a->session);
  pthread_mutex_unlock(&a->mu);
  return s;
}

bool vg_api_online(struct vg_api *a) {
  pthread_mutex_lock(&a->mu);
  bool on = a->authed;
  pthread_mutex_unlock(&a->mu);
  return on;
}
