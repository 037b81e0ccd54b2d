/* expr_index.c — the value index over many detect trees (expr_index.h):
 * guards, per-type tables of paths, per-path groups of hash sets. */
#include "shared/expr_index.h"

#include <stdlib.h>
#include <string.h>

#include "shared/alloc.h"
#include "shared/expr_int.h"
#include "shared/limits.h"
#include "shared/routing.h"

#define ANY_TYPE "*"

struct ix_ent {
  char *key; /* folded when the group is case-insensitive */
  size_t len;
  uint64_t h;
  uint32_t *ids;
  size_t nids;
};

/* One (op, case, file name) on a path: a hash set of values → ids. */
struct ix_group {
  enum vg_expr_op op;
  bool nocase, fname;
  struct ix_ent *slots;
  size_t cap, n;
  size_t *lens; /* distinct value lengths, for starts / ends with */
  size_t nlens;
};

struct ix_path {
  const struct vg_path *path; /* borrowed from the first leaf */
  struct ix_group *groups;
  size_t ngroups;
};

struct ix_type {
  char *name;
  uint32_t *always; /* candidates without looking at the event */
  size_t nalways;
  struct ix_path *paths;
  size_t npaths;
};

struct vg_expr_index {
  struct ix_type *types;
  size_t ntypes;
  size_t span, trees, guarded;
  uint32_t *mark; /* scratch: generation per id, dedupes hits */
  uint32_t gen;
  uint32_t *hits;
};

static unsigned char fold(unsigned char c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

static uint64_t hash(const char *s, size_t n, bool nocase) {
  uint64_t h = 1469598103934665603u;
  for (size_t i = 0; i < n; i++) {
    h ^= nocase ? fold((unsigned char)s[i]) : (unsigned char)s[i];
    h *= 1099511628211u;
  }
  return h;
}

static bool same(const char *key, const char *s, size_t n, bool nocase) {
  if (!nocase) return memcmp(key, s, n) == 0;
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)key[i] != fold((unsigned char)s[i])) return false;
  return true;
}

static struct ix_ent *probe(const struct ix_group *g, const char *s, size_t n, uint64_t h) {
  if (!g->cap) return NULL;
  for (size_t i = h & (g->cap - 1);; i = (i + 1) & (g->cap - 1)) {
    struct ix_ent *e = &g->slots[i];
    if (!e->key) return e;
    if (e->h == h && e->len == n && same(e->key, s, n, g->nocase)) return e;
  }
}

static void group_grow(struct ix_group *g) {
  size_t ocap = g->cap;
  struct ix_ent *old = g->slots;
  g->cap = ocap ? ocap * 2 : 16;
  g->slots = vg_xcalloc(g->cap, sizeof(*g->slots));
  for (size_t i = 0; i < ocap; i++) {
    if (!old[i].key) continue;
    size_t k = old[i].h & (g->cap - 1);
    while (g->slots[k].key) k = (k + 1) & (g->cap - 1);
    g->slots[k] = old[i];
  }
  free(old);
}

static void group_add(struct ix_group *g, const char *v, size_t n, uint32_t id) {
  if ((g->n + 1) * 2 > g->cap) group_grow(g);
  uint64_t h = hash(v, n, g->nocase);
  struct ix_ent *e = probe(g, v, n, h);
  if (!e->key) {
    e->key = vg_xmalloc(n + 1);
    for (size_t i = 0; i < n; i++) e->key[i] = g->nocase ? (char)fold((unsigned char)v[i]) : v[i];
    e->key[n] = '\0';
    e->len = n;
    e->h = h;
    g->n++;
  }
  if (e->nids && e->ids[e->nids - 1] == id) return;
  e->ids = vg_xreallocarray(e->ids, e->nids + 1, sizeof(*e->ids));
  e->ids[e->nids++] = id;
  if (g->op == VG_OP_IS) return;
  for (size_t i = 0; i < g->nlens; i++)
    if (g->lens[i] == n) return;
  g->lens = vg_xreallocarray(g->lens, g->nlens + 1, sizeof(*g->lens));
  g->lens[g->nlens++] = n;
}

struct vg_expr_index *vg_expr_index_new(void) { return vg_xcalloc(1, sizeof(struct vg_expr_index)); }

void vg_expr_index_free(struct vg_expr_index *x) {
  if (!x) return;
  for (size_t t = 0; t < x->ntypes; t++) {
    struct ix_type *ty = &x->types[t];
    for (size_t p = 0; p < ty->npaths; p++) {
      for (size_t g = 0; g < ty->paths[p].ngroups; g++) {
        struct ix_group *gr = &ty->paths[p].groups[g];
        for (size_t i = 0; i < gr->cap; i++) {
          free(gr->slots[i].key);
          free(gr->slots[i].ids);
        }
        free(gr->slots);
        free(gr->lens);
      }
      free(ty->paths[p].groups);
    }
    free(ty->paths);
    free(ty->always);
    free(ty->name);
  }
  free(x->types);
  free(x->mark);
  free(x->hits);
  free(x);
}

