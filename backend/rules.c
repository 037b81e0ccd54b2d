/* rules.c — organisations' rules: loading from the store, set / delete /
 * enable / list / test, the event-type index, and the ingest hook that
 * evaluates every stored event. */
#include "backend/rules_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend/ingest.h"
#include "backend/store_meta.h"
#include "backend/vigild.h"
#include "shared/alloc.h"
#include "shared/event.h"
#include "shared/log.h"

#define COMP "rules"

static int64_t mono_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static bool name_ok(const char *s) {
  size_t n = strlen(s);
  if (!n || n > VG_LIMIT_RULE_NAME_BYTES) return false;
  for (const char *c = s; *c; c++)
    if (*c == '/' || (unsigned char)*c < 0x20) return false;
  return true;
}

static bool ns_ok(const char *ns) { return strcmp(ns, "general") == 0 || strcmp(ns, "managed") == 0; }

struct rules *rules_create(struct vigild *vd) {
  struct rules *r = vg_xcalloc(1, sizeof(*r));
  r->vd = vd;
  pthread_mutex_init(&r->lock, NULL);
  return r;
}

void rules_crule_free(struct crule *c) {
  if (!c) return;
  for (size_t i = 0; c->sup && c->rule && i < c->rule->nactions; i++) json_decref(c->sup[i]);
  free(c->sup);
  vg_rule_free(c->rule);
  vg_expr_state_free(c->st);
  json_decref(c->rec);
  free(c);
}

static void org_free(struct org *o) {
  for (size_t i = 0; i < o->nrules; i++) rules_crule_free(o->rules[i]);
  free(o->rules);
  for (size_t i = 0; i < o->nfps; i++) rules_crule_free(o->fps[i]);
  free(o->fps);
  for (size_t i = 0; i < o->nfeeds; i++) {
    vg_feed_free(o->feeds[i].feed);
    free(o->feeds[i].path);
  }
  free(o->feeds);
  vg_expr_index_free(o->ix);
  json_decref(o->vars);
  json_decref(o->vt_held);
  free(o);
}

void rules_free(struct rules *r) {
  if (!r) return;
  for (size_t i = 0; i < r->norgs; i++) org_free(r->orgs[i]);
  free(r->orgs);
  for (size_t i = 0; i < r->npend; i++) free(r->pend[i].command);
  rules_vt_free_locked(r);
  pthread_mutex_destroy(&r->lock);
  free(r);
}

/* Compile a stored or new rule. file names it in errors. */
struct crule *rules_crule_new(const char *ns, const char *name, const char *yaml, bool fp,
                              struct vg_err *err) {
  char file[VG_LIMIT_RULE_NAME_BYTES + 24];
  snprintf(file, sizeof(file), "%s/%s", ns, name);
  struct crule *c = vg_xcalloc(1, sizeof(*c));
  snprintf(c->ns, sizeof(c->ns), "%s", ns);
  snprintf(c->name, sizeof(c->name), "%s", name);
  int rc;
  if (fp) {
    /* A false-positive rule is a bare detect node (or {detect: …}). */
    c->rule = vg_xcalloc(1, sizeof(*c->rule));
    struct vg_yaml_doc *doc = NULL;
    rc = vg_yaml_parse(yaml, strlen(yaml), file, &doc, err);
    if (!rc) {
      const struct vg_yaml_node *root = vg_yaml_root(doc);
      const struct vg_yaml_node *d = vg_yaml_get(root, "detect");
      c->rule->detect = vg_expr_compile_yaml(d ? d : root, err);
      if (!c->rule->detect) rc = -VG_EPARSE;
    }
    vg_yaml_free(doc);
  } else {
    rc = vg_rule_load(yaml, strlen(yaml), file, &c->rule, err);
  }
  if (rc) {
    rules_crule_free(c);
    /* The API returns only the message: put file:line:col in it. */
    if (err && err->line) {
      char full[VG_LIMIT_ERR_MSG_BYTES + 160];
      vg_err_str(err, full, sizeof(full));
      size_t n = strlen(full) < sizeof(err->msg) - 1 ? strlen(full) : sizeof(err->msg) - 1;
      memcpy(err->msg, full, n);
      err->msg[n] = '\0';
      err->file[0] = '\0';
      err->line = err->col = 0;
    }
    return NULL;
  }
  c->st = vg_expr_is_stateful(c->rule->detect) ? vg_expr_state_new() : NULL;
  c->sup = vg_xcalloc(c->rule->nactions ? c->rule->nactions : 1, sizeof(json_t *));
  for (size_t i = 0; i < c->rule->nactions; i++) c->sup[i] = json_object();
  return c;
}

