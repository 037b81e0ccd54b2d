/* view_fleet.c — the fleet view. */
#include "tui/view_fleet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "shared/alloc.h"
#include "tui/app.h"
#include "tui/fmt.h"
#include "tui/list.h"
#include "tui/view_live.h"

enum { TAG_FILTER_TEXT = 1, TAG_FILTER_TAG };
enum { COL_STATE, COL_HOST, COL_PLAT, COL_SEEN, COL_INT, COL_EXT, COL_ISO, COL_TAGS, COL__N };

static const struct column {
  const char *title;
  int width;    /* 0 = takes the rest */
  int priority; /* dropped first when narrow: higher */
  int right;
} columns[COL__N] = {
    [COL_STATE] = {"", 1, 0, 0},          [COL_HOST] = {"HOSTNAME", 18, 0, 0},
    [COL_PLAT] = {"PLATFORM", 11, 1, 0},  [COL_SEEN] = {"LAST SEEN", 9, 1, 1},
    [COL_INT] = {"INT IP", 15, 2, 0},     [COL_EXT] = {"EXT IP", 15, 3, 0},
    [COL_ISO] = {"NET", 8, 1, 0},         [COL_TAGS] = {"TAGS", 0, 0, 0},
};
#define FLEET_TAGS_MIN 10
/* sortable columns, in the order `sort` cycles through */
static const int sort_cycle[] = {COL_HOST, COL_STATE, COL_SEEN, COL_PLAT, COL_INT, COL_ISO};
#define SORT_N ((int)(sizeof sort_cycle / sizeof sort_cycle[0]))

struct fleet {
  json_t *sensors;  /* the last complete listing */
  json_t *incoming; /* pages of the listing in progress */
  bool loading, loaded;
  int64_t last_poll;
  struct list_state l;
  int *rows; /* indices into sensors after filter and sort */
  char filter[256], tag[128];
  int sort; /* index into sort_cycle */
  bool reverse;
  char err[320];
  char hintbuf[128];
};

static const struct app *sort_app;
static int sort_col;
static bool sort_rev;
static json_t *sort_arr;

static int64_t last_seen(const json_t *s) {
  if (json_is_true(json_object_get(s, "online"))) return fmt_int(s, "last_connect");
  int64_t d = fmt_int(s, "last_disconnect");
  return d ? d : fmt_int(s, "last_connect");
}

static int cmp(const void *x, const void *y) {
  const json_t *a = json_array_get(sort_arr, (size_t) * (const int *)x);
  const json_t *b = json_array_get(sort_arr, (size_t) * (const int *)y);
  int r = 0;
  char ba[64], bb[64];
  switch (sort_col) {
  case COL_STATE:
    r = (int)json_is_true(json_object_get(b, "online")) - (int)json_is_true(json_object_get(a, "online"));
    break;
  case COL_SEEN: {
    int64_t ta = last_seen(a), tb = last_seen(b);
    r = ta < tb ? 1 : ta > tb ? -1 : 0;
    break;
  }
  case COL_PLAT: r = strcmp(fmt_platform(a, ba, sizeof ba), fmt_platform(b, bb, sizeof bb)); break;
  case COL_INT: r = strcmp(fmt_str(a, "int_ip"), fmt_str(b, "int_ip")); break;
  case COL_ISO:
    r = (int)json_is_true(json_object_get(b, "isolated")) - (int)json_is_true(json_object_get(a, "isolated"));
    break;
  default: break;
  }
  if (!r) r = strcasecmp(fmt_str(a, "hostname"), fmt_str(b, "hostname"));
  if (!r) r = strcmp(fmt_str(a, "sid"), fmt_str(b, "sid"));
  (void)sort_app;
  return sort_rev ? -r : r;
}

