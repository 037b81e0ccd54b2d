/* rule.c — loading `{detect, respond}` rules (the action table below names
 * each action's keys), templates and lookbacks for responses, and emitting a
 * rule back as YAML. */
#include "shared/rule.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "shared/alloc.h"
#include "shared/buf.h"
#include "shared/limits.h"
#include "shared/path.h"
#include "shared/scalar.h"
#include "shared/yaml_tree.h"

/* The action table: name, kind, the keys it takes (space-separated "|"). */
static const struct {
  const char *name;
  enum vg_action_kind kind;
  const char *keys;
} actions[] = {
  {"report", VG_ACT_REPORT, "|name|priority|metadata|publish|detect_data|"},
  {"task", VG_ACT_TASK, "|command|investigation|"},
  {"add tag", VG_ACT_ADD_TAG, "|tag|ttl|entire_device|"},
  {"remove tag", VG_ACT_REMOVE_TAG, "|tag|"},
  {"add var", VG_ACT_ADD_VAR, "|name|value|ttl|"},
  {"del var", VG_ACT_DEL_VAR, "|name|value|"},
  {"isolate network", VG_ACT_ISOLATE, "|"},
  {"rejoin network", VG_ACT_REJOIN, "|"},
  {"output", VG_ACT_OUTPUT, "|name|"},
};

const char *vg_action_name(enum vg_action_kind k) {
  for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
    if (actions[i].kind == k) return actions[i].name;
  return "?";
}

static void action_cleanup(struct vg_action *a) {
  free(a->name);
  json_decref(a->metadata);
  free(a->command);
  free(a->tag);
  free(a->value);
  for (size_t i = 0; i < a->sup.nkeys; i++) free(a->sup.keys[i]);
  free(a->sup.keys);
}

void vg_rule_free(struct vg_rule *r) {
  if (!r) return;
  vg_expr_free(r->detect);
  json_decref(r->tests);
  for (size_t i = 0; i < r->nactions; i++) action_cleanup(&r->actions[i]);
  free(r->actions);
  free(r);
}

/* A YAML subtree as JSON: plain integers and booleans typed, the rest text. */
static json_t *to_json(const struct vg_yaml_node *n) {
  if (n->kind == VG_YAML_MAP) {
    json_t *o = json_object();
    for (size_t i = 0; i < n->npairs; i++)
      json_object_set_new(o, n->pairs[i].key->text, to_json(n->pairs[i].value));
    return o;
  }
  if (n->kind == VG_YAML_SEQ) {
    json_t *a = json_array();
    for (size_t i = 0; i < n->nitems; i++) json_array_append_new(a, to_json(n->items[i]));
    return a;
  }
  if (!n->quoted) {
    int64_t v;
    bool b;
    if (vg_yaml_is_null(n)) return json_null();
    if (vg_scalar_int(n->text, &v) == 0) return json_integer(v);
    if (vg_scalar_bool(n->text, &b) == 0) return json_boolean(b);
  }
  json_t *s = json_stringn(n->text, n->len);
  return s ? s : json_string("");
}

static int str_key(const struct vg_yaml_node *m, const char *key, bool required, char **out,
                   struct vg_err *err) {
  const struct vg_yaml_node *v = vg_yaml_get(m, key);
  if (!v) return required ? vg_yaml_fail(m, err, VG_EMISSING, "%s: required", key) : 0;
  if (v->kind != VG_YAML_SCALAR || vg_yaml_is_null(v))
    return vg_yaml_fail(v, err, VG_ETYPE, "%s: expected a string", key);
  if (v->len > VG_LIMIT_TEMPLATE_BYTES)
    return vg_yaml_fail(v, err, VG_ELIMIT, "%s: longer than %d bytes", key, VG_LIMIT_TEMPLATE_BYTES);
  *out = vg_xstrdup(v->text);
  return 0;
}

