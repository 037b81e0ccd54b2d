/* yaml_tree.c — libyaml events → struct vg_yaml_node trees with positions. */
#include "shared/yaml_tree.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "shared/alloc.h"
#include "shared/limits.h"
#include "shared/scalar.h"

struct vg_yaml_doc {
  char *file;
  struct vg_yaml_node *root;
  struct vg_yaml_node **all;  /* every node, for freeing */
  size_t nall, capall;
};

/* One open collection while building. */
struct yaml_frame {
  struct vg_yaml_node *node;
  struct vg_yaml_node *key;   /* mapping: key waiting for its value */
  size_t cap;
};

struct yaml_build {
  struct vg_yaml_doc *doc;
  struct yaml_frame stack[VG_LIMIT_YAML_DEPTH];
  size_t depth;
  int ndocs;
  struct vg_err *err;
};

const char *vg_yaml_kind_name(enum vg_yaml_kind kind) {
  switch (kind) {
  case VG_YAML_SCALAR: return "scalar";
  case VG_YAML_MAP: return "mapping";
  case VG_YAML_SEQ: return "sequence";
  }
  return "?";
}

static int yaml_vfail(const char *file, int line, int col, struct vg_err *err, int code,
                      const char *fmt, va_list ap) {
  char msg[VG_LIMIT_ERR_MSG_BYTES];
  vsnprintf(msg, sizeof(msg), fmt, ap);
  return vg_err_set(err, code, file, line, col, "%s", msg);
}

int vg_yaml_fail(const struct vg_yaml_node *n, struct vg_err *err, int code,
                 const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int r = yaml_vfail(n ? n->file : NULL, n ? n->line : 0, n ? n->col : 0, err, code, fmt, ap);
  va_end(ap);
  return r;
}

