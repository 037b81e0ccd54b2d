/* expr.c — the expression engine's nodes: the operator name table, the
 * builder, freeing, and evaluation of a node (event filter, operator, not). */
#include "shared/expr_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "shared/alloc.h"
#include "shared/event_types.h"
#include "shared/limits.h"
#include "shared/platform.h"
#include "shared/routing.h"

static const struct {
  enum vg_expr_op op;
  const char *name;
} op_names[] = {
  {VG_OP_AND, "and"},
  {VG_OP_OR, "or"},
  {VG_OP_IS, "is"},
  {VG_OP_EXISTS, "exists"},
  {VG_OP_CONTAINS, "contains"},
  {VG_OP_STARTS_WITH, "starts with"},
  {VG_OP_ENDS_WITH, "ends with"},
  {VG_OP_GREATER, "is greater than"},
  {VG_OP_LOWER, "is lower than"},
  {VG_OP_MATCHES, "matches"},
  {VG_OP_STRING_DISTANCE, "string distance"},
  {VG_OP_IS_WINDOWS, "is windows"},
  {VG_OP_IS_LINUX, "is linux"},
  {VG_OP_IS_MAC, "is mac"},
  {VG_OP_IS_CHROME, "is chrome"},
  {VG_OP_IS_32BIT, "is 32 bit"},
  {VG_OP_IS_64BIT, "is 64 bit"},
  {VG_OP_IS_ARM, "is arm"},
  {VG_OP_IS_PLATFORM, "is platform"},
  {VG_OP_IS_TAGGED, "is tagged"},
  {VG_OP_LOOKUP, "lookup"},
  {VG_OP_EXTERNAL, "external"},
  {VG_OP_CIDR, "cidr"},
  {VG_OP_IS_PUBLIC, "is public address"},
  {VG_OP_IS_PRIVATE, "is private address"},
  {VG_OP_SCOPE, "scope"},
  {VG_OP_TRUE, "true"},
};

const char *vg_expr_op_name(enum vg_expr_op op) {
  for (size_t i = 0; i < sizeof(op_names) / sizeof(op_names[0]); i++)
    if (op_names[i].op == op) return op_names[i].name;
  return "?";
}

enum vg_expr_op vg_expr_op_find(const char *name) {
  for (size_t i = 0; name && i < sizeof(op_names) / sizeof(op_names[0]); i++)
    if (strcmp(op_names[i].name, name) == 0) return op_names[i].op;
  return 0;
}

enum vg_expr_op vg_expr_op_of(const struct vg_expr *e) { return e->op; }

struct vg_expr *vg_expr_new(enum vg_expr_op op) {
  struct vg_expr *e = vg_xcalloc(1, sizeof(*e));
  e->op = op;
  e->count = 1;
  return e;
}

void vg_expr_free(struct vg_expr *e) {
  if (!e) return;
  for (size_t i = 0; i < e->ntypes; i++) free(e->types[i]);
  free(e->types);
  vg_path_free(e->path);
  for (size_t i = 0; i < e->nvalues; i++) {
    free(e->values[i].text);
    vg_path_free(e->values[i].path);
  }
  free(e->values);
  pcre2_code_free(e->re);
  pcre2_match_context_free(e->mctx);
  free(e->name);
  for (size_t i = 0; i < e->nkids; i++) vg_expr_free(e->kids[i]);
  free(e->kids);
  vg_expr_free(e->with);
  free(e);
}

int vg_expr_add(struct vg_expr *e, struct vg_expr *kid, struct vg_err *err) {
  if (e->nkids >= VG_LIMIT_EXPR_CHILDREN) {
    vg_expr_free(kid);
    return vg_err_fail(err, VG_ELIMIT, "more than %d sub-rules", VG_LIMIT_EXPR_CHILDREN);
  }
  e->kids = vg_xreallocarray(e->kids, e->nkids + 1, sizeof(*e->kids));
  e->kids[e->nkids++] = kid;
  return 0;
}

/* "/" and "" mean the root itself (metadata_rules use `path: /`); a leading
 * '/' is tolerated. A NULL path selects the root. */
int vg_expr_set_path(struct vg_expr *e, const char *text, struct vg_err *err) {
  while (*text == '/') text++;
  vg_path_free(e->path);
  e->path = NULL;
  if (!*text) return 0;
  e->path = vg_path_compile(text, err);
  return e->path ? 0 : (err && err->code ? -err->code : -VG_EPARSE);
}

