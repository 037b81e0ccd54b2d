/* conn.c — the sensor's connection to the gateway (docs/protocol.md).
 *
 * One connection thread makes a fresh vg_ws_client per attempt (reconnect
 * off, so nothing queued for a dead connection is ever written to the next
 * one, where it would precede the hello), with exponential back-off and
 * jitter between attempts; the host name is resolved again each time. One
 * sender thread reads the spool from the seq after welcome.acked and sends
 * batches, at most RUNTIME_INFLIGHT_EVENTS ahead of the acks. Control
 * messages are handled on the client's service thread (on_message). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "sensor/isolate.h"
#include "sensor/runtime_int.h"
#include "sensor/tasks.h"
#include "shared/alloc.h"
#include "shared/buf.h"
#include "shared/event.h"
#include "shared/log.h"
#include "shared/proto.h"
#include "shared/version.h"
#include "shared/ws_client.h"

#define COMP "conn"

static void deadline_in(struct timespec *ts, int ms) {
  clock_gettime(CLOCK_MONOTONIC, ts);
  ts->tv_sec += ms / 1000;
  ts->tv_nsec += (long)(ms % 1000) * 1000000L;
  if (ts->tv_nsec >= 1000000000L) {
    ts->tv_sec++;
    ts->tv_nsec -= 1000000000L;
  }
}

static void send_ctrl(struct sensor_rt *rt, struct vg_ws_client *ws, json_t *m) {
  struct vg_buf b;
  vg_buf_init(&b, VG_LIMIT_PROTO_CTRL_BYTES);
  if (vg_proto_encode(m, &b) == 0) vg_ws_client_send(ws, b.data, b.len);
  vg_buf_cleanup(&b);
  json_decref(m);
  (void)rt;
}

static void on_welcome(struct sensor_rt *rt, json_t *m) {
  uint64_t acked = (uint64_t)json_integer_value(json_object_get(m, "acked"));
  uint64_t next = spool_next_seq(rt->spool);
  if (acked >= next) {
    vg_warn(COMP, "backend acked seq %" PRIu64 " but this spool only reached %" PRIu64
                  ": continuing after the backend's",
            acked, next - 1);
    if (spool_advance(rt->spool, acked + 1, NULL))
      vg_error(COMP, "cannot advance the spool past %" PRIu64, acked);
  }
  runtime_welcome_acked(rt, acked);
  runtime_set_selection(rt, json_object_get(m, "selection"));
  pthread_mutex_lock(&rt->cmu);
  rt->acked = acked;
  uint64_t from = rt->send_next = spool_first_unacked(rt->spool);
  rt->ready = true;
  rt->connects++;
  pthread_cond_broadcast(&rt->ccv);
  pthread_mutex_unlock(&rt->cmu);
  vg_info(COMP, "welcome: backend holds up to seq %" PRIu64 ", sending from %" PRIu64, acked,
          from);
  /* segregated: the backend wants it, or the table is in place (a
   * segregate_network task, re-applied at start) */
  bool seg = json_is_true(json_object_get(m, "isolated")) || isolate_active(rt->ctx.state_dir);
  runtime_emit_simple(rt, "CONNECTED",
                      json_pack("{s:O, s:s, s:b}", "COLLECTORS", rt->running, "HOST_NAME",
                                rt->hostname, "IS_SEGREGATED", seg));
  runtime_set_isolation(rt, json_is_true(json_object_get(m, "isolated")));
}

static void on_message(struct vg_ws_client *c, const char *msg, size_t len, void *user) {
  struct sensor_rt *rt = user;
  struct vg_err err;
  vg_err_clear(&err);
  json_t *m = vg_proto_parse(msg, len, &err);
  if (!m) {
    vg_warn(COMP, "bad message from the gateway: %s", err.msg);
    return;
  }
  const char *t = json_string_value(json_object_get(m, "t"));
  if (strcmp(t, "welcome") == 0) {
    on_welcome(rt, m);
  } else if (strcmp(t, "ack") == 0) {
    uint64_t seq = (uint64_t)json_integer_value(json_object_get(m, "seq"));
    runtime_acked(rt, seq);
    pthread_mutex_lock(&rt->cmu);
    if (seq > rt->acked) rt->acked = seq;
    pthread_cond_broadcast(&rt->ccv);
    pthread_mutex_unlock(&rt->cmu);
  } else if (strcmp(t, "task") == 0) {
    const char *cmd = json_string_value(json_object_get(m, "command"));
    if (cmd)
      tasks_submit(rt->tasks, cmd, json_string_value(json_object_get(m, "task_id")),
                   json_string_value(json_object_get(m, "investigation_id")));
  } else if (strcmp(t, "selection") == 0) {
    runtime_set_selection(rt, json_object_get(m, "events"));
  } else if (strcmp(t, "isolation") == 0) {
    runtime_set_isolation(rt, json_is_true(json_object_get(m, "isolated")));
  } else if (strcmp(t, "error") == 0) {
    vg_warn(COMP, "gateway error %s: %s", json_string_value(json_object_get(m, "code")),
            json_string_value(json_object_get(m, "message")));
  } else {
    vg_debug(COMP, "ignoring message type %s", t);
  }
  json_decref(m);
  (void)c;
}