static bool passes(const struct fleet *f, const json_t *s, int64_t now) {
  json_t *tags = json_object_get(s, "tags");
  if (f->tag[0] && !json_object_get(tags, f->tag)) return false;
  if (!f->filter[0]) return true;
  char buf[1024];
  static const char *const keys[] = {"hostname", "sid", "int_ip", "ext_ip", "version"};
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
    if (app_match(fmt_str(s, keys[i]), f->filter)) return true;
  if (app_match(fmt_platform(s, buf, sizeof buf), f->filter)) return true;
  if (app_match(fmt_tags(tags, now, buf, sizeof buf), f->filter)) return true;
  return false;
}

static void rebuild(struct fleet *f, const struct app *a) {
  const char *keep = NULL;
  if (f->rows && f->l.n > 0 && f->sensors)
    keep = fmt_str(json_array_get(f->sensors, (size_t)f->rows[f->l.sel]), "sid");
  char sid[64];
  snprintf(sid, sizeof sid, "%s", keep ? keep : "");
  free(f->rows);
  size_t n = json_array_size(f->sensors);
  f->rows = vg_xcalloc(n ? n : 1, sizeof *f->rows);
  f->l.n = 0;
  for (size_t i = 0; i < n; i++)
    if (passes(f, json_array_get(f->sensors, i), a->now_ms)) f->rows[f->l.n++] = (int)i;
  sort_app = a, sort_col = sort_cycle[f->sort], sort_rev = f->reverse, sort_arr = f->sensors;
  qsort(f->rows, (size_t)f->l.n, sizeof *f->rows, cmp);
  if (sid[0]) {
    for (int i = 0; i < f->l.n; i++)
      if (strcmp(fmt_str(json_array_get(f->sensors, (size_t)f->rows[i]), "sid"), sid) == 0)
        f->l.sel = i;
  }
  if (f->l.sel >= f->l.n) f->l.sel = f->l.n ? f->l.n - 1 : 0;
}

static void poll_list(struct view *v, struct app *a, const char *cursor) {
  struct fleet *f = v->priv;
  json_t *p = json_pack("{s:i}", "limit", 1000);
  if (cursor) json_object_set_new(p, "cursor", json_string(cursor));
  f->loading = true;
  f->last_poll = a->now_ms;
  app_call(a, v, VIEW_FLEET_TAG_LIST, "sensors.list", p);
}

static void result(struct view *v, struct app *a, int tag, json_t *res, const struct vg_err *err) {
  struct fleet *f = v->priv;
  if (tag != VIEW_FLEET_TAG_LIST) return;
  if (!res) {
    f->loading = false;
    json_decref(f->incoming);
    f->incoming = NULL;
    snprintf(f->err, sizeof f->err, "sensors.list: %s", err ? err->msg : "failed");
    return;
  }
  f->err[0] = '\0';
  if (!f->incoming) f->incoming = json_array();
  json_array_extend(f->incoming, json_object_get(res, "sensors"));
  const char *next = json_string_value(json_object_get(res, "next"));
  if (next && json_array_size(f->incoming) < 100000) {
    poll_list(v, a, next);
    return;
  }
  json_decref(f->sensors);
  f->sensors = f->incoming;
  f->incoming = NULL;
  f->loading = false;
  f->loaded = true;
  rebuild(f, a);
}

static void tick(struct view *v, struct app *a) {
  struct fleet *f = v->priv;
  if (!f->loading && a->online && (!f->loaded || a->now_ms - f->last_poll >= FLEET_POLL_MS))
    poll_list(v, a, NULL);
}

/* widths of the visible columns for a width w; 0 = hidden */
static void layout(int w, int *cw) {
  int used = 0;
  for (int c = 0; c < COL__N; c++) {
    cw[c] = columns[c].width;
    used += cw[c] + (cw[c] ? 1 : 0);
  }
  used += 1; /* left margin */
  for (int pr = 3; pr >= 1 && used + FLEET_TAGS_MIN > w; pr--) {
    for (int c = COL__N - 1; c >= 0; c--) {
      if (columns[c].priority == pr && cw[c] && used + FLEET_TAGS_MIN > w) {
        used -= cw[c] + 1;
        cw[c] = 0;
      }
    }
  }
  cw[COL_TAGS] = w - used > 0 ? w - used : 0;
}

