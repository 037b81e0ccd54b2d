/* tab_info.c — Live View tab 1: the sensor record (hostname, platform, IPs,
 * connection times, version, collectors) and its tags, added (with a TTL)
 * and removed right here. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/alloc.h"
#include "tui/app.h"
#include "tui/fmt.h"
#include "tui/list.h"
#include "tui/tabs.h"
#include "tui/view_live.h"

enum { TAG_ADD = 1, TAG_REMOVE };
#define INFO_TTL_MAX_S (10LL * 365 * 86400)

struct info {
  struct list_state l; /* over the tags */
  char hintbuf[128];
};

/* "30m" "2h" "7d" "90" (seconds) → seconds; -1 if malformed. */
static long long parse_ttl(const char *s) {
  char *end;
  errno = 0;
  long long n = strtoll(s, &end, 10);
  if (errno || end == s || n < 0) return -1;
  long long mul = 1;
  if (*end == 's') mul = 1, end++;
  else if (*end == 'm') mul = 60, end++;
  else if (*end == 'h') mul = 3600, end++;
  else if (*end == 'd') mul = 86400, end++;
  if (*end || n > INFO_TTL_MAX_S / mul) return -1;
  return n * mul;
}

static const char *tag_at(const json_t *tags, int i) {
  const char *k;
  json_t *v;
  int n = 0;
  json_object_foreach((json_t *)tags, k, v) {
    if (n++ == i) return k;
  }
  return NULL;
}

static void field(struct canvas *c, int x, int y, int w, const char *label, enum role role,
                  const char *value) {
  canvas_put_cell(c, x, y, ROLE_LABEL, 14, 0, label);
  canvas_put(c, x + 15, y, role, w - 15, value[0] ? value : "—");
}

static void draw(struct view *v, struct app *a, struct canvas *c, struct rect r) {
  struct info *in = v->priv;
  const json_t *s = view_live_sensor(v->parent);
  char buf[1024], t2[64];
  int x = r.x + 2, y = r.y + 1, w = r.w - 4;
  bool on = json_is_true(json_object_get(s, "online"));
  field(c, x, y++, w, "hostname", ROLE_NORMAL, fmt_str(s, "hostname"));
  field(c, x, y++, w, "sensor id", ROLE_DIM, fmt_str(s, "sid"));
  field(c, x, y++, w, "platform", ROLE_NORMAL, fmt_platform(s, buf, sizeof buf));
  field(c, x, y++, w, "state", on ? ROLE_ONLINE : ROLE_OFFLINE, on ? "online" : "offline");
  bool iso = json_is_true(json_object_get(s, "isolated"));
  field(c, x, y++, w, "network", iso ? ROLE_ISOLATED : ROLE_NORMAL,
        iso ? "isolated (only vigild reachable)" : "normal");
  field(c, x, y++, w, "internal IP", ROLE_NORMAL, fmt_str(s, "int_ip"));
  field(c, x, y++, w, "external IP", ROLE_NORMAL, fmt_str(s, "ext_ip"));
  snprintf(buf, sizeof buf, "%s (%s)", fmt_time(fmt_int(s, "last_connect"), t2, sizeof t2),
           on ? "connected" : "last");
  char ago[32];
  if (!on && fmt_int(s, "last_disconnect")) {
    char t3[64];
    snprintf(buf, sizeof buf, "%s, disconnected %s", fmt_time(fmt_int(s, "last_connect"), t2, sizeof t2),
             app_ago(a, fmt_int(s, "last_disconnect"), ago, sizeof ago));
    (void)t3;
  }
  field(c, x, y++, w, "last connect", ROLE_NORMAL, buf);
  field(c, x, y++, w, "first seen", ROLE_DIM, fmt_time(fmt_int(s, "first_seen"), t2, sizeof t2));
  field(c, x, y++, w, "version", ROLE_NORMAL, fmt_str(s, "version"));
  json_t *cols = json_object_get(s, "collectors");
  buf[0] = '\0';
  size_t used = 0, i;
  json_t *it;
  json_array_foreach(cols, i, it) {
    const char *name = json_is_string(it) ? json_string_value(it)
                                          : fmt_str(it, "name");
    int n = snprintf(buf + used, sizeof buf - used, "%s%s", used ? ", " : "", name);
    if (n < 0 || (size_t)n >= sizeof buf - used) break;
    used += (size_t)n;
  }
  if (json_is_string(cols)) snprintf(buf, sizeof buf, "%s", json_string_value(cols));
  field(c, x, y++, w, "collectors", ROLE_NORMAL, buf);
  y++;
  json_t *tags = json_object_get(s, "tags");
  in->l.n = (int)json_object_size(tags);
  canvas_printf(c, x, y++, ROLE_HEADER, w, "Tags (%d)", in->l.n);
  int rows = r.y + r.h - y;
  list_fit(&in->l, rows);
  if (!in->l.n) canvas_put(c, x + 2, y, ROLE_DIM, w - 2, "no tags");
  for (int k = 0; k < rows && in->l.top + k < in->l.n; k++) {
    int idx = in->l.top + k;
    const char *tag = tag_at(tags, idx);
    int64_t exp = json_integer_value(json_object_get(tags, tag));
    bool sel = idx == in->l.sel;
    if (sel) canvas_fill(c, (struct rect){x, y + k, w, 1}, ROLE_SELECTED);
    canvas_put(c, x + 2, y + k, sel ? ROLE_SELECTED : ROLE_TAG, 40, tag);
    if (exp > 0) {
      canvas_printf(c, x + 44, y + k, sel ? ROLE_SELECTED : ROLE_DIM, w - 44, "expires %s",
                    fmt_time(exp, t2, sizeof t2));
    } else {
      canvas_put(c, x + 44, y + k, sel ? ROLE_SELECTED : ROLE_DIM, w - 44, "no expiry");
    }
  }
}

