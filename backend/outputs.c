/* outputs.c — the per-organisation output registry (outputs.set / delete /
 * list, stored as STORE_META_OUTPUT records, loaded lazily per
 * organisation), the bounded delivery queue and its thread. See outputs.h. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend/outputs.h"
#include "backend/store_meta.h"
#include "backend/vigild.h"
#include "backend/vigild_config.h"
#include "shared/alloc.h"
#include "shared/atom.h"
#include "shared/event.h"
#include "shared/log.h"

#define COMP "outputs"

struct out_ent {
  char name[OUTPUTS_NAME_BYTES + 1];
  json_t *cfg; /* immutable once here: queue items share it */
  uint64_t gen; /* changes when the output is replaced */
  uint64_t queued, sent, failed, retries, dropped;
  char last_error[256];
};

struct oorg {
  char oid[VG_UUID_STR_LEN + 1];
  uint8_t oidb[VG_ATOM_BYTES];
  struct out_ent *v;
  size_t n;
};

struct item {
  char oid[VG_UUID_STR_LEN + 1];
  char name[OUTPUTS_NAME_BYTES + 1];
  uint64_t gen;
  json_t *cfg, *rec;
  char *line;
  int attempts;
  int64_t next_ms;
};

struct outputs {
  struct vigild *vd;
  pthread_mutex_t lock;
  pthread_cond_t cond;
  pthread_t thread;
  bool stop;
  struct oorg **orgs;
  size_t norgs;
  struct item q[OUTPUTS_QUEUE_MAX]; /* FIFO from qhead, qlen items, ring */
  size_t qhead, qlen;
  uint64_t next_gen;
};

static int64_t mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void item_free(struct item *it) {
  json_decref(it->cfg);
  json_decref(it->rec);
  free(it->line);
}

/* ---- registry ---- */

static struct out_ent *find(struct oorg *g, const char *name) {
  for (size_t i = 0; g && i < g->n; i++)
    if (strcmp(g->v[i].name, name) == 0) return &g->v[i];
  return NULL;
}

static void ent_set(struct outputs *o, struct out_ent *e, const char *name, json_t *cfg) {
  json_decref(e->cfg);
  memset(e, 0, sizeof(*e));
  snprintf(e->name, sizeof(e->name), "%s", name);
  e->cfg = cfg;
  e->gen = ++o->next_gen;
}

static int load_cb(void *ctx, const uint8_t *id, size_t idlen, const char *val, size_t vlen) {
  void **a = ctx;
  struct outputs *o = a[0];
  struct oorg *g = a[1];
  json_t *cfg = json_loadb(val, vlen, 0, NULL);
  if (!cfg || idlen > OUTPUTS_NAME_BYTES || g->n >= OUTPUTS_PER_ORG) {
    vg_warn(COMP, "org %s: an unreadable output record skipped", g->oid);
    json_decref(cfg);
    return 0;
  }
  char name[OUTPUTS_NAME_BYTES + 1];
  memcpy(name, id, idlen);
  name[idlen] = '\0';
  g->v = vg_xreallocarray(g->v, g->n + 1, sizeof(*g->v));
  memset(&g->v[g->n], 0, sizeof(*g->v));
  ent_set(o, &g->v[g->n++], name, cfg);
  return 0;
}

/* The organisation's outputs, loaded from the store at first use. */
static struct oorg *org_locked(struct outputs *o, const char *oid) {
  for (size_t i = 0; i < o->norgs; i++)
    if (strcmp(o->orgs[i]->oid, oid) == 0) return o->orgs[i];
  uint8_t oidb[VG_ATOM_BYTES];
  if (vg_atom_uuid_parse(oid, oidb)) return NULL;
  struct oorg *g = vg_xcalloc(1, sizeof(*g));
  snprintf(g->oid, sizeof(g->oid), "%s", oid);
  memcpy(g->oidb, oidb, sizeof(oidb));
  struct vg_err err;
  vg_err_clear(&err);
  void *ctx[2] = {o, g};
  if (o->vd && o->vd->store &&
      store_meta_iter(o->vd->store, STORE_META_OUTPUT, oidb, NULL, 0, load_cb, ctx, &err) < 0) {
    char m[512];
    vg_warn(COMP, "org %s: outputs not loaded: %s", oid, vg_err_str(&err, m, sizeof(m)));
  }
  o->orgs = vg_xreallocarray(o->orgs, o->norgs + 1, sizeof(*o->orgs));
  o->orgs[o->norgs++] = g;
  return g;
}

