/* rules_feeds.c — lookup resources (threat feeds from files under
 * <data_dir>/feeds/, reloaded when the file's mtime changes) and sensor
 * variables (add var / del var, read by [[name]] values). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "backend/rules_int.h"
#include "backend/store_meta.h"
#include "backend/vigild.h"
#include "backend/vigild_config.h"
#include "shared/alloc.h"
#include "shared/event.h"
#include "shared/log.h"

#define COMP "rules"

/* ---- sensor variables ---- */

const json_t *rules_vars_get(struct org *o, const char *sid, const char *name) {
  return json_object_get(json_object_get(json_object_get(o->vars, sid), name), "values");
}

static void sync_values(json_t *var) {
  json_t *arr = json_array();
  const char *v;
  json_t *x;
  json_object_foreach(json_object_get(var, "exp"), v, x) json_array_append_new(arr, json_string(v));
  json_object_set_new(var, "values", arr);
}

void rules_vars_set(struct org *o, const char *sid, const char *name, const char *value,
                    int64_t expiry_ms, bool del) {
  json_t *names = json_object_get(o->vars, sid);
  if (!names) {
    if (del) return;
    json_object_set_new(o->vars, sid, names = json_object());
  }
  json_t *var = json_object_get(names, name);
  if (!var) {
    if (del || json_object_size(names) >= VG_LIMIT_SENSOR_VARS) return;
    json_object_set_new(names, name, var = json_pack("{s:{}, s:[]}", "exp", "values"));
  }
  json_t *exp = json_object_get(var, "exp");
  if (del) {
    if (value) json_object_del(exp, value);
    else json_object_clear(exp);
  } else if (json_object_get(exp, value) || json_object_size(exp) < VG_LIMIT_SENSOR_VAR_VALUES) {
    json_object_set_new(exp, value, json_integer(expiry_ms));
  }
  if (!json_object_size(exp)) {
    json_object_del(names, name);
    if (!json_object_size(names)) json_object_del(o->vars, sid);
    return;
  }
  sync_values(var);
}

void rules_vars_expire(struct org *o, int64_t now_ms) {
  const char *sid, *name, *val;
  json_t *names, *var, *e;
  void *t1, *t2, *t3;
  json_object_foreach_safe(o->vars, t1, sid, names) {
    json_object_foreach_safe(names, t2, name, var) {
      json_t *exp = json_object_get(var, "exp");
      size_t before = json_object_size(exp);
      json_object_foreach_safe(exp, t3, val, e) {
        if (json_integer_value(e) && json_integer_value(e) <= now_ms) json_object_del(exp, val);
      }
      if (!json_object_size(exp)) json_object_del(names, name);
      else if (json_object_size(exp) != before) sync_values(var);
    }
    if (!json_object_size(names)) json_object_del(o->vars, sid);
  }
}

/* ---- feeds ---- */

bool rules_feeds_lookup(struct org *o, const char *name, const char *value, const json_t **mtd) {
  for (size_t i = 0; i < o->nfeeds; i++)
    if (strcmp(o->feeds[i].name, name) == 0) return vg_feed_has(o->feeds[i].feed, value, mtd);
  return false;
}

static char *feed_path(struct rules *r, const char *file) {
  const char *dd = r->vd && r->vd->cfg ? r->vd->cfg->data_dir : ".";
  return vg_xasprintf("%s/feeds/%s", dd, file);
}

static int64_t mtime_ns(const char *path) {
  struct stat st;
  if (stat(path, &st) < 0) return -1;
  return (int64_t)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
}

/* (Re)load one feed whose file changed. Loads with the lock held: feeds
 * are loaded when set, at first use of an organisation and on a change. */
static void reload(struct rules *r, struct feed_ent *f) {
  char *path = feed_path(r, f->path);
  int64_t m = mtime_ns(path);
  if (m == f->mtime_ns) {
    free(path);
    return;
  }
  f->mtime_ns = m;
  struct vg_err err;
  vg_err_clear(&err);
  struct vg_feed *nf = vg_feed_load(path, &err);
  if (nf) {
    vg_feed_free(f->feed);
    f->feed = nf;
    f->error[0] = '\0';
    vg_info(COMP, "feed %s: %zu entries from %s", f->name, vg_feed_size(nf), path);
  } else {
    vg_err_str(&err, f->error, sizeof(f->error));
    vg_warn(COMP, "feed %s: %s (keeping %zu entries)", f->name, f->error, vg_feed_size(f->feed));
  }
  free(path);
}

void rules_feeds_load_locked(struct rules *r, struct org *o) {
  for (size_t i = 0; i < o->nfeeds; i++) reload(r, &o->feeds[i]);
}

void rules_feeds_housekeeping(struct rules *r, int64_t now_ms) {
  (void)now_ms;
  pthread_mutex_lock(&r->lock);
  for (size_t k = 0; k < r->norgs; k++) rules_feeds_load_locked(r, r->orgs[k]);
  pthread_mutex_unlock(&r->lock);
}

