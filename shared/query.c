/* query.c — the Insight query language: tokenizer, the five sections, the
 * filter grammar compiled to expression-engine nodes (docs/query.md). */
#include "shared/query.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "shared/alloc.h"
#include "shared/event_types.h"
#include "shared/expr.h"
#include "shared/path.h"

enum tok_kind { T_END = 0, T_PIPE, T_LPAREN, T_RPAREN, T_COMMA, T_WORD, T_DQ, T_SQ, T_OP };

struct tok {
  enum tok_kind kind;
  size_t pos;  /* byte offset of the token in the text */
  size_t len;  /* source length */
  char *text;  /* word / operator / decoded string (owned) */
};

struct parser {
  const char *src;
  size_t srclen;
  struct tok *t;
  size_t n, i;
  size_t end; /* index past the current section (its T_PIPE or T_END) */
  int depth;
  struct vg_err *err;
};

/* Fill err at byte offset pos (line and column computed from the text). */
static int fail_at(struct parser *p, int code, size_t pos, const char *fmt, const char *a) {
  int line = 1, col = 1;
  for (size_t i = 0; i < pos && i < p->srclen; i++) {
    if (p->src[i] == '\n') line++, col = 1;
    else col++;
  }
  vg_err_set(p->err, code, NULL, line, col, fmt, a ? a : "");
  if (p->err) p->err->pos = (long)pos;
  return -code;
}

static bool is_special(char c) {
  return c == '|' || c == '(' || c == ')' || c == ',' || c == '"' || c == '\'' || c == '=' ||
         c == '!' || c == '<' || c == '>' || isspace((unsigned char)c);
}

static int lex(struct parser *p) {
  size_t cap = 16;
  p->t = vg_xcalloc(cap, sizeof(*p->t));
  const char *s = p->src;
  size_t i = 0, len = p->srclen;
  for (;;) {
    while (i < len && isspace((unsigned char)s[i])) i++;
    if (p->n + 1 >= cap) {
      if (cap >= VG_LIMIT_QUERY_TOKENS)
        return fail_at(p, VG_ELIMIT, i, "more than %s tokens", "1024");
      p->t = vg_xreallocarray(p->t, cap * 2, sizeof(*p->t));
      memset(p->t + cap, 0, cap * sizeof(*p->t));
      cap *= 2;
    }
    struct tok *t = &p->t[p->n];
    t->pos = i;
    if (i >= len) {
      t->kind = T_END;
      p->n++;
      return 0;
    }
    char c = s[i];
    if (c == '\0') return fail_at(p, VG_EPARSE, i, "NUL byte in query%s", NULL);
    if (c == '|' || c == '(' || c == ')' || c == ',') {
      t->kind = c == '|' ? T_PIPE : c == '(' ? T_LPAREN : c == ')' ? T_RPAREN : T_COMMA;
      t->len = 1;
      i++;
    } else if (c == '"' || c == '\'') {
      size_t j = i + 1, o = 0;
      char *out = vg_xmalloc(len - i + 1);
      while (j < len && s[j] != c) {
        if (s[j] == '\\' && j + 1 < len && (s[j + 1] == c || s[j + 1] == '\\')) j++;
        out[o++] = s[j++];
      }
      out[o] = '\0';
      t->text = out;
      if (j >= len) {
        p->n++;
        return fail_at(p, VG_EPARSE, i, "unterminated string%s", NULL);
      }
      if (strlen(out) != o) {
        p->n++;
        return fail_at(p, VG_EPARSE, i, "NUL byte in string%s", NULL);
      }
      t->kind = c == '"' ? T_DQ : T_SQ;
      t->len = j + 1 - i;
      i = j + 1;
    } else if (c == '=' || c == '!' || c == '<' || c == '>') {
      size_t l = (i + 1 < len && s[i + 1] == '=') ? 2 : 1;
      if ((c == '=' || c == '!') && l != 2)
        return fail_at(p, VG_EPARSE, i, "unknown operator; expected ==, !=, <, >%s", NULL);
      t->kind = T_OP;
      t->len = l;
      t->text = vg_xstrndup(s + i, l);
      i += l;
    } else {
      size_t j = i;
      while (j < len && !is_special(s[j])) j++;
      t->kind = T_WORD;
      t->len = j - i;
      t->text = vg_xstrndup(s + i, j - i);
      i = j;
    }
    p->n++;
  }
}

