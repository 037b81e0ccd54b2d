/* path.c — compile and evaluate path selectors (see path.h for semantics).
 *
 * A compiled path is a small NFA: state i means "the first i segments are
 * matched at this node". The evaluator walks the JSON tree depth-first in
 * document order carrying the set of states (a 64-bit mask, segments are
 * bounded by VG_LIMIT_PATH_SEGMENTS < 64), so every node is visited once. */
#include "shared/path.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shared/alloc.h"
#include "shared/limits.h"

_Static_assert(VG_LIMIT_PATH_SEGMENTS < 64, "state set is a uint64_t mask");

enum path_seg_kind { PATH_LITERAL, PATH_INDEX, PATH_ONE, PATH_ANY };

struct path_seg {
  enum path_seg_kind kind;
  const char *text;  /* into vg_path.split, NUL-terminated */
  size_t index;      /* PATH_INDEX: the array index; also a literal key */
};

struct vg_path {
  char *expr;        /* as given */
  char *split;       /* copy of expr with '/' replaced by NUL */
  size_t nseg;
  struct path_seg seg[VG_LIMIT_PATH_SEGMENTS];
};

static struct vg_path *path_fail(struct vg_path *p, struct vg_err *err, int code,
                                 size_t col, const char *msg) {
  vg_path_free(p);
  vg_err_set(err, code, NULL, 1, (int)col, "path: %s", msg);
  if (err) err->pos = (long)col - 1;
  return NULL;
}

/* A decimal array index without leading zeros that fits in size_t. */
static bool path_is_index(const char *s, size_t *out) {
  size_t v = 0;
  if (!*s || (s[0] == '0' && s[1])) return false;
  for (; *s; s++) {
    if (*s < '0' || *s > '9') return false;
    size_t d = (size_t)(*s - '0');
    if (v > (SIZE_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  *out = v;
  return true;
}

struct vg_path *vg_path_compile(const char *expr, struct vg_err *err) {
  if (!expr) {
    vg_err_fail(err, VG_EINVAL, "path: no expression");
    return NULL;
  }
  size_t len = strnlen(expr, VG_LIMIT_PATH_BYTES + 1);
  if (len > VG_LIMIT_PATH_BYTES)
    return path_fail(NULL, err, VG_ELIMIT, VG_LIMIT_PATH_BYTES + 1,
                     "expression longer than VG_LIMIT_PATH_BYTES");
  if (len == 0) return path_fail(NULL, err, VG_EPARSE, 1, "empty expression");
  struct vg_path *p = vg_xcalloc(1, sizeof(*p));
  p->expr = vg_xstrdup(expr);
  p->split = vg_xstrdup(expr);
  size_t start = 0;
  for (size_t i = 0; i <= len; i++) {
    if (i < len && expr[i] != '/') continue;
    size_t col = start + 1;
    if (i == start) {
      const char *why = start == 0 ? "leading '/'"
                        : i == len ? "trailing '/'"
                                   : "empty segment";
      return path_fail(p, err, VG_EPARSE, i == len ? i : col, why);
    }
    if (p->nseg == VG_LIMIT_PATH_SEGMENTS)
      return path_fail(p, err, VG_ELIMIT, col, "more than VG_LIMIT_PATH_SEGMENTS segments");
    p->split[i] = '\0';
    struct path_seg *s = &p->seg[p->nseg++];
    s->text = p->split + start;
    size_t n = i - start;
    if (n == 1 && s->text[0] == '?') {
      s->kind = PATH_ONE;
    } else if (n == 1 && s->text[0] == '*') {
      s->kind = PATH_ANY;
    } else if (memchr(s->text, '*', n) || memchr(s->text, '?', n)) {
      const char *w = s->text;
      while (*w != '*' && *w != '?') w++;
      return path_fail(p, err, VG_EPARSE, start + 1 + (size_t)(w - s->text),
                       *w == '*' && n == 2 && w[1] == '*'
                           ? "'**' is not a wildcard; '*' already spans any number of levels"
                           : "wildcards '?' and '*' must be a whole segment");
    } else {
      s->kind = path_is_index(s->text, &s->index) ? PATH_INDEX : PATH_LITERAL;
    }
    start = i + 1;
  }
  return p;
}

void vg_path_free(struct vg_path *p) {
  if (!p) return;
  free(p->expr);
  free(p->split);
  free(p);
}

const char *vg_path_expr(const struct vg_path *p) { return p->expr; }

struct path_walk {
  const struct vg_path *p;
  json_t **out;
  size_t max, n;
};

/* Add the states reachable without consuming a level ('*' matching zero). */
static uint64_t path_closure(const struct vg_path *p, uint64_t set) {
  for (size_t i = 0; i < p->nseg; i++)
    if ((set >> i & 1) && p->seg[i].kind == PATH_ANY) set |= (uint64_t)1 << (i + 1);
  return set;
}

/* States of the child reached from a node in states set: through key (object
 * member) or at index (array element, key NULL). */
static uint64_t path_step(const struct vg_path *p, uint64_t set, const char *key,
                          size_t index) {
  uint64_t next = 0;
  for (size_t i = 0; i < p->nseg; i++) {
    if (!(set >> i & 1)) continue;
    const struct path_seg *s = &p->seg[i];
    uint64_t adv = (uint64_t)1 << (i + 1), stay = (uint64_t)1 << i;
    switch (s->kind) {
    case PATH_ANY: next |= stay; break;
    case PATH_ONE: next |= adv; break;
    case PATH_INDEX:
      if (key ? !strcmp(key, s->text) : index == s->index) next |= adv;
      break;
    case PATH_LITERAL:
      if (!key) next |= stay;           /* arrays are transparent */
      else if (!strcmp(key, s->text)) next |= adv;
      break;
    }
  }
  return path_closure(p, next);
}

/* Returns false once the output is full. */
static bool path_visit(struct path_walk *w, json_t *node, uint64_t set, int depth) {
  const struct vg_path *p = w->p;
  if (set >> p->nseg & 1) {
    w->out[w->n++] = node;
    if (w->n == w->max) return false;
  }
  set &= ~((uint64_t)1 << p->nseg);
  if (!set || depth >= VG_LIMIT_PATH_DEPTH) return true;
  if (json_is_object(node)) {
    const char *key;
    json_t *v;
    json_object_foreach(node, key, v) {
      uint64_t next = path_step(p, set, key, 0);
      if (next && !path_visit(w, v, next, depth + 1)) return false;
    }
  } else if (json_is_array(node)) {
    size_t i;
    json_t *v;
    json_array_foreach(node, i, v) {
      uint64_t next = path_step(p, set, NULL, i);
      if (next && !path_visit(w, v, next, depth + 1)) return false;
    }
  }
  return true;
}

size_t vg_path_select(const struct vg_path *p, json_t *root, json_t **out, size_t max) {
  if (!p || !root || !out || max == 0) return 0;
  struct path_walk w = {p, out, max < VG_LIMIT_PATH_MATCHES ? max : VG_LIMIT_PATH_MATCHES, 0};
  path_visit(&w, root, path_closure(p, 1), 0);
  return w.n;
}

json_t *vg_path_first(const struct vg_path *p, json_t *root) {
  json_t *v = NULL;
  return vg_path_select(p, root, &v, 1) ? v : NULL;
}