static json_t *feed_rec(const struct feed_ent *f) {
  return json_pack("{s:s, s:s, s:I, s:s?}", "name", f->name, "file", f->path, "entries",
                   (json_int_t)vg_feed_size(f->feed), "error", f->error[0] ? f->error : NULL);
}

json_t *rules_feed_set(struct rules *r, const char *oid, const char *name, const char *file,
                       struct vg_err *err) {
  if (!*name || strchr(name, '/') || strlen(name) > VG_LIMIT_RULE_NAME_BYTES) {
    vg_err_fail(err, VG_EINVAL, "name: 1..%d bytes, no '/'", VG_LIMIT_RULE_NAME_BYTES);
    return NULL;
  }
  /* Only files under <data_dir>/feeds/: the API must not probe the host. */
  if (!*file || file[0] == '/' || strstr(file, "..")) {
    vg_err_fail(err, VG_EINVAL, "file: a name under <data_dir>/feeds/, without '..'");
    return NULL;
  }
  char *path = feed_path(r, file);
  struct vg_feed *test = vg_feed_load(path, err);
  free(path);
  if (!test) return NULL;
  vg_feed_free(test);
  json_t *rec = json_pack("{s:s, s:s}", "name", name, "path", file);
  char *s = json_dumps(rec, JSON_COMPACT);
  json_decref(rec);
  char id[VG_LIMIT_RULE_NAME_BYTES + 8];
  snprintf(id, sizeof(id), "feed/%s", name);
  json_t *out = NULL;
  pthread_mutex_lock(&r->lock);
  struct org *o = rules_org_locked(r, oid);
  size_t i = 0;
  while (o && i < o->nfeeds && strcmp(o->feeds[i].name, name)) i++;
  if (!o) {
    vg_err_fail(err, VG_EINVAL, "bad organisation");
  } else if (i == o->nfeeds && o->nfeeds >= VG_LIMIT_FEEDS_PER_ORG) {
    vg_err_fail(err, VG_ELIMIT, "more than %d feeds", VG_LIMIT_FEEDS_PER_ORG);
  } else if (store_meta_put(r->vd->store, STORE_META_RULE, o->oidb, id, strlen(id), s, strlen(s),
                            err) == 0) {
    if (i == o->nfeeds) {
      o->feeds = vg_xreallocarray(o->feeds, o->nfeeds + 1, sizeof(*o->feeds));
      memset(&o->feeds[o->nfeeds++], 0, sizeof(*o->feeds));
      snprintf(o->feeds[i].name, sizeof(o->feeds[i].name), "%s", name);
    }
    free(o->feeds[i].path);
    o->feeds[i].path = vg_xstrdup(file);
    o->feeds[i].mtime_ns = -2;
    reload(r, &o->feeds[i]);
    out = feed_rec(&o->feeds[i]);
  }
  pthread_mutex_unlock(&r->lock);
  free(s);
  return out;
}

int rules_feed_delete(struct rules *r, const char *oid, const char *name, struct vg_err *err) {
  pthread_mutex_lock(&r->lock);
  struct org *o = rules_org_locked(r, oid);
  size_t i = 0;
  while (o && i < o->nfeeds && strcmp(o->feeds[i].name, name)) i++;
  int rc;
  if (!o || i == o->nfeeds) {
    rc = vg_err_fail(err, VG_ENOTFOUND, "no feed %s", name);
  } else {
    char id[VG_LIMIT_RULE_NAME_BYTES + 8];
    snprintf(id, sizeof(id), "feed/%s", name);
    rc = store_meta_delete(r->vd->store, STORE_META_RULE, o->oidb, id, strlen(id), err);
    if (!rc) {
      vg_feed_free(o->feeds[i].feed);
      free(o->feeds[i].path);
      memmove(&o->feeds[i], &o->feeds[i + 1], (o->nfeeds - i - 1) * sizeof(*o->feeds));
      o->nfeeds--;
    }
  }
  pthread_mutex_unlock(&r->lock);
  return rc;
}

json_t *rules_feed_list(struct rules *r, const char *oid) {
  json_t *arr = json_array();
  pthread_mutex_lock(&r->lock);
  struct org *o = rules_org_locked(r, oid);
  for (size_t i = 0; o && i < o->nfeeds; i++) json_array_append_new(arr, feed_rec(&o->feeds[i]));
  pthread_mutex_unlock(&r->lock);
  return arr;
}

json_t *rules_feed_lookup(struct rules *r, const char *oid, const json_t *values) {
  json_t *hits = json_array();
  pthread_mutex_lock(&r->lock);
  struct org *o = rules_org_locked(r, oid);
  size_t k;
  const json_t *v;
  json_array_foreach(values, k, v) {
    const char *s = json_string_value(v);
    for (size_t i = 0; o && s && i < o->nfeeds; i++)
      if (vg_feed_has(o->feeds[i].feed, s, NULL))
        json_array_append_new(hits, json_pack("{s:s, s:s}", "value", s, "feed", o->feeds[i].name));
  }
  pthread_mutex_unlock(&r->lock);
  return json_pack("{s:o}", "hits", hits);
}