static struct tok *cur(struct parser *p) { return &p->t[p->i < p->end ? p->i : p->end]; }
static bool at_end(struct parser *p) { return p->i >= p->end; }
static bool word_is(const struct tok *t, const char *w) {
  return t->kind == T_WORD && strcasecmp(t->text, w) == 0;
}
/* "starts with" and other two-word keywords at the current position. */
static bool words_are(struct parser *p, const char *a, const char *b) {
  return p->i + 1 < p->end && word_is(&p->t[p->i], a) && word_is(&p->t[p->i + 1], b);
}

static int expect_fail(struct parser *p, const char *what) {
  struct tok *t = cur(p);
  if (t->kind == T_END || t->kind == T_PIPE)
    return fail_at(p, VG_EPARSE, t->pos, "expected %s before the end of the section", what);
  return fail_at(p, VG_EPARSE, t->pos, "expected %s", what);
}

/* --- TIME ------------------------------------------------------------------ */

static bool parse_instant(const char *s, int64_t *out) {
  char *end;
  if (isdigit((unsigned char)s[0]) && strlen(s) <= 19) {
    long long v = strtoll(s, &end, 10);
    if (*end == '\0' && v >= 0) {
      *out = v;
      return true;
    }
  }
  struct tm tm;
  memset(&tm, 0, sizeof(tm));
  const char *r = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
  if (!r) {
    memset(&tm, 0, sizeof(tm));
    r = strptime(s, "%Y-%m-%d", &tm);
  }
  if (!r || (*r && strcmp(r, "Z") != 0)) return false;
  time_t t = timegm(&tm);
  if (t < 0) return false;
  *out = (int64_t)t * 1000;
  return true;
}

static int parse_time(struct parser *p, struct vg_query *q, int64_t now) {
  struct tok *t = cur(p);
  if (at_end(p) || t->kind != T_WORD) return expect_fail(p, "a time range (-24h, A..B or *)");
  const char *s = t->text;
  if (strcmp(s, "*") == 0) {
    q->t0 = 0;
    q->t1 = now + 86400000LL;
  } else if (s[0] == '-') {
    char *end;
    long long n = strtoll(s + 1, &end, 10);
    int64_t unit = 0;
    if (end != s + 1 && end[0] && !end[1])
      unit = end[0] == 's' ? 1000 : end[0] == 'm' ? 60000 : end[0] == 'h' ? 3600000
             : end[0] == 'd' ? 86400000 : end[0] == 'w' ? 7 * 86400000LL : 0;
    if (!isdigit((unsigned char)s[1]) || !unit || n <= 0 || n > 100000)
      return fail_at(p, VG_EPARSE, t->pos,
                     "bad relative time \"%s\": -<n><s|m|h|d|w>, n from 1 to 100000", s);
    q->t0 = now - (int64_t)n * unit;
    if (q->t0 < 0) q->t0 = 0;
    q->t1 = now + 1;
  } else {
    const char *dots = strstr(s, "..");
    char a[64], b[64];
    if (!dots || (size_t)(dots - s) >= sizeof(a) || strlen(dots + 2) >= sizeof(b))
      return fail_at(p, VG_EPARSE, t->pos,
                     "bad time \"%s\": -24h, FROM..TO (ms or 2024-01-31T12:00:00Z) or *", s);
    memcpy(a, s, (size_t)(dots - s));
    a[dots - s] = '\0';
    snprintf(b, sizeof(b), "%s", dots + 2);
    if (!parse_instant(a, &q->t0))
      return fail_at(p, VG_EPARSE, t->pos, "bad start time \"%s\"", a);
    if (!parse_instant(b, &q->t1))
      return fail_at(p, VG_EPARSE, t->pos + (size_t)(dots + 2 - s), "bad end time \"%s\"", b);
    if (q->t1 <= q->t0)
      return fail_at(p, VG_EPARSE, t->pos, "the range \"%s\" ends before it starts", s);
  }
  p->i++;
  if (!at_end(p)) return expect_fail(p, "'|' after the time range");
  return 0;
}