static int action(struct view *v, struct app *a, enum action act) {
  struct info *in = v->priv;
  const json_t *s = view_live_sensor(v->parent);
  if (list_action(&in->l, act)) return 1;
  if (act == ACT_TAG_ADD) {
    app_prompt(a, v, TAG_ADD, "add tag [ttl e.g. 30m 2h 7d]: ", "", false);
    return 1;
  }
  if (act == ACT_TAG_REMOVE) {
    const char *tag = tag_at(json_object_get(s, "tags"), in->l.sel);
    if (!tag) return 1;
    app_call(a, v, TAG_REMOVE, "sensors.tags.remove",
             json_pack("{s:s, s:s}", "sid", view_live_sid(v->parent), "tag", tag));
    return 1;
  }
  return 0;
}

static void input(struct view *v, struct app *a, int tag, const char *text, bool final) {
  if (tag != TAG_ADD || !final || !text) return;
  char name[256], ttl[64] = "";
  int n = sscanf(text, "%255s %63s", name, ttl);
  if (n < 1) return;
  long long secs = 0;
  if (n == 2 && (secs = parse_ttl(ttl)) < 0) {
    app_status(a, ROLE_BANNER, "ttl '%s': a number with s, m, h or d (at most ten years)", ttl);
    return;
  }
  app_call(a, v, TAG_ADD, "sensors.tags.add",
           json_pack("{s:s, s:s, s:I}", "sid", view_live_sid(v->parent), "tag", name, "ttl",
                     (json_int_t)secs));
}

static void result(struct view *v, struct app *a, int tag, json_t *res, const struct vg_err *err) {
  if (!res) {
    app_status(a, ROLE_BANNER, "%s: %s", tag == TAG_ADD ? "add tag" : "remove tag",
               err ? err->msg : "failed");
    return;
  }
  json_t *s = json_deep_copy(view_live_sensor(v->parent));
  json_object_set(s, "tags", json_object_get(res, "tags"));
  view_live_set_sensor(v->parent, s);
  json_decref(s);
  app_status(a, ROLE_OK, "tags: %zu", json_object_size(json_object_get(res, "tags")));
}

static const char *hint(struct view *v, struct app *a) {
  struct info *in = v->priv;
  static const enum action acts[] = {ACT_TAG_ADD, ACT_TAG_REMOVE};
  return app_hints(a, in->hintbuf, sizeof in->hintbuf, acts, 2);
}

static void info_free(struct view *v) {
  free(v->priv);
  free(v);
}

static const struct view_ops info_ops = {
    .name = "info",
    .ctx = CTX_INFO,
    .list = true,
    .draw = draw,
    .action = action,
    .result = result,
    .input = input,
    .hint = hint,
    .free = info_free,
};

struct view *tab_info_create(struct app *a, struct view *live) {
  (void)a, (void)live;
  struct view *v = vg_xcalloc(1, sizeof *v);
  v->ops = &info_ops;
  v->priv = vg_xcalloc(1, sizeof(struct info));
  return v;
}
