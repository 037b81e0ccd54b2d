/* tab_console.c — Live View tab 3: any sensor command. The input line
 * completes command names and flags (tui/cmdlist.h, generated from the
 * sensor's table) and keeps a persistent history (app->history); each
 * command becomes a block holding its replies as task.send pushes them:
 * lists as tables (parts of one list joined), other replies as JSON that
 * folds to one line. The pane scrolls; Enter folds the reply (or, on a
 * command line, the whole block) under the cursor. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/alloc.h"
#include "tui/app.h"
#include "tui/cmdlist.h"
#include "tui/fmt.h"
#include "tui/history.h"
#include "tui/lines.h"
#include "tui/list.h"
#include "tui/tabs.h"
#include "tui/tasksend.h"
#include "tui/view_live.h"

#define CONSOLE_MAX_BLOCKS 64    /* older commands are dropped */
#define CONSOLE_MAX_REPLIES 2000 /* replies kept per command */
#define CONSOLE_TAG_INPUT 1
#define CONSOLE_TAG_SEND0 1000 /* + block serial */

enum bstate { B_SENDING, B_RUNNING, B_DONE, B_TIMEOUT, B_FAILED };

struct block {
  int serial;
  char *cmd;
  int64_t sub;
  enum bstate state;
  char err[256];
  json_t *replies; /* events {routing, event} */
  unsigned char *rfold;
  size_t rcap;
  bool folded, queued;
  long dropped;
};

struct console {
  struct block *b[CONSOLE_MAX_BLOCKS];
  int nb, serial;
  struct lines ls;
  struct list_state l;
  bool dirty, follow;
  int width;
  struct cmdlist_completion cc;
  char hintbuf[160];
};

static void block_free(struct app *a, struct block *b) {
  if (b->sub && a) app_sub_forget(a, b->sub);
  free(b->cmd);
  json_decref(b->replies);
  free(b->rfold);
  free(b);
}

static struct block *by_serial(struct console *t, int serial) {
  for (int i = 0; i < t->nb; i++)
    if (t->b[i]->serial == serial) return t->b[i];
  return NULL;
}

static struct block *by_sub(struct console *t, int64_t sub) {
  for (int i = 0; i < t->nb; i++)
    if (t->b[i]->sub == sub) return t->b[i];
  return NULL;
}

static const char *state_text(const struct block *b, char *buf, size_t n) {
  size_t nr = json_array_size(b->replies);
  switch (b->state) {
  case B_SENDING: snprintf(buf, n, "sending…"); break;
  case B_RUNNING:
    snprintf(buf, n, "%s%zu repl%s so far", b->queued ? "queued, " : "", nr, nr == 1 ? "y" : "ies");
    break;
  case B_DONE: snprintf(buf, n, "✓ %zu repl%s", nr, nr == 1 ? "y" : "ies"); break;
  case B_TIMEOUT: snprintf(buf, n, "timed out after %zu repl%s", nr, nr == 1 ? "y" : "ies"); break;
  case B_FAILED: snprintf(buf, n, "✗ %s", b->err); break;
  }
  return buf;
}

/* Lines of one block (item = its index). */
static void block_lines(struct console *t, int bi, int width) {
  struct block *b = t->b[bi];
  char st[300], eb[512];
  lines_add(&t->ls, ROLE_PROMPT, bi, -1, "%s › %s    %s", b->folded ? "▸" : "▾", b->cmd,
            state_text(b, st, sizeof st));
  if (b->folded) return;
  size_t n = json_array_size(b->replies);
  for (size_t i = 0; i < n; i++) {
    json_t *ev = json_array_get(b->replies, i);
    const char *type = fmt_str(json_object_get(ev, "routing"), "event_type");
    json_t *body = json_object_get(ev, "event");
    bool folded = b->rfold[i];
    const char *lname;
    json_t *rows;
    if (!strcmp(type, "RECEIPT")) {
      lines_add(&t->ls, ROLE_DIM, bi, (int)i, "  · RECEIPT (the sensor took the task)");
      continue;
    }
    if (tasksend_error(body, eb, sizeof eb)) {
      lines_add(&t->ls, ROLE_BANNER, bi, (int)i, "  ✗ %s %s", type, eb);
      continue;
    }
    if (lines_find_list(body, &lname, &rows)) {
      /* join the following parts of the same list */
      json_t *all = json_array();
      size_t j = i;
      for (; j < n; j++) {
        json_t *e2 = json_array_get(b->replies, j);
        json_t *b2 = json_object_get(e2, "event");
        if (strcmp(fmt_str(json_object_get(e2, "routing"), "event_type"), type)) break;
        json_t *r2 = json_object_get(b2, lname);
        if (!json_is_array(r2)) break;
        json_array_extend(all, r2);
        if (!json_is_true(json_object_get(b2, "MORE"))) {
          j++;
          break;
        }
      }
      json_t *last = json_object_get(json_array_get(b->replies, j - 1), "event");
      lines_add(&t->ls, ROLE_EVENT_TYPE, bi, (int)i, "  %s %s %s: %zu row%s%s%s", folded ? "▸" : "▾",
                type, lname, json_array_size(all), json_array_size(all) == 1 ? "" : "s",
                json_is_true(json_object_get(last, "MORE")) ? " (more coming)" : "",
                json_is_true(json_object_get(last, "TRUNCATED")) ? " (truncated by the sensor)" : "");
      if (!folded) lines_table(&t->ls, all, width, 4, bi, (int)i);
      json_decref(all);
      i = j - 1;
      continue;
    }
    if (folded) {
      char *s = json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER);
      lines_add(&t->ls, ROLE_EVENT_TYPE, bi, (int)i, "  ▸ %s %.200s", type, s ? s : "");
      free(s);
    } else {
      lines_add(&t->ls, ROLE_EVENT_TYPE, bi, (int)i, "  ▾ %s", type);
      lines_json(&t->ls, body, 4, bi, (int)i);
    }
  }
  if (b->dropped) lines_add(&t->ls, ROLE_WARN, bi, -1, "  (%ld more replies not kept)", b->dropped);
}