/* --- FILTER grammar ----------------------------------------------------- */

struct lits {
  char (*v)[VG_LIMIT_EXPR_STR_BYTES + 1];
  size_t n, cap;
};

/* A bare field name of the sensor selector and filter → its routing path. */
static const char *field_path(const char *w) {
  static const char *const map[][2] = {
    {"sid", "routing/sid"},       {"hostname", "routing/hostname"},
    {"int_ip", "routing/int_ip"}, {"ext_ip", "routing/ext_ip"},
    {"iid", "routing/iid"},       {"event_type", "routing/event_type"},
  };
  for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
    if (strcasecmp(w, map[i][0]) == 0) return map[i][1];
  if (strncmp(w, "event/", 6) == 0 || strncmp(w, "routing/", 8) == 0 || strcmp(w, "event") == 0)
    return w;
  return NULL;
}

static bool is_value(const struct tok *t) {
  return t->kind == T_DQ || t->kind == T_SQ || t->kind == T_WORD;
}

/* A literal usable by the prefilter: plain ASCII, nothing JSON escapes. */
static bool lit_ok(const char *v) {
  if (!*v || (v[0] == '<' && v[1] == '<') || (v[0] == '[' && v[1] == '[')) return false;
  for (const char *c = v; *c; c++)
    if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f || *c == '"' || *c == '\\')
      return false;
  return true;
}

static void lit_add(struct lits *l, const char *v) {
  if (!l || l->n >= l->cap || !lit_ok(v) || strlen(v) > VG_LIMIT_EXPR_STR_BYTES) return;
  snprintf(l->v[l->n++], VG_LIMIT_EXPR_STR_BYTES + 1, "%s", v);
}

static int set_err_col(struct parser *p, size_t pos, int r) {
  /* An error from the engine's builder: move it to the token's column. */
  char msg[VG_LIMIT_ERR_MSG_BYTES];
  snprintf(msg, sizeof(msg), "%s", p->err ? p->err->msg : "");
  return fail_at(p, r < 0 ? -r : r, pos, "%s", msg);
}

static struct vg_expr *parse_or(struct parser *p, struct lits *l);

/* is tagged V / is platform V / tag == V / platform == V */
static struct vg_expr *named_node(struct parser *p, enum vg_expr_op op, bool neg) {
  struct tok *v = cur(p);
  if (at_end(p) || !is_value(v)) {
    expect_fail(p, op == VG_OP_IS_TAGGED ? "a tag" : "a platform name");
    return NULL;
  }
  struct vg_expr *e = vg_expr_new(op);
  int r = vg_expr_set_name(e, v->text, p->err);
  if (r) {
    set_err_col(p, v->pos, r);
    vg_expr_free(e);
    return NULL;
  }
  if (neg) vg_expr_set_flag(e, VG_EXPR_NOT, true);
  p->i++;
  return e;
}

static const struct {
  const char *w1, *w2; /* keyword(s) */
  enum vg_expr_op op;
  bool neg;
} ops[] = {
  {"==", NULL, VG_OP_IS, false},          {"!=", NULL, VG_OP_IS, true},
  {"is", NULL, VG_OP_IS, false},          {"contains", NULL, VG_OP_CONTAINS, false},
  {"starts", "with", VG_OP_STARTS_WITH, false}, {"ends", "with", VG_OP_ENDS_WITH, false},
  {"matches", NULL, VG_OP_MATCHES, false}, {"cidr", NULL, VG_OP_CIDR, false},
  {">", NULL, VG_OP_GREATER, false},      {"<", NULL, VG_OP_LOWER, false},
  {"exists", NULL, VG_OP_EXISTS, false},
};

