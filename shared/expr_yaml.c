/* expr_yaml.c — the YAML front end of the expression engine: a detect node
 * (shared/yaml_tree.h) → a compiled tree through the builder (expr.h). One
 * key table says which keys each operator takes; unknown keys, wrong types
 * and missing parameters are errors at the key's file:line:col. */
#include <string.h>

#include "shared/expr_int.h"
#include "shared/limits.h"

/* Operator groups, for the key table. */
#define G_LOGIC (1u << 0)    /* and, or */
#define G_CMP (1u << 1)      /* is, contains, starts/ends with, greater/lower, string distance */
#define G_RE (1u << 2)       /* matches */
#define G_PATHONLY (1u << 3) /* exists, cidr, is public/private address */
#define G_LOOKUP (1u << 4)
#define G_EXTERNAL (1u << 5)
#define G_SCOPE (1u << 6)
#define G_FLAGOP (1u << 7)   /* is windows … (no params) */
#define G_PLATFORM (1u << 8)
#define G_TAGGED (1u << 9)
#define G_ALL 0xffffu

static unsigned group_of(enum vg_expr_op op) {
  switch (op) {
    case VG_OP_AND: case VG_OP_OR: return G_LOGIC;
    case VG_OP_IS: case VG_OP_CONTAINS: case VG_OP_STARTS_WITH: case VG_OP_ENDS_WITH:
    case VG_OP_GREATER: case VG_OP_LOWER: case VG_OP_STRING_DISTANCE: return G_CMP;
    case VG_OP_MATCHES: return G_RE;
    case VG_OP_EXISTS: case VG_OP_CIDR: case VG_OP_IS_PUBLIC: case VG_OP_IS_PRIVATE:
      return G_PATHONLY;
    case VG_OP_LOOKUP: return G_LOOKUP;
    case VG_OP_EXTERNAL: return G_EXTERNAL;
    case VG_OP_SCOPE: return G_SCOPE;
    case VG_OP_IS_PLATFORM: return G_PLATFORM;
    case VG_OP_IS_TAGGED: return G_TAGGED;
    default: return G_FLAGOP;
  }
}

/* Which keys a node of each group may carry. */
static const struct {
  const char *key;
  unsigned groups;
} keys[] = {
  {"op", G_ALL},
  {"event", G_ALL},
  {"events", G_ALL},
  {"not", G_ALL},
  {"with child", G_ALL},
  {"with descendant", G_ALL},
  {"is stateless", G_ALL},
  {"within", G_ALL},
  {"report latest event", G_ALL},
  {"count", G_ALL},
  {"rules", G_LOGIC},
  {"path", G_CMP | G_RE | G_PATHONLY | G_LOOKUP | G_SCOPE},
  {"value", G_CMP},
  {"case sensitive", G_CMP | G_RE},
  {"file name", G_CMP | G_RE | G_LOOKUP},
  {"sub domain", G_CMP | G_RE | G_LOOKUP},
  {"length of", G_CMP},
  {"max", G_CMP},
  {"re", G_RE},
  {"truthy", G_PATHONLY},
  {"cidr", G_PATHONLY},
  {"resource", G_LOOKUP | G_EXTERNAL},
  {"metadata_rules", G_LOOKUP},
  {"rule", G_SCOPE},
  {"name", G_PLATFORM},
  {"tag", G_TAGGED},
};

static struct vg_expr *compile(const struct vg_yaml_node *n, int depth, struct vg_err *err);

/* Re-anchor an error from a builder call at node v (keeping its message). */
static int at(const struct vg_yaml_node *v, const char *key, int rc, struct vg_err *err) {
  if (!rc) return 0;
  char msg[VG_LIMIT_ERR_MSG_BYTES];
  snprintf(msg, sizeof(msg), "%s", err && err->msg[0] ? err->msg : vg_strerror(rc));
  return vg_yaml_fail(v, err, -rc, "%s: %s", key, msg);
}