static json_t *ent_rec(const struct out_ent *e, size_t queued) {
  json_t *r = json_deep_copy(e->cfg);
  json_object_set_new(r, "name", json_string(e->name));
  json_object_set_new(r, "stats",
                      json_pack("{s:I, s:I, s:I, s:I, s:I, s:s?}", "queued", (json_int_t)queued,
                                "sent", (json_int_t)e->sent, "failed", (json_int_t)e->failed,
                                "retries", (json_int_t)e->retries, "dropped",
                                (json_int_t)e->dropped, "last_error",
                                e->last_error[0] ? e->last_error : NULL));
  return r;
}

static size_t queued_for(struct outputs *o, const char *oid, const struct out_ent *e) {
  size_t n = 0;
  for (size_t i = 0; i < o->qlen; i++) {
    struct item *it = &o->q[(o->qhead + i) % OUTPUTS_QUEUE_MAX];
    if (it->gen == e->gen && strcmp(it->oid, oid) == 0) n++;
  }
  return n;
}

json_t *outputs_set(struct outputs *o, const char *oid, const json_t *params, struct vg_err *err) {
  const char *name = json_string_value(json_object_get(params, "name"));
  if (!name || !*name || strlen(name) > OUTPUTS_NAME_BYTES || strchr(name, '/')) {
    vg_err_fail(err, VG_EINVAL, "params.name: 1..%d bytes, no '/'", OUTPUTS_NAME_BYTES);
    return NULL;
  }
  json_t *cfg = json_deep_copy(params);
  json_object_del(cfg, "name");
  json_t *cats = json_object_get(cfg, "categories");
  if (cats && (!json_is_array(cats) || json_array_size(cats) > OUTPUTS_CATEGORIES)) {
    vg_err_fail(err, VG_EINVAL, "params.categories: at most %d strings", OUTPUTS_CATEGORIES);
    json_decref(cfg);
    return NULL;
  }
  if (outputs_send_validate(cfg, err)) {
    json_decref(cfg);
    return NULL;
  }
  char *s = json_dumps(cfg, JSON_COMPACT | JSON_SORT_KEYS);
  json_t *out = NULL;
  pthread_mutex_lock(&o->lock);
  struct oorg *g = org_locked(o, oid);
  struct out_ent *e = find(g, name);
  if (!g) {
    vg_err_fail(err, VG_EINVAL, "bad organisation");
  } else if (!e && g->n >= OUTPUTS_PER_ORG) {
    vg_err_fail(err, VG_ELIMIT, "more than %d outputs", OUTPUTS_PER_ORG);
  } else if (store_meta_put(o->vd->store, STORE_META_OUTPUT, g->oidb, name, strlen(name), s,
                            strlen(s), err) == 0) {
    if (!e) {
      g->v = vg_xreallocarray(g->v, g->n + 1, sizeof(*g->v));
      e = &g->v[g->n++];
      memset(e, 0, sizeof(*e));
    }
    ent_set(o, e, name, cfg);
    cfg = NULL;
    out = ent_rec(e, 0);
  }
  pthread_mutex_unlock(&o->lock);
  json_decref(cfg);
  free(s);
  return out;
}

int outputs_delete(struct outputs *o, const char *oid, const char *name, struct vg_err *err) {
  pthread_mutex_lock(&o->lock);
  struct oorg *g = org_locked(o, oid);
  struct out_ent *e = find(g, name);
  int rc;
  if (!e) {
    rc = vg_err_fail(err, VG_ENOTFOUND, "no output %s", name);
  } else {
    rc = store_meta_delete(o->vd->store, STORE_META_OUTPUT, g->oidb, name, strlen(name), err);
    if (!rc) {
      json_decref(e->cfg);
      size_t i = (size_t)(e - g->v);
      memmove(&g->v[i], &g->v[i + 1], (g->n - i - 1) * sizeof(*g->v));
      g->n--;
    }
  }
  pthread_mutex_unlock(&o->lock);
  return rc;
}

