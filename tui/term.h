/* term.h — the only file that talks to curses: start/stop the terminal,
 * colours from the theme (256, 8 or none: NO_COLOR, monochrome terminals),
 * render a canvas, read keys (KEY_RESIZE and mouse included). */
#ifndef VIGIL_TUI_TERM_H
#define VIGIL_TUI_TERM_H

#include <stdbool.h>

#include "tui/canvas.h"
#include "tui/theme.h"

enum term_colors { TERM_MONO, TERM_8, TERM_256 };

struct term_mouse {
  int x, y;
  int wheel; /* -1 up, +1 down, 0 none */
  bool click;
};

/* Start curses on the controlling terminal with theme t (copied). mouse:
 * report clicks and the wheel. */
int term_start(const struct theme *t, bool mouse);
void term_stop(void);
enum term_colors term_colors(void);
/* Terminal size in cells. */
void term_size(int *w, int *h);
/* Draw c on the terminal (only changed cells reach it). */
void term_render(const struct canvas *c);
/* Next key without waiting (key.h codes), or -1 if none is buffered. */
int term_key(struct term_mouse *m);

#endif