static bool enabled(const struct crule *c) {
  return json_is_true(json_object_get(c->rec, "enabled"));
}

/* Rebuild the index of o's enabled rules (ids are positions in o->rules). */
static void reindex(struct org *o) {
  vg_expr_index_free(o->ix);
  o->ix = vg_expr_index_new();
  for (size_t i = 0; i < o->nrules; i++)
    if (enabled(o->rules[i])) vg_expr_index_add(o->ix, (uint32_t)i, o->rules[i]->rule->detect);
}

struct load_ctx {
  struct org *o;
};

static int load_cb(void *ctx, const uint8_t *id, size_t idlen, const char *val, size_t vlen) {
  struct org *o = ((struct load_ctx *)ctx)->o;
  json_t *rec = json_loadb(val, vlen, 0, NULL);
  char key[VG_LIMIT_STORE_META_ID_BYTES + 1];
  snprintf(key, sizeof(key), "%.*s", (int)idlen, (const char *)id);
  const char *yaml = json_string_value(json_object_get(rec, "yaml"));
  const char *name = json_string_value(json_object_get(rec, "name"));
  if (!rec || !name) goto out;
  struct vg_err err;
  vg_err_clear(&err);
  if (strncmp(key, "r/", 2) == 0 && yaml) {
    struct crule *c = rules_crule_new(json_string_value(json_object_get(rec, "namespace")), name, yaml,
                                false, &err);
    if (!c) {
      char m[512];
      vg_warn(COMP, "org %s: stored rule %s does not compile: %s", o->oid, key,
              vg_err_str(&err, m, sizeof(m)));
      goto out;
    }
    c->rec = json_incref(rec);
    o->rules = vg_xreallocarray(o->rules, o->nrules + 1, sizeof(*o->rules));
    o->rules[o->nrules++] = c;
  } else if (strncmp(key, "fp/", 3) == 0 && yaml) {
    struct crule *c = rules_crule_new("fp", name, yaml, true, &err);
    if (!c) goto out;
    c->rec = json_incref(rec);
    o->fps = vg_xreallocarray(o->fps, o->nfps + 1, sizeof(*o->fps));
    o->fps[o->nfps++] = c;
  } else if (strncmp(key, "feed/", 5) == 0) {
    const char *path = json_string_value(json_object_get(rec, "path"));
    if (!path) goto out;
    o->feeds = vg_xreallocarray(o->feeds, o->nfeeds + 1, sizeof(*o->feeds));
    struct feed_ent *f = &o->feeds[o->nfeeds++];
    memset(f, 0, sizeof(*f));
    snprintf(f->name, sizeof(f->name), "%s", name);
    f->path = vg_xstrdup(path);
    f->mtime_ns = -1;
  }
out:
  json_decref(rec);
  return 0;
}

struct org *rules_org_locked(struct rules *r, const char *oid) {
  for (size_t i = 0; i < r->norgs; i++)
    if (strcmp(r->orgs[i]->oid, oid) == 0) return r->orgs[i];
  struct org *o = vg_xcalloc(1, sizeof(*o));
  snprintf(o->oid, sizeof(o->oid), "%s", oid);
  if (vg_atom_uuid_parse(oid, o->oidb)) {
    free(o);
    return NULL;
  }
  o->vars = json_object();
  o->vt_held = json_array();
  o->r = r;
  struct load_ctx lc = {o};
  if (r->vd && r->vd->store)
    store_meta_iter(r->vd->store, STORE_META_RULE, o->oidb, NULL, 0, load_cb, &lc, NULL);
  rules_feeds_load_locked(r, o);
  reindex(o);
  r->orgs = vg_xreallocarray(r->orgs, r->norgs + 1, sizeof(*r->orgs));
  r->orgs[r->norgs++] = o;
  return o;
}

/* ---- evaluation ---- */

static const json_t *env_var(void *user, const struct vg_routing *rt, const char *name) {
  return rules_vars_get(user, rt->sid, name);
}

