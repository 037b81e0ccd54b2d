/* tab_stream.c — Live View tab 4: this sensor's events in real time
 * (stream.subscribe {sids:[sid]}, renewed after a reconnect) in a bounded
 * ring of STREAM_RING events kept as compact JSON text. Pause freezes the
 * list (events still arrive into the ring), follow keeps the newest row
 * selected, `t` shows one event type (completed from the type table), `/`
 * filters by text in the whole event, Enter opens the event as JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "shared/alloc.h"
#include "shared/event_types.h"
#include "tui/app.h"
#include "tui/fmt.h"
#include "tui/lines.h"
#include "tui/list.h"
#include "tui/tabs.h"
#include "tui/view_live.h"

#define STREAM_RING 20000       /* events kept; the oldest goes first */
#define STREAM_SUMMARY_BYTES 240
enum { TAG_SUB = 1, TAG_TEXT, TAG_TYPE };

struct sev {
  char *json;     /* the whole event, compact */
  char type[48];
  int64_t t_ms;
  char summary[STREAM_SUMMARY_BYTES];
};

struct stream {
  struct sev ring[STREAM_RING];
  uint64_t first, next;   /* seqs held: [first, next) */
  uint64_t vis[STREAM_RING]; /* seqs shown (filtered), a ring too */
  size_t vstart, vn;
  struct list_state l;
  int64_t sub;
  bool subscribing, paused, follow;
  unsigned long missed_paused, total;
  char type[48], text[128], err[320], hintbuf[200];
  bool detail;
  struct lines dl;
  struct list_state dls;
};

static struct sev *at(struct stream *s, uint64_t seq) { return &s->ring[seq % STREAM_RING]; }

static bool matches(const struct stream *s, const struct sev *e) {
  if (s->type[0] && strcasecmp(e->type, s->type)) return false;
  return app_match(e->json, s->text);
}

static void vis_push(struct stream *s, uint64_t seq) {
  if (s->vn == STREAM_RING) {
    s->vstart = (s->vstart + 1) % STREAM_RING;
    s->vn--;
  }
  s->vis[(s->vstart + s->vn) % STREAM_RING] = seq;
  s->vn++;
}

static uint64_t vis_at(const struct stream *s, size_t k) { return s->vis[(s->vstart + k) % STREAM_RING]; }

static void refilter(struct stream *s) {
  s->vstart = s->vn = 0;
  for (uint64_t q = s->first; q < s->next; q++)
    if (matches(s, at(s, q))) vis_push(s, q);
  s->l.n = (int)s->vn;
  if (s->follow) s->l.sel = s->l.n - 1;
}

static void add_event(struct stream *s, const json_t *ev) {
  if (s->next - s->first == STREAM_RING) { /* evict the oldest */
    struct sev *old = at(s, s->first);
    free(old->json);
    old->json = NULL;
    if (s->vn && vis_at(s, 0) == s->first) {
      s->vstart = (s->vstart + 1) % STREAM_RING;
      s->vn--;
      if (s->l.sel > 0) s->l.sel--;
      if (s->l.top > 0) s->l.top--;
    }
    s->first++;
  }
  struct sev *e = at(s, s->next);
  memset(e, 0, sizeof *e);
  e->json = json_dumps(ev, JSON_COMPACT | JSON_PRESERVE_ORDER);
  if (!e->json) e->json = vg_xstrdup("{}");
  json_t *r = json_object_get(ev, "routing");
  snprintf(e->type, sizeof e->type, "%s", fmt_str(r, "event_type"));
  e->t_ms = fmt_int(r, "event_time");
  char *body = json_dumps(json_object_get(ev, "event"), JSON_COMPACT | JSON_PRESERVE_ORDER);
  snprintf(e->summary, sizeof e->summary, "%s", body ? body : "");
  free(body);
  uint64_t seq = s->next++;
  s->total++;
  if (s->paused) {
    s->missed_paused++;
    return;
  }
  if (matches(s, e)) vis_push(s, seq);
  s->l.n = (int)s->vn;
  if (s->follow) s->l.sel = s->l.n - 1;
}

static void subscribe(struct view *v, struct app *a) {
  struct stream *s = v->priv;
  s->subscribing = true;
  app_call(a, v, TAG_SUB, "stream.subscribe",
           json_pack("{s:[s]}", "sids", view_live_sid(v->parent)));
}

static void open_detail(struct stream *s) {
  if (!s->vn || s->l.sel < 0 || (size_t)s->l.sel >= s->vn) return;
  struct sev *e = at(s, vis_at(s, (size_t)s->l.sel));
  json_t *j = json_loads(e->json, 0, NULL);
  if (!j) return;
  lines_clear(&s->dl);
  lines_json(&s->dl, j, 0, 0, 0);
  json_decref(j);
  memset(&s->dls, 0, sizeof s->dls);
  s->detail = true;
}

