/* view_live.c — the Live View frame: tabs, sensor record, isolation. */
#include "tui/view_live.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/alloc.h"
#include "tui/app.h"
#include "tui/fmt.h"
#include "tui/tabs.h"

enum { CONFIRM_ISOLATE = 1, CONFIRM_REJOIN };

struct live {
  json_t *sensor;
  char sid[64];
  struct view *tabs[LIVE_TABS];
  int active;
  int64_t last_poll;
  bool polling;
  char hintbuf[160];
};

static const struct {
  const char *title;
  struct view *(*create)(struct app *a, struct view *live);
} tab_defs[LIVE_TABS] = {
    {"Info", tab_info_create},           {"Telemetry", tab_telemetry_create},
    {"Console", tab_console_create},     {"Stream", tab_stream_create},
    {"Processes", tab_processes_create}, {"Files", tab_files_create},
};

const json_t *view_live_sensor(const struct view *live) {
  return ((struct live *)live->priv)->sensor;
}

const char *view_live_sid(const struct view *live) { return ((struct live *)live->priv)->sid; }

void view_live_set_sensor(struct view *live, const json_t *sensor) {
  struct live *l = live->priv;
  json_t *copy = json_deep_copy(sensor);
  if (!copy) return;
  json_decref(l->sensor);
  l->sensor = copy;
}

struct view *view_live_tab(struct view *live, int i) {
  struct live *l = live->priv;
  return i >= 0 && i < LIVE_TABS ? l->tabs[i] : NULL;
}

void view_live_select(struct view *live, struct app *a, int i) {
  struct live *l = live->priv;
  if (i < 0 || i >= LIVE_TABS || !l->tabs[i]) return;
  l->active = i;
  struct view *t = l->tabs[i];
  if (t->ops->tick) t->ops->tick(t, a); /* load on first show */
}

static void draw(struct view *v, struct app *a, struct canvas *c, struct rect r) {
  struct live *l = v->priv;
  canvas_fill(c, (struct rect){r.x, r.y, r.w, 1}, ROLE_TAB);
  int x = r.x;
  for (int i = 0; i < LIVE_TABS; i++) {
    if (!l->tabs[i]) continue;
    char t[64];
    /* at 80 columns the titles shrink to fit */
    if (r.w < 96)
      snprintf(t, sizeof t, " %d %.*s ", i + 1, i == l->active ? 16 : 4, tab_defs[i].title);
    else
      snprintf(t, sizeof t, " %d %s ", i + 1, tab_defs[i].title);
    x += canvas_put(c, x, r.y, i == l->active ? ROLE_TAB_ACTIVE : ROLE_TAB, -1, t);
  }
  bool on = json_is_true(json_object_get(l->sensor, "online"));
  bool iso = json_is_true(json_object_get(l->sensor, "isolated"));
  char right[320];
  snprintf(right, sizeof right, "%s %s%s ", fmt_str(l->sensor, "hostname"), on ? "●" : "○",
           iso ? " ISOLATED" : "");
  int rw = canvas_text_width(right);
  if (x + rw + 1 < r.x + r.w) {
    int rx = r.x + r.w - rw;
    canvas_put(c, rx, r.y, ROLE_TAB, rw, right);
    int hw = canvas_text_width(fmt_str(l->sensor, "hostname"));
    canvas_at(c, rx + hw + 1, r.y)->role = on ? ROLE_ONLINE : ROLE_OFFLINE;
    if (iso) canvas_paint(c, (struct rect){rx + hw + 3, r.y, 8, 1}, ROLE_ISOLATED);
  }
  struct view *t = l->tabs[l->active];
  t->ops->draw(t, a, c, (struct rect){r.x, r.y + 1, r.w, r.h - 1});
}

static void poll_sensor(struct view *v, struct app *a) {
  struct live *l = v->priv;
  l->polling = true;
  l->last_poll = a->now_ms;
  app_call(a, v, VIEW_LIVE_TAG_SENSOR, "sensors.get", json_pack("{s:s}", "sid", l->sid));
}

static void tick(struct view *v, struct app *a) {
  struct live *l = v->priv;
  if (!l->polling && a->online && a->now_ms - l->last_poll >= LIVE_POLL_MS) poll_sensor(v, a);
}

