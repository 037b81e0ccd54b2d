/* canvas.c — the cell grid views draw into. */
#include "tui/canvas.h"

#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "shared/alloc.h"
#include "shared/buf.h"

#define CANVAS_PRINTF_BYTES 4096

static int clampi(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }

struct canvas *canvas_create(int w, int h) {
  struct canvas *c = vg_xcalloc(1, sizeof *c);
  canvas_resize(c, w, h);
  return c;
}

void canvas_free(struct canvas *c) {
  if (!c) return;
  free(c->cells);
  free(c);
}

void canvas_resize(struct canvas *c, int w, int h) {
  c->w = clampi(w, 1, CANVAS_MAX_COLS);
  c->h = clampi(h, 1, CANVAS_MAX_ROWS);
  free(c->cells);
  c->cells = vg_xcalloc((size_t)c->w * (size_t)c->h, sizeof *c->cells);
  canvas_clear(c, ROLE_NORMAL);
}

void canvas_clear(struct canvas *c, enum role role) {
  canvas_fill(c, (struct rect){0, 0, c->w, c->h}, role);
  c->cur_x = c->cur_y = -1;
}

static struct rect clip(const struct canvas *c, struct rect r) {
  int x0 = clampi(r.x, 0, c->w), y0 = clampi(r.y, 0, c->h);
  int x1 = clampi(r.x + r.w, 0, c->w), y1 = clampi(r.y + r.h, 0, c->h);
  return (struct rect){x0, y0, x1 > x0 ? x1 - x0 : 0, y1 > y0 ? y1 - y0 : 0};
}

void canvas_fill(struct canvas *c, struct rect r, enum role role) {
  r = clip(c, r);
  for (int y = r.y; y < r.y + r.h; y++)
    for (int x = r.x; x < r.x + r.w; x++) *canvas_at(c, x, y) = (struct cell){' ', (uint8_t)role};
}

void canvas_paint(struct canvas *c, struct rect r, enum role role) {
  r = clip(c, r);
  for (int y = r.y; y < r.y + r.h; y++)
    for (int x = r.x; x < r.x + r.w; x++) canvas_at(c, x, y)->role = (uint8_t)role;
}

int canvas_utf8_decode(const char *s, size_t n, uint32_t *cp) {
  const unsigned char *u = (const unsigned char *)s;
  int len;
  uint32_t v, min;
  if (u[0] < 0x80) {
    *cp = u[0];
    return 1;
  } else if ((u[0] & 0xE0) == 0xC0) {
    len = 2, v = u[0] & 0x1F, min = 0x80;
  } else if ((u[0] & 0xF0) == 0xE0) {
    len = 3, v = u[0] & 0x0F, min = 0x800;
  } else if ((u[0] & 0xF8) == 0xF0) {
    len = 4, v = u[0] & 0x07, min = 0x10000;
  } else {
    *cp = 0xFFFD;
    return 1;
  }
  if ((size_t)len > n) {
    *cp = 0xFFFD;
    return 1;
  }
  for (int i = 1; i < len; i++) {
    if ((u[i] & 0xC0) != 0x80) {
      *cp = 0xFFFD;
      return 1;
    }
    v = (v << 6) | (u[i] & 0x3F);
  }
  if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) v = 0xFFFD;
  *cp = v;
  return len;
}

static int cp_width(uint32_t *cp) {
  if (*cp < 0x20 || *cp == 0x7F || (*cp >= 0x80 && *cp < 0xA0)) {
    *cp = '?';
    return 1;
  }
  if (*cp < 0x7F) return 1;
  int w = wcwidth((wchar_t)*cp);
  if (w < 0) return 1; /* unknown to this locale: one cell */
  return w;
}

int canvas_text_width(const char *s) {
  size_t n = strlen(s);
  int w = 0;
  while (n) {
    uint32_t cp;
    int l = canvas_utf8_decode(s, n, &cp);
    w += cp_width(&cp);
    s += l, n -= (size_t)l;
  }
  return w;
}

