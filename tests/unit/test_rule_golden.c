/* test_rule_golden.c — the rule language's golden cases: every directory of
 * tests/data/rules/<case>/ holds a rule as users write it (rule.yaml), the
 * events it sees in order with one rule state (events.jsonl, envelopes as in
 * docs/events.md), and either expected.json ({"matches": [event indices],
 * "actions": [rendered actions]}) or error.txt (text the load error must
 * contain). Optional: vars.json (sensor variables {"name": [values]}),
 * feeds/<name>.<ext> (a feed file for lookup resource <name>) and
 * detections/<name>.yaml (a stored rule for op external). Rules are loaded
 * and evaluated with the same shared/ functions vigild uses (rule.h, expr.h,
 * feed.h); actions are rendered with vg_rule_template / vg_rule_lookback as
 * backend/rules_respond.c does. See docs/rules.md "Golden cases". */
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/feed.h"
#include "shared/routing.h"
#include "shared/rule.h"
#include "tests/harness/harness.h"

#ifndef VIGIL_RULE_CASES
#define VIGIL_RULE_CASES "tests/data/rules" /* CMake passes the absolute path */
#endif

#define MAX_CASES 512
#define MAX_FEEDS 8
#define MAX_EVENTS 1000
#define MSG_BYTES 4096

static char *cases[MAX_CASES];
static int ncases;

struct feed_ent {
  char name[256];
  struct vg_feed *f;
};

struct ctx {
  const char *dir;
  json_t *vars;
  struct feed_ent feeds[MAX_FEEDS];
  size_t nfeeds;
};

static char *case_file(const char *dir, const char *name) {
  char *p = NULL;
  if (asprintf(&p, "%s/%s", dir, name) < 0) abort();
  return p;
}

static char *read_case_file(const char *dir, const char *name) {
  char *p = case_file(dir, name);
  char *s = harness_read_file(p, NULL);
  free(p);
  return s;
}

static const json_t *g_var(void *u, const struct vg_routing *r, const char *name) {
  (void)r;
  struct ctx *c = u;
  return c->vars ? json_object_get(c->vars, name) : NULL;
}

static bool g_lookup(void *u, const char *res, const char *val, const json_t **mtd) {
  struct ctx *c = u;
  const char *n = strrchr(res, '/'); /* "api/vt" → feed "vt" */
  n = n ? n + 1 : res;
  for (size_t i = 0; i < c->nfeeds; i++)
    if (strcmp(c->feeds[i].name, n) == 0) return vg_feed_has(c->feeds[i].f, val, mtd);
  return false;
}

static bool g_external(void *u, const char *name, const json_t *ev, const struct vg_routing *r,
                       int depth) {
  struct ctx *c = u;
  if (depth > 4 || strchr(name, '/') || strstr(name, "..")) return false;
  char rel[256];
  snprintf(rel, sizeof(rel), "detections/%s.yaml", name);
  char *y = read_case_file(c->dir, rel);
  if (!y) return false;
  struct vg_expr *e = vg_expr_compile_text(y, strlen(y), rel, NULL);
  free(y);
  struct vg_expr_env env = {c, g_var, g_lookup, g_external, depth + 1};
  bool v = e && vg_expr_eval(e, ev, r, &env, NULL, NULL);
  vg_expr_free(e);
  return v;
}

static void load_feeds(struct ctx *c, const char *name) {
  char *fd = case_file(c->dir, "feeds");
  DIR *d = opendir(fd);
  if (!d) {
    free(fd);
    return;
  }
  struct dirent *de;
  while ((de = readdir(d))) {
    if (de->d_name[0] == '.') continue;
    ck_assert_msg(c->nfeeds < MAX_FEEDS, "%s: too many feeds", name);
    struct feed_ent *f = &c->feeds[c->nfeeds];
    snprintf(f->name, sizeof(f->name), "%s", de->d_name);
    char *dot = strchr(f->name, '.');
    if (dot) *dot = '\0';
    char *p = case_file(fd, de->d_name);
    struct vg_err err;
    vg_err_clear(&err);
    char m[512];
    f->f = vg_feed_load(p, &err);
    ck_assert_msg(f->f != NULL, "%s: feed %s: %s", name, p, vg_err_str(&err, m, sizeof(m)));
    free(p);
    c->nfeeds++;
  }
  closedir(d);
  free(fd);
}

