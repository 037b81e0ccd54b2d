/* schema.c — validate YAML trees against const field tables, bind values,
 * apply defaults, and print the tables as help text or markdown. */
#include "shared/schema.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "shared/alloc.h"
#include "shared/scalar.h"

#define SCHEMA_SHOW 64 /* bytes of user text quoted in messages */

const char *vg_schema_type_name(enum vg_schema_type type) {
  static const char *const names[] = {"string", "int",  "bool", "duration", "size",
                                      "enum",   "list", "map",  "seq",      "any"};
  return (size_t)type < sizeof(names) / sizeof(names[0]) ? names[type] : "?";
}

static bool schema_bounded(const struct vg_schema_field *f) { return f->min || f->max; }

/* Where a value comes from: a YAML node, or text (--set, a default). */
struct schema_src {
  const struct vg_yaml_node *node;  /* NULL for text */
  const char *label;                /* full key for messages */
};

static int schema_fail(const struct schema_src *s, struct vg_err *err, int code,
                       const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int schema_fail(const struct schema_src *s, struct vg_err *err, int code,
                       const char *fmt, ...) {
  char msg[VG_LIMIT_ERR_MSG_BYTES];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  return vg_yaml_fail(s->node, err, code, "'%s' %s", s->label, msg);
}

static void schema_free_list(struct vg_strlist *l) {
  for (size_t i = 0; i < l->n; i++) free(l->v[i]);
  free(l->v);
  l->v = NULL;
  l->n = 0;
}

static void schema_bind_str(void *target, const struct vg_schema_field *f, const char *s,
                            size_t len) {
  if (!target) return;
  char **slot = (char **)((char *)target + f->offset);
  free(*slot);
  *slot = s ? vg_xmemdup(s, len + 1) : NULL;
  if (*slot) (*slot)[len] = '\0';
}

/* One scalar value from text: convert, check bounds, bind. */
static int schema_scalar(const struct vg_schema_field *f, const struct schema_src *src,
                         const char *text, size_t len, bool quoted, void *target,
                         struct vg_err *err) {
  char *slot = target ? (char *)target + f->offset : NULL;
  int64_t v = 0;
  int r = 0;
  const char *what = NULL;
  bool has_nul = strlen(text) != len;
  switch (f->type) {
  case VG_SCHEMA_STRING:
    if (schema_bounded(f) && ((int64_t)len < f->min || (int64_t)len > f->max))
      return schema_fail(src, err, VG_ERANGE, "must be %" PRId64 " to %" PRId64
                         " bytes long, got %zu", f->min, f->max, len);
    schema_bind_str(target, f, text, len);
    return 0;
  case VG_SCHEMA_ENUM:
    for (const char *const *e = f->values; e && *e; e++)
      if (!has_nul && !strcmp(*e, text)) {
        schema_bind_str(target, f, text, len);
        return 0;
      }
    {
      char allowed[160] = "";
      size_t used = 0;
      for (const char *const *e = f->values; e && *e && used < sizeof(allowed); e++)
        used += (size_t)snprintf(allowed + used, sizeof(allowed) - used, "%s%s",
                                 e == f->values ? "" : ", ", *e);
      return schema_fail(src, err, VG_ERANGE, "must be one of %s; got '%.*s'", allowed,
                         (int)(len < SCHEMA_SHOW ? len : SCHEMA_SHOW), text);
    }
  case VG_SCHEMA_BOOL: {
    bool b;
    if (quoted || has_nul || vg_scalar_bool(text, &b))
      return schema_fail(src, err, VG_ETYPE, "must be true or false, got %s'%.*s'",
                         quoted ? "the quoted string " : "",
                         (int)(len < SCHEMA_SHOW ? len : SCHEMA_SHOW), text);
    if (slot) *(bool *)slot = b;
    return 0;
  }
  case VG_SCHEMA_INT:
    what = "an integer";
    r = quoted ? -VG_ETYPE : vg_scalar_int(text, &v);
    break;
  case VG_SCHEMA_DURATION:
    what = "a duration like 30s, 5m, 12h or 7d";
    r = vg_scalar_duration(text, &v);
    break;
  case VG_SCHEMA_SIZE:
    what = "a size like 512, 64KiB or 10MB";
    r = vg_scalar_size(text, &v);
    break;
  default:
    return schema_fail(src, err, VG_EINVAL, "is a %s, not a scalar", vg_schema_type_name(f->type));
  }
  if (has_nul) r = -VG_ETYPE;
  if (r == -VG_ERANGE) return schema_fail(src, err, VG_ERANGE, "is too large");
  if (r)
    return schema_fail(src, err, VG_ETYPE, "must be %s, got %s'%.*s'", what,
                       quoted ? "the quoted string " : "",
                       (int)(len < SCHEMA_SHOW ? len : SCHEMA_SHOW), text);
  if (schema_bounded(f) && (v < f->min || v > f->max))
    return schema_fail(src, err, VG_ERANGE, "must be between %" PRId64 " and %" PRId64 "%s, got %" PRId64,
                       f->min, f->max,
                       f->type == VG_SCHEMA_DURATION ? " seconds"
                       : f->type == VG_SCHEMA_SIZE   ? " bytes" : "", v);
  if (slot) memcpy(slot, &v, sizeof(v));
  return 0;
}

static bool schema_is_scalar_type(enum vg_schema_type t) {
  return t <= VG_SCHEMA_ENUM;
}

static int schema_count(const struct vg_schema_field *f, const struct schema_src *src, size_t n,
                        struct vg_err *err) {
  if (schema_bounded(f) && ((int64_t)n < f->min || (int64_t)n > f->max))
    return schema_fail(src, err, VG_ERANGE, "must have %" PRId64 " to %" PRId64 " items, got %zu",
                       f->min, f->max, n);
  return 0;
}

/* Check map (NULL: absent) against table; where positions "missing" errors
 * when map is NULL. */
static int schema_map(const struct vg_schema_field *table, const struct vg_yaml_node *map,
                      const struct vg_yaml_node *where, const char *label, void *target,
                      struct vg_err *err);

/* Check node n against f (label: its full key) and bind if target. */
static int schema_value(const struct vg_schema_field *f, const struct vg_yaml_node *n,
                        const char *label, void *target, struct vg_err *err) {
  struct schema_src src = {n, label};
  bool null = vg_yaml_is_null(n);
  if (f->type == VG_SCHEMA_ANY) return 0;
  if (schema_is_scalar_type(f->type)) {
    if (n->kind != VG_YAML_SCALAR || null)
      return schema_fail(&src, err, VG_ETYPE, "must be a %s, got %s", vg_schema_type_name(f->type),
                         null ? "nothing (null)" : vg_yaml_kind_name(n->kind) );
    return schema_scalar(f, &src, n->text, n->len, n->quoted, target, err);
  }
  if (f->type == VG_SCHEMA_MAP) {
    if (!null && n->kind != VG_YAML_MAP)
      return schema_fail(&src, err, VG_ETYPE, "must be a mapping, got a %s", vg_yaml_kind_name(n->kind));
    return f->fields ? schema_map(f->fields, null ? NULL : n, n, label, target, err) : 0;
  }
  /* STRLIST, SEQ */
  size_t count = null ? 0 : n->nitems;
  if (!null && n->kind != VG_YAML_SEQ)
    return schema_fail(&src, err, VG_ETYPE, "must be a list, got a %s", vg_yaml_kind_name(n->kind));
  int r = schema_count(f, &src, count, err);
  if (r) return r;
  struct vg_strlist list = {NULL, 0};
  if (f->type == VG_SCHEMA_STRLIST && target) list.v = vg_xcalloc(count ? count : 1, sizeof(char *));
  for (size_t i = 0; i < count; i++) {
    const struct vg_yaml_node *it = n->items[i];
    char sub[VG_LIMIT_CONFIG_KEY_BYTES];
    snprintf(sub, sizeof(sub), "%s[%zu]", label, i);
    if (f->type == VG_SCHEMA_SEQ) {
      r = f->elem ? schema_value(f->elem, it, sub, NULL, err) : 0;
    } else if (it->kind != VG_YAML_SCALAR || vg_yaml_is_null(it)) {
      struct schema_src isrc = {it, sub};
      r = schema_fail(&isrc, err, VG_ETYPE, "must be a string, got %s",
                      it->kind == VG_YAML_SCALAR ? "nothing (null)" : vg_yaml_kind_name(it->kind));
    } else if (list.v) {
      list.v[list.n++] = vg_xmemdup(it->text, it->len + 1);
    }
    if (r) {
      schema_free_list(&list);
      return r;
    }
  }
  if (f->type == VG_SCHEMA_STRLIST && target) {
    struct vg_strlist *slot = (struct vg_strlist *)((char *)target + f->offset);
    schema_free_list(slot);
    *slot = list;
  }
  return 0;
}

/* Does table key f equal prefix[0..plen) + k[0..klen), optionally followed by
 * a '.' and more (nested)? */
static bool schema_key_is(const char *f, const char *prefix, size_t plen, const char *k,
                          size_t klen, bool nested) {
  size_t flen = strlen(f);
  if (flen < plen + klen || memcmp(f, prefix, plen) || memcmp(f + plen, k, klen)) return false;
  return nested ? flen > plen + klen && f[plen + klen] == '.' : flen == plen + klen;
}

struct schema_walk {
  const struct vg_schema_field *table;
  size_t n;
  const struct vg_yaml_node **seen;  /* per field: the key node that set it */
  const char *label;                 /* label of the table's mapping, "" at top */
  void *target;
  struct vg_err *err;
};

static void schema_label(char *buf, size_t n, const char *parent, const char *key, size_t klen) {
  snprintf(buf, n, "%s%s%.*s", parent, parent[0] ? "." : "", (int)klen, key);
}

static int schema_unknown(const struct schema_walk *w, const char *prefix, size_t plen,
                          const struct vg_yaml_node *k) {
  char full[VG_LIMIT_CONFIG_KEY_BYTES], tried[VG_LIMIT_CONFIG_KEY_BYTES];
  snprintf(tried, sizeof(tried), "%.*s%.*s", (int)plen, prefix,
           (int)(k->len < SCHEMA_SHOW ? k->len : SCHEMA_SHOW), k->text);
  schema_label(full, sizeof(full), w->label, tried, strlen(tried));
  unsigned best = 255;
  const char *cand = NULL;
  size_t clen = 0;
  for (size_t i = 0; i < w->n; i++) {
    const char *f = w->table[i].key;
    if (strncmp(f, prefix, plen)) continue;
    const char *c = f + plen, *dot = strchr(c, '.');
    size_t cl = dot ? (size_t)(dot - c) : strlen(c);
    unsigned d = vg_schema_distance(k->text, k->len, c, cl);
    if (d < best) best = d, cand = c, clen = cl;
  }
  if (cand && best <= 2 && best * 2 <= k->len) {
    char sugg[VG_LIMIT_CONFIG_KEY_BYTES], tmp[VG_LIMIT_CONFIG_KEY_BYTES];
    snprintf(tmp, sizeof(tmp), "%.*s%.*s", (int)plen, prefix, (int)clen, cand);
    schema_label(sugg, sizeof(sugg), w->label, tmp, strlen(tmp));
    return vg_yaml_fail(k, w->err, VG_EUNKNOWN, "unknown key '%s' (did you mean '%s'?)", full, sugg);
  }
  return vg_yaml_fail(k, w->err, VG_EUNKNOWN, "unknown key '%s'", full);
}

/* Check the pairs of map, whose keys are relative to prefix[0..plen) (a
 * prefix of some table key, ending in '.', or empty). */
static int schema_pairs(struct schema_walk *w, const struct vg_yaml_node *map,
                        const char *prefix, size_t plen) {
  for (size_t p = 0; p < map->npairs; p++) {
    const struct vg_yaml_node *k = map->pairs[p].key, *v = map->pairs[p].value;
    char label[VG_LIMIT_CONFIG_KEY_BYTES];
    size_t i, nested = w->n;
    for (i = 0; i < w->n; i++) {
      const char *f = w->table[i].key;
      if (schema_key_is(f, prefix, plen, k->text, k->len, false)) break;
      if (nested == w->n && schema_key_is(f, prefix, plen, k->text, k->len, true)) nested = i;
    }
    if (i < w->n) {
      const struct vg_schema_field *f = &w->table[i];
      schema_label(label, sizeof(label), w->label, f->key, strlen(f->key));
      if (w->seen[i])
        return vg_yaml_fail(k, w->err, VG_ESCHEMA, "'%s' is set twice (first at line %d)", label,
                            w->seen[i]->line);
      w->seen[i] = k;
      int r = schema_value(f, v, label, w->target, w->err);
      if (r) return r;
    } else if (nested < w->n) {
      if (vg_yaml_is_null(v)) continue;
      const char *f = w->table[nested].key;
      if (v->kind != VG_YAML_MAP) {
        schema_label(label, sizeof(label), w->label, f, plen + k->len);
        struct schema_src src = {v, label};
        return schema_fail(&src, w->err, VG_ETYPE, "must be a mapping, got a %s",
                           vg_yaml_kind_name(v->kind));
      }
      int r = schema_pairs(w, v, f, plen + k->len + 1);
      if (r) return r;
    } else {
      return schema_unknown(w, prefix, plen, k);
    }
  }
  return 0;
}

/* The deepest mapping on key's dotted path that exists in map (for errors). */
static const struct vg_yaml_node *schema_deepest(const struct vg_yaml_node *map, const char *key) {
  for (const char *dot; map && (dot = strchr(key, '.'));) {
    const struct vg_yaml_node *next = NULL;
    for (size_t i = 0; i < map->npairs; i++) {
      const struct vg_yaml_node *k = map->pairs[i].key;
      if (k->len == (size_t)(dot - key) && !memcmp(k->text, key, k->len)) next = map->pairs[i].value;
    }
    if (!next || next->kind != VG_YAML_MAP) break;
    map = next;
    key = dot + 1;
  }
  return map;
}

static int schema_map(const struct vg_schema_field *table, const struct vg_yaml_node *map,
                      const struct vg_yaml_node *where, const char *label, void *target,
                      struct vg_err *err) {
  size_t n = 0;
  while (table[n].key) n++;
  struct schema_walk w = {table, n, vg_xcalloc(n ? n : 1, sizeof(*w.seen)), label, target, err};
  int r = map ? schema_pairs(&w, map, "", 0) : 0;
  for (size_t i = 0; !r && i < n; i++) {
    char full[VG_LIMIT_CONFIG_KEY_BYTES];
    schema_label(full, sizeof(full), label, table[i].key, strlen(table[i].key));
    if (table[i].required && !w.seen[i])
      r = vg_yaml_fail(map ? schema_deepest(map, table[i].key) : where, err, VG_EMISSING,
                       "missing required key '%s'", full);
    else if (!w.seen[i] && table[i].type == VG_SCHEMA_MAP && table[i].fields)
      r = schema_map(table[i].fields, NULL, map ? schema_deepest(map, table[i].key) : where,
                     full, target, err); /* its required keys */
  }
  free(w.seen);
  return r;
}

int vg_schema_check(const struct vg_schema_field *table, const struct vg_yaml_node *map,
                    void *target, struct vg_err *err) {
  if (map && map->kind != VG_YAML_MAP && !vg_yaml_is_null(map))
    return vg_yaml_fail(map, err, VG_ETYPE, "expected a mapping at the top level, got a %s",
                        vg_yaml_kind_name(map->kind));
  return schema_map(table, vg_yaml_is_null(map) ? NULL : map, map, "", target, err);
}

/* ---- text values, defaults, lookup, cleanup ---------------------------- */

static int schema_list_text(const struct vg_schema_field *f, const struct schema_src *src,
                            const char *text, void *target, struct vg_err *err) {
  struct vg_strlist list = {NULL, 0};
  size_t cap = 0;
  for (const char *p = text; *p;) {
    const char *comma = strchr(p, ',');
    const char *end = comma ? comma : p + strlen(p);
    const char *a = p, *b = end;
    while (a < b && (*a == ' ' || *a == '\t')) a++;
    while (b > a && (b[-1] == ' ' || b[-1] == '\t')) b--;
    if (list.n == cap) {
      cap = cap ? cap * 2 : 4;
      list.v = vg_xreallocarray(list.v, cap, sizeof(*list.v));
    }
    list.v[list.n++] = vg_xstrndup(a, (size_t)(b - a));
    p = comma ? comma + 1 : end;
  }
  int r = schema_count(f, src, list.n, err);
  if (r || !target) {
    schema_free_list(&list);
    return r;
  }
  struct vg_strlist *slot = (struct vg_strlist *)((char *)target + f->offset);
  schema_free_list(slot);
  *slot = list;
  return 0;
}

int vg_schema_set_text(const struct vg_schema_field *f, void *target, const char *text,
                       struct vg_err *err) {
  struct schema_src src = {NULL, f->key};
  if (f->type == VG_SCHEMA_STRLIST) return schema_list_text(f, &src, text, target, err);
  if (!schema_is_scalar_type(f->type))
    return schema_fail(&src, err, VG_EINVAL, "is a %s and cannot be set from text",
                       vg_schema_type_name(f->type));
  size_t len = strnlen(text, VG_LIMIT_YAML_SCALAR_BYTES + 1);
  if (len > VG_LIMIT_YAML_SCALAR_BYTES)
    return schema_fail(&src, err, VG_ELIMIT, "value longer than %u bytes",
                       (unsigned)VG_LIMIT_YAML_SCALAR_BYTES);
  return schema_scalar(f, &src, text, len, false, target, err);
}

static int schema_defaults_in(const struct vg_schema_field *table, void *target,
                              struct vg_err *err) {
  for (const struct vg_schema_field *f = table; f->key; f++) {
    char *slot = (char *)target + f->offset;
    int r = 0;
    if (f->type == VG_SCHEMA_MAP) {
      if (f->fields) r = schema_defaults_in(f->fields, target, err);
    } else if (f->def && (schema_is_scalar_type(f->type) || f->type == VG_SCHEMA_STRLIST)) {
      struct vg_err why;
      if (vg_schema_set_text(f, target, f->def, &why))
        return vg_err_fail(err, VG_EINTERNAL, "bad default in the table: %s", why.msg);
    } else if (f->type == VG_SCHEMA_STRING || f->type == VG_SCHEMA_ENUM) {
      schema_bind_str(target, f, NULL, 0);
    } else if (f->type == VG_SCHEMA_STRLIST) {
      schema_free_list((struct vg_strlist *)slot);
    } else if (f->type == VG_SCHEMA_BOOL) {
      *(bool *)slot = false;
    } else if (schema_is_scalar_type(f->type)) {
      memset(slot, 0, sizeof(int64_t));
    }
    if (r) return r;
  }
  return 0;
}

int vg_schema_defaults(const struct vg_schema_field *table, void *target, struct vg_err *err) {
  return schema_defaults_in(table, target, err);
}

const struct vg_schema_field *vg_schema_find(const struct vg_schema_field *table,
                                             const char *key) {
  for (const struct vg_schema_field *f = table; f->key; f++) {
    size_t n = strlen(f->key);
    if (strncmp(key, f->key, n)) continue;
    if (!key[n]) return f;
    if (key[n] == '.' && f->type == VG_SCHEMA_MAP && f->fields) {
      const struct vg_schema_field *sub = vg_schema_find(f->fields, key + n + 1);
      if (sub) return sub;
    }
  }
  return NULL;
}

static void schema_suggest_in(const struct vg_schema_field *table, const char *prefix,
                              const char *key, unsigned *best, char *buf, size_t n) {
  for (const struct vg_schema_field *f = table; f->key; f++) {
    char full[VG_LIMIT_CONFIG_KEY_BYTES];
    schema_label(full, sizeof(full), prefix, f->key, strlen(f->key));
    unsigned d = vg_schema_distance(key, strlen(key), full, strlen(full));
    if (d < *best) {
      *best = d;
      snprintf(buf, n, "%s", full);
    }
    if (f->type == VG_SCHEMA_MAP && f->fields) schema_suggest_in(f->fields, full, key, best, buf, n);
  }
}

const char *vg_schema_suggest(const struct vg_schema_field *table, const char *key, char *buf,
                              size_t n) {
  unsigned best = 255;
  if (!n) return NULL;
  buf[0] = '\0';
  schema_suggest_in(table, "", key, &best, buf, n);
  return best <= 2 && best * 2 <= strlen(key) ? buf : NULL;
}

void vg_schema_cleanup(const struct vg_schema_field *table, void *target) {
  if (!target) return;
  for (const struct vg_schema_field *f = table; f->key; f++) {
    if (f->type == VG_SCHEMA_STRING || f->type == VG_SCHEMA_ENUM)
      schema_bind_str(target, f, NULL, 0);
    else if (f->type == VG_SCHEMA_STRLIST)
      schema_free_list((struct vg_strlist *)((char *)target + f->offset));
    else if (f->type == VG_SCHEMA_MAP && f->fields)
      vg_schema_cleanup(f->fields, target);
  }
}

unsigned vg_schema_distance(const char *a, size_t an, const char *b, size_t bn) {
  enum { MAXLEN = 64 };
  if (an > MAXLEN || bn > MAXLEN) return 255;
  unsigned rows[3][MAXLEN + 1]; /* i-2, i-1, i */
  for (size_t j = 0; j <= bn; j++) rows[0][j] = (unsigned)j;
  for (size_t i = 1; i <= an; i++) {
    const unsigned *prev = rows[(i + 2) % 3], *prev2 = rows[(i + 1) % 3];
    unsigned *cur = rows[i % 3];
    cur[0] = (unsigned)i;
    for (size_t j = 1; j <= bn; j++) {
      unsigned best = prev[j - 1] + (a[i - 1] != b[j - 1]);
      if (prev[j] + 1 < best) best = prev[j] + 1;
      if (cur[j - 1] + 1 < best) best = cur[j - 1] + 1;
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
          prev2[j - 2] + 1 < best)
        best = prev2[j - 2] + 1;
      cur[j] = best;
    }
  }
  unsigned d = rows[an % 3][bn];
  return d > 255 ? 255 : d;
}

