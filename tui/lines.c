/* lines.c — text, JSON and table lines for scrollable panes. */
#include "tui/lines.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/alloc.h"

void lines_clear(struct lines *ls) {
  for (int i = 0; i < ls->n; i++) free(ls->v[i].text);
  free(ls->v);
  memset(ls, 0, sizeof *ls);
}

static void push(struct lines *ls, char *text, enum role role, int kind, int item, int sub) {
  if (ls->n >= LINES_MAX) {
    ls->cut = true;
    free(text);
    return;
  }
  if (ls->n == ls->cap) {
    ls->cap = ls->cap ? ls->cap * 2 : 64;
    ls->v = vg_xrealloc(ls->v, (size_t)ls->cap * sizeof *ls->v);
  }
  ls->v[ls->n++] = (struct line){text, (unsigned char)role, (unsigned char)kind, item, sub};
}

void lines_add(struct lines *ls, enum role role, int item, int sub, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *s = NULL;
  if (vasprintf(&s, fmt, ap) < 0) s = vg_xstrdup("");
  va_end(ap);
  push(ls, s, role, LINE_TEXT, item, sub);
}

void lines_json(struct lines *ls, const json_t *j, int indent, int item, int sub) {
  char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
  if (!s) return;
  for (char *p = s; *p;) {
    size_t n = strcspn(p, "\n");
    push(ls, vg_xasprintf("%*s%.*s", indent, "", (int)n, p), ROLE_NORMAL, LINE_JSON, item, sub);
    p += n;
    if (*p) p++;
  }
  free(s);
}

void lines_json_compact(struct lines *ls, const json_t *j, int indent, int item, int sub) {
  char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
  if (!s) return;
  push(ls, vg_xasprintf("%*s%.1000s", indent, "", s), ROLE_NORMAL, LINE_JSON, item, sub);
  free(s);
}

bool lines_find_list(const json_t *o, const char **name, json_t **rows) {
  const char *k;
  json_t *v;
  json_object_foreach((json_t *)o, k, v) {
    if (json_is_array(v) && json_array_size(v) && json_is_object(json_array_get(v, 0))) {
      if (name) *name = k;
      if (rows) *rows = v;
      return true;
    }
  }
  return false;
}

/* A scalar as text ("" for objects and arrays). */
static const char *scalar(const json_t *v, char *buf, size_t n) {
  if (json_is_string(v)) return json_string_value(v);
  if (json_is_integer(v)) snprintf(buf, n, "%lld", (long long)json_integer_value(v));
  else if (json_is_real(v)) snprintf(buf, n, "%g", json_real_value(v));
  else if (json_is_true(v)) snprintf(buf, n, "true");
  else if (json_is_false(v)) snprintf(buf, n, "false");
  else buf[0] = '\0';
  return buf;
}

/* Append s padded or cut to w columns (w < 0: as is) to out. */
static size_t cell(char *out, size_t used, size_t cap, const char *s, int w) {
  int cols = 0;
  size_t i = 0, len = strlen(s);
  while (i < len && (w < 0 || cols < w)) {
    uint32_t cp;
    int k = canvas_utf8_decode(s + i, len - i, &cp);
    if (used + (size_t)k + 1 >= cap) break;
    if (cp < 0x20) {
      out[used++] = '?';
    } else {
      memcpy(out + used, s + i, (size_t)k);
      used += (size_t)k;
    }
    i += (size_t)k;
    cols++;
  }
  while (w >= 0 && cols < w && used + 1 < cap) out[used++] = ' ', cols++;
  out[used] = '\0';
  return used;
}

#define LINES_MAX_COLS 24
#define LINES_ROW_BYTES 4096

