/* canvas.h — a grid of cells (a character and a semantic role) that views
 * draw into. term.c renders it to ncurses, canvas_to_text() to plain text for
 * the golden-screen tests. Text is UTF-8; wide characters take two cells. */
#ifndef VIGIL_TUI_CANVAS_H
#define VIGIL_TUI_CANVAS_H

#include <stddef.h>
#include <stdint.h>

#include "tui/role.h"

#define CANVAS_MAX_COLS 1000 /* larger terminals are drawn clipped */
#define CANVAS_MAX_ROWS 500

struct cell {
  uint32_t ch;  /* code point; 0 = right half of a wide character */
  uint8_t role; /* enum role */
};

struct canvas {
  int w, h;
  struct cell *cells; /* h rows of w */
  int cur_x, cur_y;   /* cursor to show, or -1 */
};

/* Rectangle inside a canvas that a view draws in. */
struct rect {
  int x, y, w, h;
};

struct canvas *canvas_create(int w, int h); /* sizes clamped to 1..MAX */
void canvas_free(struct canvas *c);         /* NULL is a no-op */
void canvas_resize(struct canvas *c, int w, int h);
/* All cells to ' ' with role; cursor hidden. */
void canvas_clear(struct canvas *c, enum role role);
void canvas_fill(struct canvas *c, struct rect r, enum role role);
/* Set the role of cells without changing their characters. */
void canvas_paint(struct canvas *c, struct rect r, enum role role);

/* Write UTF-8 s at (x, y) in at most maxw columns (< 0: to the right edge);
 * text that does not fit ends in "…". Control characters show as '?'.
 * Returns the columns written. */
int canvas_put(struct canvas *c, int x, int y, enum role role, int maxw, const char *s);
int canvas_printf(struct canvas *c, int x, int y, enum role role, int maxw, const char *fmt,
                  ...) __attribute__((format(printf, 6, 7)));
/* s padded with spaces (or cut) to exactly w columns; right-aligned if right. */
void canvas_put_cell(struct canvas *c, int x, int y, enum role role, int w, int right,
                     const char *s);
void canvas_hline(struct canvas *c, int x, int y, int w, enum role role);

/* Columns UTF-8 s takes on screen. */
int canvas_text_width(const char *s);
/* Decode one UTF-8 sequence at s (n bytes left) into *cp; returns its length
 * (1 for an invalid byte, which decodes to U+FFFD). */
int canvas_utf8_decode(const char *s, size_t n, uint32_t *cp);

/* The canvas as text: one line per row, trailing spaces removed, '\n' after
 * each row. Heap string, caller frees. */
char *canvas_to_text(const struct canvas *c);

static inline struct cell *canvas_at(struct canvas *c, int x, int y) {
  return &c->cells[(size_t)y * (size_t)c->w + (size_t)x];
}

#endif