/* "1h", "30m", "10s", "500ms" (rounded up to a second), or plain seconds. */
static int period(const struct vg_yaml_node *v, int64_t *out, struct vg_err *err) {
  if (v->kind != VG_YAML_SCALAR) return vg_yaml_fail(v, err, VG_ETYPE, "period: expected a duration");
  int64_t x;
  if (vg_scalar_int(v->text, &x) == 0 && x > 0) {
    *out = x;
    return 0;
  }
  size_t n = v->len;
  if (n > 2 && (strcmp(v->text + n - 2, "ms") == 0 || strcmp(v->text + n - 2, "us") == 0 ||
                strcmp(v->text + n - 2, "ns") == 0)) {
    char *num = vg_xstrndup(v->text, n - 2);
    int r = vg_scalar_int(num, &x);
    free(num);
    if (r == 0 && x > 0) {
      *out = 1;
      return 0;
    }
  } else if (vg_scalar_duration(v->text, &x) == 0 && x > 0) {
    *out = x;
    return 0;
  }
  return vg_yaml_fail(v, err, VG_EINVAL, "period: expected a duration such as 1h, 30m, 10s");
}

static int suppression(const struct vg_yaml_node *s, struct vg_suppression *sup,
                       struct vg_err *err) {
  if (s->kind != VG_YAML_MAP) return vg_yaml_fail(s, err, VG_ETYPE, "suppression: expected a mapping");
  sup->on = true;
  for (size_t i = 0; i < s->npairs; i++) {
    const char *k = s->pairs[i].key->text;
    const struct vg_yaml_node *v = s->pairs[i].value;
    int r = 0;
    if (strcmp(k, "max_count") == 0) r = vg_yaml_int(v, 1, INT32_MAX, &sup->max_count, err);
    else if (strcmp(k, "min_count") == 0) r = vg_yaml_int(v, 1, INT32_MAX, &sup->min_count, err);
    else if (strcmp(k, "is_global") == 0) r = vg_yaml_bool(v, &sup->is_global, err);
    else if (strcmp(k, "period") == 0) r = period(v, &sup->period_s, err);
    else if (strcmp(k, "count_path") == 0) r = 0;
    else if (strcmp(k, "keys") == 0) {
      if (v->kind != VG_YAML_SEQ) return vg_yaml_fail(v, err, VG_ETYPE, "keys: expected a list");
      for (size_t j = 0; j < v->nitems && j < 16; j++) {
        if (v->items[j]->kind != VG_YAML_SCALAR)
          return vg_yaml_fail(v->items[j], err, VG_ETYPE, "keys: expected strings");
        sup->keys = vg_xreallocarray(sup->keys, sup->nkeys + 1, sizeof(char *));
        sup->keys[sup->nkeys++] = vg_xstrdup(v->items[j]->text);
      }
    } else {
      return vg_yaml_fail(s->pairs[i].key, err, VG_EUNKNOWN, "suppression.%s: unknown key", k);
    }
    if (r) return vg_yaml_fail(v, err, -r, "suppression.%s: %s", k, vg_strerror(r));
  }
  if (!sup->period_s) return vg_yaml_fail(s, err, VG_EMISSING, "suppression.period: required");
  if (!sup->max_count && !sup->min_count)
    return vg_yaml_fail(s, err, VG_EMISSING, "suppression: max_count or min_count required");
  return 0;
}