static int flag(const struct vg_yaml_node *n, const char *key, struct vg_expr *e, unsigned f,
                bool invert, struct vg_err *err) {
  const struct vg_yaml_node *v = vg_yaml_get(n, key);
  if (!v) return 0;
  bool b;
  if (vg_yaml_bool(v, &b, err)) return vg_yaml_fail(v, err, VG_ETYPE, "%s: expected true or false", key);
  vg_expr_set_flag(e, f, invert ? !b : b);
  return 0;
}

static int str_of(const struct vg_yaml_node *v, const char *key, const char **out,
                  struct vg_err *err) {
  if (!v || v->kind != VG_YAML_SCALAR || vg_yaml_is_null(v))
    return vg_yaml_fail(v, err, VG_ETYPE, "%s: expected a string", key);
  *out = v->text;
  return 0;
}

static int int_of(const struct vg_yaml_node *n, const char *key, int64_t min, int64_t max,
                  struct vg_expr *e, enum vg_expr_param p, struct vg_err *err) {
  const struct vg_yaml_node *v = vg_yaml_get(n, key);
  if (!v) return 0;
  int64_t x;
  if (vg_yaml_int(v, min, max, &x, err))
    return vg_yaml_fail(v, err, VG_ERANGE, "%s: expected an integer in %lld..%lld", key,
                        (long long)min, (long long)max);
  vg_expr_set_int(e, p, x);
  return 0;
}

static int values(const struct vg_yaml_node *v, struct vg_expr *e, struct vg_err *err) {
  if (v->kind == VG_YAML_MAP) return vg_yaml_fail(v, err, VG_ETYPE, "value: expected a scalar");
  if (v->kind == VG_YAML_SCALAR) return at(v, "value", vg_expr_add_value(e, v->text, err), err);
  if (!v->nitems) return vg_yaml_fail(v, err, VG_EMISSING, "value: empty list");
  for (size_t i = 0; i < v->nitems; i++) {
    const struct vg_yaml_node *it = v->items[i];
    if (it->kind != VG_YAML_SCALAR) return vg_yaml_fail(it, err, VG_ETYPE, "value: expected a scalar");
    int r = at(it, "value", vg_expr_add_value(e, it->text, err), err);
    if (r) return r;
  }
  return 0;
}

static int events(const struct vg_yaml_node *n, struct vg_expr *e, struct vg_err *err) {
  const struct vg_yaml_node *v = vg_yaml_get(n, "event");
  const char *s = NULL;
  if (v) {
    int r = str_of(v, "event", &s, err);
    if (!r) r = at(v, "event", vg_expr_add_event_type(e, s, err), err);
    if (r) return r;
  }
  v = vg_yaml_get(n, "events");
  if (!v) return 0;
  if (v->kind != VG_YAML_SEQ) return vg_yaml_fail(v, err, VG_ETYPE, "events: expected a list");
  for (size_t i = 0; i < v->nitems; i++) {
    int r = str_of(v->items[i], "events", &s, err);
    if (!r) r = at(v->items[i], "events", vg_expr_add_event_type(e, s, err), err);
    if (r) return r;
  }
  return 0;
}

static int sub_rule(const struct vg_yaml_node *n, const char *key, struct vg_expr *e, int depth,
                    bool required, struct vg_err *err) {
  const struct vg_yaml_node *v = vg_yaml_get(n, key);
  if (!v) return required ? vg_yaml_fail(n, err, VG_EMISSING, "%s: required", key) : 0;
  if (v->kind != VG_YAML_MAP) return vg_yaml_fail(v, err, VG_ETYPE, "%s: expected a rule (mapping)", key);
  struct vg_expr *k = compile(v, depth + 1, err);
  return k ? vg_expr_add(e, k, err) : -(err && err->code ? err->code : VG_EPARSE);
}

