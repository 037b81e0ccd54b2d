/* app.c — view stack, key dispatch and frame layout. */
#include "tui/app.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tui/history.h"
#include "tui/keys.h"
#include "tui/view_help.h"
#include "tui/view_palette.h"

#define APP_CALL_TIMEOUT_MS 30000

static const char *const spinner[] = {"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"};

void app_init(struct app *a, const struct keymap *km) {
  memset(a, 0, sizeof *a);
  a->km = km;
  a->next_uid = 1;
  a->orphans = json_array();
  snprintf(a->conn_msg, sizeof a->conn_msg, "connecting");
}

static void view_free(struct view *v) {
  if (v && v->ops->free) v->ops->free(v);
}

void app_cleanup(struct app *a) {
  while (a->nviews) app_pop_view(a);
  json_decref(a->orphans);
  a->orphans = NULL;
}

void app_adopt(struct app *a, struct view *v, struct view *parent) {
  v->uid = a->next_uid++;
  v->parent = parent;
}

void app_push_view(struct app *a, struct view *v) {
  if (a->nviews == APP_MAX_VIEWS) {
    view_free(v);
    app_status(a, ROLE_WARN, "too many views open");
    return;
  }
  app_adopt(a, v, NULL);
  a->views[a->nviews++] = v;
}

void app_pop_view(struct app *a) {
  if (!a->nviews) return;
  struct view *v = a->views[--a->nviews];
  if (a->input_active && a->input_owner == v->uid) a->input_active = false;
  if (a->confirm_active && a->confirm_owner == v->uid) a->confirm_active = false;
  view_free(v);
}

struct view *app_top(struct app *a) { return a->nviews ? a->views[a->nviews - 1] : NULL; }

static struct view *find_in(struct view *v, int uid) {
  for (int depth = 0; v && depth < 4; depth++) {
    if (v->uid == uid) return v;
    v = v->ops->focus ? v->ops->focus(v) : NULL;
  }
  return NULL;
}

struct view *app_view_by_uid(struct app *a, int uid) {
  for (int i = 0; i < a->nviews; i++) {
    struct view *v = a->views[i];
    if (v->uid == uid) return v;
    /* tabs: not only the focused one */
    if (v->ops->focus) {
      struct view *f = find_in(v, uid);
      if (f) return f;
    }
  }
  return NULL;
}

void app_call_timeout(struct app *a, struct view *v, int tag, const char *method,
                      json_t *params, int timeout_ms) {
  if (!params) params = json_object();
  if (!a->be.call) {
    json_decref(params);
    struct vg_err e = {0};
    vg_err_fail(&e, VG_EOFFLINE, "no connection to vigild");
    if (v->ops->result) v->ops->result(v, a, tag, NULL, &e);
    return;
  }
  a->pending++;
  a->be.call(a->be.ctx, v->uid, tag, method, params, timeout_ms);
}

void app_call(struct app *a, struct view *v, int tag, const char *method, json_t *params) {
  app_call_timeout(a, v, tag, method, params, APP_CALL_TIMEOUT_MS);
}

void app_deliver_result(struct app *a, int owner, int tag, json_t *result,
                        const struct vg_err *err) {
  if (a->pending > 0) a->pending--;
  struct view *v = app_view_by_uid(a, owner);
  if (v && v->ops->result) v->ops->result(v, a, tag, result, err);
}

static int64_t push_sub(const json_t *push) {
  return json_integer_value(json_object_get(push, "sub"));
}

void app_sub_register(struct app *a, struct view *v, int64_t sub) {
  if (a->nsubs == APP_MAX_SUBS) return;
  a->subs[a->nsubs].sub = sub;
  a->subs[a->nsubs].uid = v->uid;
  a->nsubs++;
  size_t i = 0;
  while (i < json_array_size(a->orphans)) {
    json_t *p = json_array_get(a->orphans, i);
    if (push_sub(p) == sub) {
      json_incref(p);
      json_array_remove(a->orphans, i);
      if (v->ops->push) v->ops->push(v, a, p);
      json_decref(p);
    } else {
      i++;
    }
  }
}