static void draw(struct view *v, struct app *a, struct canvas *c, struct rect r) {
  struct fleet *f = v->priv;
  int cw[COL__N];
  layout(r.w, cw);
  /* summary line */
  int online = 0;
  for (size_t i = 0; i < json_array_size(f->sensors); i++)
    online += json_is_true(json_object_get(json_array_get(f->sensors, i), "online"));
  int x = canvas_printf(c, r.x + 1, r.y, ROLE_LABEL, -1, "Sensors %zu",
                        json_array_size(f->sensors));
  x += canvas_printf(c, r.x + 1 + x, r.y, ROLE_DIM, -1, " · %d online", online);
  if (f->l.n != (int)json_array_size(f->sensors))
    x += canvas_printf(c, r.x + 1 + x, r.y, ROLE_DIM, -1, " · %d shown", f->l.n);
  if (f->filter[0]) x += canvas_printf(c, r.x + 1 + x, r.y, ROLE_MATCH, -1, "  /%s", f->filter);
  if (f->tag[0]) x += canvas_printf(c, r.x + 1 + x, r.y, ROLE_TAG, -1, "  tag:%s", f->tag);
  if (f->err[0]) canvas_put(c, r.x + 2 + x, r.y, ROLE_BANNER, r.w - x - 3, f->err);
  /* header */
  int y = r.y + 1;
  canvas_fill(c, (struct rect){r.x, y, r.w, 1}, ROLE_HEADER);
  x = r.x + 1;
  for (int col = 0; col < COL__N; col++) {
    if (!cw[col]) continue;
    char t[64];
    bool sorted = sort_cycle[f->sort] == col;
    snprintf(t, sizeof t, "%s%s", columns[col].title,
             sorted ? (f->reverse ? "▲" : "▼") : "");
    if (col == COL_STATE && sorted) snprintf(t, sizeof t, "%s", f->reverse ? "▲" : "▼");
    canvas_put_cell(c, x, y, ROLE_HEADER, cw[col], columns[col].right, t);
    x += cw[col] + 1;
  }
  int rows = r.h - 2;
  list_fit(&f->l, rows);
  if (!f->l.n) {
    const char *msg = !f->loaded ? (a->online || !a->be.call ? "loading sensors…" : "waiting for vigild…")
                      : json_array_size(f->sensors) ? "no sensor matches the filter"
                                                    : "no sensors enrolled yet";
    canvas_put(c, r.x + 2, y + 2, ROLE_DIM, r.w - 4, msg);
    return;
  }
  for (int i = 0; i < rows && f->l.top + i < f->l.n; i++) {
    int row = f->l.top + i, yy = y + 1 + i;
    const json_t *s = json_array_get(f->sensors, (size_t)f->rows[row]);
    bool sel = row == f->l.sel;
    bool on = json_is_true(json_object_get(s, "online"));
    bool iso = json_is_true(json_object_get(s, "isolated"));
    enum role base = sel ? ROLE_SELECTED : ROLE_NORMAL;
    if (sel) canvas_fill(c, (struct rect){r.x, yy, r.w, 1}, ROLE_SELECTED);
    char buf[1024];
    x = r.x + 1;
    for (int col = 0; col < COL__N; col++) {
      if (!cw[col]) continue;
      enum role role = base;
      const char *t = "";
      switch (col) {
      case COL_STATE:
        t = on ? "●" : "○";
        role = sel ? base : on ? ROLE_ONLINE : ROLE_OFFLINE;
        break;
      case COL_HOST: t = fmt_str(s, "hostname"); break;
      case COL_PLAT: t = fmt_platform(s, buf, sizeof buf); break;
      case COL_SEEN:
        t = on ? "now" : app_ago(a, last_seen(s), buf, sizeof buf);
        if (!sel) role = on ? ROLE_ONLINE : ROLE_DIM;
        break;
      case COL_INT: t = fmt_str(s, "int_ip"); break;
      case COL_EXT: t = fmt_str(s, "ext_ip"); break;
      case COL_ISO:
        t = iso ? "isolated" : "";
        if (!sel && iso) role = ROLE_ISOLATED;
        break;
      case COL_TAGS:
        t = fmt_tags(json_object_get(s, "tags"), a->now_ms, buf, sizeof buf);
        if (!sel) role = ROLE_TAG;
        break;
      }
      canvas_put_cell(c, x, yy, role, cw[col], columns[col].right, t);
      if (sel) canvas_paint(c, (struct rect){x, yy, cw[col], 1}, ROLE_SELECTED);
      x += cw[col] + 1;
    }
  }
}

