/* view_help.c — the help screen. */
#include "tui/view_help.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/alloc.h"
#include "tui/app.h"
#include "tui/list.h"

#define HELP_KEYS_COLS 16

struct help {
  struct list_state l;
  char filter[256];
  /* rows: a context heading (ctx >= 0, act 0) or an action */
  struct {
    int ctx;
    enum action act;
  } rows[ACT__COUNT + CTX__COUNT];
};

static void rebuild(struct help *h) {
  h->l.n = 0;
  for (int c = 0; c < CTX__COUNT; c++) {
    int heading = -1;
    for (int i = ACT_NONE + 1; i < ACT__COUNT; i++) {
      const struct action_info *ai = action_info((enum action)i);
      if ((int)ai->context != c) continue;
      if (h->filter[0] && !app_match(ai->name, h->filter) &&
          !app_match(ai->description, h->filter))
        continue;
      if (heading < 0) {
        heading = h->l.n;
        h->rows[h->l.n].ctx = c;
        h->rows[h->l.n++].act = ACT_NONE;
      }
      h->rows[h->l.n].ctx = c;
      h->rows[h->l.n++].act = (enum action)i;
    }
  }
}

static void draw(struct view *v, struct app *a, struct canvas *c, struct rect r) {
  struct help *h = v->priv;
  canvas_fill(c, (struct rect){r.x, r.y, r.w, 1}, ROLE_HEADER);
  canvas_printf(c, r.x + 1, r.y, ROLE_HEADER, r.w - 2, "Keys%s%s", h->filter[0] ? " matching " : "",
                h->filter);
  int rows = r.h - 1;
  list_fit(&h->l, rows);
  for (int i = 0; i < rows && h->l.top + i < h->l.n; i++) {
    int y = r.y + 1 + i, k = h->l.top + i;
    bool sel = k == h->l.sel;
    if (h->rows[k].act == ACT_NONE) {
      canvas_printf(c, r.x + 1, y, ROLE_LABEL, r.w - 2, "%s — %s",
                    context_name((enum context)h->rows[k].ctx),
                    context_description((enum context)h->rows[k].ctx));
      continue;
    }
    const struct action_info *ai = action_info(h->rows[k].act);
    char keys[128];
    keymap_keys_for(a->km, ai->id, keys, sizeof keys);
    enum role base = sel ? ROLE_SELECTED : ROLE_NORMAL;
    if (sel) canvas_fill(c, (struct rect){r.x, y, r.w, 1}, ROLE_SELECTED);
    canvas_put_cell(c, r.x + 3, y, sel ? ROLE_SELECTED : ROLE_KEY, HELP_KEYS_COLS, 0,
                    keys[0] ? keys : "—");
    int x = r.x + 4 + HELP_KEYS_COLS;
    x += canvas_put(c, x, y, base, 16, ai->name);
    canvas_put(c, r.x + 4 + HELP_KEYS_COLS + 17, y, sel ? ROLE_SELECTED : ROLE_DIM,
               r.w - HELP_KEYS_COLS - 22, ai->description);
  }
}

static int action(struct view *v, struct app *a, enum action act) {
  struct help *h = v->priv;
  if (list_action(&h->l, act)) return 1;
  if (act == ACT_FILTER) {
    app_prompt(a, v, 0, "/", h->filter, true);
    return 1;
  }
  if (act == ACT_HELP) {
    app_pop_view(a);
    return 1;
  }
  if (act == ACT_SELECT) return 1;
  return 0;
}

static void input(struct view *v, struct app *a, int tag, const char *text, bool final) {
  (void)a, (void)tag, (void)final;
  struct help *h = v->priv;
  snprintf(h->filter, sizeof h->filter, "%s", text ? text : "");
  rebuild(h);
  h->l.sel = h->l.top = 0;
}

static const char *hint(struct view *v, struct app *a) {
  static char buf[128];
  static const enum action acts[] = {ACT_FILTER, ACT_BACK};
  (void)v;
  return app_hints(a, buf, sizeof buf, acts, 2);
}

static void help_free(struct view *v) {
  free(v->priv);
  free(v);
}

static const struct view_ops help_ops = {
    .name = "help",
    .ctx = CTX_GLOBAL,
    .list = true,
    .draw = draw,
    .action = action,
    .input = input,
    .hint = hint,
    .free = help_free,
};

struct view *view_help_create(struct app *a) {
  (void)a;
  struct view *v = vg_xcalloc(1, sizeof *v);
  struct help *h = vg_xcalloc(1, sizeof *h);
  rebuild(h);
  v->ops = &help_ops;
  v->priv = h;
  return v;
}