static struct vg_expr *parse_cond(struct parser *p, struct lits *l) {
  if (words_are(p, "is", "tagged")) {
    p->i += 2;
    return named_node(p, VG_OP_IS_TAGGED, false);
  }
  if (words_are(p, "is", "platform")) {
    p->i += 2;
    return named_node(p, VG_OP_IS_PLATFORM, false);
  }
  struct tok *f = cur(p);
  if (at_end(p) || f->kind != T_WORD) {
    expect_fail(p, "a condition (a path such as event/FILE_PATH, not, or '(')");
    return NULL;
  }
  bool pseudo_tag = strcasecmp(f->text, "tag") == 0;
  bool pseudo_plat = strcasecmp(f->text, "platform") == 0;
  const char *path = field_path(f->text);
  if (!path && !pseudo_tag && !pseudo_plat) {
    fail_at(p, VG_EPARSE, f->pos,
            "unknown field \"%s\": event/..., routing/..., sid, hostname, int_ip, ext_ip, "
            "tag or platform", f->text);
    return NULL;
  }
  p->i++;
  struct tok *o = cur(p);
  size_t k = 0, nops = sizeof(ops) / sizeof(ops[0]);
  for (; k < nops; k++) {
    if (ops[k].w2 ? words_are(p, ops[k].w1, ops[k].w2)
                  : !at_end(p) && o->text && (o->kind == T_OP || o->kind == T_WORD) &&
                        strcasecmp(o->text, ops[k].w1) == 0)
      break;
  }
  if (k == nops || at_end(p)) {
    expect_fail(p, "an operator (==, !=, contains, starts with, ends with, matches, cidr, >, <, "
                   "exists)");
    return NULL;
  }
  p->i += ops[k].w2 ? 2 : 1;
  if (pseudo_tag || pseudo_plat) {
    if (ops[k].op != VG_OP_IS) {
      fail_at(p, VG_EPARSE, o->pos, "%s takes only == or !=", pseudo_tag ? "tag" : "platform");
      return NULL;
    }
    return named_node(p, pseudo_tag ? VG_OP_IS_TAGGED : VG_OP_IS_PLATFORM, ops[k].neg);
  }
  struct vg_expr *e = vg_expr_new(ops[k].op);
  int r = vg_expr_set_path(e, path, p->err);
  if (r) {
    if (p->err) p->err->col += (int)f->pos; /* column inside the path → in the query */
    if (p->err) p->err->pos = (long)f->pos;
    vg_expr_free(e);
    return NULL;
  }
  if (ops[k].neg) vg_expr_set_flag(e, VG_EXPR_NOT, true);
  if (ops[k].op == VG_OP_EXISTS) return e;
  struct tok *v = cur(p);
  if (at_end(p) || !is_value(v)) {
    expect_fail(p, "a value (\"ignores case\", 'exact case', or a number)");
    vg_expr_free(e);
    return NULL;
  }
  bool nocase = v->kind == T_DQ;
  if (nocase) vg_expr_set_flag(e, VG_EXPR_NOCASE, true);
  if (ops[k].op == VG_OP_MATCHES) r = vg_expr_set_re(e, v->text, p->err);
  else if (ops[k].op == VG_OP_CIDR) r = vg_expr_set_cidr(e, v->text, p->err);
  else r = vg_expr_add_value(e, v->text, p->err);
  if (r) {
    set_err_col(p, v->pos, r);
    vg_expr_free(e);
    return NULL;
  }
  p->i++;
  bool text_op = ops[k].op == VG_OP_CONTAINS || ops[k].op == VG_OP_STARTS_WITH ||
                 ops[k].op == VG_OP_ENDS_WITH ||
                 (ops[k].op == VG_OP_IS && v->kind != T_WORD); /* quoted: compared as text */
  char *end;
  strtod(v->text, &end);
  bool numeric = *v->text && *end == '\0';
  if (text_op && !ops[k].neg && !numeric && strncmp(path, "event/", 6) == 0) lit_add(l, v->text);
  return e;
}