json_t *outputs_list(struct outputs *o, const char *oid) {
  json_t *arr = json_array();
  pthread_mutex_lock(&o->lock);
  struct oorg *g = org_locked(o, oid);
  for (size_t i = 0; g && i < g->n; i++)
    json_array_append_new(arr, ent_rec(&g->v[i], queued_for(o, oid, &g->v[i])));
  pthread_mutex_unlock(&o->lock);
  return arr;
}

/* ---- the queue ---- */

static bool passes(const json_t *cfg, const json_t *rec) {
  json_t *minp = json_object_get(cfg, "min_priority");
  if (minp && json_integer_value(json_object_get(rec, "priority")) < json_integer_value(minp))
    return false;
  json_t *cats = json_object_get(cfg, "categories");
  if (!json_array_size(cats)) return true;
  const char *cat = json_string_value(json_object_get(rec, "cat"));
  size_t i;
  json_t *c;
  json_array_foreach(cats, i, c) {
    if (cat && json_string_value(c) && strcmp(cat, json_string_value(c)) == 0) return true;
  }
  return false;
}

/* Append (lock held); a full queue drops its oldest item, counted on the
 * output that item was for. */
static void push_locked(struct outputs *o, struct item *it) {
  if (o->qlen == OUTPUTS_QUEUE_MAX) {
    struct item *old = &o->q[o->qhead];
    struct out_ent *e = find(org_locked(o, old->oid), old->name);
    if (e && e->gen == old->gen) e->dropped++;
    vg_warn(COMP, "queue full: oldest delivery to %s dropped", old->name);
    item_free(old);
    o->qhead = (o->qhead + 1) % OUTPUTS_QUEUE_MAX;
    o->qlen--;
  }
  o->q[(o->qhead + o->qlen) % OUTPUTS_QUEUE_MAX] = *it;
  o->qlen++;
  pthread_cond_signal(&o->cond);
}

bool outputs_enqueue(struct outputs *o, const char *oid, const char *name, const json_t *rec) {
  if (!o || !rec) return false;
  char *line = NULL;
  json_t *head = NULL;
  bool any = false;
  pthread_mutex_lock(&o->lock);
  struct oorg *g = org_locked(o, oid);
  for (size_t i = 0; g && i < g->n; i++) {
    struct out_ent *e = &g->v[i];
    if (name ? strcmp(e->name, name) != 0 : !passes(e->cfg, rec)) continue;
    if (!line) {
      line = json_dumps(rec, JSON_COMPACT);
      /* What syslog's header needs, copied: the caller goes on using rec. */
      head = json_pack("{s:O?, s:O?, s:O?, s:O?, s:O?}", "cat", json_object_get(rec, "cat"),
                       "priority", json_object_get(rec, "priority"), "gen_time",
                       json_object_get(rec, "gen_time"), "rule", json_object_get(rec, "rule"),
                       "source", json_object_get(rec, "source"));
    }
    if (!line || !head) break;
    struct item it = {.gen = e->gen, .cfg = json_incref(e->cfg), .rec = json_incref(head),
                      .line = vg_xstrdup(line)};
    snprintf(it.oid, sizeof(it.oid), "%s", oid);
    snprintf(it.name, sizeof(it.name), "%s", e->name);
    e->queued++;
    push_locked(o, &it);
    any = true;
  }
  pthread_mutex_unlock(&o->lock);
  free(line);
  json_decref(head);
  return any;
}

/* The first item due (lock held): index into the ring, or -1 with *wait_ms. */
static long due_locked(struct outputs *o, int64_t now, int64_t *wait_ms) {
  *wait_ms = 1000;
  for (size_t i = 0; i < o->qlen; i++) {
    struct item *it = &o->q[(o->qhead + i) % OUTPUTS_QUEUE_MAX];
    if (it->next_ms <= now) return (long)i;
    if (it->next_ms - now < *wait_ms) *wait_ms = it->next_ms - now;
  }
  return -1;
}

static void take_locked(struct outputs *o, size_t i, struct item *out) {
  *out = o->q[(o->qhead + i) % OUTPUTS_QUEUE_MAX];
  for (size_t k = i; k > 0; k--) /* close the gap towards the head */
    o->q[(o->qhead + k) % OUTPUTS_QUEUE_MAX] = o->q[(o->qhead + k - 1) % OUTPUTS_QUEUE_MAX];
  o->qhead = (o->qhead + 1) % OUTPUTS_QUEUE_MAX;
  o->qlen--;
}