static void draw(struct view *v, struct app *a, struct canvas *c, struct rect r) {
  (void)a;
  struct stream *s = v->priv;
  char head[400];
  snprintf(head, sizeof head, "%s %lu event%s, %zu shown%s%s%s%s%s", s->sub ? "●" : "○", s->total,
           s->total == 1 ? "" : "s", s->vn, s->paused ? "  PAUSED" : "",
           s->follow && !s->paused ? "  following" : "", s->type[0] ? "  type=" : "", s->type,
           s->text[0] ? "  /" : "");
  int x = canvas_put(c, r.x + 1, r.y, ROLE_LABEL, r.w - 2, head);
  if (s->text[0]) canvas_put(c, r.x + 1 + x, r.y, ROLE_MATCH, r.w - 2 - x, s->text);
  if (s->paused && s->missed_paused) {
    char m[64];
    snprintf(m, sizeof m, "+%lu new", s->missed_paused);
    int mw = canvas_text_width(m);
    if (r.w > mw + 2) canvas_put(c, r.x + r.w - mw - 1, r.y, ROLE_WARN, mw, m);
  }
  if (s->err[0]) canvas_put(c, r.x + 1, r.y + 1, ROLE_BANNER, r.w - 2, s->err);
  struct rect body = {r.x + 1, r.y + 2, r.w - 2, r.h - 2};
  if (s->detail) {
    canvas_hline(c, r.x, r.y + 1, r.w, ROLE_BORDER);
    canvas_put(c, r.x + 2, r.y + 1, ROLE_LABEL, r.w - 4, " event (Esc closes) ");
    lines_draw(&s->dl, c, body, &s->dls, false);
    return;
  }
  if (!s->vn) {
    canvas_put(c, body.x + 1, body.y, ROLE_DIM, body.w - 2,
               s->sub ? "waiting for events from this sensor…" : "subscribing…");
    return;
  }
  canvas_put_cell(c, body.x, body.y, ROLE_HEADER, 13, 0, "TIME");
  canvas_put_cell(c, body.x + 13, body.y, ROLE_HEADER, 24, 0, "TYPE");
  canvas_put(c, body.x + 37, body.y, ROLE_HEADER, body.w - 37, "EVENT");
  int rows = body.h - 1;
  s->l.n = (int)s->vn;
  list_fit(&s->l, rows);
  for (int k = 0; k < rows && (size_t)(s->l.top + k) < s->vn; k++) {
    int idx = s->l.top + k, y = body.y + 1 + k;
    struct sev *e = at(s, vis_at(s, (size_t)idx));
    bool sel = idx == s->l.sel;
    if (sel) canvas_fill(c, (struct rect){body.x, y, body.w, 1}, ROLE_SELECTED);
    char t[32] = "";
    time_t secs = (time_t)(e->t_ms / 1000);
    struct tm tm;
    if (e->t_ms > 0 && gmtime_r(&secs, &tm))
      snprintf(t, sizeof t, "%02d:%02d:%02d.%03d", tm.tm_hour, tm.tm_min, tm.tm_sec,
               (int)(e->t_ms % 1000));
    canvas_put_cell(c, body.x, y, sel ? ROLE_SELECTED : ROLE_DIM, 13, 0, t);
    canvas_put_cell(c, body.x + 13, y, sel ? ROLE_SELECTED : ROLE_EVENT_TYPE, 24, 0, e->type);
    lines_draw_json(c, body.x + 37, y, body.w - 37, e->summary, sel);
  }
}

static int complete_type(void *ctx, const char *text, size_t cur, size_t *start,
                         const char **cands, int max) {
  (void)ctx;
  size_t n, k = 0;
  const struct vg_event_type *tab = vg_event_type_table(&n);
  *start = 0;
  for (size_t i = 0; i < n && (int)k < max; i++)
    if (strncmp(tab[i].name, text, cur) == 0) cands[k++] = tab[i].name;
  return (int)k;
}

