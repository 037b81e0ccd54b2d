/* theme.c — the theme file parser. */
#include "tui/theme.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tui/embedded.h"
#include "tui/textconf.h"

static const char *const color_names[8] = {"black", "red",     "green", "yellow",
                                           "blue",  "magenta", "cyan",  "white"};

static const struct {
  const char *name;
  unsigned bit;
} attr_names[] = {
    {"bold", THEME_BOLD},         {"dim", THEME_DIM},       {"underline", THEME_UNDERLINE},
    {"reverse", THEME_REVERSE},   {"italic", THEME_ITALIC}, {"none", 0},
};

void theme_init(struct theme *t) {
  for (int i = 0; i < ROLE__COUNT; i++)
    t->s[i] = (struct theme_style){THEME_COLOR_DEFAULT, THEME_COLOR_DEFAULT, 0, 0, 0};
}

static int parse_color(const char *v, short *out) {
  if (strcmp(v, "default") == 0) return *out = THEME_COLOR_DEFAULT, 0;
  for (int i = 0; i < 8; i++) {
    if (strcmp(v, color_names[i]) == 0) return *out = (short)i, 0;
    if (strncmp(v, "bright-", 7) == 0 && strcmp(v + 7, color_names[i]) == 0)
      return *out = (short)(i + 8), 0;
  }
  if (v[0] < '0' || v[0] > '9') return -1;
  char *end;
  errno = 0;
  long n = strtol(v, &end, 10);
  if (errno || *end || n < 0 || n > 255) return -1;
  *out = (short)n;
  return 0;
}

/* attrs: comma-separated names; on error *bad points at the bad name. */
static int parse_attrs(char *v, unsigned *out, const char **bad) {
  unsigned a = 0;
  for (char *tok = v; tok;) {
    char *comma = strchr(tok, ',');
    if (comma) *comma = '\0';
    size_t i;
    for (i = 0; i < sizeof attr_names / sizeof attr_names[0]; i++)
      if (strcmp(tok, attr_names[i].name) == 0) break;
    if (i == sizeof attr_names / sizeof attr_names[0]) {
      *bad = tok;
      return -1;
    }
    a |= attr_names[i].bit;
    tok = comma ? comma + 1 : NULL;
  }
  *out = a;
  return 0;
}

static int statement(const struct textconf_line *l, void *ctx, struct vg_err *err) {
  struct theme *t = ctx;
  if (strcmp(l->words[0], "style") != 0)
    return textconf_error(err, VG_EUNKNOWN, l, 0, "unknown statement '%s' (expected style)",
                          l->words[0]);
  if (l->nwords < 3)
    return textconf_error(err, VG_EPARSE, l, -1,
                          "style takes a role and at least one of fg= bg= attr= mono=");
  int r = role_by_name(l->words[1]);
  if (r < 0) return textconf_error(err, VG_EUNKNOWN, l, 1, "unknown role '%s'", l->words[1]);
  struct theme_style s = {THEME_COLOR_DEFAULT, THEME_COLOR_DEFAULT, 0, 0, 1};
  for (int i = 2; i < l->nwords; i++) {
    char *eq = strchr(l->words[i], '=');
    if (!eq)
      return textconf_error(err, VG_EPARSE, l, i, "expected key=value, got '%s'",
                            l->words[i]);
    *eq = '\0';
    const char *k = l->words[i];
    char *v = eq + 1;
    const char *bad = NULL;
    if (strcmp(k, "fg") == 0 || strcmp(k, "bg") == 0) {
      if (parse_color(v, k[0] == 'f' ? &s.fg : &s.bg) < 0)
        return textconf_error(err, VG_EINVAL, l, i,
                              "%s: unknown colour '%s' (default, 0-255 or a colour name)", k, v);
    } else if (strcmp(k, "attr") == 0 || strcmp(k, "mono") == 0) {
      if (parse_attrs(v, k[0] == 'a' ? &s.attrs : &s.mono, &bad) < 0)
        return textconf_error(err, VG_EINVAL, l, i, "%s: unknown attribute '%s'", k, bad);
    } else {
      return textconf_error(err, VG_EUNKNOWN, l, i, "unknown key '%s' (fg, bg, attr, mono)", k);
    }
  }
  t->s[r] = s;
  return 0;
}

int theme_load_text(struct theme *t, const char *file, const char *text, size_t len,
                    struct vg_err *err) {
  return textconf_parse(file, text, len, statement, t, err);
}

int theme_load_file(struct theme *t, const char *path, struct vg_err *err) {
  char *text;
  size_t len;
  int rc = textconf_read_file(path, &text, &len, err);
  if (rc) return rc;
  rc = theme_load_text(t, path, text, len, err);
  free(text);
  return rc;
}

const char *theme_builtin(const char *name) {
  for (size_t i = 0; i < embedded_theme_count; i++)
    if (strcmp(embedded_themes[i].name, name) == 0) return embedded_themes[i].text;
  return NULL;
}

short theme_color8(short c) {
  if (c < 0) return c;
  if (c < 16) return (short)(c & 7);
  if (c >= 232) return c < 244 ? 0 : 7;
  int v = c - 16, r = v / 36, g = (v / 6) % 6, b = v % 6;
  return (short)((r >= 3 ? 1 : 0) | (g >= 3 ? 2 : 0) | (b >= 3 ? 4 : 0));
}