static void rebuild(struct console *t, int width) {
  bool at_end = t->follow || t->l.sel >= t->ls.n - 1;
  lines_clear(&t->ls);
  for (int i = 0; i < t->nb; i++) block_lines(t, i, width);
  t->l.n = t->ls.n;
  if (at_end) t->l.sel = t->ls.n - 1;
  t->follow = false;
  t->dirty = false;
  t->width = width;
}

static void draw(struct view *v, struct app *a, struct canvas *c, struct rect r) {
  (void)a;
  struct console *t = v->priv;
  if (t->dirty || t->width != r.w - 2) rebuild(t, r.w - 2);
  if (!t->nb) {
    int y = r.y + 1;
    canvas_put(c, r.x + 2, y++, ROLE_LABEL, r.w - 4, "Run any sensor command on this host.");
    canvas_put(c, r.x + 2, y++, ROLE_DIM, r.w - 4,
               "i types a command; Tab completes names and flags; Up/Down recall the history;");
    canvas_put(c, r.x + 2, y++, ROLE_DIM, r.w - 4,
               "'help' lists the commands, 'clear' empties this pane.");
    return;
  }
  lines_draw(&t->ls, c, (struct rect){r.x + 1, r.y, r.w - 2, r.h}, &t->l, true);
}

static void local_help(struct console *t) {
  struct block *b = vg_xcalloc(1, sizeof *b);
  b->serial = ++t->serial;
  b->cmd = vg_xstrdup("help");
  b->state = B_DONE;
  json_t *rows = json_array();
  for (size_t i = 0; i < cmdlist_count; i++)
    json_array_append_new(rows, json_pack("{s:s, s:s}", "COMMAND", cmdlist_table[i].name, "USAGE",
                                          cmdlist_table[i].usage));
  json_t *ev = json_pack("{s:{s:s}, s:{s:o}}", "routing", "event_type", "COMMANDS", "event",
                         "COMMANDS", rows);
  b->replies = json_array();
  json_array_append_new(b->replies, ev);
  b->rcap = 1;
  b->rfold = vg_xcalloc(1, 1);
  t->b[t->nb++] = b;
}

static void submit(struct view *v, struct app *a, const char *text) {
  struct console *t = v->priv;
  while (*text == ' ') text++;
  size_t len = strlen(text);
  while (len && text[len - 1] == ' ') len--;
  if (!len) return;
  char *cmd = vg_xasprintf("%.*s", (int)len, text);
  if (a->history) history_add(a->history, cmd);
  if (t->nb == CONSOLE_MAX_BLOCKS) {
    block_free(a, t->b[0]);
    memmove(t->b, t->b + 1, (size_t)(--t->nb) * sizeof t->b[0]);
  }
  size_t nl = strcspn(cmd, " ");
  if (!strcmp(cmd, "clear")) {
    for (int i = 0; i < t->nb; i++) block_free(a, t->b[i]);
    t->nb = 0;
  } else if (!strcmp(cmd, "help")) {
    local_help(t);
  } else if (!cmdlist_find(cmd, nl)) {
    app_status(a, ROLE_WARN, "unknown command '%.*s' ('help' lists them, Tab completes)", (int)nl, cmd);
  } else {
    struct block *b = vg_xcalloc(1, sizeof *b);
    b->serial = ++t->serial;
    b->cmd = cmd;
    cmd = NULL;
    b->replies = json_array();
    t->b[t->nb++] = b;
    tasksend(a, v, CONSOLE_TAG_SEND0 + b->serial, b->cmd, TASKSEND_TIMEOUT_S);
  }
  free(cmd);
  t->dirty = true;
  t->follow = true;
}

static void prompt(struct view *v, struct app *a) {
  struct console *t = v->priv;
  app_prompt(a, v, CONSOLE_TAG_INPUT, "› ", "", false);
  a->input.hist = a->history;
  a->input.complete = cmdlist_complete;
  a->input.complete_ctx = &t->cc;
}