static struct vg_expr *parse_unary(struct parser *p, struct lits *l) {
  if (++p->depth > VG_LIMIT_EXPR_DEPTH) {
    fail_at(p, VG_ELIMIT, cur(p)->pos, "nested deeper than %s levels", "32");
    return NULL;
  }
  struct vg_expr *e = NULL;
  if (!at_end(p) && word_is(cur(p), "not")) {
    p->i++;
    struct vg_expr *kid = parse_unary(p, NULL);
    if (kid) {
      e = vg_expr_new(VG_OP_AND);
      vg_expr_add(e, kid, NULL);
      vg_expr_set_flag(e, VG_EXPR_NOT, true);
    }
  } else if (!at_end(p) && cur(p)->kind == T_LPAREN) {
    size_t open = cur(p)->pos;
    p->i++;
    e = parse_or(p, l);
    if (e && (at_end(p) || cur(p)->kind != T_RPAREN)) {
      if (at_end(p)) fail_at(p, VG_EPARSE, open, "this '(' is never closed%s", NULL);
      else expect_fail(p, "')' or and/or");
      vg_expr_free(e);
      e = NULL;
    }
    if (e) p->i++;
  } else {
    e = parse_cond(p, l);
  }
  p->depth--;
  return e;
}

static struct vg_expr *parse_and(struct parser *p, struct lits *l) {
  struct vg_expr *first = parse_unary(p, l);
  if (!first || at_end(p) || !word_is(cur(p), "and")) return first;
  struct vg_expr *e = vg_expr_new(VG_OP_AND);
  vg_expr_add(e, first, NULL);
  while (!at_end(p) && word_is(cur(p), "and")) {
    p->i++;
    struct vg_expr *kid = parse_unary(p, l);
    if (!kid || vg_expr_add(e, kid, p->err)) {
      if (kid) set_err_col(p, cur(p)->pos, -VG_ELIMIT);
      vg_expr_free(kid);
      vg_expr_free(e);
      return NULL;
    }
  }
  return e;
}

static struct vg_expr *parse_or(struct parser *p, struct lits *l) {
  struct lits mine = {l ? l->v + l->n : NULL, 0, l ? l->cap - l->n : 0};
  struct vg_expr *first = parse_and(p, l ? &mine : NULL);
  if (!first) return NULL;
  if (at_end(p) || !word_is(cur(p), "or")) {
    if (l) l->n += mine.n; /* a single and-chain: its literals are required */
    return first;
  }
  struct vg_expr *e = vg_expr_new(VG_OP_OR);
  vg_expr_add(e, first, NULL);
  while (!at_end(p) && word_is(cur(p), "or")) {
    p->i++;
    struct vg_expr *kid = parse_and(p, NULL);
    if (!kid || vg_expr_add(e, kid, p->err)) {
      if (kid) set_err_col(p, cur(p)->pos, -VG_ELIMIT);
      vg_expr_free(kid);
      vg_expr_free(e);
      return NULL;
    }
  }
  return e;
}

/* A whole section as a filter: `*` (NULL, *all) or an expression. */
static struct vg_expr *parse_filter_section(struct parser *p, bool *all, struct lits *l,
                                            const char *what) {
  *all = false;
  if (at_end(p)) {
    expect_fail(p, what);
    return NULL;
  }
  if (cur(p)->kind == T_WORD && strcmp(cur(p)->text, "*") == 0 && p->i + 1 == p->end) {
    p->i++;
    *all = true;
    return NULL;
  }
  struct vg_expr *e = parse_or(p, l);
  if (e && !at_end(p)) {
    expect_fail(p, "and, or, or the end of the section");
    vg_expr_free(e);
    return NULL;
  }
  return e;
}

/* --- EVENTS ----------------------------------------------------------------- */

static int parse_events(struct parser *p, struct vg_query *q) {
  if (at_end(p)) return expect_fail(p, "event types or *");
  if (cur(p)->kind == T_WORD && strcmp(cur(p)->text, "*") == 0 && p->i + 1 == p->end) {
    p->i++;
    return 0;
  }
  while (!at_end(p)) {
    struct tok *t = cur(p);
    if (t->kind == T_COMMA) {
      p->i++;
      continue;
    }
    if (t->kind != T_WORD || !vg_event_type_valid_name(t->text))
      return fail_at(p, VG_EPARSE, t->pos, "\"%s\" is not an event type name",
                     t->text ? t->text : "");
    if (q->ntypes >= VG_LIMIT_EXPR_EVENT_TYPES)
      return fail_at(p, VG_ELIMIT, t->pos, "more than %s event types", "64");
    snprintf(q->types[q->ntypes++], sizeof(q->types[0]), "%s", t->text);
    p->i++;
  }
  return 0;
}

