/* registry.c — sensor records in memory, persisted in the meta CF. */
#include "backend/registry.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backend/orgs.h"
#include "backend/store_meta.h"
#include "shared/alloc.h"
#include "shared/event.h"
#include "shared/event_types.h"
#include "shared/log.h"

#define COMP "registry"

struct registry {
  pthread_mutex_t mu;
  struct store *st;
  json_t *by_sid; /* sid → record; guarded by mu */
};

static int persist(struct registry *r, json_t *rec, struct vg_err *err) {
  uint8_t oid[16], sid[16];
  orgs_id_parse(json_string_value(json_object_get(rec, "oid")), oid);
  orgs_id_parse(json_string_value(json_object_get(rec, "sid")), sid);
  char *s = json_dumps(rec, JSON_COMPACT);
  int rc = store_meta_put(r->st, STORE_META_SENSOR, oid, sid, 16, s, strlen(s), err);
  free(s);
  return rc;
}

/* The record of sid if it belongs to oid; NULL otherwise (org isolation). */
static json_t *find(struct registry *r, const char *oid, const char *sid) {
  json_t *rec = sid ? json_object_get(r->by_sid, sid) : NULL;
  if (!rec || !oid || strcmp(json_string_value(json_object_get(rec, "oid")), oid) != 0)
    return NULL;
  return rec;
}

static int load_sensor(void *ctx, const uint8_t *id, size_t idlen, const char *val, size_t vlen) {
  (void)id, (void)idlen;
  struct registry *r = ctx;
  json_t *rec = json_loadb(val, vlen, 0, NULL);
  const char *sid = rec ? json_string_value(json_object_get(rec, "sid")) : NULL;
  if (!sid) {
    vg_warn(COMP, "skipping a corrupt sensor record");
    json_decref(rec);
    return 0;
  }
  json_object_set_new(rec, "online", json_false());
  json_object_set_new(r->by_sid, sid, rec);
  return 0;
}

struct registry *registry_open(struct store *st, struct vg_err *err) {
  struct registry *r = vg_xcalloc(1, sizeof(*r));
  pthread_mutex_init(&r->mu, NULL);
  r->st = st;
  r->by_sid = json_object();
  json_t *orgs = orgs_list(st, err);
  if (!orgs) goto fail;
  size_t i;
  json_t *org;
  json_array_foreach(orgs, i, org) {
    uint8_t oid[16];
    if (orgs_id_parse(json_string_value(json_object_get(org, "oid")), oid)) continue;
    if (store_meta_iter(st, STORE_META_SENSOR, oid, NULL, 0, load_sensor, r, err) < 0) {
      json_decref(orgs);
      goto fail;
    }
  }
  json_decref(orgs);
  vg_info(COMP, "%zu sensors loaded", json_object_size(r->by_sid));
  return r;
fail:
  registry_free(r);
  return NULL;
}

void registry_free(struct registry *r) {
  if (!r) return;
  json_decref(r->by_sid);
  pthread_mutex_destroy(&r->mu);
  free(r);
}

json_t *registry_default_selection(void) {
  json_t *sel = json_array();
  size_t n;
  const struct vg_event_type *t = vg_event_type_table(&n);
  for (size_t i = 0; i < n; i++)
    if (!vg_event_type_is_reply(t[i].id)) json_array_append_new(sel, json_string(t[i].name));
  return sel;
}

int registry_create(struct registry *r, const char *oid, const char *iid, const char *hostname,
                    uint32_t plat, uint32_t arch, const char *machine_id,
                    char sid_out[VG_UUID_STR_LEN + 1], struct vg_err *err) {
  vg_atom_uuid_new(sid_out);
  json_int_t now = (json_int_t)vg_event_now_ms();
  json_t *rec = json_pack(
      "{s:s, s:s, s:s, s:s, s:I, s:I, s:s, s:s, s:s, s:[], s:s, s:I, s:I, s:I, s:b, s:b, s:{},"
      " s:o, s:I}",
      "sid", sid_out, "oid", oid, "iid", iid ? iid : "", "hostname", hostname ? hostname : "",
      "plat", (json_int_t)plat, "arch", (json_int_t)arch, "int_ip", "", "ext_ip", "", "version",
      "", "collectors", "machine_id", machine_id ? machine_id : "", "first_seen", now,
      "last_connect", (json_int_t)0, "last_disconnect", (json_int_t)0, "online", 0, "isolated", 0,
      "tags", "selection", registry_default_selection(), "acked", (json_int_t)0);
  pthread_mutex_lock(&r->mu);
  int rc = persist(r, rec, err);
  if (rc == 0) json_object_set(r->by_sid, sid_out, rec);
  pthread_mutex_unlock(&r->mu);
  json_decref(rec);
  return rc;
}