static int action(const struct vg_yaml_node *n, struct vg_action *a, struct vg_err *err) {
  if (n->kind != VG_YAML_MAP) return vg_yaml_fail(n, err, VG_ETYPE, "respond: expected an action (mapping)");
  const struct vg_yaml_node *an = vg_yaml_get(n, "action");
  if (!an) return vg_yaml_fail(n, err, VG_EMISSING, "action: required");
  if (an->kind != VG_YAML_SCALAR) return vg_yaml_fail(an, err, VG_ETYPE, "action: expected a name");
  size_t t = 0;
  while (t < sizeof(actions) / sizeof(actions[0]) && strcmp(actions[t].name, an->text)) t++;
  if (t == sizeof(actions) / sizeof(actions[0]))
    return vg_yaml_fail(an, err, VG_EUNKNOWN, "action: unknown action \"%s\"", an->text);
  a->kind = actions[t].kind;
  a->publish = true;
  for (size_t i = 0; i < n->npairs; i++) {
    const char *k = n->pairs[i].key->text;
    char probe[64];
    snprintf(probe, sizeof(probe), "|%s|", k);
    if (strcmp(k, "action") && strcmp(k, "suppression") && !strstr(actions[t].keys, probe))
      return vg_yaml_fail(n->pairs[i].key, err, VG_EUNKNOWN, "%s: not a parameter of action %s",
                          k, actions[t].name);
  }
  int r = 0;
  const struct vg_yaml_node *v;
  switch (a->kind) {
    case VG_ACT_REPORT:
      if ((r = str_key(n, "name", true, &a->name, err))) return r;
      if ((v = vg_yaml_get(n, "priority")) && (r = vg_yaml_int(v, 0, 10000, &a->priority, err)))
        return vg_yaml_fail(v, err, VG_ERANGE, "priority: expected an integer 0..10000");
      if ((v = vg_yaml_get(n, "publish")) && vg_yaml_bool(v, &a->publish, err))
        return vg_yaml_fail(v, err, VG_ETYPE, "publish: expected true or false");
      if ((v = vg_yaml_get(n, "metadata"))) a->metadata = to_json(v);
      break;
    case VG_ACT_TASK:
      v = vg_yaml_get(n, "command");
      if (!v) return vg_yaml_fail(n, err, VG_EMISSING, "command: required");
      if (v->kind == VG_YAML_SEQ) { /* [deny_tree, <<routing/this>>] */
        struct vg_buf b;
        vg_buf_init(&b, VG_LIMIT_TASK_COMMAND_BYTES);
        for (size_t i = 0; i < v->nitems; i++) {
          if (v->items[i]->kind != VG_YAML_SCALAR)
            return vg_buf_cleanup(&b), vg_yaml_fail(v->items[i], err, VG_ETYPE, "command: expected strings");
          if (i) vg_buf_append(&b, " ", 1);
          vg_buf_append(&b, v->items[i]->text, v->items[i]->len);
        }
        vg_buf_append(&b, "", 1);
        a->command = vg_xstrdup((const char *)b.data);
        vg_buf_cleanup(&b);
      } else if ((r = str_key(n, "command", true, &a->command, err))) {
        return r;
      }
      if (!a->command[0]) return vg_yaml_fail(v, err, VG_EINVAL, "command: empty");
      break;
    case VG_ACT_ADD_TAG:
    case VG_ACT_REMOVE_TAG:
      if ((r = str_key(n, "tag", true, &a->tag, err))) return r;
      if (strlen(a->tag) > VG_LIMIT_TAG_BYTES)
        return vg_yaml_fail(vg_yaml_get(n, "tag"), err, VG_ELIMIT, "tag: longer than %d bytes", VG_LIMIT_TAG_BYTES);
      break;
    case VG_ACT_ADD_VAR:
    case VG_ACT_DEL_VAR:
      if ((r = str_key(n, "name", true, &a->name, err))) return r;
      if ((r = str_key(n, "value", a->kind == VG_ACT_ADD_VAR, &a->value, err))) return r;
      break;
    case VG_ACT_OUTPUT:
      if ((r = str_key(n, "name", true, &a->name, err))) return r;
      break;
    default:
      break;
  }
  if ((v = vg_yaml_get(n, "ttl"))) {
    int64_t ttl;
    if (vg_yaml_int(v, 0, 10LL * 365 * 86400, &ttl, err))
      return vg_yaml_fail(v, err, VG_ERANGE, "ttl: expected seconds (0..10 years)");
    a->ttl_s = ttl;
  }
  if ((v = vg_yaml_get(n, "suppression")) && (r = suppression(v, &a->sup, err))) return r;
  return 0;
}

/* tests: {match: [case…], non_match: [case…]}, a case a list of events (or
 * one event). Into *out as JSON {"match": [[ev…]…], "non_match": [[…]…]}. */
