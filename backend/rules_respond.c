/* rules_respond.c — what a matching rule does: suppression, report (a
 * detection record stored, filtered by false-positive rules, pushed to
 * subscribers and fed back as event type _<name>), tags, variables,
 * isolation, tasks (queued for the service thread, which alone may talk to
 * sensors); and the detections' list / get / subscribe. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libwebsockets.h> /* gateway.h */

#include "backend/api.h"
#include "backend/gateway.h"
#include "backend/outputs.h"
#include "backend/registry.h"
#include "backend/rules_int.h"
#include "backend/server.h"
#include "backend/store_meta.h"
#include "backend/tasks.h"
#include "backend/vigild.h"
#include "shared/alloc.h"
#include "shared/event.h"
#include "shared/log.h"

#define COMP "rules"
#define RULE_TASK_TIMEOUT_S 60

/* ---- suppression ---- */

static bool suppressed(struct crule *c, size_t ai, const json_t *ev, const struct vg_routing *rt) {
  const struct vg_suppression *s = &c->rule->actions[ai].sup;
  if (!s->on) return false;
  char key[4 * VG_LIMIT_TEMPLATE_BYTES];
  size_t kl = (size_t)snprintf(key, sizeof(key), "%s", s->is_global ? "" : rt->sid);
  json_t *root = json_pack("{s:O, s:O, s:o}", "routing", json_object_get(ev, "routing"), "event",
                           json_object_get(ev, "event"), "mtd", json_object());
  for (size_t i = 0; i < s->nkeys && kl < sizeof(key); i++) {
    char *v = vg_rule_template(s->keys[i], root);
    kl += (size_t)snprintf(key + kl, sizeof(key) - kl, "\x1f%s", v);
    free(v);
  }
  json_decref(root);
  json_t *map = c->sup[ai];
  int64_t now = vg_event_now_ms();
  json_t *ent = json_object_get(map, key);
  if (!ent) {
    if (json_object_size(map) >= VG_LIMIT_SUPPRESS_KEYS) { /* drop windows that ended */
      const char *k;
      json_t *v;
      void *t;
      json_object_foreach_safe(map, t, k, v) {
        if (now - json_integer_value(json_array_get(v, 1)) > s->period_s * 1000) json_object_del(map, k);
      }
      if (json_object_size(map) >= VG_LIMIT_SUPPRESS_KEYS) return true;
    }
    json_object_set_new(map, key, ent = json_pack("[I, I]", (json_int_t)0, (json_int_t)now));
  }
  int64_t count = json_integer_value(json_array_get(ent, 0));
  int64_t start = json_integer_value(json_array_get(ent, 1));
  if (now - start > s->period_s * 1000) count = 0, start = now;
  count++;
  json_array_set_new(ent, 0, json_integer(count));
  json_array_set_new(ent, 1, json_integer(start));
  int64_t past = s->min_count ? count - s->min_count + 1 : count; /* runs so far incl. this */
  if (s->min_count && count < s->min_count) return true;
  if (s->max_count && past > s->max_count) return true;
  return false;
}

/* ---- the service-thread queue ---- */

static void enqueue(struct rules *r, int kind, const struct vg_routing *rt, char *command) {
  if (r->npend >= VG_LIMIT_RULES_PENDING) {
    r->pend_dropped++;
    vg_warn(COMP, "response queue full: %s for %s dropped", vg_action_name(kind), rt->sid);
    free(command);
    return;
  }
  struct pending *p = &r->pend[r->npend++];
  p->kind = kind;
  snprintf(p->oid, sizeof(p->oid), "%s", rt->oid);
  snprintf(p->sid, sizeof(p->sid), "%s", rt->sid);
  p->command = command;
  if (r->vd && r->vd->server) server_wake(r->vd->server);
}

