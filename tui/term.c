/* term.c — ncursesw: the terminal layer. */
#include "tui/term.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "tui/keys.h"

#define TERM_ESCDELAY_MS 25

static struct theme theme;
static enum term_colors colors;
static attr_t role_attr[ROLE__COUNT];
static bool started;

static attr_t to_attr(unsigned a) {
  attr_t r = A_NORMAL;
  if (a & THEME_BOLD) r |= A_BOLD;
  if (a & THEME_DIM) r |= A_DIM;
  if (a & THEME_UNDERLINE) r |= A_UNDERLINE;
  if (a & THEME_REVERSE) r |= A_REVERSE;
#ifdef A_ITALIC
  if (a & THEME_ITALIC) r |= A_ITALIC;
#endif
  return r;
}

static void setup_colors(void) {
  const char *nc = getenv("NO_COLOR");
  colors = TERM_MONO;
  if ((!nc || !nc[0]) && has_colors()) {
    start_color();
    use_default_colors();
    colors = COLORS >= 256 ? TERM_256 : COLORS >= 8 ? TERM_8 : TERM_MONO;
  }
  for (int r = 0; r < ROLE__COUNT; r++) {
    const struct theme_style *s = &theme.s[r];
    if (colors == TERM_MONO) {
      role_attr[r] = to_attr(s->mono);
      continue;
    }
    short fg = s->fg, bg = s->bg;
    attr_t extra = A_NORMAL;
    if (colors == TERM_8) {
      if (fg >= 8 && fg < 16) extra |= A_BOLD; /* bright = bold on 8 colours */
      fg = theme_color8(fg), bg = theme_color8(bg);
      if (fg >= 0 && fg == bg) fg = (short)(bg == 0 ? 7 : 0); /* keep text readable */
    }
    init_pair((short)(r + 1), fg, bg);
    role_attr[r] = to_attr(s->attrs) | extra | (attr_t)COLOR_PAIR(r + 1);
  }
}

int term_start(const struct theme *t, bool mouse) {
  theme = *t;
  if (!initscr()) return -1;
  started = true;
  cbreak();
  noecho();
  nonl();
  keypad(stdscr, TRUE);
  nodelay(stdscr, TRUE);
  set_escdelay(TERM_ESCDELAY_MS);
  curs_set(0);
  if (mouse) mousemask(BUTTON1_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
  setup_colors();
  return 0;
}

void term_stop(void) {
  if (started) endwin();
  started = false;
}

enum term_colors term_colors(void) { return colors; }

void term_size(int *w, int *h) {
  *w = COLS;
  *h = LINES;
}

void term_render(const struct canvas *c) {
  int h = c->h < LINES ? c->h : LINES, w = c->w < COLS ? c->w : COLS;
  for (int y = 0; y < h; y++) {
    for (int x = 0; x < w; x++) {
      const struct cell *cl = &c->cells[(size_t)y * (size_t)c->w + (size_t)x];
      if (cl->ch == 0) continue; /* right half of a wide character */
      wchar_t wc[2] = {(wchar_t)cl->ch, 0};
      cchar_t cc;
      attr_t at = role_attr[cl->role < ROLE__COUNT ? cl->role : 0];
      setcchar(&cc, wc, at & ~A_COLOR, (short)PAIR_NUMBER(at), NULL);
      /* the bottom-right cell: writing it may scroll; insert instead */
      if (y == LINES - 1 && x == COLS - 1) {
        mvins_wch(y, x, &cc);
      } else {
        mvadd_wch(y, x, &cc);
      }
    }
  }
  if (c->cur_x >= 0 && c->cur_y >= 0 && c->cur_x < COLS && c->cur_y < LINES) {
    curs_set(1);
    move(c->cur_y, c->cur_x);
  } else {
    curs_set(0);
  }
  refresh();
}

static int map_key(int code) {
  switch (code) {
  case KEY_UP: return VK_UP;
  case KEY_DOWN: return VK_DOWN;
  case KEY_LEFT: return VK_LEFT;
  case KEY_RIGHT: return VK_RIGHT;
  case KEY_PPAGE: return VK_PGUP;
  case KEY_NPAGE: return VK_PGDN;
  case KEY_HOME: return VK_HOME;
  case KEY_END: return VK_END;
  case KEY_IC: return VK_INSERT;
  case KEY_DC: return VK_DELETE;
  case KEY_BACKSPACE: return VK_BACKSPACE;
  case KEY_BTAB: return VK_BTAB;
  case KEY_ENTER: return VK_ENTER;
  case KEY_RESIZE: return VK_RESIZE;
  case KEY_MOUSE: return VK_MOUSE;
  default: break;
  }
  if (code >= KEY_F(1) && code <= KEY_F(12)) return VK_F1 + (code - KEY_F(1));
  return -1;
}

static int read_one(struct term_mouse *m) {
  wint_t ch;
  int rc = get_wch(&ch);
  if (rc == ERR) return -1;
  if (rc == KEY_CODE_YES) {
    int k = map_key((int)ch);
    if (k == VK_MOUSE && m) {
      MEVENT ev;
      memset(m, 0, sizeof *m);
      if (getmouse(&ev) == OK) {
        m->x = ev.x, m->y = ev.y;
        if (ev.bstate & BUTTON4_PRESSED) m->wheel = -1;
        else if (ev.bstate & BUTTON5_PRESSED) m->wheel = 1;
        else if (ev.bstate & BUTTON1_CLICKED) m->click = true;
      }
    }
    return k;
  }
  if (ch == '\r' || ch == '\n') return VK_ENTER;
  if (ch == 0x7F) return VK_BACKSPACE;
  return (int)ch;
}

static int pushed_back = -1;

int term_key(struct term_mouse *m) {
  int k;
  if (pushed_back >= 0) {
    k = pushed_back;
    pushed_back = -1;
    return k;
  }
  k = read_one(m);
  if (k != VK_ESC) return k;
  /* ESC followed at once by a character: Meta/Alt + that character */
  int next = read_one(m);
  if (next < 0) return VK_ESC;
  if (next >= ' ' && next < KEYS_SPECIAL) return next | KEYS_META;
  pushed_back = next; /* Esc, then a key of its own (a resize, another Esc…) */
  return VK_ESC;
}