/* ---- help and markdown -------------------------------------------------- */

/* "int", "enum error|warn|info", "list"… into buf. */
static const char *schema_type_text(const struct vg_schema_field *f, char *buf, size_t n) {
  size_t used = (size_t)snprintf(buf, n, "%s", vg_schema_type_name(f->type));
  if (f->type == VG_SCHEMA_ENUM)
    for (const char *const *e = f->values; e && *e && used < n; e++)
      used += (size_t)snprintf(buf + used, n - used, "%s%s", e == f->values ? " " : "|", *e);
  return buf;
}

static const char *schema_bounds_text(const struct vg_schema_field *f, char *buf, size_t n) {
  const char *unit = f->type == VG_SCHEMA_DURATION ? " s"
                     : f->type == VG_SCHEMA_SIZE   ? " B"
                     : f->type == VG_SCHEMA_STRING ? " bytes"
                     : f->type == VG_SCHEMA_STRLIST || f->type == VG_SCHEMA_SEQ ? " items" : "";
  if (!schema_bounded(f) || f->type == VG_SCHEMA_BOOL || f->type == VG_SCHEMA_ENUM)
    snprintf(buf, n, "%s", "");
  else
    snprintf(buf, n, "%" PRId64 "..%" PRId64 "%s", f->min, f->max, unit);
  return buf;
}