int vg_expr_add_value(struct vg_expr *e, const char *text, struct vg_err *err) {
  if (e->nvalues >= VG_LIMIT_EXPR_VALUES)
    return vg_err_fail(err, VG_ELIMIT, "more than %d values", VG_LIMIT_EXPR_VALUES);
  struct vg_expr_value v = {.kind = VG_VAL_TEXT};
  size_t n = strlen(text);
  if (n > 4 && strncmp(text, "<<", 2) == 0 && strcmp(text + n - 2, ">>") == 0) {
    char *p = vg_xstrndup(text + 2, n - 4);
    v.kind = VG_VAL_LOOKBACK;
    v.path = vg_path_compile(p[0] == '/' ? p + 1 : p, err);
    free(p);
    if (!v.path) return err && err->code ? -err->code : -VG_EPARSE;
    v.text = vg_xstrdup(text);
  } else if (n > 4 && strncmp(text, "[[", 2) == 0 && strcmp(text + n - 2, "]]") == 0) {
    v.kind = VG_VAL_VAR;
    v.text = vg_xstrndup(text + 2, n - 4);
  } else {
    v.text = vg_xstrdup(text);
    char *end = NULL;
    v.num = strtod(text, &end);
    v.is_num = n > 0 && end && *end == '\0';
  }
  v.len = strlen(v.text);
  e->values = vg_xreallocarray(e->values, e->nvalues + 1, sizeof(*e->values));
  e->values[e->nvalues++] = v;
  return 0;
}

void vg_expr_set_flag(struct vg_expr *e, unsigned flag, bool on) {
  if (on)
    e->flags |= flag;
  else
    e->flags &= ~flag;
}

void vg_expr_set_int(struct vg_expr *e, enum vg_expr_param p, int64_t v) {
  if (p == VG_EXPR_COUNT) e->count = v;
  if (p == VG_EXPR_MAX) e->max = v;
  if (p == VG_EXPR_WITHIN) e->within = v;
}

int vg_expr_add_event_type(struct vg_expr *e, const char *type, struct vg_err *err) {
  if (!vg_event_type_valid_name(type) && !(type[0] == '_' && type[1]))
    return vg_err_fail(err, VG_EINVAL, "%s: not an event type name", type);
  if (e->ntypes >= VG_LIMIT_EXPR_EVENT_TYPES)
    return vg_err_fail(err, VG_ELIMIT, "more than %d event types", VG_LIMIT_EXPR_EVENT_TYPES);
  e->types = vg_xreallocarray(e->types, e->ntypes + 1, sizeof(*e->types));
  e->types[e->ntypes++] = vg_xstrdup(type);
  return 0;
}

int vg_expr_set_re(struct vg_expr *e, const char *re, struct vg_err *err) {
  if (strlen(re) > VG_LIMIT_RE_BYTES)
    return vg_err_fail(err, VG_ELIMIT, "regular expression longer than %d bytes",
                       VG_LIMIT_RE_BYTES);
  int ec;
  PCRE2_SIZE off;
  uint32_t opts = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_NEVER_BACKSLASH_C;
  if (e->flags & VG_EXPR_NOCASE) opts |= PCRE2_CASELESS;
  pcre2_code *c = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED, opts, &ec, &off, NULL);
  if (!c) {
    PCRE2_UCHAR msg[160];
    pcre2_get_error_message(ec, msg, sizeof(msg));
    int r = vg_err_fail(err, VG_EPARSE, "regular expression at offset %zu: %s", (size_t)off,
                        (const char *)msg);
    if (err) err->col = (int)off + 1;
    return r;
  }
  /* JIT where the platform has it (matching several times faster); the match
   * limit still bounds it, and a pattern JIT refuses runs interpreted. */
  (void)pcre2_jit_compile(c, PCRE2_JIT_COMPLETE);
  pcre2_code_free(e->re);
  e->re = c;
  if (!e->mctx) {
    e->mctx = pcre2_match_context_create(NULL);
    pcre2_set_match_limit(e->mctx, VG_LIMIT_RE_MATCH);
    pcre2_set_depth_limit(e->mctx, VG_LIMIT_RE_DEPTH);
  }
  return 0;
}

static int parse_i64(const char *s, size_t n, int64_t *out) {
  char buf[24];
  if (n == 0 || n >= sizeof(buf)) return -1;
  memcpy(buf, s, n);
  buf[n] = '\0';
  char *end;
  long long v = strtoll(buf, &end, 10);
  if (*end) return -1;
  *out = v;
  return 0;
}

int vg_expr_set_subdomain(struct vg_expr *e, const char *slice, struct vg_err *err) {
  e->has_sub = true;
  e->sub_each = e->sub_has_lo = e->sub_has_hi = e->sub_single = false;
  const char *colon = strchr(slice, ':');
  if (strcmp(slice, ":") == 0) {
    e->sub_each = true;
    return 0;
  }
  if (!colon) {
    if (parse_i64(slice, strlen(slice), &e->sub_lo)) goto bad;
    e->sub_single = true;
    return 0;
  }
  if (strchr(colon + 1, ':')) goto bad;
  if (colon > slice) {
    if (parse_i64(slice, (size_t)(colon - slice), &e->sub_lo)) goto bad;
    e->sub_has_lo = true;
  }
  if (colon[1]) {
    if (parse_i64(colon + 1, strlen(colon + 1), &e->sub_hi)) goto bad;
    e->sub_has_hi = true;
  }
  return 0;
bad:
  return vg_err_fail(err, VG_EPARSE, "sub domain \"%s\": expected a slice such as -2: or 0 or :",
                     slice);
}