/* One action as it would run on ev: names, priorities, templates and
 * lookbacks rendered. */
static json_t *render(const struct vg_action *a, const json_t *ev) {
  json_t *o = json_pack("{s:s}", "action", vg_action_name(a->kind));
  json_t *root = json_pack("{s:O, s:O, s:o}", "routing", json_object_get(ev, "routing"), "event",
                           json_object_get(ev, "event"), "mtd", json_object());
  switch (a->kind) {
    case VG_ACT_REPORT:
    {
      char *n = vg_rule_template(a->name, root);
      json_object_set_new(o, "name", json_string(n));
      free(n);
    }
      json_object_set_new(o, "priority", json_integer(a->priority));
      json_object_set_new(o, "publish", json_boolean(a->publish));
      if (a->metadata) json_object_set(o, "metadata", a->metadata);
      break;
    case VG_ACT_TASK: {
      char *s = vg_rule_lookback(a->command, ev);
      json_object_set_new(o, "command", json_string(s));
      free(s);
      break;
    }
    case VG_ACT_ADD_TAG:
    case VG_ACT_REMOVE_TAG:
      json_object_set_new(o, "tag", json_string(a->tag));
      break;
    case VG_ACT_ADD_VAR:
    case VG_ACT_DEL_VAR:
      json_object_set_new(o, "name", json_string(a->name));
      if (a->value) {
        char *s = vg_rule_lookback(a->value, ev);
        json_object_set_new(o, "value", json_string(s));
        free(s);
      }
      break;
    case VG_ACT_OUTPUT:
      json_object_set_new(o, "name", json_string(a->name));
      break;
    case VG_ACT_ISOLATE:
    case VG_ACT_REJOIN:
      break;
  }
  if (a->ttl_s) json_object_set_new(o, "ttl", json_integer(a->ttl_s));
  if (a->sup.on) {
    json_t *keys = json_array();
    for (size_t i = 0; i < a->sup.nkeys; i++) {
      char *k = vg_rule_template(a->sup.keys[i], root);
      json_array_append_new(keys, json_string(k));
      free(k);
    }
    json_object_set_new(o, "suppression",
                        json_pack("{s:I, s:I, s:I, s:b, s:o}", "max_count", (json_int_t)a->sup.max_count,
                                  "min_count", (json_int_t)a->sup.min_count, "period",
                                  (json_int_t)a->sup.period_s, "is_global", a->sup.is_global, "keys", keys));
  }
  json_decref(root);
  return o;
}

static void trim(char *s) {
  size_t n = strlen(s);
  while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ')) s[--n] = '\0';
}