void app_sub_forget(struct app *a, int64_t sub) {
  for (int i = 0; i < a->nsubs; i++) {
    if (a->subs[i].sub == sub) {
      a->subs[i] = a->subs[--a->nsubs];
      return;
    }
  }
}

void app_deliver_push(struct app *a, json_t *push) {
  int64_t sub = push_sub(push);
  for (int i = 0; i < a->nsubs; i++) {
    if (a->subs[i].sub != sub) continue;
    struct view *v = app_view_by_uid(a, a->subs[i].uid);
    if (!v) {
      a->subs[i] = a->subs[--a->nsubs];
      return;
    }
    if (v->ops->push) v->ops->push(v, a, push);
    return;
  }
  if (json_array_size(a->orphans) >= APP_ORPHAN_PUSHES) json_array_remove(a->orphans, 0);
  json_array_append(a->orphans, push);
}

void app_set_online(struct app *a, bool online, const char *msg) {
  if (online && !a->online) a->ever_online = true;
  if (!online && a->online) a->nsubs = 0; /* the server forgot our subscriptions */
  a->online = online;
  snprintf(a->conn_msg, sizeof a->conn_msg, "%s", msg && msg[0] ? msg : online ? "" : "cannot reach vigild, retrying");
}

void app_prompt(struct app *a, struct view *v, int tag, const char *label, const char *text,
                bool live) {
  input_init(&a->input, label, text);
  a->input_active = true;
  a->input_live = live;
  a->input_owner = v->uid;
  a->input_tag = tag;
}

void app_confirm(struct app *a, struct view *v, int tag, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(a->confirm_q, sizeof a->confirm_q, fmt, ap);
  va_end(ap);
  a->confirm_active = true;
  a->confirm_owner = v->uid;
  a->confirm_tag = tag;
}

void app_status(struct app *a, enum role role, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(a->status, sizeof a->status, fmt, ap);
  va_end(ap);
  a->status_role = role;
  a->status_until = a->now_ms + APP_STATUS_MS;
}

/* The focus chain: top view, then its focused child (a tab). */
static int chain(struct app *a, struct view **out) {
  int n = 0;
  for (struct view *v = app_top(a); v && n < 4; v = v->ops->focus ? v->ops->focus(v) : NULL)
    out[n++] = v;
  return n;
}

static enum action lookup(struct app *a, struct view **ch, int n, int key) {
  for (int i = n - 1; i >= 0; i--) {
    enum action act = keymap_lookup(a->km, ch[i]->ops->ctx, key);
    if (act) return act;
    if (ch[i]->ops->list && (act = keymap_lookup(a->km, CTX_LIST, key))) return act;
  }
  return keymap_lookup(a->km, CTX_GLOBAL, key);
}

void app_run_action(struct app *a, enum action act) {
  struct view *ch[4];
  int n = chain(a, ch);
  for (int i = n - 1; i >= 0; i--)
    if (ch[i]->ops->action && ch[i]->ops->action(ch[i], a, act)) return;
  switch (act) {
  case ACT_QUIT:
    if (a->nviews > 1) {
      app_pop_view(a);
    } else {
      a->quit = true;
    }
    break;
  case ACT_BACK:
    if (a->nviews > 1) app_pop_view(a);
    break;
  case ACT_HELP: app_push_view(a, view_help_create(a)); break;
  case ACT_PALETTE: {
    struct view *p = view_palette_create(a);
    app_push_view(a, p);
    view_palette_start(p, a);
    break;
  }
  default: break;
  }
}