int vg_expr_set_cidr(struct vg_expr *e, const char *cidr, struct vg_err *err) {
  const char *slash = strchr(cidr, '/');
  char addr[64];
  size_t n = slash ? (size_t)(slash - cidr) : strlen(cidr);
  if (n >= sizeof(addr)) goto bad;
  memcpy(addr, cidr, n);
  addr[n] = '\0';
  if (!vg_expr_net_parse(addr, e->net, &e->net_family)) goto bad;
  int maxb = e->net_family == 4 ? 32 : 128;
  int64_t bits = maxb;
  if (slash && (parse_i64(slash + 1, strlen(slash + 1), &bits) || bits < 0 || bits > maxb))
    goto bad;
  e->net_bits = (int)bits;
  return 0;
bad:
  return vg_err_fail(err, VG_EPARSE, "cidr \"%s\": expected ADDRESS/BITS (10.0.0.0/8, fd00::/8)",
                     cidr);
}

int vg_expr_set_name(struct vg_expr *e, const char *name, struct vg_err *err) {
  if (e->op == VG_OP_IS_PLATFORM) {
    if (strcasecmp(name, "mac") == 0) name = "macos";
    if (vg_platform_code(name, &e->plat_code))
      return vg_err_fail(err, VG_EINVAL, "is platform: unknown platform \"%s\"", name);
  }
  if (e->op == VG_OP_LOOKUP || e->op == VG_OP_EXTERNAL) {
    static const char *const prefixes[] = {"lcr://lookup/", "hive://lookup/", "vigil://lookup/",
                                           "lcr://detection/", "hive://dr-general/",
                                           "vigil://rule/", "lcr://"};
    for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
      size_t pl = strlen(prefixes[i]);
      if (strncmp(name, prefixes[i], pl) == 0) {
        name += pl;
        break;
      }
    }
    if (!*name) return vg_err_fail(err, VG_EINVAL, "resource: empty name");
  }
  free(e->name);
  e->name = vg_xstrdup(name);
  return 0;
}

void vg_expr_set_with(struct vg_expr *e, struct vg_expr *nested, bool descendant) {
  vg_expr_free(e->with);
  e->with = nested;
  e->descendant = descendant;
}

bool vg_expr_is_stateful(const struct vg_expr *e) { return e && e->with; }

int vg_expr_event_types(const struct vg_expr *e, const char **out, size_t max) {
  if (!e || e->with) return -1;
  if (e->ntypes && !(e->flags & VG_EXPR_NOT)) {
    if (e->ntypes > max) return -1;
    for (size_t i = 0; i < e->ntypes; i++) out[i] = e->types[i];
    return (int)e->ntypes;
  }
  if (e->flags & VG_EXPR_NOT) return -1;
  if (e->op == VG_OP_AND) {
    for (size_t i = 0; i < e->nkids; i++) {
      int n = vg_expr_event_types(e->kids[i], out, max);
      if (n >= 0) return n;
    }
    return -1;
  }
  if (e->op == VG_OP_OR && e->nkids) {
    size_t n = 0;
    for (size_t i = 0; i < e->nkids; i++) {
      int k = vg_expr_event_types(e->kids[i], out + n, max - n);
      if (k < 0) return -1;
      n += (size_t)k;
    }
    return (int)n;
  }
  return -1;
}

static bool type_ok(const struct vg_expr *e, const struct vg_routing *r) {
  if (!e->ntypes) return true;
  for (size_t i = 0; i < e->ntypes; i++)
    if (strcmp(e->types[i], r->event_type) == 0) return true;
  return false;
}

bool vg_expr_node_eval(const struct vg_expr *e, const json_t *ev, const struct vg_routing *r,
                       const struct vg_expr_env *env) {
  /* An event filter is part of the test, and `not` inverts the whole node. */
  bool v = type_ok(e, r) && vg_expr_op_eval(e, ev, r, env);
  return (e->flags & VG_EXPR_NOT) ? !v : v;
}

bool vg_expr_eval(const struct vg_expr *e, const json_t *ev, const struct vg_routing *r,
                  const struct vg_expr_env *env, struct vg_expr_state *st, json_t **report) {
  if (!e || !ev || !r) return false;
  if (e->with) return st ? vg_expr_state_eval(e, ev, r, env, st, report) : false;
  return vg_expr_node_eval(e, ev, r, env);
}
