/* tasks.c — pending sensor tasks and the routing of their replies. */
#include "backend/tasks.h"

#include "backend/ingest.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "backend/api.h"
#include "backend/gateway.h"
#include "backend/registry.h"
#include "backend/vigild.h"
#include "shared/alloc.h"
#include "shared/event_types.h"
#include "shared/event.h"
#include "shared/limits.h"
#include "shared/log.h"
#include "shared/routing.h"

#define COMP "tasks"

struct tasks {
  struct vigild *vd;
  pthread_mutex_t mu;
  json_t *pending; /* investigation id → {task_id, oid, sid, session, sub, deadline, replies,
                   *                     timeout_s, queued: the task message while undelivered} */
  json_t *queued;  /* sid → number of tasks waiting for that sensor */
};

struct tasks *tasks_create(struct vigild *vd) {
  struct tasks *t = vg_xcalloc(1, sizeof(*t));
  t->vd = vd;
  pthread_mutex_init(&t->mu, NULL);
  t->pending = json_object();
  t->queued = json_object();
  return t;
}

void tasks_free(struct tasks *t) {
  if (!t) return;
  json_decref(t->pending);
  json_decref(t->queued);
  pthread_mutex_destroy(&t->mu);
  free(t);
}

static void queued_count(struct tasks *t, const char *sid, int delta) {
  json_int_t n = json_integer_value(json_object_get(t->queued, sid)) + delta;
  if (n > 0)
    json_object_set_new(t->queued, sid, json_integer(n));
  else
    json_object_del(t->queued, sid);
}

/* The event type that closes a task's answer: the command's own reply type;
 * "" for commands without one (deny_tree, restart, exfil_add…: they may reply
 * with another command's type, so they end at their deadline). */
static const char *final_reply_type(const char *command) {
  char name[VG_LIMIT_EVENT_TYPE_BYTES + 1];
  size_t n = strcspn(command, " \t");
  snprintf(name, sizeof(name), "%.*s", (int)(n < sizeof(name) - 1 ? n : sizeof(name) - 1), command);
  const struct vg_event_type *t = vg_event_type_by_command(name);
  return t ? t->name : "";
}

int tasks_send(struct tasks *t, const char *oid, const char *sid, const char *command,
               uint64_t api_session, uint64_t sub_id, int timeout_s, int queue_ttl_s,
               bool *queued, char task_id[VG_UUID_STR_LEN + 1],
               char inv_id[VG_UUID_STR_LEN + 1], struct vg_err *err) {
  *queued = false;
  if (!command || !*command || strlen(command) > VG_LIMIT_TASK_COMMAND_BYTES)
    return vg_err_fail(err, VG_EINVAL, "command: 1 to %d bytes", VG_LIMIT_TASK_COMMAND_BYTES);
  if (timeout_s < 1 || timeout_s > 3600)
    return vg_err_fail(err, VG_ERANGE, "timeout: 1 to 3600 seconds");
  if (queue_ttl_s < 0 || queue_ttl_s > 7 * 86400)
    return vg_err_fail(err, VG_ERANGE, "queue_ttl: 0 to 604800 seconds");
  if (!registry_exists(t->vd->reg, oid, sid))
    return vg_err_fail(err, VG_ENOTFOUND, "no sensor %s", sid ? sid : "(null)");
  bool online = gateway_online(t->vd->gw, sid);
  if (!online && !queue_ttl_s)
    return vg_err_fail(err, VG_EOFFLINE, "sensor %s is offline (queue_ttl queues the task)", sid);
  pthread_mutex_lock(&t->mu);
  size_t n = json_object_size(t->pending);
  json_int_t nq = json_integer_value(json_object_get(t->queued, sid));
  pthread_mutex_unlock(&t->mu);
  if (n >= VG_LIMIT_TASKS_PENDING)
    return vg_err_fail(err, VG_ELIMIT, "more than %d tasks pending", VG_LIMIT_TASKS_PENDING);
  if (!online && nq >= VG_LIMIT_TASKS_QUEUED_PER_SENSOR)
    return vg_err_fail(err, VG_ELIMIT, "more than %d tasks queued for sensor %s",
                       VG_LIMIT_TASKS_QUEUED_PER_SENSOR, sid);
  vg_atom_uuid_new(task_id);
  vg_atom_uuid_new(inv_id);
  json_t *msg = json_pack("{s:s, s:s, s:s, s:s}", "t", "task", "task_id", task_id,
                          "investigation_id", inv_id, "command", command);
  int64_t now = vg_event_now_ms();
  json_int_t deadline = now + (online ? timeout_s : queue_ttl_s) * 1000LL;
  json_t *rec = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:i, s:i}", "task_id", task_id, "oid",
                          oid, "sid", sid, "session", (json_int_t)api_session, "sub",
                          (json_int_t)sub_id, "deadline", deadline, "replies", 0, "timeout_s",
                          timeout_s);
  if (!online) json_object_set(rec, "queued", msg);
  json_object_set_new(rec, "reply_type", json_string(final_reply_type(command)));
  pthread_mutex_lock(&t->mu);
  json_object_set_new(t->pending, inv_id, rec);
  if (!online) queued_count(t, sid, 1);
  pthread_mutex_unlock(&t->mu);
  if (!online) {
    json_decref(msg);
    *queued = true;
    vg_info(COMP, "task %s queued for offline sensor %s (%d s)", task_id, sid, queue_ttl_s);
    return 0;
  }
  int r = gateway_send(t->vd->gw, sid, msg, err);
  if (r) {
    pthread_mutex_lock(&t->mu);
    json_object_del(t->pending, inv_id);
    pthread_mutex_unlock(&t->mu);
    return r;
  }
  vg_info(COMP, "task %s to %s: %.*s", task_id, sid, 60, command);
  return 0;
}