static struct ix_type *type_get(struct vg_expr_index *x, const char *name, bool create) {
  for (size_t i = 0; i < x->ntypes; i++)
    if (strcmp(x->types[i].name, name) == 0) return &x->types[i];
  if (!create) return NULL;
  x->types = vg_xreallocarray(x->types, x->ntypes + 1, sizeof(*x->types));
  struct ix_type *t = &x->types[x->ntypes++];
  memset(t, 0, sizeof(*t));
  t->name = vg_xstrdup(name);
  return t;
}

static const struct ix_type *type_find(const struct vg_expr_index *x, const char *name) {
  for (size_t i = 0; i < x->ntypes; i++)
    if (strcmp(x->types[i].name, name) == 0) return &x->types[i];
  return NULL;
}

static struct ix_group *group_get(struct ix_type *t, const struct vg_expr *leaf) {
  const char *pe = vg_path_expr(leaf->path);
  struct ix_path *p = NULL;
  for (size_t i = 0; i < t->npaths && !p; i++)
    if (strcmp(vg_path_expr(t->paths[i].path), pe) == 0) p = &t->paths[i];
  if (!p) {
    t->paths = vg_xreallocarray(t->paths, t->npaths + 1, sizeof(*t->paths));
    p = &t->paths[t->npaths++];
    memset(p, 0, sizeof(*p));
    p->path = leaf->path;
  }
  bool nocase = leaf->flags & VG_EXPR_NOCASE, fname = leaf->flags & VG_EXPR_FILE_NAME;
  for (size_t i = 0; i < p->ngroups; i++) {
    struct ix_group *g = &p->groups[i];
    if (g->op == leaf->op && g->nocase == nocase && g->fname == fname) return g;
  }
  p->groups = vg_xreallocarray(p->groups, p->ngroups + 1, sizeof(*p->groups));
  struct ix_group *g = &p->groups[p->ngroups++];
  memset(g, 0, sizeof(*g));
  g->op = leaf->op;
  g->nocase = nocase;
  g->fname = fname;
  return g;
}

static bool leaf_ok(const struct vg_expr *e) {
  if (e->op != VG_OP_IS && e->op != VG_OP_STARTS_WITH && e->op != VG_OP_ENDS_WITH) return false;
  if (!e->path || e->nkids || e->with || e->has_sub || !e->nvalues) return false;
  if (e->flags & ~(unsigned)(VG_EXPR_NOCASE | VG_EXPR_FILE_NAME)) return false;
  for (size_t i = 0; i < e->nvalues; i++) {
    const struct vg_expr_value *v = &e->values[i];
    if (v->kind != VG_VAL_TEXT || v->len > VG_LIMIT_EXPR_STR_BYTES) return false;
    if (e->op == VG_OP_IS && v->is_num) return false;
  }
  return true;
}

struct leaves {
  const struct vg_expr **v;
  size_t n;
};

/* Append a guard of e to l; false (l unchanged) if e has none. */
static bool guard(const struct vg_expr *e, struct leaves *l) {
  if ((e->flags & VG_EXPR_NOT) || e->with) return false;
  size_t save = l->n;
  if (leaf_ok(e)) {
    l->v = vg_xreallocarray(l->v, l->n + 1, sizeof(*l->v));
    l->v[l->n++] = e;
    return true;
  }
  if (e->op == VG_OP_AND) {
    for (size_t i = 0; i < e->nkids; i++) {
      if (guard(e->kids[i], l)) return true;
      l->n = save;
    }
    return false;
  }
  if (e->op == VG_OP_OR && e->nkids) {
    for (size_t i = 0; i < e->nkids; i++) {
      if (!guard(e->kids[i], l)) {
        l->n = save;
        return false;
      }
    }
    return true;
  }
  return false;
}

static void always_add(struct ix_type *t, uint32_t id) {
  if (t->nalways && t->always[t->nalways - 1] == id) return;
  t->always = vg_xreallocarray(t->always, t->nalways + 1, sizeof(*t->always));
  /* keep ascending: ids usually arrive in order */
  size_t k = t->nalways++;
  while (k > 0 && t->always[k - 1] > id) {
    t->always[k] = t->always[k - 1];
    k--;
  }
  t->always[k] = id;
}

void vg_expr_index_add(struct vg_expr_index *x, uint32_t id, const struct vg_expr *e) {
  const char *types[VG_LIMIT_EXPR_EVENT_TYPES * 4];
  int nt = vg_expr_event_types(e, types, sizeof(types) / sizeof(types[0]));
  if (nt < 0) {
    types[0] = ANY_TYPE;
    nt = 1;
  }
  if (id + 1 > x->span) {
    x->mark = vg_xreallocarray(x->mark, id + 1, sizeof(*x->mark));
    x->hits = vg_xreallocarray(x->hits, id + 1, sizeof(*x->hits));
    for (size_t i = x->span; i <= id; i++) x->mark[i] = 0;
    x->span = id + 1;
  }
  x->trees++;
  struct leaves l = {NULL, 0};
  if (!guard(e, &l)) {
    for (int k = 0; k < nt; k++) always_add(type_get(x, types[k], true), id);
    free(l.v);
    return;
  }
  x->guarded++;
  for (size_t i = 0; i < l.n; i++) {
    const struct vg_expr *leaf = l.v[i];
    size_t lt = leaf->ntypes ? leaf->ntypes : (size_t)nt;
    for (size_t k = 0; k < lt; k++) {
      struct ix_group *g = group_get(type_get(x, leaf->ntypes ? leaf->types[k] : types[k], true), leaf);
      for (size_t v = 0; v < leaf->nvalues; v++)
        group_add(g, leaf->values[v].text, leaf->values[v].len, id);
    }
  }
  free(l.v);
}