static void *run(void *arg) {
  struct outputs *o = arg;
  const char *dd = o->vd && o->vd->cfg ? o->vd->cfg->data_dir : ".";
  pthread_mutex_lock(&o->lock);
  while (!o->stop) {
    int64_t wait_ms;
    long i = due_locked(o, mono_ms(), &wait_ms);
    if (i < 0) {
      struct timespec ts;
      clock_gettime(CLOCK_MONOTONIC, &ts);
      ts.tv_sec += wait_ms / 1000;
      ts.tv_nsec += (wait_ms % 1000) * 1000000;
      if (ts.tv_nsec >= 1000000000) ts.tv_sec++, ts.tv_nsec -= 1000000000;
      pthread_cond_timedwait(&o->cond, &o->lock, &ts);
      continue;
    }
    struct item it;
    take_locked(o, (size_t)i, &it);
    struct out_ent *e = find(org_locked(o, it.oid), it.name);
    if (!e || e->gen != it.gen) { /* deleted or replaced since */
      item_free(&it);
      continue;
    }
    pthread_mutex_unlock(&o->lock);
    char eb[256];
    int rc = outputs_send(it.cfg, dd, it.oid, it.rec, it.line, eb, sizeof(eb));
    pthread_mutex_lock(&o->lock);
    e = find(org_locked(o, it.oid), it.name);
    if (e && e->gen != it.gen) e = NULL;
    if (rc == 0) {
      if (e) e->sent++;
      item_free(&it);
      continue;
    }
    if (e) snprintf(e->last_error, sizeof(e->last_error), "%s", eb);
    if (++it.attempts < OUTPUTS_MAX_ATTEMPTS && e && !o->stop) {
      int64_t d = OUTPUTS_BACKOFF_MS;
      for (int k = 1; k < it.attempts && d < OUTPUTS_BACKOFF_MAX_MS; k++) d *= 2;
      it.next_ms = mono_ms() + (d < OUTPUTS_BACKOFF_MAX_MS ? d : OUTPUTS_BACKOFF_MAX_MS);
      e->retries++;
      vg_debug(COMP, "output %s: %s (retry %d in %lld ms)", it.name, eb, it.attempts, (long long)d);
      push_locked(o, &it);
    } else {
      if (e) e->failed++;
      vg_warn(COMP, "output %s: delivery failed after %d tries: %s", it.name, it.attempts, eb);
      item_free(&it);
    }
  }
  pthread_mutex_unlock(&o->lock);
  return NULL;
}

struct outputs *outputs_create(struct vigild *vd) {
  struct outputs *o = vg_xcalloc(1, sizeof(*o));
  o->vd = vd;
  pthread_mutex_init(&o->lock, NULL);
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&o->cond, &ca);
  pthread_condattr_destroy(&ca);
  if (pthread_create(&o->thread, NULL, run, o)) {
    vg_error(COMP, "cannot start the delivery thread");
    pthread_cond_destroy(&o->cond);
    pthread_mutex_destroy(&o->lock);
    free(o);
    return NULL;
  }
  return o;
}

void outputs_free(struct outputs *o) {
  if (!o) return;
  pthread_mutex_lock(&o->lock);
  o->stop = true;
  pthread_cond_signal(&o->cond);
  pthread_mutex_unlock(&o->lock);
  pthread_join(o->thread, NULL);
  if (o->qlen) vg_info(COMP, "%zu deliveries discarded at shutdown", o->qlen);
  while (o->qlen) {
    item_free(&o->q[o->qhead]);
    o->qhead = (o->qhead + 1) % OUTPUTS_QUEUE_MAX;
    o->qlen--;
  }
  for (size_t i = 0; i < o->norgs; i++) {
    for (size_t k = 0; k < o->orgs[i]->n; k++) json_decref(o->orgs[i]->v[k].cfg);
    free(o->orgs[i]->v);
    free(o->orgs[i]);
  }
  free(o->orgs);
  pthread_cond_destroy(&o->cond);
  pthread_mutex_destroy(&o->lock);
  free(o);
}