void tasks_flush_queued(struct tasks *t, const char *sid) {
  json_t *send = json_array();
  pthread_mutex_lock(&t->mu);
  if (json_object_get(t->queued, sid)) {
    int64_t now = vg_event_now_ms();
    const char *inv;
    json_t *rec;
    json_object_foreach(t->pending, inv, rec) {
      json_t *msg = json_object_get(rec, "queued");
      if (!msg || strcmp(json_string_value(json_object_get(rec, "sid")), sid) != 0) continue;
      json_array_append(send, msg);
      json_object_del(rec, "queued");
      json_object_set_new(rec, "deadline",
                          json_integer(now + json_integer_value(json_object_get(rec, "timeout_s")) *
                                                 1000LL));
    }
    json_object_del(t->queued, sid);
  }
  pthread_mutex_unlock(&t->mu);
  size_t i;
  json_t *msg;
  json_array_foreach(send, i, msg) {
    vg_info(COMP, "queued task %s delivered to %s",
            json_string_value(json_object_get(msg, "task_id")), sid);
    gateway_send(t->vd->gw, sid, json_incref(msg), NULL);
  }
  json_decref(send);
}

/* Is ev the last reply of its task? The command's own reply type without
 * "MORE": true (long answers come in parts; a reply that announces more
 * events, like history_dump's, comes after them), or an error RECEIPT (the
 * sensor refused the command: nothing else follows). */
static bool final_reply(const json_t *rec, const struct vg_routing *r, const json_t *ev) {
  const json_t *body = json_object_get(ev, "event");
  const char *want = json_string_value(json_object_get(rec, "reply_type"));
  if (strcmp(r->event_type, "RECEIPT") == 0) {
    json_t *err = json_object_get(body, "ERROR");
    return json_is_integer(err) && json_integer_value(err) != 0;
  }
  return want && want[0] && strcmp(r->event_type, want) == 0 &&
         !json_is_true(json_object_get(body, "MORE"));
}

void tasks_on_event(void *ctx, struct ingest_event *e) {
  struct tasks *t = ctx;
  if (!(ingest_event_present(e) & VG_RT_INVESTIGATION_ID)) return;
  const struct vg_routing *r = ingest_event_routing(e);
  if (!r) return;
  pthread_mutex_lock(&t->mu);
  json_t *rec = json_object_get(t->pending, r->investigation_id);
  /* Only the sensor that was tasked can answer (no cross-org spoofing). */
  if (!rec || strcmp(json_string_value(json_object_get(rec, "oid")), r->oid) != 0 ||
      strcmp(json_string_value(json_object_get(rec, "sid")), r->sid) != 0) {
    pthread_mutex_unlock(&t->mu);
    return;
  }
  const json_t *ev = ingest_event_tree(e);
  if (!ev) {
    pthread_mutex_unlock(&t->mu);
    return;
  }
  json_object_set_new(rec, "replies",
                      json_integer(json_integer_value(json_object_get(rec, "replies")) + 1));
  uint64_t session = (uint64_t)json_integer_value(json_object_get(rec, "session"));
  uint64_t sub = (uint64_t)json_integer_value(json_object_get(rec, "sub"));
  json_t *push = json_pack("{s:I, s:O, s:O}", "sub", (json_int_t)sub, "task_id",
                           json_object_get(rec, "task_id"), "event", ev);
  json_t *done = NULL;
  if (final_reply(rec, r, ev)) { /* answered in full: report it now, not at the deadline */
    done = json_pack("{s:I, s:O, s:b, s:b, s:O, s:b}", "sub", (json_int_t)sub, "task_id",
                     json_object_get(rec, "task_id"), "done", 1, "timeout", 0, "replies",
                     json_object_get(rec, "replies"), "expired", 0);
    json_object_del(t->pending, r->investigation_id);
  }
  pthread_mutex_unlock(&t->mu);
  api_push(t->vd->api, session, sub, push);
  if (done) api_push(t->vd->api, session, sub, done);
}

void tasks_expire(struct tasks *t, int64_t now_ms) {
  json_t *due = json_array();
  pthread_mutex_lock(&t->mu);
  const char *inv;
  json_t *rec;
  void *tmp;
  json_object_foreach_safe(t->pending, tmp, inv, rec) {
    if (json_integer_value(json_object_get(rec, "deadline")) > now_ms) continue;
    if (json_object_get(rec, "queued")) {
      queued_count(t, json_string_value(json_object_get(rec, "sid")), -1);
      json_object_set_new(rec, "expired", json_true());
    }
    json_array_append(due, rec);
    json_object_del(t->pending, inv);
  }
  pthread_mutex_unlock(&t->mu);
  size_t i;
  json_array_foreach(due, i, rec) {
    json_int_t replies = json_integer_value(json_object_get(rec, "replies"));
    json_int_t sub = json_integer_value(json_object_get(rec, "sub"));
    json_t *push = json_pack("{s:I, s:O, s:b, s:b, s:I, s:b}", "sub", sub, "task_id",
                             json_object_get(rec, "task_id"), "done", 1, "timeout",
                             replies == 0, "replies", replies, "expired",
                             json_is_true(json_object_get(rec, "expired")));
    api_push(t->vd->api, (uint64_t)json_integer_value(json_object_get(rec, "session")),
             (uint64_t)sub, push);
  }
  json_decref(due);
}