void rules_drain(struct rules *r) {
  if (!r) return;
  struct pending batch[64];
  for (;;) {
    pthread_mutex_lock(&r->lock);
    size_t n = r->npend < 64 ? r->npend : 64;
    memcpy(batch, r->pend, n * sizeof(*batch));
    memmove(r->pend, r->pend + n, (r->npend - n) * sizeof(*r->pend));
    r->npend -= n;
    pthread_mutex_unlock(&r->lock);
    if (!n) return;
    for (size_t i = 0; i < n; i++) {
      struct pending *p = &batch[i];
      struct vg_err err;
      vg_err_clear(&err);
      char m[512];
      if (p->kind == VG_ACT_TASK && r->vd->tasks) {
        char tid[VG_UUID_STR_LEN + 1], inv[VG_UUID_STR_LEN + 1];
        bool queued = false;
        /* No API session: the replies are stored as events; offline
         * sensors get the task when they return (within a day). */
        if (tasks_send(r->vd->tasks, p->oid, p->sid, p->command, 0, 0, RULE_TASK_TIMEOUT_S, 86400,
                       &queued, tid, inv, &err))
          vg_warn(COMP, "task \"%s\" to %s: %s", p->command, p->sid, vg_err_str(&err, m, sizeof(m)));
        else
          vg_info(COMP, "task \"%s\" to %s: %s %s", p->command, p->sid, queued ? "queued" : "sent", tid);
      } else if (r->vd->gw) {
        gateway_push_isolation(r->vd->gw, p->oid, p->sid);
      }
      free(p->command);
    }
  }
}

/* ---- detections ---- */

static void push_detection(struct rules *r, const char *oid, const json_t *rec) {
  for (size_t i = 0; i < r->nsubs;) {
    struct dsub *s = &r->subs[i];
    if (strcmp(s->oid, oid)) {
      i++;
      continue;
    }
    int rc = r->vd && r->vd->api
                 ? api_push(r->vd->api, s->session, s->sub,
                            json_pack("{s:I, s:O}", "sub", (json_int_t)s->sub, "detection", rec))
                 : -VG_ENOTFOUND;
    if (rc == -VG_ENOTFOUND || rc == -VG_EINVAL) {
      r->subs[i] = r->subs[--r->nsubs]; /* the session or subscription is gone */
      continue;
    }
    i++;
  }
}

static bool false_positive(struct org *o, const json_t *rec, const struct vg_routing *rt) {
  struct vg_expr_env env = rules_env(o);
  for (size_t i = 0; i < o->nfps; i++)
    if (vg_expr_eval(o->fps[i]->rule->detect, rec, rt, &env, NULL, NULL)) return true;
  return false;
}

static void report(struct rules *r, struct org *o, struct crule *c, const struct vg_action *a,
                   const json_t *ev, const struct vg_routing *rt, int depth) {
  json_t *root = json_pack("{s:O, s:O}", "routing", json_object_get(ev, "routing"), "event",
                           json_object_get(ev, "event"));
  char *name = vg_rule_template(a->name, root);
  json_decref(root);
  char did[VG_UUID_STR_LEN + 1];
  vg_atom_uuid_new(did);
  int64_t now = vg_event_now_ms();
  json_t *routing = json_deep_copy(json_object_get(ev, "routing"));
  json_object_set_new(routing, "oid", json_string(rt->oid));
  json_t *rec = json_pack("{s:s, s:s, s:o, s:O, s:s, s:s, s:I, s:O, s:I, s:s, s:b}", "cat", name,
                          "source", c->name, "routing", routing, "detect", ev, "detect_id", did,
                          "namespace", c->ns, "priority", (json_int_t)a->priority, "detect_mtd",
                          a->metadata ? a->metadata : json_null(), "gen_time", (json_int_t)now,
                          "rule", c->name, "publish", a->publish);
  if (!rec) {
    free(name);
    return;
  }
  if (false_positive(o, rec, rt)) {
    vg_debug(COMP, "org %s: detection %s filtered by a false-positive rule", o->oid, name);
    goto out;
  }
  uint8_t id[8 + VG_ATOM_BYTES];
  for (int i = 0; i < 8; i++) id[i] = (uint8_t)((uint64_t)now >> (56 - 8 * i));
  vg_atom_uuid_parse(did, id + 8);
  char *s = json_dumps(rec, JSON_COMPACT);
  struct vg_err err;
  vg_err_clear(&err);
  if (s && store_meta_put(r->vd->store, STORE_META_DETECTION, o->oidb, id, sizeof(id), s,
                          strlen(s), &err)) {
    char m[512];
    vg_warn(COMP, "org %s: detection %s not stored: %s", o->oid, name, vg_err_str(&err, m, sizeof(m)));
  }
  free(s);
  push_detection(r, o->oid, rec);
  outputs_enqueue(r->vd->outputs, o->oid, NULL, rec);
  /* Chain: the detection comes back as event type _<name>. */
  struct vg_routing dr = *rt;
  snprintf(dr.event_type, sizeof(dr.event_type), "_%s", name);
  dr.event_time = now;
  json_t *dev = json_pack("{s:O, s:O}", "routing", rec ? json_object_get(rec, "routing") : NULL,
                          "event", rec);
  if (dev) {
    json_object_set_new(json_object_get(dev, "routing"), "event_type", json_string(dr.event_type));
    rules_eval_locked(r, o, dev, &dr, depth + 1);
    json_decref(dev);
  }
out:
  json_decref(rec);
  free(name);
}