void lines_table(struct lines *ls, const json_t *rows, int width, int indent, int item, int sub) {
  const json_t *first = json_array_get(rows, 0);
  const char *cols[LINES_MAX_COLS];
  int w[LINES_MAX_COLS], nc = 0;
  const char *k;
  json_t *v;
  json_object_foreach((json_t *)first, k, v) {
    if (nc == LINES_MAX_COLS) break;
    if (json_is_object(v) || json_is_array(v)) continue;
    cols[nc] = k;
    w[nc++] = canvas_text_width(k);
  }
  if (!nc) {
    size_t i;
    json_array_foreach(rows, i, v) lines_json_compact(ls, v, indent, item, sub);
    return;
  }
  char buf[128];
  size_t i;
  json_array_foreach(rows, i, v) {
    if (i >= LINES_TABLE_SAMPLE) break;
    for (int c = 0; c < nc; c++) {
      int cw = canvas_text_width(scalar(json_object_get(v, cols[c]), buf, sizeof buf));
      if (cw > w[c]) w[c] = cw;
    }
  }
  /* as many columns as fit, each at most LINES_CELL_MAX; the last takes the rest */
  int avail = width - indent, shown = 0, used_w = 0;
  for (int c = 0; c < nc; c++) {
    if (w[c] > LINES_CELL_MAX) w[c] = LINES_CELL_MAX;
    if (used_w + w[c] + 1 > avail && shown) break;
    used_w += w[c] + 1;
    shown++;
  }
  char *row = vg_xmalloc(LINES_ROW_BYTES);
  size_t n = 0;
  n = cell(row, 0, LINES_ROW_BYTES, "", indent);
  for (int c = 0; c < shown; c++) {
    n = cell(row, n, LINES_ROW_BYTES, cols[c], c == shown - 1 ? -1 : w[c]);
    if (c < shown - 1) n = cell(row, n, LINES_ROW_BYTES, " ", 1);
  }
  push(ls, vg_xstrdup(row), ROLE_HEADER, LINE_TEXT, item, sub);
  json_array_foreach(rows, i, v) {
    n = cell(row, 0, LINES_ROW_BYTES, "", indent);
    for (int c = 0; c < shown; c++) {
      n = cell(row, n, LINES_ROW_BYTES, scalar(json_object_get(v, cols[c]), buf, sizeof buf),
               c == shown - 1 ? -1 : w[c]);
      if (c < shown - 1) n = cell(row, n, LINES_ROW_BYTES, " ", 1);
    }
    push(ls, vg_xstrdup(row), ROLE_NORMAL, LINE_TEXT, item, sub);
  }
  free(row);
}

void lines_draw_json(struct canvas *c, int x, int y, int w, const char *text, bool selected) {
  int end = x + w;
  const char *p = text;
  char tok[1100];
  while (*p && x < end) {
    enum role role = ROLE_NORMAL;
    size_t n;
    if (*p == '"') {
      n = 1;
      while (p[n] && p[n] != '"') n += p[n] == '\\' && p[n + 1] ? 2 : 1;
      if (p[n]) n++;
      role = p[n] == ':' ? ROLE_JSON_KEY : ROLE_JSON_STR;
    } else if (strchr("-0123456789tfn", *p)) {
      n = strcspn(p, ",]} \"");
      if (!n) n = 1;
      role = ROLE_JSON_NUM;
    } else {
      n = strcspn(p, "\"-0123456789tfn");
      if (!n) n = 1;
    }
    if (n >= sizeof tok) n = sizeof tok - 1;
    memcpy(tok, p, n);
    tok[n] = '\0';
    x += canvas_put(c, x, y, selected ? ROLE_SELECTED : role, end - x, tok);
    p += n;
  }
}

void lines_draw(const struct lines *ls, struct canvas *c, struct rect r, struct list_state *l,
                bool show_sel) {
  l->n = ls->n;
  list_fit(l, r.h);
  for (int k = 0; k < r.h && l->top + k < ls->n; k++) {
    const struct line *ln = &ls->v[l->top + k];
    bool sel = show_sel && l->top + k == l->sel;
    if (sel) canvas_fill(c, (struct rect){r.x, r.y + k, r.w, 1}, ROLE_SELECTED);
    if (ln->kind == LINE_JSON)
      lines_draw_json(c, r.x, r.y + k, r.w, ln->text, sel);
    else
      canvas_put(c, r.x, r.y + k, sel ? ROLE_SELECTED : ln->role, r.w, ln->text);
  }
}