static bool env_lookup(void *user, const char *res, const char *value, const json_t **mtd) {
  if (strcmp(res, "api/vt") == 0) return rules_vt_lookup(user, value, mtd);
  return rules_feeds_lookup(user, res, value, mtd);
}

static bool env_external(void *user, const char *name, const json_t *ev,
                         const struct vg_routing *rt, int depth) {
  struct org *o = user;
  for (size_t i = 0; i < o->nrules; i++) {
    struct crule *c = o->rules[i];
    if (strcmp(c->name, name) || vg_expr_is_stateful(c->rule->detect)) continue;
    struct vg_expr_env env = rules_env(o);
    env.depth = depth;
    return vg_expr_eval(c->rule->detect, ev, rt, &env, NULL, NULL);
  }
  return false;
}

struct vg_expr_env rules_env(struct org *o) {
  struct vg_expr_env env = {o, env_var, env_lookup, env_external, 0};
  return env;
}

void rules_eval_rule_locked(struct rules *r, struct org *o, struct crule *c, const json_t *ev,
                            const struct vg_routing *rt, int depth) {
  struct vg_expr_env env = rules_env(o);
  json_t *report = NULL;
  o->vt_wait[0] = '\0';
  json_array_clear(o->vt_held);
  int64_t t0 = mono_ns();
  bool hit = vg_expr_eval(c->rule->detect, ev, rt, &env, c->st, &report);
  c->eval_ns += (uint64_t)(mono_ns() - t0);
  c->evals++;
  if (!hit) {
    /* An api/vt answer not cached yet: run again when it arrives. */
    if (o->vt_wait[0] && !c->st) rules_vt_park_locked(r, o, c, ev, rt, depth);
    return;
  }
  c->matches++;
  if (report) {
    struct vg_routing rr;
    if (vg_routing_get(report, &rr, NULL) == 0) {
      snprintf(rr.oid, sizeof(rr.oid), "%s", rt->oid);
      rules_respond_locked(r, o, c, report, &rr, depth);
    }
    json_decref(report);
  } else {
    rules_respond_locked(r, o, c, ev, rt, depth);
  }
}

void rules_eval_locked(struct rules *r, struct org *o, const json_t *ev,
                       const struct vg_routing *rt, int depth) {
  if (depth > VG_LIMIT_EXPR_EXTERNAL_DEPTH) return;
  /* Candidates first, copied out: a response re-enters this function for
   * chained detections, and the index's scratch space is reused there. */
  size_t span = vg_expr_index_span(o->ix);
  if (!span) return;
  uint32_t *pos = vg_xreallocarray(NULL, span, sizeof(*pos));
  size_t n = vg_expr_index_candidates(o->ix, ev, rt, pos, span);
  struct crule **snap = vg_xreallocarray(NULL, n + 1, sizeof(*snap));
  for (size_t i = 0; i < n; i++) snap[i] = o->rules[pos[i]];
  free(pos);
  for (size_t i = 0; i < n; i++) rules_eval_rule_locked(r, o, snap[i], ev, rt, depth);
  free(snap);
}

void rules_on_event(void *ctx, struct ingest_event *e) {
  struct rules *r = ctx;
  if (!r) return;
  pthread_mutex_lock(&r->lock);
  struct org *o = rules_org_locked(r, ingest_event_oid(e));
  /* Only an event some rule may match has its routing read and is decoded
   * into a tree. */
  if (o && vg_expr_index_covers(o->ix, ingest_event_type(e))) {
    const struct vg_routing *rt = ingest_event_routing(e);
    const json_t *ev = rt ? ingest_event_tree(e) : NULL;
    if (ev) rules_eval_locked(r, o, ev, rt, 0);
  }
  pthread_mutex_unlock(&r->lock);
}

/* ---- the API's operations ---- */

static json_t *public_rec(const struct crule *c) {
  json_t *o = json_deep_copy(c->rec);
  json_object_set_new(o, "stats", json_pack("{s:I, s:I, s:I}", "evaluations", (json_int_t)c->evals,
                                            "matches", (json_int_t)c->matches, "eval_ns",
                                            (json_int_t)c->eval_ns));
  return o;
}