/* --- PROJECTION ------------------------------------------------------------- */

static int add_col(struct parser *p, struct vg_query *q, enum vg_query_agg agg, const char *path,
                   size_t pos, const char *defname) {
  if (q->ncols >= VG_LIMIT_QUERY_COLS)
    return fail_at(p, VG_ELIMIT, pos, "more than %s columns", "32");
  struct vg_query_col *c = &q->cols[q->ncols];
  c->agg = agg;
  if (path) {
    const char *full = field_path(path);
    if (!full) return fail_at(p, VG_EPARSE, pos, "\"%s\" is not a path (event/... or routing/...)", path);
    c->path = vg_path_compile(full, p->err);
    if (!c->path) {
      if (p->err) p->err->col += (int)pos, p->err->pos = (long)pos;
      return p->err ? -p->err->code : -VG_EPARSE;
    }
  }
  if (!at_end(p) && word_is(cur(p), "as")) {
    p->i++;
    struct tok *n = cur(p);
    if (at_end(p) || n->kind != T_WORD) {
      vg_path_free(c->path);
      c->path = NULL;
      return expect_fail(p, "a column name after 'as'");
    }
    defname = n->text;
    pos = n->pos;
    p->i++;
  }
  if (strlen(defname) > VG_LIMIT_QUERY_NAME_BYTES) {
    vg_path_free(c->path);
    c->path = NULL;
    return fail_at(p, VG_ELIMIT, pos, "column name longer than %s bytes", "64");
  }
  if (vg_query_col_find(q, defname) >= 0) {
    vg_path_free(c->path);
    c->path = NULL;
    return fail_at(p, VG_EPARSE, pos, "two columns are named \"%s\"", defname);
  }
  snprintf(c->name, sizeof(c->name), "%s", defname);
  q->ncols++;
  return 0;
}

/* NAME, NAME… inside parentheses: GROUP BY(…) and ORDER BY(…). */
static int name_list(struct parser *p, struct vg_query *q, bool order) {
  if (at_end(p) || cur(p)->kind != T_LPAREN) return expect_fail(p, "'('");
  p->i++;
  for (;;) {
    struct tok *t = cur(p);
    if (at_end(p) || t->kind != T_WORD) return expect_fail(p, "a column name");
    int c = vg_query_col_find(q, t->text);
    if (c < 0) return fail_at(p, VG_EPARSE, t->pos, "no column is named \"%s\"", t->text);
    p->i++;
    if (order) {
      bool desc = false;
      if (!at_end(p) && (word_is(cur(p), "desc") || word_is(cur(p), "asc")))
        desc = word_is(cur(p), "desc"), p->i++;
      q->order[q->norder].col = (size_t)c;
      q->order[q->norder++].desc = desc;
    } else {
      q->group[q->ngroup++] = (size_t)c;
    }
    if (!at_end(p) && cur(p)->kind == T_COMMA) {
      p->i++;
      continue;
    }
    if (!at_end(p) && cur(p)->kind == T_RPAREN) {
      p->i++;
      return 0;
    }
    return expect_fail(p, "',' or ')'");
  }
}