static int action(struct view *v, struct app *a, enum action act) {
  struct fleet *f = v->priv;
  if (list_action(&f->l, act)) return 1;
  switch (act) {
  case ACT_SELECT:
    if (f->l.n) {
      const json_t *s = json_array_get(f->sensors, (size_t)f->rows[f->l.sel]);
      app_push_view(a, view_live_create(a, s));
    }
    return 1;
  case ACT_FILTER: app_prompt(a, v, TAG_FILTER_TEXT, "/", f->filter, true); return 1;
  case ACT_TAG_FILTER: app_prompt(a, v, TAG_FILTER_TAG, "tag: ", f->tag, false); return 1;
  case ACT_SORT:
    f->sort = (f->sort + 1) % SORT_N;
    rebuild(f, a);
    app_status(a, ROLE_OK, "sorted by %s",
               sort_cycle[f->sort] == COL_STATE ? "online state" : columns[sort_cycle[f->sort]].title);
    return 1;
  case ACT_SORT_REVERSE:
    f->reverse = !f->reverse;
    rebuild(f, a);
    return 1;
  case ACT_REFRESH:
    if (!f->loading) poll_list(v, a, NULL);
    return 1;
  case ACT_BACK:
    if (f->filter[0] || f->tag[0]) {
      f->filter[0] = f->tag[0] = '\0';
      rebuild(f, a);
      return 1;
    }
    return 0;
  default: return 0;
  }
}

static void input(struct view *v, struct app *a, int tag, const char *text, bool final) {
  struct fleet *f = v->priv;
  (void)final;
  if (tag == TAG_FILTER_TEXT) snprintf(f->filter, sizeof f->filter, "%s", text ? text : "");
  if (tag == TAG_FILTER_TAG) snprintf(f->tag, sizeof f->tag, "%s", text ? text : "");
  rebuild(f, a);
}

static const char *hint(struct view *v, struct app *a) {
  struct fleet *f = v->priv;
  static const enum action acts[] = {ACT_SELECT, ACT_FILTER, ACT_TAG_FILTER, ACT_SORT};
  return app_hints(a, f->hintbuf, sizeof f->hintbuf, acts, 4);
}

static void fleet_free(struct view *v) {
  struct fleet *f = v->priv;
  json_decref(f->sensors);
  json_decref(f->incoming);
  free(f->rows);
  free(f);
  free(v);
}

static const struct view_ops fleet_ops = {
    .name = "fleet",
    .ctx = CTX_FLEET,
    .list = true,
    .draw = draw,
    .action = action,
    .result = result,
    .tick = tick,
    .input = input,
    .hint = hint,
    .free = fleet_free,
};

struct view *view_fleet_create(struct app *a) {
  (void)a;
  struct view *v = vg_xcalloc(1, sizeof *v);
  struct fleet *f = vg_xcalloc(1, sizeof *f);
  f->sensors = json_array();
  v->ops = &fleet_ops;
  v->priv = f;
  return v;
}