static ssize_t find_rule(struct org *o, const char *ns, const char *name) {
  for (size_t i = 0; i < o->nrules; i++)
    if (strcmp(o->rules[i]->name, name) == 0 && (!ns || strcmp(o->rules[i]->ns, ns) == 0))
      return (ssize_t)i;
  return -1;
}

static int put_rec(struct rules *r, struct org *o, const char *id, const json_t *rec,
                   struct vg_err *err) {
  char *s = json_dumps(rec, JSON_COMPACT);
  int rc = store_meta_put(r->vd->store, STORE_META_RULE, o->oidb, id, strlen(id), s, strlen(s), err);
  free(s);
  return rc;
}

json_t *rules_set(struct rules *r, const char *oid, const char *ns, const char *name,
                  const char *yaml, bool on, int64_t expire_on, struct vg_err *err) {
  if (!ns_ok(ns)) {
    vg_err_fail(err, VG_EINVAL, "namespace: general or managed");
    return NULL;
  }
  if (!name_ok(name)) {
    vg_err_fail(err, VG_EINVAL, "name: 1..%d bytes, no '/'", VG_LIMIT_RULE_NAME_BYTES);
    return NULL;
  }
  struct crule *c = rules_crule_new(ns, name, yaml, false, err);
  if (!c) return NULL;
  c->rec = json_pack("{s:s, s:s, s:s, s:b, s:I, s:I}", "name", name, "namespace", ns, "yaml", yaml,
                     "enabled", on, "expire_on", (json_int_t)expire_on, "updated",
                     (json_int_t)vg_event_now_ms());
  if (!c->rec) { /* yaml not UTF-8: the YAML parser would have refused it */
    rules_crule_free(c);
    vg_err_fail(err, VG_EINVAL, "yaml: not UTF-8");
    return NULL;
  }
  char id[VG_LIMIT_RULE_NAME_BYTES + 24];
  snprintf(id, sizeof(id), "r/%s/%s", ns, name);
  pthread_mutex_lock(&r->lock);
  struct org *o = rules_org_locked(r, oid);
  json_t *out = NULL;
  ssize_t at = o ? find_rule(o, ns, name) : -1;
  if (!o) {
    vg_err_fail(err, VG_EINVAL, "bad organisation");
  } else if (at < 0 && o->nrules >= VG_LIMIT_RULES_PER_ORG) {
    vg_err_fail(err, VG_ELIMIT, "more than %d rules", VG_LIMIT_RULES_PER_ORG);
  } else if (rules_tests_locked(o, c, NULL, err) == 0 && put_rec(r, o, id, c->rec, err) == 0) {
    if (at >= 0) {
      rules_crule_free(o->rules[at]);
      o->rules[at] = c;
    } else {
      o->rules = vg_xreallocarray(o->rules, o->nrules + 1, sizeof(*o->rules));
      o->rules[o->nrules++] = c;
    }
    reindex(o);
    out = public_rec(c);
    c = NULL;
  }
  pthread_mutex_unlock(&r->lock);
  rules_crule_free(c);
  return out;
}

int rules_delete(struct rules *r, const char *oid, const char *ns, const char *name,
                 struct vg_err *err) {
  pthread_mutex_lock(&r->lock);
  struct org *o = rules_org_locked(r, oid);
  ssize_t at = o ? find_rule(o, ns, name) : -1;
  int rc;
  if (at < 0) {
    rc = vg_err_fail(err, VG_ENOTFOUND, "no rule %s/%s", ns, name);
  } else {
    char id[VG_LIMIT_RULE_NAME_BYTES + 24];
    snprintf(id, sizeof(id), "r/%s/%s", ns, name);
    rc = store_meta_delete(r->vd->store, STORE_META_RULE, o->oidb, id, strlen(id), err);
    if (!rc) {
      rules_crule_free(o->rules[at]);
      memmove(&o->rules[at], &o->rules[at + 1], (o->nrules - (size_t)at - 1) * sizeof(*o->rules));
      o->nrules--;
      reindex(o);
    }
  }
  pthread_mutex_unlock(&r->lock);
  return rc;
}

