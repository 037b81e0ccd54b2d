/* tab_telemetry.c — Live View tab 2: every event type a sensor can send
 * (shared/event_types.h, replies excepted: those answer tasks), checked when
 * in the sensor's selection; toggling one calls sensors.events.set at once
 * (vigild pushes it to the sensor if it is online). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/alloc.h"
#include "shared/event_types.h"
#include "tui/app.h"
#include "tui/list.h"
#include "tui/tabs.h"
#include "tui/view_live.h"

enum { TAG_GET = 1, TAG_SET };
#define TELEMETRY_MAX_TYPES 512

struct telemetry {
  struct list_state l;
  const char *types[TELEMETRY_MAX_TYPES]; /* shown (after the filter) */
  json_t *selection; /* array of names, NULL until loaded */
  bool loading, busy;
  char filter[128], err[320], hintbuf[128];
};

static bool selected(const struct telemetry *t, const char *name) {
  size_t i;
  json_t *it;
  json_array_foreach(t->selection, i, it) {
    if (strcmp(json_string_value(it) ? json_string_value(it) : "", name) == 0) return true;
  }
  return false;
}

static void rebuild(struct telemetry *t) {
  size_t n;
  const struct vg_event_type *tab = vg_event_type_table(&n);
  t->l.n = 0;
  for (size_t i = 0; i < n && t->l.n < TELEMETRY_MAX_TYPES; i++) {
    if (tab[i].flags & VG_EVENT_TYPE_REPLY) continue;
    if (!app_match(tab[i].name, t->filter)) continue;
    t->types[t->l.n++] = tab[i].name;
  }
}

static void load(struct view *v, struct app *a) {
  struct telemetry *t = v->priv;
  t->loading = true;
  app_call(a, v, TAG_GET, "sensors.events.get",
           json_pack("{s:s}", "sid", view_live_sid(v->parent)));
}

static void draw(struct view *v, struct app *a, struct canvas *c, struct rect r) {
  (void)a;
  struct telemetry *t = v->priv;
  int on = (int)json_array_size(t->selection);
  canvas_printf(c, r.x + 1, r.y, ROLE_LABEL, r.w - 2, "Event types sent by this sensor: %d on",
                on);
  if (t->filter[0]) canvas_printf(c, r.x + 40, r.y, ROLE_MATCH, r.w - 41, "/%s", t->filter);
  if (t->err[0]) canvas_put(c, r.x + 1, r.y + 1, ROLE_BANNER, r.w - 2, t->err);
  if (!t->selection) {
    canvas_put(c, r.x + 2, r.y + 2, ROLE_DIM, r.w - 4, "loading the selection…");
    return;
  }
  /* columns: as many as fit, filled top to bottom */
  int rows = r.h - 2, colw = 30;
  int ncols = r.w / colw;
  if (ncols < 1) ncols = 1;
  if (rows < 1) return;
  /* scroll by whole screens of columns */
  int per = rows * ncols;
  list_fit(&t->l, per);
  int first = (t->l.sel / per) * per;
  for (int k = 0; k < per && first + k < t->l.n; k++) {
    int idx = first + k;
    int cx = r.x + 1 + (k / rows) * colw, cy = r.y + 2 + k % rows;
    bool sel = idx == t->l.sel, is_on = selected(t, t->types[idx]);
    char line[96];
    snprintf(line, sizeof line, "[%s] %s", is_on ? "x" : " ", t->types[idx]);
    canvas_put_cell(c, cx, cy, sel ? ROLE_SELECTED : is_on ? ROLE_EVENT_TYPE : ROLE_DIM,
                    colw - 1, 0, line);
  }
}

static int action(struct view *v, struct app *a, enum action act) {
  struct telemetry *t = v->priv;
  if (list_action(&t->l, act)) return 1;
  switch (act) {
  case ACT_TOGGLE: {
    if (!t->selection || !t->l.n || t->busy) return 1;
    const char *name = t->types[t->l.sel];
    json_t *next = json_array();
    size_t i;
    json_t *it;
    bool was = false;
    json_array_foreach(t->selection, i, it) {
      if (strcmp(json_string_value(it), name) == 0) {
        was = true;
        continue;
      }
      json_array_append(next, it);
    }
    if (!was) json_array_append_new(next, json_string(name));
    t->busy = true;
    app_call(a, v, TAG_SET, "sensors.events.set",
             json_pack("{s:s, s:o}", "sid", view_live_sid(v->parent), "events", next));
    return 1;
  }
  case ACT_FILTER: app_prompt(a, v, 0, "/", t->filter, true); return 1;
  case ACT_REFRESH: load(v, a); return 1;
  default: return 0;
  }
}

static void input(struct view *v, struct app *a, int tag, const char *text, bool final) {
  (void)a, (void)tag, (void)final;
  struct telemetry *t = v->priv;
  snprintf(t->filter, sizeof t->filter, "%s", text ? text : "");
  rebuild(t);
}

static void result(struct view *v, struct app *a, int tag, json_t *res, const struct vg_err *err) {
  struct telemetry *t = v->priv;
  if (tag == TAG_GET) t->loading = false;
  if (tag == TAG_SET) t->busy = false;
  if (!res) {
    snprintf(t->err, sizeof t->err, "%s: %s", tag == TAG_GET ? "sensors.events.get" : "sensors.events.set",
             err ? err->msg : "failed");
    return;
  }
  t->err[0] = '\0';
  json_t *ev = json_object_get(res, "events");
  if (!json_is_array(ev)) return;
  json_decref(t->selection);
  t->selection = json_incref(ev);
  if (tag == TAG_SET) app_status(a, ROLE_OK, "telemetry: %zu event types on", json_array_size(ev));
}

static void tick(struct view *v, struct app *a) {
  struct telemetry *t = v->priv;
  if (!t->selection && !t->loading && a->online) load(v, a);
}

static const char *hint(struct view *v, struct app *a) {
  struct telemetry *t = v->priv;
  static const enum action acts[] = {ACT_TOGGLE, ACT_FILTER};
  return app_hints(a, t->hintbuf, sizeof t->hintbuf, acts, 2);
}

static void telemetry_free(struct view *v) {
  struct telemetry *t = v->priv;
  json_decref(t->selection);
  free(t);
  free(v);
}

static const struct view_ops telemetry_ops = {
    .name = "telemetry",
    .ctx = CTX_TELEMETRY,
    .list = true,
    .draw = draw,
    .action = action,
    .result = result,
    .tick = tick,
    .input = input,
    .hint = hint,
    .free = telemetry_free,
};

struct view *tab_telemetry_create(struct app *a, struct view *live) {
  (void)a, (void)live;
  struct view *v = vg_xcalloc(1, sizeof *v);
  struct telemetry *t = vg_xcalloc(1, sizeof *t);
  rebuild(t);
  v->ops = &telemetry_ops;
  v->priv = t;
  return v;
}