static void result(struct view *v, struct app *a, int tag, json_t *res, const struct vg_err *err) {
  struct live *l = v->priv;
  if (tag == VIEW_LIVE_TAG_SENSOR) {
    l->polling = false;
    if (res) view_live_set_sensor(v, res);
    return;
  }
  if (tag == VIEW_LIVE_TAG_ISOLATION) {
    if (!res) {
      app_status(a, ROLE_BANNER, "isolation: %s", err ? err->msg : "failed");
      return;
    }
    bool iso = json_is_true(json_object_get(res, "isolated"));
    json_object_set_new(l->sensor, "isolated", json_boolean(iso));
    app_status(a, ROLE_OK, "%s %s%s", fmt_str(l->sensor, "hostname"),
               iso ? "isolated from the network" : "rejoined the network",
               json_is_true(json_object_get(res, "online")) ? "" : " (applied when it connects)");
  }
}

static int action(struct view *v, struct app *a, enum action act) {
  struct live *l = v->priv;
  switch (act) {
  case ACT_TAB_1: case ACT_TAB_2: case ACT_TAB_3:
  case ACT_TAB_4: case ACT_TAB_5: case ACT_TAB_6:
    view_live_select(v, a, act - ACT_TAB_1);
    return 1;
  case ACT_PANE_NEXT:
  case ACT_PANE_PREV: {
    int step = act == ACT_PANE_NEXT ? 1 : LIVE_TABS - 1, i = l->active;
    do i = (i + step) % LIVE_TABS;
    while (!l->tabs[i]);
    view_live_select(v, a, i);
    return 1;
  }
  case ACT_ISOLATE:
    app_confirm(a, v, CONFIRM_ISOLATE, "Isolate %s from the network? (it keeps its link to vigild)",
                fmt_str(l->sensor, "hostname"));
    return 1;
  case ACT_REJOIN:
    app_confirm(a, v, CONFIRM_REJOIN, "Rejoin %s to the network?", fmt_str(l->sensor, "hostname"));
    return 1;
  case ACT_REFRESH: poll_sensor(v, a); return 0; /* the tab refreshes too */
  default: return 0;
  }
}

static void confirm(struct view *v, struct app *a, int tag, bool yes) {
  struct live *l = v->priv;
  if (!yes) return;
  app_call(a, v, VIEW_LIVE_TAG_ISOLATION, "sensors.isolation.set",
           json_pack("{s:s, s:b}", "sid", l->sid, "isolated", tag == CONFIRM_ISOLATE));
}

static struct view *focus(struct view *v) {
  struct live *l = v->priv;
  return l->tabs[l->active];
}

static const char *hint(struct view *v, struct app *a) {
  struct live *l = v->priv;
  static const enum action acts[] = {ACT_PANE_NEXT, ACT_ISOLATE, ACT_REJOIN};
  return app_hints(a, l->hintbuf, sizeof l->hintbuf, acts, 3);
}

static void live_free(struct view *v) {
  struct live *l = v->priv;
  for (int i = 0; i < LIVE_TABS; i++)
    if (l->tabs[i] && l->tabs[i]->ops->free) l->tabs[i]->ops->free(l->tabs[i]);
  json_decref(l->sensor);
  free(l);
  free(v);
}

static const struct view_ops live_ops = {
    .name = "live",
    .ctx = CTX_LIVE,
    .draw = draw,
    .action = action,
    .result = result,
    .tick = tick,
    .confirm = confirm,
    .focus = focus,
    .hint = hint,
    .free = live_free,
};

struct view *view_live_create(struct app *a, const json_t *sensor) {
  struct view *v = vg_xcalloc(1, sizeof *v);
  struct live *l = vg_xcalloc(1, sizeof *l);
  v->ops = &live_ops;
  v->priv = l;
  l->sensor = json_deep_copy(sensor);
  if (!l->sensor) l->sensor = json_object();
  snprintf(l->sid, sizeof l->sid, "%s", fmt_str(sensor, "sid"));
  l->last_poll = a->now_ms;
  for (int i = 0; i < LIVE_TABS; i++) {
    if (!tab_defs[i].create) continue;
    l->tabs[i] = tab_defs[i].create(a, v);
    app_adopt(a, l->tabs[i], v);
  }
  return v;
}