static void on_close(struct vg_ws_client *c, int code, const char *reason, void *user) {
  struct sensor_rt *rt = user;
  (void)c;
  pthread_mutex_lock(&rt->cmu);
  rt->closed = true;
  rt->ready = false;
  pthread_cond_broadcast(&rt->ccv);
  pthread_mutex_unlock(&rt->cmu);
  if (code) vg_warn(COMP, "connection closed (%d %s)", code, reason);
}

static unsigned backoff_ms(unsigned fails) {
  uint64_t d = RUNTIME_BACKOFF_MIN_MS;
  for (unsigned i = 1; i < fails && d < RUNTIME_BACKOFF_MAX_MS; i++) d *= 2;
  if (d > RUNTIME_BACKOFF_MAX_MS) d = RUNTIME_BACKOFF_MAX_MS;
  uint32_t r = 0;
  if (getrandom(&r, sizeof(r), 0) != sizeof(r)) r = (uint32_t)time(NULL);
  return (unsigned)(d + d * (r % 201) / 1000); /* + 0..20 % */
}

static void *conn_main(void *arg) {
  struct sensor_rt *rt = arg;
  unsigned fails = 0;
  for (;;) {
    pthread_mutex_lock(&rt->cmu);
    bool stop = rt->stopping;
    pthread_mutex_unlock(&rt->cmu);
    if (stop) break;
    struct vg_ws_opts o = {.host = rt->st.backend_host, .port = rt->st.backend_port,
                           .subprotocol = VG_PROTO_SENSOR, .ca_file = rt->st.ca_path,
                           .cert_file = rt->st.cert_path, .key_file = rt->st.key_path,
                           .reconnect = false,
                           .cb = {.on_message = on_message, .on_close = on_close},
                           .user = rt};
    struct vg_err err;
    vg_err_clear(&err);
    pthread_mutex_lock(&rt->cmu);
    rt->closed = false;
    pthread_mutex_unlock(&rt->cmu);
    struct vg_ws_client *ws = vg_ws_client_create(&o, &err);
    if (ws && vg_ws_client_wait_open(ws, (int)VG_WS_CONNECT_TIMEOUT_S * 1000 + 1000) == 0) {
      json_t *hello = json_pack(
          "{s:s, s:i, s:s, s:I, s:I, s:s, s:s, s:O, s:s, s:I}", "t", "hello", "v",
          VG_PROTO_VERSION, "hostname", rt->hostname, "plat", (json_int_t)rt->plat, "arch",
          (json_int_t)rt->arch, "int_ip", rt->int_ip, "version", vg_version(), "collectors",
          rt->running, "machine_id", rt->st.machine_id, "next_seq",
          (json_int_t)spool_next_seq(rt->spool));
      pthread_mutex_lock(&rt->cmu);
      rt->ws = ws;
      rt->gen++;
      pthread_mutex_unlock(&rt->cmu);
      send_ctrl(rt, ws, hello);
      vg_info(COMP, "connected to %s:%d", rt->st.backend_host, rt->st.backend_port);
      pthread_mutex_lock(&rt->cmu);
      while (!rt->closed && !rt->stopping) pthread_cond_wait(&rt->ccv, &rt->cmu);
      bool welcomed = rt->connects > 0 && rt->ready;
      rt->ws = NULL;
      rt->ready = false;
      pthread_mutex_unlock(&rt->cmu);
      fails = welcomed ? 0 : fails;
      vg_ws_client_free(ws);
      ws = NULL;
    } else if (ws) {
      char why[VG_LIMIT_WS_REASON_BYTES];
      vg_ws_client_close_reason(ws, why, sizeof(why));
      vg_debug(COMP, "connect to %s:%d failed: %s", rt->st.backend_host, rt->st.backend_port,
               why);
      vg_ws_client_free(ws);
    } else {
      vg_warn(COMP, "%s", err.msg);
    }
    fails++;
    unsigned d = backoff_ms(fails);
    struct timespec ts;
    deadline_in(&ts, (int)d);
    pthread_mutex_lock(&rt->cmu);
    while (!rt->stopping && pthread_cond_timedwait(&rt->ccv, &rt->cmu, &ts) == 0) {
    }
    pthread_mutex_unlock(&rt->cmu);
  }
  return NULL;
}

struct batch {
  struct vg_buf *b;
  uint64_t first, n;
};