static void run_case(const char *name) {
  char *dir = case_file(VIGIL_RULE_CASES, name);
  struct ctx c = {.dir = dir};
  char *yaml = read_case_file(dir, "rule.yaml");
  ck_assert_msg(yaml != NULL, "%s: no rule.yaml", name);
  struct vg_rule *rule = NULL;
  struct vg_err err;
  vg_err_clear(&err);
  char m[MSG_BYTES];
  int rc = vg_rule_load(yaml, strlen(yaml), "rule.yaml", &rule, &err);
  vg_err_str(&err, m, sizeof(m));
  char *want_err = read_case_file(dir, "error.txt");
  if (want_err) {
    trim(want_err);
    ck_assert_msg(rc < 0, "%s: rule loaded, want an error containing '%s'", name, want_err);
    ck_assert_msg(strstr(m, want_err) != NULL, "%s: error '%s' lacks '%s'", name, m, want_err);
    free(want_err);
    free(yaml);
    free(dir);
    return;
  }
  ck_assert_msg(rc == 0, "%s: rule.yaml: %s", name, m);
  char *vars = read_case_file(dir, "vars.json");
  if (vars) {
    c.vars = json_loads(vars, 0, NULL);
    ck_assert_msg(json_is_object(c.vars), "%s: vars.json is not a JSON object", name);
    free(vars);
  }
  load_feeds(&c, name);
  char *exp_s = read_case_file(dir, "expected.json");
  ck_assert_msg(exp_s != NULL, "%s: neither expected.json nor error.txt", name);
  json_error_t je;
  json_t *want = json_loads(exp_s, 0, &je);
  ck_assert_msg(json_is_array(json_object_get(want, "matches")),
                "%s: expected.json: no \"matches\" array (%s line %d)", name, je.text, je.line);
  free(exp_s);
  char *evs = read_case_file(dir, "events.jsonl");
  ck_assert_msg(evs != NULL, "%s: no events.jsonl", name);
  struct vg_expr_state *st = vg_expr_is_stateful(rule->detect) ? vg_expr_state_new() : NULL;
  struct vg_expr_env env = {&c, g_var, g_lookup, g_external, 0};
  json_t *matches = json_array(), *actions = json_array();
  int idx = 0, nonmatch = 0;
  for (char *line = evs, *next; line && *line; line = next) {
    next = strchr(line, '\n');
    if (next) *next++ = '\0';
    if (!line[strspn(line, " \t\r")]) continue;
    ck_assert_msg(idx < MAX_EVENTS, "%s: more than %d events", name, MAX_EVENTS);
    json_t *ev = json_loads(line, 0, &je);
    ck_assert_msg(ev != NULL, "%s: events.jsonl event %d: %s", name, idx, je.text);
    struct vg_routing rt;
    vg_err_clear(&err);
    ck_assert_msg(vg_routing_get(ev, &rt, &err) == 0, "%s: event %d: %s", name, idx,
                  vg_err_str(&err, m, sizeof(m)));
    json_t *report = NULL;
    if (vg_expr_eval(rule->detect, ev, &rt, &env, st, &report)) {
      json_array_append_new(matches, json_integer(idx));
      const json_t *on = report ? report : ev; /* as rules.c: respond on the reported event */
      for (size_t k = 0; k < rule->nactions; k++) {
        json_t *a = render(&rule->actions[k], on);
        json_object_set_new(a, "index", json_integer(idx));
        json_array_append_new(actions, a);
      }
    } else {
      nonmatch++;
    }
    json_decref(report);
    json_decref(ev);
    idx++;
  }
  free(evs);
  ck_assert_msg(idx > 0, "%s: events.jsonl holds no events", name);
  ck_assert_msg(nonmatch > 0, "%s: every event matches; add one that must not", name);
  json_t *got = json_pack("{s:O}", "matches", matches);
  if (json_object_get(want, "actions")) json_object_set(got, "actions", actions);
  char *gs = json_dumps(got, JSON_COMPACT | JSON_SORT_KEYS);
  char *ws = json_dumps(want, JSON_COMPACT | JSON_SORT_KEYS);
  ck_assert_msg(json_equal(got, want), "case %s:\n got  %s\n want %s", name, gs, ws);
  free(gs);
  free(ws);
  json_decref(got);
  json_decref(want);
  json_decref(matches);
  json_decref(actions);
  vg_expr_state_free(st);
  for (size_t i = 0; i < c.nfeeds; i++) vg_feed_free(c.feeds[i].f);
  json_decref(c.vars);
  vg_rule_free(rule);
  free(yaml);
  free(dir);
}

START_TEST(golden_case) {
  run_case(cases[_i]);
}
END_TEST

START_TEST(no_cases) {
  ck_abort_msg("no golden cases under %s", VIGIL_RULE_CASES);
}
END_TEST

static int cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void scan(void) {
  DIR *d = opendir(VIGIL_RULE_CASES);
  if (!d) return;
  struct dirent *de;
  while ((de = readdir(d)) && ncases < MAX_CASES) {
    if (de->d_name[0] == '.') continue;
    char *p = case_file(VIGIL_RULE_CASES, de->d_name);
    DIR *sub = opendir(p);
    free(p);
    if (!sub) continue;
    closedir(sub);
    cases[ncases++] = strdup(de->d_name);
  }
  closedir(d);
  qsort(cases, (size_t)ncases, sizeof(*cases), cmp);
}

static Suite *suite(void) {
  scan();
  Suite *s = suite_create("rule_golden");
  TCase *tc = tcase_create("cases");
  if (ncases == 0)
    tcase_add_test(tc, no_cases);
  else
    tcase_add_loop_test(tc, golden_case, 0, ncases);
  suite_add_tcase(s, tc);
  return s;
}

VG_CHECK_MAIN(suite)