static void input_key(struct app *a, int key) {
  struct view *owner = app_view_by_uid(a, a->input_owner);
  if (!owner) {
    a->input_active = false;
    return;
  }
  enum action act = keymap_lookup(a->km, CTX_INPUT, key);
  if (act == ACT_SUBMIT || act == ACT_CANCEL) {
    char text[INPUT_BYTES];
    snprintf(text, sizeof text, "%s", a->input.buf);
    a->input_active = false;
    if (act == ACT_SUBMIT && owner->ops->input) owner->ops->input(owner, a, a->input_tag, text, true);
    if (act == ACT_CANCEL && a->input_live && owner->ops->input)
      owner->ops->input(owner, a, a->input_tag, NULL, true);
    return;
  }
  size_t before = a->input.len;
  char old[INPUT_BYTES];
  memcpy(old, a->input.buf, a->input.len + 1);
  if (act && input_action(&a->input, act)) {
    /* edited */
  } else if (key >= ' ' && key < KEYS_SPECIAL && key != 0x7F) {
    input_insert(&a->input, key);
  } else {
    /* not for the line: the owner's own keys (Up/Down in the palette list) */
    struct view *ch[4];
    int n = chain(a, ch);
    enum action va = lookup(a, ch, n, key);
    if (va && owner->ops->action) owner->ops->action(owner, a, va);
    return;
  }
  if (a->input_live && owner->ops->input &&
      (a->input.len != before || strcmp(old, a->input.buf) != 0))
    owner->ops->input(owner, a, a->input_tag, a->input.buf, false);
}

void app_key(struct app *a, int key) {
  if (key == VK_RESIZE || key == VK_MOUSE) return;
  if (a->input_active) {
    input_key(a, key);
    return;
  }
  if (a->confirm_active) {
    enum action act = keymap_lookup(a->km, CTX_CONFIRM, key);
    if (act != ACT_YES && act != ACT_NO) return;
    a->confirm_active = false;
    struct view *v = app_view_by_uid(a, a->confirm_owner);
    if (v && v->ops->confirm) v->ops->confirm(v, a, a->confirm_tag, act == ACT_YES);
    return;
  }
  struct view *ch[4];
  int n = chain(a, ch);
  enum action act = lookup(a, ch, n, key);
  if (act) app_run_action(a, act);
}

void app_tick(struct app *a) {
  a->frame++;
  struct view *ch[4];
  int n = chain(a, ch);
  for (int i = 0; i < n; i++)
    if (ch[i]->ops->tick) ch[i]->ops->tick(ch[i], a);
}

const char *app_ago(const struct app *a, int64_t t_ms, char *buf, size_t n) {
  if (t_ms <= 0) {
    snprintf(buf, n, "never");
    return buf;
  }
  int64_t s = (a->now_ms - t_ms) / 1000;
  if (s < 0) s = 0;
  if (s < 60) {
    snprintf(buf, n, "%llds ago", (long long)s);
  } else if (s < 3600) {
    snprintf(buf, n, "%lldm ago", (long long)(s / 60));
  } else if (s < 86400) {
    snprintf(buf, n, "%lldh ago", (long long)(s / 3600));
  } else {
    snprintf(buf, n, "%lldd ago", (long long)(s / 86400));
  }
  return buf;
}

bool app_match(const char *hay, const char *needle) {
  if (!needle || !needle[0]) return true;
  if (!hay) return false;
  size_t nl = strlen(needle);
  for (const char *p = hay; *p; p++)
    if (strncasecmp(p, needle, nl) == 0) return true;
  return false;
}

static void draw_title(struct app *a, struct canvas *c) {
  canvas_fill(c, (struct rect){0, 0, c->w, 1}, ROLE_TITLE);
  int x = canvas_put(c, 0, 0, ROLE_TITLE, -1, " vigil");
  for (int i = 0; i < a->nviews; i++) {
    struct view *v = a->views[i];
    const char *t = v->ops->name;
    x += canvas_put(c, x, 0, ROLE_TITLE, -1, " › ");
    x += canvas_put(c, x, 0, ROLE_TITLE, c->w / 3, t);
  }
  char right[640];
  const char *state = a->online ? "● online" : (a->ever_online ? "○ reconnecting" : "○ connecting");
  snprintf(right, sizeof right, "%s%s  %s ", a->pending ? spinner[a->frame % 10] : " ",
           a->pending ? " " : "", state);
  if (a->where[0]) {
    char full[1024];
    snprintf(full, sizeof full, "%.128s │ %.256s", a->where, right);
    if (canvas_text_width(full) + x + 2 < c->w) snprintf(right, sizeof right, "%.600s", full);
  }
  int rw = canvas_text_width(right);
  if (rw < c->w - x) canvas_put(c, c->w - rw, 0, ROLE_TITLE, rw, right);
  if (a->pending) {
    /* spinner in its own role */
    int sx = c->w - rw + (a->where[0] && strstr(right, "│") ? canvas_text_width(a->where) + 3 : 0);
    if (sx >= 0 && sx < c->w) canvas_at(c, sx, 0)->role = ROLE_SPINNER;
  }
}