static int parse_projection(struct parser *p, struct vg_query *q) {
  size_t item_pos[VG_LIMIT_QUERY_COLS];
  bool seen_group = false, seen_order = false;
  while (!at_end(p)) {
    struct tok *t = cur(p);
    int r = 0;
    if (t->kind == T_COMMA) {
      p->i++;
      continue;
    }
    if (t->kind != T_WORD) return expect_fail(p, "a column, COUNT(...), GROUP BY, ORDER BY or LIMIT");
    if (words_are(p, "group", "by") || words_are(p, "order", "by")) {
      bool order = word_is(t, "order");
      if (order ? seen_order : seen_group)
        return fail_at(p, VG_EPARSE, t->pos, "a second %s BY", order ? "ORDER" : "GROUP");
      *(order ? &seen_order : &seen_group) = true;
      p->i += 2;
      r = name_list(p, q, order);
    } else if (word_is(t, "limit")) {
      p->i++;
      struct tok *n = cur(p);
      char *end = NULL;
      long long v = (!at_end(p) && n->kind == T_WORD) ? strtoll(n->text, &end, 10) : 0;
      if (!end || *end || v < 1 || v > 1000000)
        return at_end(p) ? expect_fail(p, "a number after LIMIT")
                         : fail_at(p, VG_EPARSE, n->pos, "LIMIT takes 1 to 1000000, not \"%s\"",
                                   n->text ? n->text : "");
      q->limit = v;
      p->i++;
    } else if (word_is(t, "count") || word_is(t, "count_unique")) {
      enum vg_query_agg agg = word_is(t, "count") ? VG_QAGG_COUNT : VG_QAGG_COUNT_UNIQUE;
      size_t pos = t->pos;
      p->i++;
      if (at_end(p) || cur(p)->kind != T_LPAREN) return expect_fail(p, "'(' after COUNT");
      p->i++;
      const char *path = NULL;
      if (!at_end(p) && cur(p)->kind == T_WORD) path = cur(p)->text, p->i++;
      if (!path && agg == VG_QAGG_COUNT_UNIQUE) return expect_fail(p, "a path inside COUNT_UNIQUE()");
      if (at_end(p) || cur(p)->kind != T_RPAREN) return expect_fail(p, "')'");
      size_t endpos = cur(p)->pos + 1;
      p->i++;
      char defname[VG_LIMIT_QUERY_NAME_BYTES + 1];
      snprintf(defname, sizeof(defname), "%.*s", (int)(endpos - pos), p->src + pos);
      item_pos[q->ncols < VG_LIMIT_QUERY_COLS ? q->ncols : 0] = pos;
      r = add_col(p, q, agg, path, pos, defname);
    } else {
      item_pos[q->ncols < VG_LIMIT_QUERY_COLS ? q->ncols : 0] = t->pos;
      p->i++;
      r = add_col(p, q, VG_QAGG_NONE, t->text, t->pos, t->text);
    }
    if (r) return r;
  }
  if (!q->ncols) return expect_fail(p, "at least one column");
  for (size_t i = 0; i < q->ncols; i++) q->aggregate |= q->cols[i].agg != VG_QAGG_NONE;
  q->aggregate |= q->ngroup > 0;
  if (!q->aggregate) return 0;
  for (size_t i = 0; i < q->ncols; i++) {
    if (q->cols[i].agg != VG_QAGG_NONE) continue;
    bool grouped = false;
    for (size_t g = 0; g < q->ngroup; g++) grouped |= q->group[g] == i;
    if (!grouped)
      return fail_at(p, VG_EPARSE, item_pos[i],
                     "column \"%s\" is neither counted nor in GROUP BY", q->cols[i].name);
  }
  for (size_t g = 0; g < q->ngroup; g++)
    if (q->cols[q->group[g]].agg != VG_QAGG_NONE)
      return fail_at(p, VG_EPARSE, 0, "GROUP BY names a counted column (\"%s\")",
                     q->cols[q->group[g]].name);
  return 0;
}

/* --- the whole query ------------------------------------------------------- */

/* Make [p->i, p->end) the next section; false if there is none. */
static bool next_section(struct parser *p) {
  if (p->t[p->i].kind == T_END) return false;
  if (p->t[p->i].kind == T_PIPE) p->i++;
  size_t e = p->i;
  while (p->t[e].kind != T_END && p->t[e].kind != T_PIPE) e++;
  p->end = e;
  return true;
}

static void parser_free(struct parser *p) {
  for (size_t i = 0; i < p->n; i++) free(p->t[i].text);
  free(p->t);
}

