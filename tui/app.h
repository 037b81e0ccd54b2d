/* app.h — the console's state on the UI thread: the view stack, the input
 * line, yes/no questions, the connection state, key dispatch and the frame
 * layout (title bar, banner, view, status bar). The app never blocks: API
 * calls go to the backend hooks (worker.c in vigil; absent in golden tests)
 * and come back through app_deliver_*. */
#ifndef VIGIL_TUI_APP_H
#define VIGIL_TUI_APP_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "tui/input.h"
#include "tui/keymap.h"
#include "tui/view.h"

#define APP_MAX_VIEWS 16
#define APP_MAX_SUBS 64      /* = VG_LIMIT_API_SUBS */
#define APP_ORPHAN_PUSHES 256 /* pushes kept until their subscription is known */
#define APP_STATUS_MS 5000

struct app_backend {
  void *ctx;
  /* Queue a call; its answer comes back as app_deliver_result(owner, tag). */
  void (*call)(void *ctx, int owner, int tag, const char *method, json_t *params,
               int timeout_ms);
};

struct app {
  const struct keymap *km;
  struct view *views[APP_MAX_VIEWS];
  int nviews, next_uid;

  bool input_active, input_live;
  struct input input;
  int input_owner, input_tag;

  bool confirm_active;
  char confirm_q[256];
  int confirm_owner, confirm_tag;

  bool online;       /* connected and authenticated */
  bool ever_online;
  char conn_msg[256]; /* why not online */
  int pending;       /* calls in flight: the spinner turns while > 0 */
  unsigned frame;    /* advances every tick: spinner phase */
  int64_t now_ms;    /* wall clock used for "last seen" (fixed in tests) */
  char status[256];
  enum role status_role;
  int64_t status_until;
  char where[128];   /* the API url or "fixtures", shown in the title */

  struct app_backend be;
  struct {
    int64_t sub;
    int uid;
  } subs[APP_MAX_SUBS];
  int nsubs;
  json_t *orphans;

  struct history *history; /* console history */
  char download_dir[1024]; /* where Files saves downloads */
  bool quit;
};

void app_init(struct app *a, const struct keymap *km);
void app_cleanup(struct app *a);

/* Push v (takes ownership) and give it a uid. */
void app_push_view(struct app *a, struct view *v);
void app_pop_view(struct app *a);
struct view *app_top(struct app *a);
struct view *app_view_by_uid(struct app *a, int uid);
/* Give a view (a tab) a uid without pushing it. */
void app_adopt(struct app *a, struct view *v, struct view *parent);

/* Ask the API (params stolen, NULL = {}); the answer arrives at v->ops->result
 * with tag. Without a backend the call fails at once with EOFFLINE. */
void app_call(struct app *a, struct view *v, int tag, const char *method, json_t *params);
void app_call_timeout(struct app *a, struct view *v, int tag, const char *method,
                      json_t *params, int timeout_ms);
/* Route pushes of subscription sub to v (and any that already arrived). */
void app_sub_register(struct app *a, struct view *v, int64_t sub);
void app_sub_forget(struct app *a, int64_t sub);
/* From the backend (UI thread): result/err borrowed. */
void app_deliver_result(struct app *a, int owner, int tag, json_t *result,
                        const struct vg_err *err);
void app_deliver_push(struct app *a, json_t *push);
void app_set_online(struct app *a, bool online, const char *msg);

/* Open the input line for v; live: v->ops->input is called on every change. */
void app_prompt(struct app *a, struct view *v, int tag, const char *label, const char *text,
                bool live);
void app_confirm(struct app *a, struct view *v, int tag, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void app_status(struct app *a, enum role role, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A key from the terminal. */
void app_key(struct app *a, int key);
/* Run an action as if its key was pressed (the palette). */
void app_run_action(struct app *a, enum action act);
/* About once a second. */
void app_tick(struct app *a);
/* The whole frame. */
void app_draw(struct app *a, struct canvas *c);

/* "3m ago" for a time in ms (0 = "never") relative to a->now_ms. */
const char *app_ago(const struct app *a, int64_t t_ms, char *buf, size_t n);
/* "Enter select  / filter" from the keymap's first key of each action. */
const char *app_hints(const struct app *a, char *buf, size_t n, const enum action *acts,
                      int nacts);
/* Case-insensitive substring test ("" matches everything). */
bool app_match(const char *hay, const char *needle);

#endif