static void put_cp(struct canvas *c, int x, int y, uint32_t cp, int w, enum role role) {
  *canvas_at(c, x, y) = (struct cell){cp, (uint8_t)role};
  if (w == 2) *canvas_at(c, x + 1, y) = (struct cell){0, (uint8_t)role};
}

int canvas_put(struct canvas *c, int x, int y, enum role role, int maxw, const char *s) {
  if (y < 0 || y >= c->h || x >= c->w || !s) return 0;
  int limit = c->w - x;
  if (maxw >= 0 && maxw < limit) limit = maxw;
  if (limit <= 0) return 0;
  int total = canvas_text_width(s);
  int room = total > limit ? limit - 1 : limit; /* keep one column for "…" */
  size_t n = strlen(s);
  int col = 0;
  while (n) {
    uint32_t cp;
    int l = canvas_utf8_decode(s, n, &cp);
    int w = cp_width(&cp);
    if (w == 0) { /* combining: attach by skipping (cells hold one code point) */
      s += l, n -= (size_t)l;
      continue;
    }
    if (col + w > room) break;
    if (x + col >= 0) put_cp(c, x + col, y, cp, w, role);
    col += w;
    s += l, n -= (size_t)l;
  }
  if (total > limit) {
    if (x + col >= 0) put_cp(c, x + col, y, 0x2026, 1, role);
    col++;
  }
  return col;
}

int canvas_printf(struct canvas *c, int x, int y, enum role role, int maxw, const char *fmt,
                  ...) {
  char buf[CANVAS_PRINTF_BYTES];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  return canvas_put(c, x, y, role, maxw, buf);
}

void canvas_put_cell(struct canvas *c, int x, int y, enum role role, int w, int right,
                     const char *s) {
  if (w <= 0) return;
  canvas_fill(c, (struct rect){x, y, w, 1}, role);
  int tw = canvas_text_width(s);
  int off = right && tw < w ? w - tw : 0;
  canvas_put(c, x + off, y, role, w - off, s);
}

void canvas_hline(struct canvas *c, int x, int y, int w, enum role role) {
  for (int i = 0; i < w; i++)
    if (x + i >= 0 && x + i < c->w && y >= 0 && y < c->h)
      *canvas_at(c, x + i, y) = (struct cell){0x2500, (uint8_t)role};
}

static void put_utf8(struct vg_buf *b, uint32_t cp) {
  char o[4];
  size_t n;
  if (cp < 0x80) {
    o[0] = (char)cp, n = 1;
  } else if (cp < 0x800) {
    o[0] = (char)(0xC0 | (cp >> 6)), o[1] = (char)(0x80 | (cp & 0x3F)), n = 2;
  } else if (cp < 0x10000) {
    o[0] = (char)(0xE0 | (cp >> 12)), o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[2] = (char)(0x80 | (cp & 0x3F)), n = 3;
  } else {
    o[0] = (char)(0xF0 | (cp >> 18)), o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), o[3] = (char)(0x80 | (cp & 0x3F)), n = 4;
  }
  vg_buf_append(b, o, n);
}

char *canvas_to_text(const struct canvas *c) {
  struct vg_buf b;
  vg_buf_init(&b, (size_t)c->h * ((size_t)c->w * 4 + 1) + 1);
  for (int y = 0; y < c->h; y++) {
    int last = c->w - 1;
    while (last >= 0 && c->cells[(size_t)y * (size_t)c->w + (size_t)last].ch == ' ') last--;
    for (int x = 0; x <= last; x++) {
      uint32_t cp = c->cells[(size_t)y * (size_t)c->w + (size_t)x].ch;
      if (cp) put_utf8(&b, cp);
    }
    vg_buf_append(&b, "\n", 1);
  }
  return vg_buf_steal(&b, NULL);
}