static void input(struct view *v, struct app *a, int tag, const char *text, bool final) {
  if (tag != CONSOLE_TAG_INPUT || !final || !text) return;
  submit(v, a, text);
  prompt(v, a); /* ready for the next command; Esc leaves the line */
}

static void result(struct view *v, struct app *a, int tag, json_t *res, const struct vg_err *err) {
  struct console *t = v->priv;
  if (tag == TASKSEND_TAG_UNSUB) return;
  struct block *b = by_serial(t, tag - CONSOLE_TAG_SEND0);
  if (!b) return;
  t->dirty = true;
  if (!res) {
    b->state = B_FAILED;
    snprintf(b->err, sizeof b->err, "%s", err ? err->msg : "failed");
    return;
  }
  b->sub = fmt_int(res, "sub");
  b->queued = json_is_true(json_object_get(res, "queued"));
  if (b->state == B_SENDING) b->state = B_RUNNING;
  app_sub_register(a, v, b->sub);
}

static void push(struct view *v, struct app *a, json_t *p) {
  struct console *t = v->priv;
  struct block *b = by_sub(t, tasksend_sub(p));
  if (!b) return;
  t->dirty = true;
  if (tasksend_done(p)) {
    b->state = json_is_true(json_object_get(p, "timeout")) ? B_TIMEOUT : B_DONE;
    if (json_is_true(json_object_get(p, "expired"))) {
      b->state = B_FAILED;
      snprintf(b->err, sizeof b->err, "the queued task expired before the sensor connected");
    }
    app_sub_forget(a, b->sub);
    b->sub = 0;
    return;
  }
  json_t *ev = json_object_get(p, "event");
  if (!json_is_object(ev)) return;
  if (json_array_size(b->replies) >= CONSOLE_MAX_REPLIES) {
    b->dropped++;
    return;
  }
  json_array_append(b->replies, ev);
  size_t n = json_array_size(b->replies);
  if (n > b->rcap) {
    b->rcap = b->rcap ? b->rcap * 2 : 8;
    b->rfold = vg_xrealloc(b->rfold, b->rcap);
  }
  b->rfold[n - 1] = 0;
  if (tasksend_final(b->cmd, p)) {
    b->state = B_DONE;
    tasksend_close(a, v, b->sub);
    b->sub = 0;
  }
}

static int action(struct view *v, struct app *a, enum action act) {
  struct console *t = v->priv;
  if (list_action(&t->l, act)) return 1;
  switch (act) {
  case ACT_INPUT_FOCUS: prompt(v, a); return 1;
  case ACT_FOLD:
  case ACT_SELECT: {
    if (t->l.sel < 0 || t->l.sel >= t->ls.n) return 1;
    int item = t->ls.v[t->l.sel].item, sub = t->ls.v[t->l.sel].sub;
    if (item < 0 || item >= t->nb) return 1;
    struct block *b = t->b[item];
    if (sub < 0)
      b->folded = !b->folded;
    else if ((size_t)sub < json_array_size(b->replies))
      b->rfold[sub] = !b->rfold[sub];
    /* the cursor stays on the folded item's first line */
    rebuild(t, t->width);
    for (int i = 0; i < t->ls.n; i++)
      if (t->ls.v[i].item == item && t->ls.v[i].sub == sub) {
        t->l.sel = i;
        break;
      }
    return 1;
  }
  default: return 0;
  }
}

static void tick(struct view *v, struct app *a) {
  struct console *t = v->priv;
  if (a->online) return;
  for (int i = 0; i < t->nb; i++) {
    struct block *b = t->b[i];
    if (b->state == B_RUNNING || (b->state == B_SENDING && a->ever_online)) {
      b->state = B_FAILED;
      snprintf(b->err, sizeof b->err, "connection to vigild lost; replies after it are not shown");
      b->sub = 0;
      t->dirty = true;
    }
  }
}

static const char *hint(struct view *v, struct app *a) {
  struct console *t = v->priv;
  static const enum action acts[] = {ACT_INPUT_FOCUS, ACT_FOLD};
  return app_hints(a, t->hintbuf, sizeof t->hintbuf, acts, 2);
}

static void console_free(struct view *v) {
  struct console *t = v->priv;
  for (int i = 0; i < t->nb; i++) block_free(NULL, t->b[i]);
  lines_clear(&t->ls);
  free(t);
  free(v);
}

static const struct view_ops console_ops = {
    .name = "console",
    .ctx = CTX_CONSOLE,
    .list = true,
    .draw = draw,
    .action = action,
    .result = result,
    .push = push,
    .tick = tick,
    .input = input,
    .hint = hint,
    .free = console_free,
};

struct view *tab_console_create(struct app *a, struct view *live) {
  (void)a, (void)live;
  struct view *v = vg_xcalloc(1, sizeof *v);
  v->ops = &console_ops;
  v->priv = vg_xcalloc(1, sizeof(struct console));
  return v;
}