void rules_respond_locked(struct rules *r, struct org *o, struct crule *c,
                          const json_t *ev, const struct vg_routing *rt, int depth) {
  for (size_t i = 0; i < c->rule->nactions; i++) {
    const struct vg_action *a = &c->rule->actions[i];
    if (suppressed(c, i, ev, rt)) continue;
    struct vg_err err;
    vg_err_clear(&err);
    int64_t now = vg_event_now_ms();
    switch (a->kind) {
      case VG_ACT_REPORT:
        report(r, o, c, a, ev, rt, depth);
        break;
      case VG_ACT_TASK:
        if (rt->sid[0]) enqueue(r, VG_ACT_TASK, rt, vg_rule_lookback(a->command, ev));
        break;
      case VG_ACT_ADD_TAG:
        if (rt->sid[0]) registry_tag_add(r->vd->reg, rt->oid, rt->sid, a->tag, a->ttl_s, &err);
        break;
      case VG_ACT_REMOVE_TAG:
        if (rt->sid[0]) registry_tag_remove(r->vd->reg, rt->oid, rt->sid, a->tag, &err);
        break;
      case VG_ACT_ADD_VAR:
      case VG_ACT_DEL_VAR: {
        char *v = a->value ? vg_rule_lookback(a->value, ev) : NULL;
        if (rt->sid[0])
          rules_vars_set(o, rt->sid, a->name, v, a->ttl_s ? now + a->ttl_s * 1000 : 0,
                         a->kind == VG_ACT_DEL_VAR);
        free(v);
        break;
      }
      case VG_ACT_ISOLATE:
      case VG_ACT_REJOIN:
        if (rt->sid[0] && registry_set_isolated(r->vd->reg, rt->oid, rt->sid,
                                                a->kind == VG_ACT_ISOLATE, &err) == 0)
          enqueue(r, a->kind, rt, NULL);
        break;
      case VG_ACT_OUTPUT: {
        /* The matching event itself, to one named output (its filter not
         * applied). */
        json_t *rec = json_pack("{s:s, s:s, s:s, s:O, s:O, s:I}", "source", c->name, "rule",
                                c->name, "namespace", c->ns, "routing",
                                json_object_get(ev, "routing"), "event",
                                json_object_get(ev, "event"), "gen_time", (json_int_t)now);
        if (rec && !outputs_enqueue(r->vd->outputs, o->oid, a->name, rec))
          vg_debug(COMP, "rule %s: no output %s", c->name, a->name);
        json_decref(rec);
        break;
      }
    }
    if (err.code) {
      char m[512];
      vg_warn(COMP, "rule %s/%s: %s on %s: %s", c->ns, c->name, vg_action_name(a->kind), rt->sid,
              vg_err_str(&err, m, sizeof(m)));
    }
  }
}