json_t *rules_enable(struct rules *r, const char *oid, const char *ns, const char *name, bool on,
                     struct vg_err *err) {
  pthread_mutex_lock(&r->lock);
  struct org *o = rules_org_locked(r, oid);
  ssize_t at = o ? find_rule(o, ns, name) : -1;
  json_t *out = NULL;
  if (at < 0) {
    vg_err_fail(err, VG_ENOTFOUND, "no rule %s/%s", ns, name);
  } else {
    struct crule *c = o->rules[at];
    json_t *rec = json_deep_copy(c->rec);
    json_object_set_new(rec, "enabled", json_boolean(on));
    json_object_set_new(rec, "updated", json_integer(vg_event_now_ms()));
    char id[VG_LIMIT_RULE_NAME_BYTES + 24];
    snprintf(id, sizeof(id), "r/%s/%s", ns, name);
    if (put_rec(r, o, id, rec, err) == 0) {
      json_decref(c->rec);
      c->rec = rec;
      reindex(o);
      out = public_rec(c);
    } else {
      json_decref(rec);
    }
  }
  pthread_mutex_unlock(&r->lock);
  return out;
}

json_t *rules_list(struct rules *r, const char *oid, const char *ns) {
  json_t *arr = json_array();
  pthread_mutex_lock(&r->lock);
  struct org *o = rules_org_locked(r, oid);
  for (size_t i = 0; o && i < o->nrules; i++)
    if (!ns || strcmp(o->rules[i]->ns, ns) == 0) json_array_append_new(arr, public_rec(o->rules[i]));
  pthread_mutex_unlock(&r->lock);
  return arr;
}

json_t *rules_get(struct rules *r, const char *oid, const char *ns, const char *name,
                  struct vg_err *err) {
  pthread_mutex_lock(&r->lock);
  struct org *o = rules_org_locked(r, oid);
  ssize_t at = o ? find_rule(o, ns, name) : -1;
  json_t *out = at >= 0 ? public_rec(o->rules[at]) : NULL;
  pthread_mutex_unlock(&r->lock);
  if (!out) vg_err_fail(err, VG_ENOTFOUND, "no rule %s/%s", ns ? ns : "*", name);
  return out;
}

json_t *rules_test(struct rules *r, const char *oid, const char *yaml, const json_t *events,
                   struct vg_err *err) {
  struct crule *c = rules_crule_new("test", "test", yaml, false, err);
  if (!c) return NULL;
  json_t *matches = json_array();
  int64_t t0 = mono_ns();
  size_t i;
  json_t *ev;
  int rc = 0;
  pthread_mutex_lock(&r->lock); /* lookups and variables read the org's state */
  struct org *o = rules_org_locked(r, oid);
  json_array_foreach(events, i, ev) {
    struct vg_routing rt;
    if ((rc = vg_routing_get(ev, &rt, err))) {
      char m[VG_LIMIT_ERR_MSG_BYTES];
      snprintf(m, sizeof(m), "%s", err ? err->msg : "");
      vg_err_fail(err, VG_EINVAL, "events[%zu]: %s", i, m);
      break;
    }
    snprintf(rt.oid, sizeof(rt.oid), "%s", oid);
    struct vg_expr_env env = rules_env(o);
    json_t *report = NULL;
    if (vg_expr_eval(c->rule->detect, ev, &rt, &env, c->st, &report)) {
      json_t *acts = json_array();
      for (size_t k = 0; k < c->rule->nactions; k++)
        json_array_append_new(acts, json_string(vg_action_name(c->rule->actions[k].kind)));
      json_array_append_new(matches, json_pack("{s:I, s:o}", "index", (json_int_t)i, "actions", acts));
    }
    json_decref(report);
  }
  json_t *failures = json_array();
  struct vg_err terr;
  vg_err_clear(&terr);
  if (!rc && o) rules_tests_locked(o, c, failures, &terr);
  pthread_mutex_unlock(&r->lock);
  int64_t ns = mono_ns() - t0;
  size_t ntests = c->rule->tests ? json_array_size(json_object_get(c->rule->tests, "match")) +
                                       json_array_size(json_object_get(c->rule->tests, "non_match"))
                                 : 0;
  rules_crule_free(c);
  if (rc) {
    json_decref(matches);
    json_decref(failures);
    return NULL;
  }
  return json_pack("{s:o, s:I, s:I, s:{s:I, s:o}}", "matches", matches, "evaluations",
                   (json_int_t)json_array_size(events), "eval_ns", (json_int_t)ns, "tests", "run",
                   (json_int_t)ntests, "failures", failures);
}

/* ---- false-positive rules ---- */