int vg_query_col_find(const struct vg_query *q, const char *name) {
  for (size_t i = 0; i < q->ncols; i++)
    if (strcmp(q->cols[i].name, name) == 0) return (int)i;
  for (size_t i = 0; i < q->ncols; i++) /* a path text names its column too */
    if (q->cols[i].path && q->cols[i].agg == VG_QAGG_NONE &&
        strcmp(vg_path_expr(q->cols[i].path), name) == 0)
      return (int)i;
  return -1;
}

void vg_query_free(struct vg_query *q) {
  if (!q) return;
  vg_expr_free(q->sensors);
  vg_expr_free(q->filter);
  for (size_t i = 0; i < q->ncols; i++) vg_path_free(q->cols[i].path);
  free(q);
}

static const char *const section_names[] = {"a time range", "a sensor selector",
                                            "event types", "a filter"};

struct vg_query *vg_query_parse(const char *text, size_t len, int64_t now_ms, struct vg_err *err) {
  struct parser p = {text, len, NULL, 0, 0, 0, 0, err};
  vg_err_clear(err);
  if (!text) {
    vg_err_fail(err, VG_EINVAL, "no query");
    return NULL;
  }
  if (len > VG_LIMIT_QUERY_BYTES) {
    vg_err_fail(err, VG_ELIMIT, "query longer than %u bytes", (unsigned)VG_LIMIT_QUERY_BYTES);
    return NULL;
  }
  struct vg_query *q = vg_xcalloc(1, sizeof(*q));
  struct lits l = {q->lits, 0, VG_LIMIT_QUERY_LITS};
  bool all;
  int r = lex(&p);
  for (int s = 0; r == 0 && s < 4; s++) {
    if (!next_section(&p)) {
      r = fail_at(&p, VG_EPARSE, p.t[p.i].pos, "expected '| %s': a query is "
                  "TIME | SENSORS | EVENTS | FILTER [| PROJECTION]", section_names[s]);
      break;
    }
    if (s == 0) r = parse_time(&p, q, now_ms);
    else if (s == 2) r = parse_events(&p, q);
    else {
      struct vg_expr *e = parse_filter_section(&p, &all, s == 3 ? &l : NULL, section_names[s]);
      if (!e && !all) r = err && err->code ? -err->code : -VG_EPARSE;
      if (s == 1) q->sensors = e;
      else q->filter = e;
    }
  }
  q->nlits = l.n;
  if (r == 0 && next_section(&p)) r = parse_projection(&p, q);
  if (r == 0 && p.t[p.i].kind == T_PIPE)
    r = fail_at(&p, VG_EPARSE, p.t[p.i].pos, "a query has at most five sections%s", NULL);
  parser_free(&p);
  if (r) {
    vg_query_free(q);
    return NULL;
  }
  return q;
}

struct vg_expr *vg_query_parse_filter(const char *text, size_t len, bool *all,
                                      char (*lits)[VG_LIMIT_EXPR_STR_BYTES + 1], size_t *nlits,
                                      struct vg_err *err) {
  struct parser p = {text, len, NULL, 0, 0, 0, 0, err};
  struct lits l = {lits, 0, lits ? VG_LIMIT_QUERY_LITS : 0};
  vg_err_clear(err);
  *all = false;
  if (nlits) *nlits = 0;
  if (!text || len > VG_LIMIT_QUERY_BYTES) {
    vg_err_fail(err, VG_ELIMIT, "filter missing or longer than %u bytes",
                (unsigned)VG_LIMIT_QUERY_BYTES);
    return NULL;
  }
  struct vg_expr *e = NULL;
  if (lex(&p) == 0) {
    next_section(&p);
    e = parse_filter_section(&p, all, lits ? &l : NULL, "a filter");
    if ((e || *all) && p.t[p.i].kind != T_END) {
      fail_at(&p, VG_EPARSE, p.t[p.i].pos, "'|' in a filter%s", NULL);
      vg_expr_free(e);
      e = NULL;
      *all = false;
    }
  }
  if (nlits) *nlits = l.n;
  parser_free(&p);
  return e;
}
