/* view.h — what every view (fleet, Live View, help, palette) and every Live
 * View tab implements: one const struct view_ops per kind (view_fleet.c,
 * tab_info.c, …). Views draw into a canvas rectangle and never touch curses
 * or the network: they ask the app to call the API (app_call) and get the
 * answer later through ops->result on the UI thread. */
#ifndef VIGIL_TUI_VIEW_H
#define VIGIL_TUI_VIEW_H

#include <jansson.h>
#include <stdbool.h>

#include "shared/err.h"
#include "tui/action.h"
#include "tui/canvas.h"

struct app;
struct view;

struct view_ops {
  const char *name;  /* "fleet", "info", … (also the title) */
  enum context ctx;  /* looked up first */
  bool list;         /* also looks keys up in the "list" context */
  void (*draw)(struct view *v, struct app *a, struct canvas *c, struct rect r);
  /* 1 if the action was handled here. */
  int (*action)(struct view *v, struct app *a, enum action act);
  /* A response to app_call(…, tag, …): result (borrowed) or err (result NULL). */
  void (*result)(struct view *v, struct app *a, int tag, json_t *result,
                 const struct vg_err *err);
  /* A push on a subscription this view registered (borrowed). */
  void (*push)(struct view *v, struct app *a, json_t *push);
  /* Called about once a second (polls, timeouts). */
  void (*tick)(struct view *v, struct app *a);
  /* An input line this view opened was accepted (text) or changed (live). */
  void (*input)(struct view *v, struct app *a, int tag, const char *text, bool final);
  /* A yes/no question this view asked was answered. */
  void (*confirm)(struct view *v, struct app *a, int tag, bool yes);
  /* The focused child (the active tab), or NULL. */
  struct view *(*focus)(struct view *v);
  /* The hint shown in the status bar ("Enter open  t tags"), or NULL. */
  const char *(*hint)(struct view *v, struct app *a);
  void (*free)(struct view *v);
};

struct view {
  const struct view_ops *ops;
  int uid;            /* unique per app: responses find their view by it */
  struct view *parent; /* the Live View for a tab */
  void *priv;
};

#endif