json_t *rules_fp_set(struct rules *r, const char *oid, const char *name, const char *yaml,
                     struct vg_err *err) {
  if (!name_ok(name)) {
    vg_err_fail(err, VG_EINVAL, "name: 1..%d bytes, no '/'", VG_LIMIT_RULE_NAME_BYTES);
    return NULL;
  }
  struct crule *c = rules_crule_new("fp", name, yaml, true, err);
  if (!c) return NULL;
  c->rec = json_pack("{s:s, s:s, s:I}", "name", name, "yaml", yaml, "updated",
                     (json_int_t)vg_event_now_ms());
  char id[VG_LIMIT_RULE_NAME_BYTES + 8];
  snprintf(id, sizeof(id), "fp/%s", name);
  pthread_mutex_lock(&r->lock);
  struct org *o = rules_org_locked(r, oid);
  json_t *out = NULL;
  if (o && put_rec(r, o, id, c->rec, err) == 0) {
    size_t i = 0;
    while (i < o->nfps && strcmp(o->fps[i]->name, name)) i++;
    if (i < o->nfps) {
      rules_crule_free(o->fps[i]);
    } else {
      o->fps = vg_xreallocarray(o->fps, o->nfps + 1, sizeof(*o->fps));
      o->nfps++;
    }
    o->fps[i] = c;
    out = json_deep_copy(c->rec);
    c = NULL;
  }
  pthread_mutex_unlock(&r->lock);
  rules_crule_free(c);
  return out;
}

int rules_fp_delete(struct rules *r, const char *oid, const char *name, struct vg_err *err) {
  pthread_mutex_lock(&r->lock);
  struct org *o = rules_org_locked(r, oid);
  size_t i = 0;
  while (o && i < o->nfps && strcmp(o->fps[i]->name, name)) i++;
  int rc;
  if (!o || i == o->nfps) {
    rc = vg_err_fail(err, VG_ENOTFOUND, "no false-positive rule %s", name);
  } else {
    char id[VG_LIMIT_RULE_NAME_BYTES + 8];
    snprintf(id, sizeof(id), "fp/%s", name);
    rc = store_meta_delete(r->vd->store, STORE_META_RULE, o->oidb, id, strlen(id), err);
    if (!rc) {
      rules_crule_free(o->fps[i]);
      memmove(&o->fps[i], &o->fps[i + 1], (o->nfps - i - 1) * sizeof(*o->fps));
      o->nfps--;
    }
  }
  pthread_mutex_unlock(&r->lock);
  return rc;
}

json_t *rules_fp_list(struct rules *r, const char *oid) {
  json_t *arr = json_array();
  pthread_mutex_lock(&r->lock);
  struct org *o = rules_org_locked(r, oid);
  for (size_t i = 0; o && i < o->nfps; i++) json_array_append(arr, o->fps[i]->rec);
  pthread_mutex_unlock(&r->lock);
  return arr;
}

/* ---- housekeeping ---- */

void rules_housekeeping(struct rules *r, int64_t now_ms) {
  if (!r) return;
  pthread_mutex_lock(&r->lock);
  for (size_t k = 0; k < r->norgs; k++) {
    struct org *o = r->orgs[k];
    bool changed = false;
    for (size_t i = 0; i < o->nrules;) {
      int64_t exp = json_integer_value(json_object_get(o->rules[i]->rec, "expire_on"));
      if (exp > 0 && exp * 1000 <= now_ms) {
        char id[VG_LIMIT_RULE_NAME_BYTES + 24];
        snprintf(id, sizeof(id), "r/%s/%s", o->rules[i]->ns, o->rules[i]->name);
        vg_info(COMP, "org %s: rule %s expired", o->oid, id + 2);
        store_meta_delete(r->vd->store, STORE_META_RULE, o->oidb, id, strlen(id), NULL);
        rules_crule_free(o->rules[i]);
        memmove(&o->rules[i], &o->rules[i + 1], (o->nrules - i - 1) * sizeof(*o->rules));
        o->nrules--;
        changed = true;
        continue;
      }
      i++;
    }
    if (changed) reindex(o);
    rules_vars_expire(o, now_ms);
  }
  pthread_mutex_unlock(&r->lock);
  rules_feeds_housekeeping(r, now_ms);
  rules_vt_expire(r, now_ms);
}