static int action(struct view *v, struct app *a, enum action act) {
  struct stream *s = v->priv;
  if (s->detail) {
    if (list_action(&s->dls, act)) return 1;
    if (act == ACT_BACK || act == ACT_QUIT || act == ACT_SELECT) {
      s->detail = false;
      lines_clear(&s->dl);
      return 1;
    }
    return 0;
  }
  if (list_action(&s->l, act)) {
    s->follow = s->l.sel >= s->l.n - 1 && act != ACT_UP && act != ACT_PAGE_UP && act != ACT_TOP;
    return 1;
  }
  switch (act) {
  case ACT_SELECT: open_detail(s); return 1;
  case ACT_PAUSE:
    s->paused = !s->paused;
    if (!s->paused) {
      s->missed_paused = 0;
      refilter(s);
    }
    return 1;
  case ACT_FOLLOW:
    s->follow = !s->follow;
    if (s->follow) s->l.sel = s->l.n - 1;
    return 1;
  case ACT_CLEAR:
    for (uint64_t q = s->first; q < s->next; q++) {
      free(at(s, q)->json);
      at(s, q)->json = NULL;
    }
    s->first = s->next;
    s->vn = s->vstart = 0;
    s->l.n = s->l.sel = s->l.top = 0;
    s->total = s->missed_paused = 0;
    return 1;
  case ACT_FILTER: app_prompt(a, v, TAG_TEXT, "/", s->text, true); return 1;
  case ACT_TYPE_FILTER: {
    app_prompt(a, v, TAG_TYPE, "event type (empty: all): ", s->type, false);
    a->input.complete = complete_type;
    return 1;
  }
  case ACT_REFRESH:
    if (!s->sub && !s->subscribing && a->online) subscribe(v, a);
    return 1;
  default: return 0;
  }
}

static void input(struct view *v, struct app *a, int tag, const char *text, bool final) {
  struct stream *s = v->priv;
  if (tag == TAG_TEXT) {
    snprintf(s->text, sizeof s->text, "%s", text ? text : "");
  } else if (tag == TAG_TYPE && final && text) {
    char ty[48];
    snprintf(ty, sizeof ty, "%s", text);
    size_t len = strlen(ty);
    while (len && ty[len - 1] == ' ') ty[--len] = '\0';
    if (ty[0] && !vg_event_type_by_name(ty)) {
      for (char *p = ty; *p; p++)
        if (*p >= 'a' && *p <= 'z') *p = (char)(*p - 'a' + 'A');
      if (!vg_event_type_by_name(ty)) app_status(a, ROLE_WARN, "no event type named %s", ty);
    }
    snprintf(s->type, sizeof s->type, "%s", ty);
  } else {
    return;
  }
  refilter(s);
}

static void result(struct view *v, struct app *a, int tag, json_t *res, const struct vg_err *err) {
  struct stream *s = v->priv;
  if (tag != TAG_SUB) return;
  s->subscribing = false;
  if (!res) {
    snprintf(s->err, sizeof s->err, "stream.subscribe: %s", err ? err->msg : "failed");
    return;
  }
  s->err[0] = '\0';
  s->sub = fmt_int(res, "sub");
  app_sub_register(a, v, s->sub);
}

static void push(struct view *v, struct app *a, json_t *p) {
  struct stream *s = v->priv;
  json_t *e = json_object_get(p, "error");
  if (e) { /* the server cancelled the subscription (slow subscriber) */
    snprintf(s->err, sizeof s->err, "stream cancelled by vigild: %s; resubscribing",
             fmt_str(e, "message"));
    app_sub_forget(a, s->sub);
    s->sub = 0;
    return;
  }
  json_t *ev = json_object_get(p, "event");
  if (json_is_object(ev)) add_event(s, ev);
}

static void tick(struct view *v, struct app *a) {
  struct stream *s = v->priv;
  if (!a->online) {
    s->sub = 0; /* vigild forgets a session's subscriptions */
    s->subscribing = false;
    return;
  }
  if (!s->sub && !s->subscribing) subscribe(v, a);
}

static const char *hint(struct view *v, struct app *a) {
  struct stream *s = v->priv;
  static const enum action acts[] = {ACT_PAUSE, ACT_FOLLOW, ACT_TYPE_FILTER, ACT_FILTER, ACT_SELECT,
                                     ACT_CLEAR};
  static const enum action dacts[] = {ACT_BACK};
  return s->detail ? app_hints(a, s->hintbuf, sizeof s->hintbuf, dacts, 1)
                   : app_hints(a, s->hintbuf, sizeof s->hintbuf, acts, 6);
}

static void stream_free(struct view *v) {
  struct stream *s = v->priv;
  for (uint64_t q = s->first; q < s->next; q++) free(at(s, q)->json);
  lines_clear(&s->dl);
  free(s);
  free(v);
}

static const struct view_ops stream_ops = {
    .name = "stream",
    .ctx = CTX_STREAM,
    .list = true,
    .draw = draw,
    .action = action,
    .result = result,
    .push = push,
    .tick = tick,
    .input = input,
    .hint = hint,
    .free = stream_free,
};

struct view *tab_stream_create(struct app *a, struct view *live) {
  (void)a, (void)live;
  struct view *v = vg_xcalloc(1, sizeof *v);
  struct stream *s = vg_xcalloc(1, sizeof *s);
  s->follow = true;
  v->ops = &stream_ops;
  v->priv = s;
  return v;
}