static int build_fail(struct yaml_build *b, yaml_mark_t m, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int build_fail(struct yaml_build *b, yaml_mark_t m, int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int r = yaml_vfail(b->doc->file, (int)m.line + 1, (int)m.column + 1, b->err, code, fmt, ap);
  va_end(ap);
  if (b->err) b->err->pos = (long)m.index;
  return r;
}

static struct vg_yaml_node *build_node(struct yaml_build *b, enum vg_yaml_kind kind,
                                       yaml_mark_t m) {
  struct vg_yaml_doc *d = b->doc;
  if (d->nall == d->capall) {
    d->capall = d->capall ? d->capall * 2 : 64;
    d->all = vg_xreallocarray(d->all, d->capall, sizeof(*d->all));
  }
  struct vg_yaml_node *n = vg_xcalloc(1, sizeof(*n));
  n->kind = kind;
  n->line = (int)m.line + 1;
  n->col = (int)m.column + 1;
  n->file = d->file;
  d->all[d->nall++] = n;
  return n;
}

/* Attach n to the innermost open collection (or make it the root). */
static int build_attach(struct yaml_build *b, struct vg_yaml_node *n, yaml_mark_t m) {
  if (b->depth == 0) {
    b->doc->root = n;
    return 0;
  }
  struct yaml_frame *f = &b->stack[b->depth - 1];
  struct vg_yaml_node *c = f->node;
  if (c->kind == VG_YAML_SEQ) {
    if (c->nitems == f->cap) {
      f->cap = f->cap ? f->cap * 2 : 4;
      c->items = vg_xreallocarray(c->items, f->cap, sizeof(*c->items));
    }
    c->items[c->nitems++] = n;
    return 0;
  }
  if (!f->key) {
    if (n->kind != VG_YAML_SCALAR)
      return build_fail(b, m, VG_EPARSE, "mapping keys must be scalars, not a %s",
                        vg_yaml_kind_name(n->kind));
    f->key = n;
    return 0;
  }
  if (c->npairs == f->cap) {
    f->cap = f->cap ? f->cap * 2 : 4;
    c->pairs = vg_xreallocarray(c->pairs, f->cap, sizeof(*c->pairs));
  }
  c->pairs[c->npairs].key = f->key;
  c->pairs[c->npairs].value = n;
  c->npairs++;
  f->key = NULL;
  return 0;
}

struct yaml_keyref {
  const struct vg_yaml_node *key;
  size_t index;
};

static int yaml_keyref_cmp(const void *a, const void *b) {
  const struct yaml_keyref *x = a, *y = b;
  if (x->key->len != y->key->len) return x->key->len < y->key->len ? -1 : 1;
  int c = memcmp(x->key->text, y->key->text, x->key->len);
  if (c) return c;
  return x->index < y->index ? -1 : x->index > y->index;
}

/* Reject the first (in document order) key that repeats an earlier one. */
static int build_check_dups(struct yaml_build *b, const struct vg_yaml_node *map) {
  if (map->npairs < 2) return 0;
  struct yaml_keyref *r = vg_xcalloc(map->npairs, sizeof(*r));
  for (size_t i = 0; i < map->npairs; i++) r[i] = (struct yaml_keyref){map->pairs[i].key, i};
  qsort(r, map->npairs, sizeof(*r), yaml_keyref_cmp);
  const struct yaml_keyref *dup = NULL, *first = NULL;
  for (size_t i = 1; i < map->npairs; i++) {
    if (r[i].key->len != r[i - 1].key->len ||
        memcmp(r[i].key->text, r[i - 1].key->text, r[i].key->len))
      continue;
    size_t j = i - 1;
    while (j > 0 && r[j - 1].key->len == r[i].key->len &&
           !memcmp(r[j - 1].key->text, r[i].key->text, r[i].key->len))
      j--;
    if (!dup || r[i].index < dup->index) {
      dup = &r[i];
      first = &r[j];
    }
  }
  int rc = 0;
  if (dup)
    rc = vg_yaml_fail(dup->key, b->err, VG_EPARSE, "duplicate key '%.*s' (first at line %d)",
                      (int)(dup->key->len < 64 ? dup->key->len : 64), dup->key->text,
                      first->key->line);
  free(r);
  return rc;
}

static int build_event(struct yaml_build *b, const yaml_event_t *ev) {
  yaml_mark_t m = ev->start_mark;
  const yaml_char_t *anchor = NULL, *tag = NULL;
  enum vg_yaml_kind kind = VG_YAML_SCALAR;
  switch (ev->type) {
  case YAML_DOCUMENT_START_EVENT:
    if (++b->ndocs > 1)
      return build_fail(b, m, VG_EPARSE, "more than one YAML document (expected one)");
    return 0;
  case YAML_ALIAS_EVENT:
    return build_fail(b, m, VG_EPARSE, "aliases (*%s) are not allowed",
                      (const char *)ev->data.alias.anchor);
  case YAML_SCALAR_EVENT:
    anchor = ev->data.scalar.anchor;
    tag = ev->data.scalar.tag;
    break;
  case YAML_SEQUENCE_START_EVENT:
    anchor = ev->data.sequence_start.anchor;
    tag = ev->data.sequence_start.tag;
    kind = VG_YAML_SEQ;
    break;
  case YAML_MAPPING_START_EVENT:
    anchor = ev->data.mapping_start.anchor;
    tag = ev->data.mapping_start.tag;
    kind = VG_YAML_MAP;
    break;
  case YAML_SEQUENCE_END_EVENT:
  case YAML_MAPPING_END_EVENT: {
    struct vg_yaml_node *c = b->stack[--b->depth].node;
    return c->kind == VG_YAML_MAP ? build_check_dups(b, c) : 0;
  }
  default:
    return 0;
  }
  if (anchor)
    return build_fail(b, m, VG_EPARSE, "anchors (&%s) are not allowed", (const char *)anchor);
  if (tag)
    return build_fail(b, m, VG_EPARSE, "tags (%s) are not allowed", (const char *)tag);
  if (b->doc->nall >= VG_LIMIT_YAML_NODES)
    return build_fail(b, m, VG_ELIMIT, "more than %d nodes", VG_LIMIT_YAML_NODES);
  if (kind == VG_YAML_SCALAR && ev->data.scalar.length > VG_LIMIT_YAML_SCALAR_BYTES)
    return build_fail(b, m, VG_ELIMIT, "scalar longer than %u bytes",
                      (unsigned)VG_LIMIT_YAML_SCALAR_BYTES);
  if (kind != VG_YAML_SCALAR && b->depth == VG_LIMIT_YAML_DEPTH)
    return build_fail(b, m, VG_ELIMIT, "nested deeper than %d levels", VG_LIMIT_YAML_DEPTH);
  struct vg_yaml_node *n = build_node(b, kind, m);
  if (kind == VG_YAML_SCALAR) {
    n->len = ev->data.scalar.length;
    n->text = vg_xmemdup(ev->data.scalar.value, n->len + 1);
    n->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
  }
  int r = build_attach(b, n, m);
  if (r || kind == VG_YAML_SCALAR) return r;
  b->stack[b->depth++] = (struct yaml_frame){n, NULL, 0};
  return 0;
}

/* Line and column of byte offset off in buf (for reader errors). */
static yaml_mark_t yaml_mark_at(const char *buf, size_t len, size_t off) {
  yaml_mark_t m = {off, 0, 0};
  for (size_t i = 0; i < off && i < len; i++) {
    if (buf[i] == '\n') {
      m.line++;
      m.column = 0;
    } else if (((unsigned char)buf[i] & 0xC0) != 0x80) {
      m.column++;
    }
  }
  return m;
}

static int build_syntax_error(struct yaml_build *b, const yaml_parser_t *p, const char *buf,
                              size_t len) {
  if (p->error == YAML_MEMORY_ERROR) {
    fprintf(stderr, "vigil: libyaml out of memory\n");
    abort();
  }
  const char *problem = p->problem ? p->problem : "syntax error";
  if (p->error == YAML_READER_ERROR)
    return build_fail(b, yaml_mark_at(buf, len, p->problem_offset), VG_EPARSE, "%s", problem);
  if (p->context)
    return build_fail(b, p->problem_mark, VG_EPARSE, "%s (%s at line %zu, column %zu)", problem,
                      p->context, p->context_mark.line + 1, p->context_mark.column + 1);
  return build_fail(b, p->problem_mark, VG_EPARSE, "%s", problem);
}

int vg_yaml_parse(const char *buf, size_t len, const char *file, struct vg_yaml_doc **out,
                  struct vg_err *err) {
  *out = NULL;
  struct vg_yaml_doc *doc = vg_xcalloc(1, sizeof(*doc));
  doc->file = vg_xstrdup(file ? file : "<input>");
  if (len > VG_LIMIT_YAML_BYTES) {
    int r = vg_err_set(err, VG_ELIMIT, doc->file, 0, 0, "larger than %u bytes",
                       (unsigned)VG_LIMIT_YAML_BYTES);
    vg_yaml_free(doc);
    return r;
  }
  struct yaml_build b = {.doc = doc, .err = err};
  yaml_parser_t parser;
  if (!yaml_parser_initialize(&parser)) {
    fprintf(stderr, "vigil: libyaml out of memory\n");
    abort();
  }
  yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
  int rc = 0;
  for (bool done = false; !done && !rc;) {
    yaml_event_t ev;
    if (!yaml_parser_parse(&parser, &ev)) {
      rc = build_syntax_error(&b, &parser, buf, len);
      break;
    }
    done = ev.type == YAML_STREAM_END_EVENT;
    rc = build_event(&b, &ev);
    yaml_event_delete(&ev);
  }
  yaml_parser_delete(&parser);
  if (rc) {
    vg_yaml_free(doc);
    return rc;
  }
  *out = doc;
  return 0;
}

int vg_yaml_load_file(const char *path, struct vg_yaml_doc **out, struct vg_err *err) {
  *out = NULL;
  FILE *f = fopen(path, "rb");
  if (!f) return vg_err_set(err, VG_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
  size_t cap = 64 << 10, len = 0;
  char *buf = vg_xmalloc(cap);
  int rc = 0;
  for (;;) {
    if (len == cap) {
      if (cap > VG_LIMIT_YAML_BYTES) {
        rc = vg_err_set(err, VG_ELIMIT, path, 0, 0, "larger than %u bytes",
                        (unsigned)VG_LIMIT_YAML_BYTES);
        goto fail;
      }
      cap *= 2;
      buf = vg_xrealloc(buf, cap);
    }
    size_t n = fread(buf + len, 1, cap - len, f);
    len += n;
    if (n == 0) break;
  }
  if (ferror(f)) {
    rc = vg_err_set(err, VG_EIO, path, 0, 0, "read error: %s", strerror(errno));
    goto fail;
  }
  rc = vg_yaml_parse(buf, len, path, out, err);
fail:
  free(buf);
  fclose(f);
  return rc;
}

void vg_yaml_free(struct vg_yaml_doc *doc) {
  if (!doc) return;
  for (size_t i = 0; i < doc->nall; i++) {
    struct vg_yaml_node *n = doc->all[i];
    free((char *)n->text);
    free(n->pairs);
    free(n->items);
    free(n);
  }
  free(doc->all);
  free(doc->file);
  free(doc);
}

const struct vg_yaml_node *vg_yaml_root(const struct vg_yaml_doc *doc) { return doc->root; }

const char *vg_yaml_file(const struct vg_yaml_doc *doc) { return doc->file; }

const struct vg_yaml_node *vg_yaml_get(const struct vg_yaml_node *map, const char *key) {
  if (!map || map->kind != VG_YAML_MAP) return NULL;
  size_t klen = strlen(key);
  for (size_t i = 0; i < map->npairs; i++) {
    const struct vg_yaml_node *k = map->pairs[i].key;
    if (k->len == klen && !memcmp(k->text, key, klen)) return map->pairs[i].value;
  }
  return NULL;
}

bool vg_yaml_is_null(const struct vg_yaml_node *n) {
  if (!n || n->kind != VG_YAML_SCALAR || n->quoted) return false;
  return n->len == 0 || !strcmp(n->text, "~") || !strcmp(n->text, "null") ||
         !strcmp(n->text, "Null") || !strcmp(n->text, "NULL");
}

#define YAML_SHOW(n) (int)((n)->len < 64 ? (n)->len : 64), (n)->text

/* The text of a scalar fit for scalar.h (no NULs), or NULL after failing. */
static const char *yaml_scalar_text(const struct vg_yaml_node *n, bool plain, const char *what,
                                    struct vg_err *err) {
  if (!n || n->kind != VG_YAML_SCALAR) {
    vg_yaml_fail(n, err, VG_ETYPE, "expected %s, got a %s", what,
                 n ? vg_yaml_kind_name(n->kind) : "nothing");
    return NULL;
  }
  if ((plain && n->quoted) || strlen(n->text) != n->len) {
    vg_yaml_fail(n, err, VG_ETYPE, "expected %s, got the string \"%.*s\"", what, YAML_SHOW(n));
    return NULL;
  }
  return n->text;
}

static int yaml_convert(const struct vg_yaml_node *n, int r, const char *what,
                        struct vg_err *err) {
  if (r == -VG_ERANGE)
    return vg_yaml_fail(n, err, VG_ERANGE, "%.*s is too large", YAML_SHOW(n));
  if (r) return vg_yaml_fail(n, err, VG_ETYPE, "expected %s, got '%.*s'", what, YAML_SHOW(n));
  return 0;
}

int vg_yaml_int(const struct vg_yaml_node *n, int64_t min, int64_t max, int64_t *out,
                struct vg_err *err) {
  const char *what = "an integer";
  const char *s = yaml_scalar_text(n, true, what, err);
  if (!s) return -VG_ETYPE;
  int64_t v;
  int r = yaml_convert(n, vg_scalar_int(s, &v), what, err);
  if (r) return r;
  if (v < min || v > max)
    return vg_yaml_fail(n, err, VG_ERANGE, "%" PRId64 " is out of range [%" PRId64 ", %" PRId64 "]",
                        v, min, max);
  *out = v;
  return 0;
}

int vg_yaml_bool(const struct vg_yaml_node *n, bool *out, struct vg_err *err) {
  const char *what = "true or false";
  const char *s = yaml_scalar_text(n, true, what, err);
  if (!s) return -VG_ETYPE;
  return yaml_convert(n, vg_scalar_bool(s, out), what, err);
}

int vg_yaml_duration(const struct vg_yaml_node *n, int64_t *out, struct vg_err *err) {
  const char *what = "a duration like 30s, 5m, 12h or 7d";
  const char *s = yaml_scalar_text(n, false, what, err);
  if (!s) return -VG_ETYPE;
  return yaml_convert(n, vg_scalar_duration(s, out), what, err);
}

int vg_yaml_size(const struct vg_yaml_node *n, int64_t *out, struct vg_err *err) {
  const char *what = "a size like 512, 64KiB or 10MB";
  const char *s = yaml_scalar_text(n, false, what, err);
  if (!s) return -VG_ETYPE;
  return yaml_convert(n, vg_scalar_size(s, out), what, err);
}

int vg_yaml_str(const struct vg_yaml_node *n, const char **out, struct vg_err *err) {
  if (!n || n->kind != VG_YAML_SCALAR || vg_yaml_is_null(n))
    return vg_yaml_fail(n, err, VG_ETYPE, "expected a string, got %s",
                        !n ? "nothing" : n->kind == VG_YAML_SCALAR ? "null"
                        : n->kind == VG_YAML_MAP ? "a mapping" : "a sequence");
  *out = n->text;
  return 0;
}