size_t vg_expr_index_span(const struct vg_expr_index *x) { return x ? x->span : 0; }

void vg_expr_index_stats(const struct vg_expr_index *x, size_t *trees, size_t *guarded) {
  if (trees) *trees = x ? x->trees : 0;
  if (guarded) *guarded = x ? x->guarded : 0;
}

bool vg_expr_index_covers(const struct vg_expr_index *x, const char *type) {
  return x && (type_find(x, type) || type_find(x, ANY_TYPE));
}

/* ---- candidates ---- */

struct run {
  struct vg_expr_index *x;
  size_t nhits;
};

static void hit(struct run *ru, const struct ix_ent *e) {
  for (size_t i = 0; i < e->nids; i++) {
    uint32_t id = e->ids[i];
    if (ru->x->mark[id] == ru->x->gen) continue;
    ru->x->mark[id] = ru->x->gen;
    ru->x->hits[ru->nhits++] = id;
  }
}

static void lookup(struct run *ru, const struct ix_group *g, const char *s, size_t sl) {
  const struct ix_ent *e;
  if (g->fname) {
    if (sl > VG_LIMIT_EXPR_STR_BYTES) sl = VG_LIMIT_EXPR_STR_BYTES;
    size_t k = sl;
    while (k > 0 && s[k - 1] != '/' && s[k - 1] != '\\') k--;
    s += k;
    sl -= k;
  }
  if (g->op == VG_OP_IS) {
    e = probe(g, s, sl, hash(s, sl, g->nocase));
    if (e && e->key) hit(ru, e);
    return;
  }
  for (size_t i = 0; i < g->nlens; i++) {
    size_t L = g->lens[i];
    if (L > sl) continue;
    const char *p = g->op == VG_OP_ENDS_WITH ? s + sl - L : s;
    e = probe(g, p, L, hash(p, L, g->nocase));
    if (e && e->key) hit(ru, e);
  }
}

static void subject(struct run *ru, const struct ix_path *p, const json_t *j) {
  char buf[64];
  size_t sl = 0;
  const char *s = vg_expr_render(j, buf, sizeof(buf), &sl);
  if (!s) return;
  for (size_t g = 0; g < p->ngroups; g++) lookup(ru, &p->groups[g], s, sl);
}

static void scan_type(struct run *ru, const struct ix_type *t, const json_t *ev) {
  json_t *vals[VG_LIMIT_EXPR_MATCHES];
  for (size_t p = 0; p < t->npaths; p++) {
    size_t n = vg_path_select(t->paths[p].path, (json_t *)ev, vals, VG_LIMIT_EXPR_MATCHES);
    for (size_t i = 0; i < n; i++) {
      if (json_is_array(vals[i])) {
        size_t k;
        json_t *it;
        json_array_foreach(vals[i], k, it) subject(ru, &t->paths[p], it);
      } else {
        subject(ru, &t->paths[p], vals[i]);
      }
    }
  }
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

size_t vg_expr_index_candidates(struct vg_expr_index *x, const json_t *ev,
                                const struct vg_routing *r, uint32_t *out, size_t max) {
  if (!x || !r) return 0;
  const struct ix_type *t = type_find(x, r->event_type), *any = type_find(x, ANY_TYPE);
  if (!t && !any) return 0;
  if (++x->gen == 0) { /* wrapped: reset the marks */
    memset(x->mark, 0, x->span * sizeof(*x->mark));
    x->gen = 1;
  }
  struct run ru = {x, 0};
  if (t) scan_type(&ru, t, ev);
  if (any) scan_type(&ru, any, ev);
  if (ru.nhits > 1) qsort(x->hits, ru.nhits, sizeof(*x->hits), cmp_u32);
  /* merge three ascending lists (a rule is in at most one always list, and
   * never both always and guarded) */
  const uint32_t *a = t ? t->always : NULL, *b = any ? any->always : NULL, *h = x->hits;
  size_t na = t ? t->nalways : 0, nb = any ? any->nalways : 0, nh = ru.nhits;
  size_t ia = 0, ib = 0, ih = 0, n = 0;
  while (n < max && (ia < na || ib < nb || ih < nh)) {
    uint32_t va = ia < na ? a[ia] : UINT32_MAX, vb = ib < nb ? b[ib] : UINT32_MAX;
    uint32_t vh = ih < nh ? h[ih] : UINT32_MAX;
    if (va <= vb && va <= vh) out[n++] = va, ia++;
    else if (vb <= vh) out[n++] = vb, ib++;
    else out[n++] = vh, ih++;
  }
  return n;
}