int rules_detections_subscribe(struct rules *r, const char *oid, uint64_t session, uint64_t sub,
                               struct vg_err *err) {
  pthread_mutex_lock(&r->lock);
  int rc = 0;
  if (r->nsubs >= VG_LIMIT_DETECTION_SUBS) {
    rc = vg_err_fail(err, VG_ELIMIT, "more than %d detection subscribers", VG_LIMIT_DETECTION_SUBS);
  } else {
    struct dsub *s = &r->subs[r->nsubs++];
    snprintf(s->oid, sizeof(s->oid), "%s", oid);
    s->session = session;
    s->sub = sub;
  }
  pthread_mutex_unlock(&r->lock);
  return rc;
}

struct list_ctx {
  json_t *out;
  int64_t from, to;
  uint8_t after[8 + VG_ATOM_BYTES];
  bool has_after;
  size_t limit;
  bool more;
  const char *want_id;
  json_t *found;
};

static int list_cb(void *ctx, const uint8_t *id, size_t idlen, const char *val, size_t vlen) {
  struct list_ctx *l = ctx;
  if (idlen != 8 + VG_ATOM_BYTES) return 0;
  if (l->has_after && memcmp(id, l->after, idlen) <= 0) return 0;
  int64_t t = 0;
  for (int i = 0; i < 8; i++) t = (t << 8) | id[i];
  if (l->want_id) {
    char did[VG_UUID_STR_LEN + 1];
    vg_atom_uuid_format(id + 8, did);
    if (strcmp(did, l->want_id)) return 0;
    l->found = json_loadb(val, vlen, 0, NULL);
    return 1;
  }
  if (t < l->from) return 0;
  if (l->to && t >= l->to) return 1; /* ids sort by time: nothing later qualifies */
  if (json_array_size(l->out) == l->limit) {
    l->more = true;
    return 1;
  }
  json_t *rec = json_loadb(val, vlen, 0, NULL);
  if (rec) {
    json_array_append_new(l->out, rec);
    memcpy(l->after, id, idlen);
  }
  return 0;
}

json_t *rules_detections_list(struct rules *r, const char *oid, int64_t from_ms, int64_t to_ms,
                              const char *cursor, size_t limit, struct vg_err *err) {
  uint8_t oidb[VG_ATOM_BYTES];
  if (vg_atom_uuid_parse(oid, oidb)) {
    vg_err_fail(err, VG_EINVAL, "bad organisation");
    return NULL;
  }
  struct list_ctx l = {.out = json_array(), .from = from_ms, .to = to_ms, .limit = limit};
  if (cursor) {
    if (strlen(cursor) != 2 * sizeof(l.after)) goto bad;
    for (size_t i = 0; i < sizeof(l.after); i++) {
      unsigned x;
      if (sscanf(cursor + 2 * i, "%2x", &x) != 1) goto bad;
      l.after[i] = (uint8_t)x;
    }
    l.has_after = true;
  }
  if (store_meta_iter(r->vd->store, STORE_META_DETECTION, oidb, NULL, 0, list_cb, &l, err) < 0) {
    json_decref(l.out);
    return NULL;
  }
  json_t *next = json_null();
  if (l.more) {
    char cur[2 * sizeof(l.after) + 1];
    for (size_t i = 0; i < sizeof(l.after); i++) snprintf(cur + 2 * i, 3, "%02x", l.after[i]);
    json_decref(next);
    next = json_string(cur);
  }
  return json_pack("{s:o, s:o}", "detections", l.out, "next", next);
bad:
  json_decref(l.out);
  vg_err_fail(err, VG_EINVAL, "params.cursor: not from detections.list");
  return NULL;
}

json_t *rules_detection_get(struct rules *r, const char *oid, const char *detect_id,
                            struct vg_err *err) {
  uint8_t oidb[VG_ATOM_BYTES];
  if (vg_atom_uuid_parse(oid, oidb)) {
    vg_err_fail(err, VG_EINVAL, "bad organisation");
    return NULL;
  }
  struct list_ctx l = {.want_id = detect_id};
  store_meta_iter(r->vd->store, STORE_META_DETECTION, oidb, NULL, 0, list_cb, &l, err);
  if (!l.found) vg_err_fail(err, VG_ENOTFOUND, "no detection %s", detect_id);
  return l.found;
}