int registry_delete(struct registry *r, const char *oid, const char *sid, struct vg_err *err) {
  pthread_mutex_lock(&r->mu);
  int rc = 0;
  if (!find(r, oid, sid)) {
    rc = vg_err_fail(err, VG_ENOTFOUND, "no sensor %s", sid ? sid : "(null)");
  } else {
    uint8_t o[16], s[16];
    orgs_id_parse(oid, o);
    orgs_id_parse(sid, s);
    rc = store_meta_delete(r->st, STORE_META_SENSOR, o, s, 16, err);
    if (rc == 0) json_object_del(r->by_sid, sid);
  }
  pthread_mutex_unlock(&r->mu);
  return rc;
}

bool registry_exists(struct registry *r, const char *oid, const char *sid) {
  pthread_mutex_lock(&r->mu);
  bool ok = find(r, oid, sid) != NULL;
  pthread_mutex_unlock(&r->mu);
  return ok;
}

/* Copy a string field of hello into rec if it is a string within max bytes. */
static void take_str(json_t *rec, const json_t *hello, const char *key, size_t max) {
  const char *v = json_string_value(json_object_get(hello, key));
  if (v && strlen(v) <= max) json_object_set_new(rec, key, json_string(v));
}

json_t *registry_connected(struct registry *r, const char *oid, const char *sid,
                           const json_t *hello, const char *ext_ip, struct vg_err *err) {
  pthread_mutex_lock(&r->mu);
  json_t *rec = find(r, oid, sid), *copy = NULL;
  if (!rec) {
    vg_err_fail(err, VG_ENOTFOUND, "no sensor %s", sid);
    goto out;
  }
  take_str(rec, hello, "hostname", VG_LIMIT_HOSTNAME_BYTES);
  take_str(rec, hello, "int_ip", VG_LIMIT_IP_BYTES);
  take_str(rec, hello, "version", 64);
  take_str(rec, hello, "machine_id", 128);
  json_t *v = json_object_get(hello, "plat");
  if (json_is_integer(v)) json_object_set(rec, "plat", v);
  v = json_object_get(hello, "arch");
  if (json_is_integer(v)) json_object_set(rec, "arch", v);
  v = json_object_get(hello, "collectors");
  if (json_is_array(v) && json_array_size(v) <= 64) json_object_set(rec, "collectors", v);
  json_object_set_new(rec, "ext_ip", json_string(ext_ip ? ext_ip : ""));
  json_object_set_new(rec, "online", json_true());
  json_object_set_new(rec, "last_connect", json_integer(vg_event_now_ms()));
  if (persist(r, rec, err) == 0) copy = json_deep_copy(rec);
out:
  pthread_mutex_unlock(&r->mu);
  return copy;
}

void registry_disconnected(struct registry *r, const char *oid, const char *sid) {
  pthread_mutex_lock(&r->mu);
  json_t *rec = find(r, oid, sid);
  if (rec) {
    json_object_set_new(rec, "online", json_false());
    json_object_set_new(rec, "last_disconnect", json_integer(vg_event_now_ms()));
    persist(r, rec, NULL);
  }
  pthread_mutex_unlock(&r->mu);
}

void registry_set_acked(struct registry *r, const char *oid, const char *sid, uint64_t seq) {
  pthread_mutex_lock(&r->mu);
  json_t *rec = find(r, oid, sid);
  if (rec && (json_int_t)seq > json_integer_value(json_object_get(rec, "acked")))
    json_object_set_new(rec, "acked", json_integer((json_int_t)seq));
  pthread_mutex_unlock(&r->mu);
}

