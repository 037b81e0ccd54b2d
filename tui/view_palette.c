/* view_palette.c — the command palette. */
#include "tui/view_palette.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/alloc.h"
#include "tui/app.h"
#include "tui/list.h"

struct palette {
  struct list_state l;
  enum action rows[ACT__COUNT];
};

static void rebuild(struct palette *p, const char *filter) {
  p->l.n = 0;
  for (int i = ACT_NONE + 1; i < ACT__COUNT; i++) {
    const struct action_info *ai = action_info((enum action)i);
    if (ai->context == CTX_INPUT || ai->context == CTX_CONFIRM) continue;
    if (ai->id == ACT_PALETTE) continue;
    if (!app_match(ai->name, filter) && !app_match(ai->description, filter)) continue;
    p->rows[p->l.n++] = ai->id;
  }
  p->l.sel = p->l.top = 0;
}

static void draw(struct view *v, struct app *a, struct canvas *c, struct rect r) {
  struct palette *p = v->priv;
  canvas_fill(c, (struct rect){r.x, r.y, r.w, 1}, ROLE_HEADER);
  canvas_printf(c, r.x + 1, r.y, ROLE_HEADER, r.w - 2, "Run an action (%d)", p->l.n);
  int rows = r.h - 1;
  list_fit(&p->l, rows);
  for (int i = 0; i < rows && p->l.top + i < p->l.n; i++) {
    int y = r.y + 1 + i, k = p->l.top + i;
    bool sel = k == p->l.sel;
    const struct action_info *ai = action_info(p->rows[k]);
    char keys[128];
    keymap_keys_for(a->km, ai->id, keys, sizeof keys);
    if (sel) canvas_fill(c, (struct rect){r.x, y, r.w, 1}, ROLE_SELECTED);
    canvas_put(c, r.x + 2, y, sel ? ROLE_SELECTED : ROLE_NORMAL, 16, ai->name);
    canvas_put_cell(c, r.x + 19, y, sel ? ROLE_SELECTED : ROLE_KEY, 12, 0, keys);
    canvas_put(c, r.x + 32, y, sel ? ROLE_SELECTED : ROLE_DIM, r.w - 33, ai->description);
  }
}

static int action(struct view *v, struct app *a, enum action act) {
  (void)a;
  struct palette *p = v->priv;
  return list_action(&p->l, act) ? 1 : 0;
}

static void input(struct view *v, struct app *a, int tag, const char *text, bool final) {
  (void)tag;
  struct palette *p = v->priv;
  if (!final) {
    rebuild(p, text);
    return;
  }
  enum action run = text && p->l.n ? p->rows[p->l.sel] : ACT_NONE;
  app_pop_view(a); /* frees v */
  if (run) app_run_action(a, run);
}

static void palette_free(struct view *v) {
  free(v->priv);
  free(v);
}

static const struct view_ops palette_ops = {
    .name = "palette",
    .ctx = CTX_GLOBAL,
    .list = true,
    .draw = draw,
    .action = action,
    .input = input,
    .free = palette_free,
};

struct view *view_palette_create(struct app *a) {
  (void)a;
  struct view *v = vg_xcalloc(1, sizeof *v);
  struct palette *p = vg_xcalloc(1, sizeof *p);
  rebuild(p, "");
  v->ops = &palette_ops;
  v->priv = p;
  return v;
}

void view_palette_start(struct view *v, struct app *a) { app_prompt(a, v, 0, ":", "", true); }