static int params(const struct vg_yaml_node *n, struct vg_expr *e, int depth,
                  struct vg_err *err) {
  enum vg_expr_op op = e->op;
  unsigned g = group_of(op);
  const struct vg_yaml_node *v;
  const char *s = NULL;
  int r;
  if ((r = events(n, e, err)) || (r = flag(n, "not", e, VG_EXPR_NOT, false, err)) ||
      (r = flag(n, "case sensitive", e, VG_EXPR_NOCASE, true, err)) ||
      (r = flag(n, "file name", e, VG_EXPR_FILE_NAME, false, err)) ||
      (r = flag(n, "length of", e, VG_EXPR_LENGTH_OF, false, err)) ||
      (r = flag(n, "truthy", e, VG_EXPR_TRUTHY, false, err)) ||
      (r = flag(n, "is stateless", e, VG_EXPR_STATELESS, false, err)) ||
      (r = flag(n, "report latest event", e, VG_EXPR_REPORT_LATEST, false, err)) ||
      (r = int_of(n, "count", 1, 1000000, e, VG_EXPR_COUNT, err)) ||
      (r = int_of(n, "within", 1, 30 * 86400, e, VG_EXPR_WITHIN, err)) ||
      (r = int_of(n, "max", 0, VG_LIMIT_EXPR_DISTANCE_BYTES, e, VG_EXPR_MAX, err)))
    return r;
  if ((v = vg_yaml_get(n, "path"))) {
    if ((r = str_of(v, "path", &s, err)) || (r = at(v, "path", vg_expr_set_path(e, s, err), err)))
      return r;
  } else if (g & (G_CMP | G_RE | G_PATHONLY | G_LOOKUP | G_SCOPE)) {
    return vg_yaml_fail(n, err, VG_EMISSING, "path: required by op %s", vg_expr_op_name(op));
  }
  if ((v = vg_yaml_get(n, "value"))) {
    if ((r = values(v, e, err))) return r;
  } else if (g & G_CMP) {
    return vg_yaml_fail(n, err, VG_EMISSING, "value: required by op %s", vg_expr_op_name(op));
  }
  if ((v = vg_yaml_get(n, "sub domain"))) {
    if ((r = str_of(v, "sub domain", &s, err)) ||
        (r = at(v, "sub domain", vg_expr_set_subdomain(e, s, err), err)))
      return r;
  }
  if (g & G_RE) {
    if (!(v = vg_yaml_get(n, "re"))) return vg_yaml_fail(n, err, VG_EMISSING, "re: required by op matches");
    if ((r = str_of(v, "re", &s, err)) || (r = at(v, "re", vg_expr_set_re(e, s, err), err))) return r;
  }
  if (op == VG_OP_STRING_DISTANCE && !vg_yaml_get(n, "max"))
    return vg_yaml_fail(n, err, VG_EMISSING, "max: required by op string distance");
  if (op == VG_OP_CIDR) {
    if (!(v = vg_yaml_get(n, "cidr"))) return vg_yaml_fail(n, err, VG_EMISSING, "cidr: required by op cidr");
    if ((r = str_of(v, "cidr", &s, err)) || (r = at(v, "cidr", vg_expr_set_cidr(e, s, err), err))) return r;
  }
  static const struct {
    unsigned g;
    const char *key;
  } names[] = {{G_LOOKUP | G_EXTERNAL, "resource"}, {G_PLATFORM, "name"}, {G_TAGGED, "tag"}};
  for (size_t i = 0; i < 3; i++) {
    if (!(g & names[i].g)) continue;
    if (!(v = vg_yaml_get(n, names[i].key)))
      return vg_yaml_fail(n, err, VG_EMISSING, "%s: required by op %s", names[i].key, vg_expr_op_name(op));
    if ((r = str_of(v, names[i].key, &s, err)) ||
        (r = at(v, names[i].key, vg_expr_set_name(e, s, err), err)))
      return r;
  }
  if (g & G_LOGIC) {
    v = vg_yaml_get(n, "rules");
    if (!v) return vg_yaml_fail(n, err, VG_EMISSING, "rules: required by op %s", vg_expr_op_name(op));
    if (v->kind != VG_YAML_SEQ || !v->nitems)
      return vg_yaml_fail(v, err, VG_ETYPE, "rules: expected a non-empty list of rules");
    for (size_t i = 0; i < v->nitems; i++) {
      if (v->items[i]->kind != VG_YAML_MAP)
        return vg_yaml_fail(v->items[i], err, VG_ETYPE, "rules: expected a rule (mapping)");
      struct vg_expr *k = compile(v->items[i], depth + 1, err);
      if (!k) return -(err && err->code ? err->code : VG_EPARSE);
      if ((r = vg_expr_add(e, k, err))) return r;
    }
  }
  if (g & G_SCOPE && (r = sub_rule(n, "rule", e, depth, true, err))) return r;
  if (g & G_LOOKUP && (r = sub_rule(n, "metadata_rules", e, depth, false, err))) return r;
  const char *wk = vg_yaml_get(n, "with child") ? "with child" : "with descendant";
  if ((v = vg_yaml_get(n, wk))) {
    if (vg_yaml_get(n, "with child") && vg_yaml_get(n, "with descendant"))
      return vg_yaml_fail(v, err, VG_EINVAL, "%s: only one of with child / with descendant", wk);
    if (depth > 0) return vg_yaml_fail(v, err, VG_EINVAL, "%s: only on the rule's top node", wk);
    if (v->kind != VG_YAML_MAP) return vg_yaml_fail(v, err, VG_ETYPE, "%s: expected a rule (mapping)", wk);
    struct vg_expr *k = compile(v, depth + 1, err);
    if (!k) return -(err && err->code ? err->code : VG_EPARSE);
    vg_expr_set_with(e, k, strcmp(wk, "with descendant") == 0);
  }
  return 0;
}