static int batch_cb(void *ctx, const struct spool_rec *r) {
  struct batch *bt = ctx;
  if (bt->n == 0) {
    bt->first = r->seq;
    vg_buf_appendf(bt->b, "{\"t\":\"batch\",\"first\":%" PRIu64 ",\"events\":[", r->seq);
  } else {
    vg_buf_putc(bt->b, ',');
  }
  vg_buf_append(bt->b, r->data, r->len);
  bt->n++;
  return 0;
}

/* A connection is up and records wait within the in-flight window. Under cmu. */
static bool sender_can_send(const struct sensor_rt *rt) {
  return rt->ready && rt->ws && rt->send_next < spool_next_seq(rt->spool) &&
         rt->send_next - rt->acked <= RUNTIME_INFLIGHT_EVENTS;
}

static void *sender_main(void *arg) {
  struct sensor_rt *rt = arg;
  struct vg_buf b;
  vg_buf_init(&b, VG_LIMIT_MSG_BYTES);
  struct timespec last_sync;
  clock_gettime(CLOCK_MONOTONIC, &last_sync);
  pthread_mutex_lock(&rt->cmu);
  while (!rt->stopping) {
    if (!sender_can_send(rt)) {
      __atomic_store_n(&rt->sender_waiting, 1, __ATOMIC_SEQ_CST);
      if (!sender_can_send(rt)) { /* again: an append may have missed the flag */
        struct timespec ts;
        deadline_in(&ts, SPOOL_FSYNC_MS);
        pthread_cond_timedwait(&rt->ccv, &rt->cmu, &ts);
      }
      __atomic_store_n(&rt->sender_waiting, 0, __ATOMIC_SEQ_CST);
    }
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if ((now.tv_sec - last_sync.tv_sec) * 1000 + (now.tv_nsec - last_sync.tv_nsec) / 1000000 >=
        SPOOL_FSYNC_MS) {
      last_sync = now;
      pthread_mutex_unlock(&rt->cmu);
      spool_sync(rt->spool);
      pthread_mutex_lock(&rt->cmu);
    }
    /* cmu was released above (the wait, the fsync): the connection may have
     * gone meanwhile, so decide again now */
    if (!sender_can_send(rt)) continue;
    /* Read and send under cmu: the drop accounting (runtime.c) reads
     * send_next under it, so a record is either dropped before it is read
     * or counted as sent. */
    vg_buf_reset(&b);
    struct batch bt = {.b = &b};
    spool_read(rt->spool, rt->send_next, RUNTIME_BATCH_EVENTS, RUNTIME_BATCH_BYTES, batch_cb, &bt);
    if (bt.n == 0) continue;
    vg_buf_puts(&b, "]}");
    int r = vg_ws_client_send(rt->ws, b.data, b.len);
    if (r == -VG_EBUSY) { /* the socket is slower than the spool: wait a little */
      struct timespec ts;
      deadline_in(&ts, 20);
      pthread_cond_timedwait(&rt->ccv, &rt->cmu, &ts);
      continue;
    }
    if (r) {
      vg_warn(COMP, "send: %s", vg_strerror(r));
      continue;
    }
    rt->send_next = bt.first + bt.n; /* the client owns the message now */
  }
  pthread_mutex_unlock(&rt->cmu);
  vg_buf_cleanup(&b);
  return NULL;
}

int conn_start(struct sensor_rt *rt, struct vg_err *err) {
  if (pthread_create(&rt->conn_thread, NULL, conn_main, rt) != 0)
    return vg_err_fail(err, VG_EINTERNAL, "cannot start the connection thread");
  if (pthread_create(&rt->sender_thread, NULL, sender_main, rt) != 0) {
    pthread_mutex_lock(&rt->cmu);
    rt->stopping = true;
    pthread_cond_broadcast(&rt->ccv);
    pthread_mutex_unlock(&rt->cmu);
    pthread_join(rt->conn_thread, NULL);
    return vg_err_fail(err, VG_EINTERNAL, "cannot start the sender thread");
  }
  return 0;
}

void conn_flush(struct sensor_rt *rt, int ms) {
  struct timespec ts;
  deadline_in(&ts, ms);
  pthread_mutex_lock(&rt->cmu);
  while (rt->ready && rt->acked + 1 < spool_next_seq(rt->spool) &&
         pthread_cond_timedwait(&rt->ccv, &rt->cmu, &ts) == 0) {
  }
  pthread_mutex_unlock(&rt->cmu);
}

void conn_stop(struct sensor_rt *rt) {
  pthread_mutex_lock(&rt->cmu);
  rt->stopping = true;
  pthread_cond_broadcast(&rt->ccv);
  pthread_mutex_unlock(&rt->cmu);
  pthread_join(rt->sender_thread, NULL);
  pthread_join(rt->conn_thread, NULL);
}