int registry_routing(struct registry *r, const char *oid, const char *sid,
                     struct registry_routing *out) {
  pthread_mutex_lock(&r->mu);
  json_t *rec = find(r, oid, sid);
  if (rec) {
    snprintf(out->iid, sizeof(out->iid), "%s", json_string_value(json_object_get(rec, "iid")));
    snprintf(out->hostname, sizeof(out->hostname), "%s",
             json_string_value(json_object_get(rec, "hostname")));
    snprintf(out->ext_ip, sizeof(out->ext_ip), "%s",
             json_string_value(json_object_get(rec, "ext_ip")));
    json_t *pl = json_object_get(rec, "plat"), *ar = json_object_get(rec, "arch");
    out->plat = json_is_integer(pl) ? (uint32_t)json_integer_value(pl) : 0;
    out->arch = json_is_integer(ar) ? (uint32_t)json_integer_value(ar) : 0;
    out->ntags = 0;
    const char *tag;
    json_t *exp;
    json_object_foreach(json_object_get(rec, "tags"), tag, exp) {
      if (out->ntags == VG_LIMIT_TAGS) break;
      snprintf(out->tags[out->ntags++], sizeof(out->tags[0]), "%s", tag);
    }
  }
  pthread_mutex_unlock(&r->mu);
  return rec ? 0 : -VG_ENOTFOUND;
}

json_t *registry_get(struct registry *r, const char *oid, const char *sid, struct vg_err *err) {
  pthread_mutex_lock(&r->mu);
  json_t *rec = find(r, oid, sid);
  json_t *copy = rec ? json_deep_copy(rec) : NULL;
  pthread_mutex_unlock(&r->mu);
  if (!copy) vg_err_fail(err, VG_ENOTFOUND, "no sensor %s", sid ? sid : "(null)");
  return copy;
}

static int matches(json_t *rec, const struct registry_filter *f) {
  if (!f) return 1;
  if (f->tag && !json_object_get(json_object_get(rec, "tags"), f->tag)) return 0;
  if (f->plat >= 0 && json_integer_value(json_object_get(rec, "plat")) != f->plat) return 0;
  if (f->online >= 0 && json_is_true(json_object_get(rec, "online")) != (f->online != 0))
    return 0;
  if (f->hostname && *f->hostname &&
      !strcasestr(json_string_value(json_object_get(rec, "hostname")), f->hostname))
    return 0;
  return 1;
}

static int by_hostname(const void *a, const void *b) {
  json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
  int c = strcasecmp(json_string_value(json_object_get(x, "hostname")),
                     json_string_value(json_object_get(y, "hostname")));
  return c ? c : strcmp(json_string_value(json_object_get(x, "sid")),
                        json_string_value(json_object_get(y, "sid")));
}

json_t *registry_list(struct registry *r, const char *oid, const struct registry_filter *f) {
  pthread_mutex_lock(&r->mu);
  size_t n = 0, cap = json_object_size(r->by_sid);
  json_t **v = vg_xcalloc(cap ? cap : 1, sizeof(*v));
  const char *sid;
  json_t *rec;
  json_object_foreach(r->by_sid, sid, rec) {
    if (strcmp(json_string_value(json_object_get(rec, "oid")), oid) == 0 && matches(rec, f))
      v[n++] = json_deep_copy(rec);
  }
  pthread_mutex_unlock(&r->mu);
  qsort(v, n, sizeof(*v), by_hostname);
  json_t *arr = json_array();
  for (size_t i = 0; i < n; i++) json_array_append_new(arr, v[i]);
  free(v);
  return arr;
}

static int tag_ok(const char *tag, struct vg_err *err) {
  if (!tag || !*tag) return vg_err_fail(err, VG_EINVAL, "tag must not be empty");
  if (strlen(tag) > VG_LIMIT_TAG_BYTES)
    return vg_err_fail(err, VG_ELIMIT, "tag longer than %d bytes", VG_LIMIT_TAG_BYTES);
  return 0;
}

/* Change one sensor's record under the lock and persist it: the one path for
 * every edit an API call makes. fn returns 0 to persist, or a negative code
 * (with err) to leave the record as it was. */
static int edit(struct registry *r, const char *oid, const char *sid,
                int (*fn)(json_t *rec, const void *arg, struct vg_err *err), const void *arg,
                struct vg_err *err) {
  pthread_mutex_lock(&r->mu);
  json_t *rec = find(r, oid, sid);
  int rc = rec ? fn(rec, arg, err)
               : vg_err_fail(err, VG_ENOTFOUND, "no sensor %s", sid ? sid : "(null)");
  if (rc == 0) rc = persist(r, rec, err);
  pthread_mutex_unlock(&r->mu);
  return rc;
}

