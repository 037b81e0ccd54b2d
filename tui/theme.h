/* theme.h — styles for the semantic roles (role.h), as data. A theme file
 * holds statements
 *   style <role> [fg=<colour>] [bg=<colour>] [attr=<a>,<a>…] [mono=<a>,…]
 * colour: default, 0…255, black red green yellow blue magenta cyan white,
 * bright-black … bright-white; attributes: bold dim underline reverse italic
 * none. `mono` gives the attributes used without colour (NO_COLOR, a
 * monochrome terminal). Unknown roles, colours or attributes are errors with
 * file:line:col (docs/themes.md). */
#ifndef VIGIL_TUI_THEME_H
#define VIGIL_TUI_THEME_H

#include <stddef.h>

#include "shared/err.h"
#include "tui/role.h"

#define THEME_COLOR_DEFAULT (-1)

enum {
  THEME_BOLD = 1 << 0,
  THEME_DIM = 1 << 1,
  THEME_UNDERLINE = 1 << 2,
  THEME_REVERSE = 1 << 3,
  THEME_ITALIC = 1 << 4,
};

struct theme_style {
  short fg, bg;   /* 0…255 or THEME_COLOR_DEFAULT */
  unsigned attrs; /* THEME_* with colour */
  unsigned mono;  /* THEME_* without colour */
  unsigned char set; /* the theme named this role */
};

struct theme {
  struct theme_style s[ROLE__COUNT];
};

/* Every role default/default, no attributes. */
void theme_init(struct theme *t);
/* Apply a theme file's text on top of t. 0 or -VG_E* with err at file:line:col. */
int theme_load_text(struct theme *t, const char *file, const char *text, size_t len,
                    struct vg_err *err);
int theme_load_file(struct theme *t, const char *path, struct vg_err *err);
/* The built-in theme text (themes/dark, light, high-contrast, mono), or NULL. */
const char *theme_builtin(const char *name);
/* A colour reduced to the 8 basic ones (for terminals without 256 colours). */
short theme_color8(short c);

#endif