/* Text inside a markdown table cell: '|' escaped, newlines as spaces. */
static void schema_md_cell(FILE *out, const char *s) {
  for (; *s; s++) {
    if (*s == '|') fputc('\\', out);
    fputc(*s == '\n' ? ' ' : *s, out);
  }
}

static void schema_doc_rows(const struct vg_schema_field *table, const char *prefix, FILE *out,
                            bool markdown) {
  for (const struct vg_schema_field *f = table; f->key; f++) {
    char full[VG_LIMIT_CONFIG_KEY_BYTES], type[192], bounds[96];
    schema_label(full, sizeof(full), prefix, f->key, strlen(f->key));
    schema_type_text(f, type, sizeof(type));
    schema_bounds_text(f, bounds, sizeof(bounds));
    const char *def = f->def ? f->def : "";
    if (markdown) {
      fprintf(out, "| `%s` | ", full);
      schema_md_cell(out, type);
      fprintf(out, "%s | %s%s%s | %s | ", f->required ? " (required)" : "", *def ? "`" : "", def,
              *def ? "`" : "", bounds);
      schema_md_cell(out, f->help ? f->help : "");
      fputs(" |\n", out);
    } else {
      fprintf(out, "%s  <%s>%s", full, type, f->required ? "  required" : "");
      if (*bounds) fprintf(out, "  range %s", bounds);
      if (f->def) fprintf(out, "  default \"%s\"", def);
      fprintf(out, "\n    %s\n", f->help ? f->help : "");
    }
    if (f->type == VG_SCHEMA_MAP && f->fields) schema_doc_rows(f->fields, full, out, markdown);
    if (f->type == VG_SCHEMA_SEQ && f->elem && f->elem->type == VG_SCHEMA_MAP && f->elem->fields) {
      char items[VG_LIMIT_CONFIG_KEY_BYTES + 2];
      snprintf(items, sizeof(items), "%.*s[]", VG_LIMIT_CONFIG_KEY_BYTES - 1, full);
      schema_doc_rows(f->elem->fields, items, out, markdown);
    }
  }
}

void vg_schema_help(const struct vg_schema_field *table, FILE *out) {
  schema_doc_rows(table, "", out, false);
}

void vg_schema_markdown(const struct vg_schema_field *table, FILE *out) {
  fputs("| key | type | default | bounds | description |\n|---|---|---|---|---|\n", out);
  schema_doc_rows(table, "", out, true);
}