static void draw_status(struct app *a, struct canvas *c, struct view *top) {
  int y = c->h - 1;
  canvas_fill(c, (struct rect){0, y, c->w, 1}, ROLE_STATUS);
  if (a->input_active) {
    input_draw(&a->input, c, 0, y, c->w);
    return;
  }
  if (a->confirm_active) {
    canvas_fill(c, (struct rect){0, y, c->w, 1}, ROLE_CRIT);
    int x = canvas_put(c, 1, y, ROLE_CRIT, c->w - 12, a->confirm_q);
    canvas_put(c, x + 2, y, ROLE_CRIT, -1, "[y/n]");
    return;
  }
  if (a->status[0] && a->now_ms < a->status_until) {
    canvas_put(c, 1, y, a->status_role, c->w - 2, a->status);
    return;
  }
  struct view *ch[4];
  int n = chain(a, ch);
  const char *hint = NULL;
  for (int i = n - 1; i >= 0 && !hint; i--)
    if (ch[i]->ops->hint) hint = ch[i]->ops->hint(ch[i], a);
  char keys[64], buf[512];
  int x = 1;
  if (hint) x += canvas_put(c, x, y, ROLE_STATUS, c->w - 2, hint) + 2;
  (void)top;
  static const enum action globals[] = {ACT_HELP, ACT_PALETTE, ACT_QUIT};
  for (size_t i = 0; i < sizeof globals / sizeof globals[0]; i++) {
    keymap_first_key(a->km, globals[i], keys, sizeof keys);
    if (!keys[0]) continue;
    snprintf(buf, sizeof buf, "%s %s", keys, action_info(globals[i])->name);
    if (x + canvas_text_width(buf) + 1 >= c->w) break;
    x += canvas_put(c, x, y, ROLE_STATUS, -1, buf) + 2;
  }
}

void app_draw(struct app *a, struct canvas *c) {
  canvas_clear(c, ROLE_NORMAL);
  draw_title(a, c);
  int top_y = 1;
  if (!a->online && (a->ever_online || a->be.call)) {
    canvas_fill(c, (struct rect){0, 1, c->w, 1}, ROLE_BANNER);
    canvas_printf(c, 1, 1, ROLE_BANNER, c->w - 2, "%s — %s",
                  a->ever_online ? "connection lost" : "not connected",
                  a->conn_msg[0] ? a->conn_msg : "reconnecting…");
    top_y = 2;
  }
  struct view *top = app_top(a);
  if (top && top->ops->draw)
    top->ops->draw(top, a, c, (struct rect){0, top_y, c->w, c->h - top_y - 1});
  draw_status(a, c, top);
}

const char *app_hints(const struct app *a, char *buf, size_t n, const enum action *acts,
                      int nacts) {
  size_t used = 0;
  buf[0] = '\0';
  for (int i = 0; i < nacts; i++) {
    char keys[64];
    keymap_first_key(a->km, acts[i], keys, sizeof keys);
    if (!keys[0]) continue;
    int w = snprintf(buf + used, n - used, "%s%s %s", used ? "  " : "", keys,
                     action_info(acts[i])->name);
    if (w < 0 || (size_t)w >= n - used) {
      buf[used] = '\0';
      break;
    }
    used += (size_t)w;
  }
  return buf;
}