static int tests(const struct vg_yaml_node *ts, json_t **out, struct vg_err *err) {
  if (ts->kind != VG_YAML_MAP)
    return vg_yaml_fail(ts, err, VG_ETYPE, "tests: expected a mapping with match and non_match");
  json_t *t = json_pack("{s:[], s:[]}", "match", "non_match");
  size_t total = 0;
  for (size_t i = 0; i < ts->npairs; i++) {
    const struct vg_yaml_node *k = ts->pairs[i].key, *v = ts->pairs[i].value;
    json_t *dst = json_object_get(t, k->text);
    int r = 0;
    if (!dst) r = vg_yaml_fail(k, err, VG_EUNKNOWN, "tests.%s: unknown key (match, non_match)", k->text);
    else if (v->kind != VG_YAML_SEQ) r = vg_yaml_fail(v, err, VG_ETYPE, "tests.%s: expected a list of cases", k->text);
    for (size_t c = 0; !r && c < v->nitems; c++) {
      const struct vg_yaml_node *cs = v->items[c];
      json_t *evs = json_array();
      size_t n = cs->kind == VG_YAML_SEQ ? cs->nitems : 1;
      for (size_t e = 0; !r && e < n; e++) {
        const struct vg_yaml_node *ev = cs->kind == VG_YAML_SEQ ? cs->items[e] : cs;
        if (ev->kind != VG_YAML_MAP)
          r = vg_yaml_fail(ev, err, VG_ETYPE, "tests.%s[%zu]: expected an event {routing, event}",
                           k->text, c);
        else if (++total > VG_LIMIT_RULE_TEST_EVENTS)
          r = vg_yaml_fail(ev, err, VG_ELIMIT, "tests: more than %d events", VG_LIMIT_RULE_TEST_EVENTS);
        else
          json_array_append_new(evs, to_json(ev));
      }
      json_array_append_new(dst, evs);
    }
    if (r) {
      json_decref(t);
      return r;
    }
  }
  *out = t;
  return 0;
}

int vg_rule_load(const char *text, size_t len, const char *file, struct vg_rule **out,
                 struct vg_err *err) {
  *out = NULL;
  if (len > VG_LIMIT_RULE_YAML_BYTES)
    return vg_err_fail(err, VG_ELIMIT, "rule longer than %u bytes", VG_LIMIT_RULE_YAML_BYTES);
  struct vg_yaml_doc *doc = NULL;
  int r = vg_yaml_parse(text, len, file, &doc, err);
  if (r) return r;
  const struct vg_yaml_node *root = vg_yaml_root(doc);
  struct vg_rule *rule = vg_xcalloc(1, sizeof(*rule));
  if (!root || root->kind != VG_YAML_MAP) {
    r = vg_yaml_fail(root, err, VG_ETYPE, "rule: expected a mapping with detect and respond");
    if (!root && err) snprintf(err->file, sizeof(err->file), "%s", file ? file : "<input>");
    goto fail;
  }
  for (size_t i = 0; i < root->npairs; i++) {
    const char *k = root->pairs[i].key->text;
    if (strcmp(k, "detect") && strcmp(k, "respond") && strcmp(k, "tests")) {
      r = vg_yaml_fail(root->pairs[i].key, err, VG_EUNKNOWN, "%s: unknown key (detect, respond)", k);
      goto fail;
    }
  }
  const struct vg_yaml_node *d = vg_yaml_get(root, "detect");
  if (!d) {
    r = vg_yaml_fail(root, err, VG_EMISSING, "detect: required");
    goto fail;
  }
  rule->detect = vg_expr_compile_yaml(d, err);
  if (!rule->detect) {
    r = -(err && err->code ? err->code : VG_EPARSE);
    goto fail;
  }
  const struct vg_yaml_node *rs = vg_yaml_get(root, "respond");
  if (rs) {
    if (rs->kind != VG_YAML_SEQ) {
      r = vg_yaml_fail(rs, err, VG_ETYPE, "respond: expected a list of actions");
      goto fail;
    }
    if (rs->nitems > VG_LIMIT_RULE_ACTIONS) {
      r = vg_yaml_fail(rs, err, VG_ELIMIT, "respond: more than %d actions", VG_LIMIT_RULE_ACTIONS);
      goto fail;
    }
    rule->actions = vg_xcalloc(rs->nitems ? rs->nitems : 1, sizeof(*rule->actions));
    for (size_t i = 0; i < rs->nitems; i++) {
      rule->nactions++;
      if ((r = action(rs->items[i], &rule->actions[i], err))) goto fail;
    }
  }
  const struct vg_yaml_node *ts = vg_yaml_get(root, "tests");
  if (ts && (r = tests(ts, &rule->tests, err))) goto fail;
  vg_yaml_free(doc);
  *out = rule;
  return 0;
fail:
  vg_yaml_free(doc);
  vg_rule_free(rule);
  return r ? r : -VG_EPARSE;
}