static struct vg_expr *compile(const struct vg_yaml_node *n, int depth, struct vg_err *err) {
  if (!n || n->kind != VG_YAML_MAP) {
    vg_yaml_fail(n, err, VG_ETYPE, "detect: expected a rule (mapping)");
    return NULL;
  }
  if (depth > VG_LIMIT_EXPR_DEPTH) {
    vg_yaml_fail(n, err, VG_ELIMIT, "rules nested deeper than %d", VG_LIMIT_EXPR_DEPTH);
    return NULL;
  }
  const struct vg_yaml_node *opn = vg_yaml_get(n, "op");
  enum vg_expr_op op;
  if (!opn) {
    /* A node with only an event filter (`event: X`) holds on those events. */
    if (!vg_yaml_get(n, "event") && !vg_yaml_get(n, "events")) {
      vg_yaml_fail(n, err, VG_EMISSING, "op: required");
      return NULL;
    }
    op = VG_OP_TRUE;
  } else {
    const char *s = NULL;
    if (str_of(opn, "op", &s, err)) return NULL;
    op = vg_expr_op_find(s);
    if (!op || op == VG_OP_TRUE) {
      vg_yaml_fail(opn, err, VG_EUNKNOWN, "op: unknown operator \"%s\"", s);
      return NULL;
    }
  }
  unsigned g = group_of(op);
  for (size_t i = 0; i < n->npairs; i++) {
    const struct vg_yaml_node *k = n->pairs[i].key;
    size_t j = 0;
    while (j < sizeof(keys) / sizeof(keys[0]) && strcmp(keys[j].key, k->text)) j++;
    if (j == sizeof(keys) / sizeof(keys[0])) {
      vg_yaml_fail(k, err, VG_EUNKNOWN, "%s: unknown key", k->text);
      return NULL;
    }
    if (!(keys[j].groups & g)) {
      vg_yaml_fail(k, err, VG_EUNKNOWN, "%s: not a parameter of op %s", k->text,
                   vg_expr_op_name(op));
      return NULL;
    }
  }
  struct vg_expr *e = vg_expr_new(op);
  if (params(n, e, depth, err)) {
    vg_expr_free(e);
    return NULL;
  }
  return e;
}

struct vg_expr *vg_expr_compile_yaml(const struct vg_yaml_node *n, struct vg_err *err) {
  return compile(n, 0, err);
}

struct vg_expr *vg_expr_compile_text(const char *text, size_t len, const char *file,
                                     struct vg_err *err) {
  struct vg_yaml_doc *doc = NULL;
  if (vg_yaml_parse(text, len, file, &doc, err)) return NULL;
  struct vg_expr *e = compile(vg_yaml_root(doc), 0, err);
  vg_yaml_free(doc);
  return e;
}