struct tag_arg {
  const char *tag;
  int64_t ttl_s;
};

static int do_tag_add(json_t *rec, const void *arg, struct vg_err *err) {
  const struct tag_arg *t = arg;
  json_t *tags = json_object_get(rec, "tags");
  if (!json_object_get(tags, t->tag) && json_object_size(tags) >= VG_LIMIT_TAGS)
    return vg_err_fail(err, VG_ELIMIT, "a sensor holds at most %d tags", VG_LIMIT_TAGS);
  int64_t exp = t->ttl_s ? vg_event_now_ms() + t->ttl_s * 1000 : 0;
  json_object_set_new(tags, t->tag, json_integer(exp));
  return 0;
}

static int do_tag_remove(json_t *rec, const void *arg, struct vg_err *err) {
  const struct tag_arg *t = arg;
  if (json_object_del(json_object_get(rec, "tags"), t->tag))
    return vg_err_fail(err, VG_ENOTFOUND, "sensor has no tag '%s'", t->tag);
  return 0;
}

int registry_tag_add(struct registry *r, const char *oid, const char *sid, const char *tag,
                     int64_t ttl_s, struct vg_err *err) {
  int rc = tag_ok(tag, err);
  if (rc) return rc;
  if (ttl_s < 0) return vg_err_fail(err, VG_ERANGE, "ttl must be ≥ 0 seconds");
  struct tag_arg t = {tag, ttl_s};
  return edit(r, oid, sid, do_tag_add, &t, err);
}

int registry_tag_remove(struct registry *r, const char *oid, const char *sid, const char *tag,
                        struct vg_err *err) {
  int rc = tag_ok(tag, err);
  if (rc) return rc;
  struct tag_arg t = {tag, 0};
  return edit(r, oid, sid, do_tag_remove, &t, err);
}

int registry_expire_tags(struct registry *r, int64_t now_ms) {
  int dropped = 0;
  pthread_mutex_lock(&r->mu);
  const char *sid;
  json_t *rec;
  json_object_foreach(r->by_sid, sid, rec) {
    json_t *tags = json_object_get(rec, "tags");
    const char *tag;
    json_t *exp;
    void *tmp;
    int changed = 0;
    json_object_foreach_safe(tags, tmp, tag, exp) {
      json_int_t e = json_integer_value(exp);
      if (e && e <= now_ms) {
        json_object_del(tags, tag);
        changed = 1;
        dropped++;
      }
    }
    if (changed) persist(r, rec, NULL);
  }
  pthread_mutex_unlock(&r->mu);
  return dropped;
}

static int do_set_selection(json_t *rec, const void *arg, struct vg_err *err) {
  (void)err;
  json_object_set_new(rec, "selection", json_deep_copy(arg));
  return 0;
}

int registry_set_selection(struct registry *r, const char *oid, const char *sid,
                           const json_t *types, struct vg_err *err) {
  if (!json_is_array(types)) return vg_err_fail(err, VG_ETYPE, "events: expected an array");
  if (json_array_size(types) > 1024) return vg_err_fail(err, VG_ELIMIT, "events: too many");
  size_t i;
  json_t *t;
  json_array_foreach(types, i, t) {
    if (!vg_event_type_valid_name(json_string_value(t)))
      return vg_err_fail(err, VG_EINVAL, "events[%zu]: not an event type name", i);
  }
  return edit(r, oid, sid, do_set_selection, types, err);
}

json_t *registry_get_selection(struct registry *r, const char *oid, const char *sid) {
  pthread_mutex_lock(&r->mu);
  json_t *rec = find(r, oid, sid);
  json_t *sel = rec ? json_deep_copy(json_object_get(rec, "selection")) : NULL;
  pthread_mutex_unlock(&r->mu);
  return sel;
}

static int do_set_isolated(json_t *rec, const void *arg, struct vg_err *err) {
  (void)err;
  json_object_set_new(rec, "isolated", json_boolean(*(const bool *)arg));
  return 0;
}

int registry_set_isolated(struct registry *r, const char *oid, const char *sid, bool on,
                          struct vg_err *err) {
  return edit(r, oid, sid, do_set_isolated, &on, err);
}