/* ---- templates and lookbacks ---- */

static void put_value(struct vg_buf *b, const json_t *v) {
  char tmp[64];
  int n = 0;
  if (json_is_string(v)) {
    vg_buf_append(b, json_string_value(v), json_string_length(v));
    return;
  }
  if (json_is_integer(v)) n = snprintf(tmp, sizeof(tmp), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
  else if (json_is_real(v)) n = snprintf(tmp, sizeof(tmp), "%.15g", json_real_value(v));
  else if (json_is_boolean(v)) n = snprintf(tmp, sizeof(tmp), "%s", json_is_true(v) ? "true" : "false");
  else if (v && !json_is_null(v)) {
    char *s = json_dumps(v, JSON_COMPACT);
    if (s) vg_buf_append(b, s, strlen(s));
    free(s);
    return;
  }
  if (n > 0) vg_buf_append(b, tmp, (size_t)n);
}

static json_t *at_path(const json_t *root, const char *p) {
  struct vg_path *path = vg_path_compile(p, NULL);
  json_t *v = path ? vg_path_first(path, (json_t *)root) : NULL;
  vg_path_free(path);
  return v;
}

static char *finish(struct vg_buf *b) {
  if (b->len > VG_LIMIT_TEMPLATE_BYTES) b->len = VG_LIMIT_TEMPLATE_BYTES;
  vg_buf_append(b, "", 1);
  char *s = vg_xstrdup((const char *)b->data);
  vg_buf_cleanup(b);
  return s;
}

char *vg_rule_template(const char *tpl, const json_t *root) {
  struct vg_buf b;
  vg_buf_init(&b, 4 * VG_LIMIT_TEMPLATE_BYTES);
  const char *p = tpl;
  while (*p && b.len < VG_LIMIT_TEMPLATE_BYTES) {
    const char *open = strstr(p, "{{");
    const char *close = open ? strstr(open + 2, "}}") : NULL;
    if (!open || !close) {
      vg_buf_append(&b, p, strlen(p));
      break;
    }
    vg_buf_append(&b, p, (size_t)(open - p));
    const char *s = open + 2, *e = close;
    while (s < e && isspace((unsigned char)*s)) s++;
    while (e > s && isspace((unsigned char)e[-1])) e--;
    if (s < e && *s == '.') {
      char *expr = vg_xstrndup(s + 1, (size_t)(e - s - 1));
      for (char *c = expr; *c; c++)
        if (*c == '.') *c = '/';
      put_value(&b, at_path(root, expr));
      free(expr);
    }
    p = close + 2;
  }
  return finish(&b);
}

char *vg_rule_lookback(const char *s, const json_t *ev) {
  struct vg_buf b;
  vg_buf_init(&b, 4 * VG_LIMIT_TEMPLATE_BYTES);
  const char *p = s;
  while (*p) {
    const char *open = strstr(p, "<<");
    const char *close = open ? strstr(open + 2, ">>") : NULL;
    if (!open || !close) {
      vg_buf_append(&b, p, strlen(p));
      break;
    }
    vg_buf_append(&b, p, (size_t)(open - p));
    char *expr = vg_xstrndup(open + 2, (size_t)(close - open - 2));
    put_value(&b, at_path(ev, expr[0] == '/' ? expr + 1 : expr));
    free(expr);
    p = close + 2;
  }
  return finish(&b);
}

/* ---- emitting ---- */

static bool needs_quotes(const char *s) {
  if (!*s) return true;
  int64_t i;
  bool b;
  if (vg_scalar_int(s, &i) == 0 || vg_scalar_bool(s, &b) == 0) return true;
  if (strcmp(s, "~") == 0 || strcasecmp(s, "null") == 0) return true;
  if (strchr("-?:,[]{}#&*!|>'\"%@`<= ", s[0])) return true;
  if (isspace((unsigned char)s[strlen(s) - 1])) return true;
  for (const char *c = s; *c; c++) {
    if ((unsigned char)*c < 0x20 || *c == '#' || (*c == ':' && (c[1] == ' ' || !c[1]))) return true;
  }
  return false;
}

static void emit_scalar(struct vg_buf *b, const json_t *v) {
  if (!json_is_string(v)) {
    put_value(b, v);
    if (json_is_null(v)) vg_buf_append(b, "null", 4);
    return;
  }
  const char *s = json_string_value(v);
  if (!needs_quotes(s)) {
    vg_buf_append(b, s, strlen(s));
    return;
  }
  vg_buf_append(b, "\"", 1);
  for (const char *c = s; *c; c++) {
    char esc[8];
    if (*c == '"' || *c == '\\') {
      esc[0] = '\\', esc[1] = *c;
      vg_buf_append(b, esc, 2);
    } else if ((unsigned char)*c < 0x20) {
      int n = snprintf(esc, sizeof(esc), "\\x%02x", (unsigned char)*c);
      vg_buf_append(b, esc, (size_t)n);
    } else {
      vg_buf_append(b, c, 1);
    }
  }
  vg_buf_append(b, "\"", 1);
}

static bool is_block(const json_t *v) {
  return (json_is_object(v) && json_object_size(v)) || (json_is_array(v) && json_array_size(v));
}

static void indent(struct vg_buf *b, int n) {
  for (int i = 0; i < n; i++) vg_buf_append(b, " ", 1);
}

static void emit(struct vg_buf *b, const json_t *v, int ind);

static void emit_item(struct vg_buf *b, const json_t *v, int ind) {
  if (json_is_object(v) && json_object_size(v)) {
    /* "- key: v" then the other keys aligned under the first */
    emit(b, v, -(ind + 2));
  } else if (is_block(v)) {
    vg_buf_append(b, "\n", 1);
    emit(b, v, ind + 2);
  } else {
    emit(b, v, 0);
    vg_buf_append(b, "\n", 1);
  }
}

/* ind < 0: the first line is already indented (after "- "). */
static void emit(struct vg_buf *b, const json_t *v, int ind) {
  bool first_inline = ind < 0;
  if (ind < 0) ind = -ind;
  if (json_is_object(v) && json_object_size(v)) {
    const char *k;
    json_t *x;
    bool first = true;
    json_object_foreach((json_t *)v, k, x) {
      if (!(first && first_inline)) indent(b, ind);
      first = false;
      json_t *ks = json_string(k);
      emit_scalar(b, ks);
      json_decref(ks);
      vg_buf_append(b, ":", 1);
      if (is_block(x)) {
        vg_buf_append(b, "\n", 1);
        emit(b, x, json_is_array(x) ? ind : ind + 2);
      } else {
        vg_buf_append(b, " ", 1);
        emit(b, x, 0);
        vg_buf_append(b, "\n", 1);
      }
    }
  } else if (json_is_array(v) && json_array_size(v)) {
    size_t i;
    json_t *x;
    json_array_foreach(v, i, x) {
      if (!(i == 0 && first_inline)) indent(b, ind);
      vg_buf_append(b, "- ", 2);
      emit_item(b, x, ind);
    }
  } else if (json_is_object(v)) {
    vg_buf_append(b, "{}", 2);
  } else if (json_is_array(v)) {
    vg_buf_append(b, "[]", 2);
  } else {
    emit_scalar(b, v);
  }
}

char *vg_rule_emit(const json_t *rule) {
  struct vg_buf b;
  vg_buf_init(&b, VG_LIMIT_RULE_YAML_BYTES);
  emit(&b, rule, 0);
  if (!is_block(rule)) vg_buf_append(&b, "\n", 1);
  vg_buf_append(&b, "", 1);
  char *s = vg_xstrdup((const char *)b.data);
  vg_buf_cleanup(&b);
  return s;
}
