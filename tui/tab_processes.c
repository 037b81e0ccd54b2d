/* tab_processes.c — Live View tab 5: the sensor's processes (os_processes
 * through task.send, its parts joined; reloaded every PROC_POLL_MS while
 * shown), sorted by a column or as a tree, filtered with `/`. On the
 * selected process: Enter shows its record, `m` its memory map (mem_map),
 * `M` its memory strings (mem_strings; `/` searches them), `o` its modules
 * (the shared objects of its mem_map, tui/procmods.c), `h` a hash check
 * (file_hash of its FILE_PATH, then feeds.lookup of the SHA-256 against the
 * organisation's threat feeds, then vt.lookup against vigild's VirusTotal
 * resource, asked again every VT_POLL_MS while it is queued), `K` kills it
 * after a y/n question (os_kill_process). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/alloc.h"
#include "shared/limits.h"
#include "tui/app.h"
#include "tui/fmt.h"
#include "tui/lines.h"
#include "tui/list.h"
#include "tui/procmods.h"
#include "tui/tabs.h"
#include "tui/tasksend.h"
#include "tui/view_live.h"

#define PROC_POLL_MS 5000
#define PROC_MAX 20000     /* = the sensor's os_processes limit */
#define PROC_TREE_DEPTH 32 /* deeper levels are drawn at this indentation */
#define VT_POLL_MS 3000    /* vt.lookup again while vigild's answer is "pending" */
#define VT_POLLS_MAX 40    /* then stop asking (the rate limit is minutes away) */
enum { TAG_LIST = 1, TAG_PANE, TAG_KILL, TAG_FILTER, TAG_PANE_FILTER, TAG_LOOKUP, TAG_VT };
enum { CONFIRM_KILL = 1 };
enum pane { PANE_NONE, PANE_DETAIL, PANE_MAP, PANE_STRINGS, PANE_MODULES, PANE_HASH };
enum { SORT_PID, SORT_NAME, SORT_USER, SORT_MEM, SORT_START, SORT__N };
static const char *const sort_names[SORT__N] = {"pid", "name", "user", "memory", "start"};

struct row {
  int idx;   /* in procs */
  int depth; /* tree mode */
};

struct procs {
  json_t *procs, *incoming; /* shown list; parts being received */
  struct row *rows;
  int nrows;
  struct list_state l;
  int64_t list_sub, pane_sub, kill_sub;
  bool loading, loaded, tree, reverse;
  int sort;
  int64_t last_load;
  char filter[128], err[320], hintbuf[200];
  /* the pane below the list */
  enum pane pane;
  json_t *pane_rows;
  const char *pane_list; /* MEMORY_MAP or STRINGS */
  bool pane_loading;
  char pane_title[160], pane_filter[128], pane_err[320];
  struct lines pl;
  struct list_state pls;
  int pane_width;
  bool pane_dirty;
  size_t pane_n; /* rows the pane's title counts */
  /* hash check: the file, its SHA-256, the feeds that list it */
  char hash_path[VG_LIMIT_FILE_PATH_BYTES], hash[80], hash_feeds[400];
  bool lookup_pending;
  /* and VirusTotal's answer: "" not asked yet; vt_next_ms > 0 asks again */
  char hash_vt[400];
  bool vt_pending;
  int vt_polls;
  int64_t vt_next_ms;
  long kill_pid;
};

static const json_t *proc_at(const struct procs *p, int row) {
  return row >= 0 && row < p->nrows ? json_array_get(p->procs, (size_t)p->rows[row].idx) : NULL;
}

static int64_t pid_of(const json_t *pr) { return fmt_int(pr, "PROCESS_ID"); }

static const struct procs *sort_ctx;
static int cmp_proc(const json_t *x, const json_t *y) {
  int c = 0;
  switch (sort_ctx->sort) {
  case SORT_NAME: c = strcmp(fmt_str(x, "PROCESS_NAME"), fmt_str(y, "PROCESS_NAME")); break;
  case SORT_USER: c = strcmp(fmt_str(x, "USER_NAME"), fmt_str(y, "USER_NAME")); break;
  case SORT_MEM: c = (fmt_int(y, "MEMORY_USAGE") > fmt_int(x, "MEMORY_USAGE")) - (fmt_int(y, "MEMORY_USAGE") < fmt_int(x, "MEMORY_USAGE")); break;
  case SORT_START: c = (fmt_int(x, "TIMESTAMP") > fmt_int(y, "TIMESTAMP")) - (fmt_int(x, "TIMESTAMP") < fmt_int(y, "TIMESTAMP")); break;
  default: break;
  }
  if (!c) c = (pid_of(x) > pid_of(y)) - (pid_of(x) < pid_of(y));
  return sort_ctx->reverse ? -c : c;
}

static int cmp_row(const void *a, const void *b) {
  const struct row *ra = a, *rb = b;
  return cmp_proc(json_array_get(sort_ctx->procs, (size_t)ra->idx),
                  json_array_get(sort_ctx->procs, (size_t)rb->idx));
}

static bool match(const struct procs *p, const json_t *pr) {
  if (!p->filter[0]) return true;
  char pid[32];
  snprintf(pid, sizeof pid, "%lld", (long long)pid_of(pr));
  return app_match(fmt_str(pr, "PROCESS_NAME"), p->filter) ||
         app_match(fmt_str(pr, "COMMAND_LINE"), p->filter) ||
         app_match(fmt_str(pr, "USER_NAME"), p->filter) || app_match(fmt_str(pr, "FILE_PATH"), p->filter) ||
         !strcmp(pid, p->filter);
}

/* Tree: children after their parent, in sort order; the filter keeps a
 * matching process and its ancestors. */
static void tree_add(struct procs *p, struct row *sorted, int n, int *used, int i, int depth, bool *keep) {
  if (used[i]) return;
  used[i] = 1;
  if (keep[i]) p->rows[p->nrows++] = (struct row){sorted[i].idx, depth < PROC_TREE_DEPTH ? depth : PROC_TREE_DEPTH};
  int64_t pid = pid_of(json_array_get(p->procs, (size_t)sorted[i].idx));
  for (int k = 0; k < n; k++)
    if (!used[k] && fmt_int(json_array_get(p->procs, (size_t)sorted[k].idx), "PARENT_PROCESS_ID") == pid &&
        pid_of(json_array_get(p->procs, (size_t)sorted[k].idx)) != pid)
      tree_add(p, sorted, n, used, k, depth + 1, keep);
}

static void rebuild(struct procs *p) {
  int64_t sel_pid = p->nrows ? pid_of(proc_at(p, p->l.sel)) : -1;
  int n = (int)json_array_size(p->procs);
  free(p->rows);
  p->rows = vg_xcalloc((size_t)n + 1, sizeof *p->rows);
  p->nrows = 0;
  sort_ctx = p;
  if (!p->tree) {
    for (int i = 0; i < n; i++)
      if (match(p, json_array_get(p->procs, (size_t)i))) p->rows[p->nrows++] = (struct row){i, 0};
    qsort(p->rows, (size_t)p->nrows, sizeof *p->rows, cmp_row);
  } else {
    struct row *sorted = vg_xcalloc((size_t)n + 1, sizeof *sorted);
    int *used = vg_xcalloc((size_t)n + 1, sizeof *used);
    bool *keep = vg_xcalloc((size_t)n + 1, sizeof *keep);
    for (int i = 0; i < n; i++) sorted[i] = (struct row){i, 0};
    qsort(sorted, (size_t)n, sizeof *sorted, cmp_row);
    /* keep: matches and their ancestors (by walking up parent links) */
    for (int i = 0; i < n; i++) {
      if (!match(p, json_array_get(p->procs, (size_t)sorted[i].idx))) continue;
      int64_t want = pid_of(json_array_get(p->procs, (size_t)sorted[i].idx));
      for (int hops = 0; hops < PROC_TREE_DEPTH * 4 && want > 0; hops++) {
        int found = -1;
        for (int k = 0; k < n && found < 0; k++)
          if (pid_of(json_array_get(p->procs, (size_t)sorted[k].idx)) == want) found = k;
        if (found < 0 || keep[found]) break;
        keep[found] = true;
        want = fmt_int(json_array_get(p->procs, (size_t)sorted[found].idx), "PARENT_PROCESS_ID");
      }
    }
    /* roots: a parent not in the list */
    for (int i = 0; i < n; i++) {
      int64_t pp = fmt_int(json_array_get(p->procs, (size_t)sorted[i].idx), "PARENT_PROCESS_ID");
      bool has_parent = false;
      for (int k = 0; k < n && !has_parent; k++)
        has_parent = k != i && pid_of(json_array_get(p->procs, (size_t)sorted[k].idx)) == pp;
      if (!has_parent) tree_add(p, sorted, n, used, i, 0, keep);
    }
    for (int i = 0; i < n; i++) tree_add(p, sorted, n, used, i, 0, keep); /* cycles */
    free(sorted), free(used), free(keep);
  }
  p->l.n = p->nrows;
  for (int i = 0; i < p->nrows; i++)
    if (pid_of(proc_at(p, i)) == sel_pid) p->l.sel = i;
}

static void load(struct view *v, struct app *a) {
  struct procs *p = v->priv;
  p->loading = true;
  p->last_load = a->now_ms;
  json_decref(p->incoming);
  p->incoming = json_array();
  tasksend(a, v, TAG_LIST, "os_processes", TASKSEND_TIMEOUT_S);
}

static void pane_open(struct view *v, struct app *a, enum pane kind) {
  struct procs *p = v->priv;
  const json_t *pr = proc_at(p, p->l.sel);
  if (!pr) return;
  if (p->pane_sub) app_sub_forget(a, p->pane_sub);
  p->pane_sub = 0;
  p->pane = kind;
  json_decref(p->pane_rows);
  p->pane_rows = json_array();
  p->pane_filter[0] = p->pane_err[0] = '\0';
  memset(&p->pls, 0, sizeof p->pls);
  p->pane_dirty = true;
  long long pid = (long long)pid_of(pr);
  const char *name = fmt_str(pr, "PROCESS_NAME");
  char cmd[64];
  p->lookup_pending = p->vt_pending = false;
  p->hash_vt[0] = '\0';
  p->vt_next_ms = 0;
  p->vt_polls = 0;
  if (kind == PANE_DETAIL) {
    snprintf(p->pane_title, sizeof p->pane_title, "process %lld %s", pid, name);
    json_array_append(p->pane_rows, (json_t *)pr);
    p->pane_loading = false;
    return;
  }
  if (kind == PANE_HASH) {
    snprintf(p->pane_title, sizeof p->pane_title, "hash check of %lld %s", pid, name);
    snprintf(p->hash_path, sizeof p->hash_path, "%s", fmt_str(pr, "FILE_PATH"));
    p->hash[0] = p->hash_feeds[0] = '\0';
    p->pane_loading = false;
    if (!p->hash_path[0]) {
      snprintf(p->pane_err, sizeof p->pane_err, "the sensor gave no FILE_PATH for this process");
      return;
    }
    char q[VG_LIMIT_FILE_PATH_BYTES * 2 + 3], hcmd[sizeof q + 16];
    snprintf(hcmd, sizeof hcmd, "file_hash %s", tasksend_quote(p->hash_path, q, sizeof q));
    p->pane_loading = true;
    tasksend(a, v, TAG_PANE, hcmd, TASKSEND_TIMEOUT_S);
    return;
  }
  p->pane_list = kind == PANE_STRINGS ? "STRINGS" : "MEMORY_MAP";
  snprintf(p->pane_title, sizeof p->pane_title, "%s of %lld %s",
           kind == PANE_MAP ? "memory map" : kind == PANE_MODULES ? "modules" : "memory strings", pid, name);
  snprintf(cmd, sizeof cmd, "%s -p %lld", kind == PANE_STRINGS ? "mem_strings" : "mem_map", pid);
  p->pane_loading = true;
  tasksend(a, v, TAG_PANE, cmd, TASKSEND_TIMEOUT_S);
}

static void pane_rebuild(struct procs *p, int width) {
  lines_clear(&p->pl);
  p->pane_width = width;
  p->pane_dirty = false;
  p->pane_n = json_array_size(p->pane_rows);
  if (p->pane == PANE_DETAIL) {
    lines_json(&p->pl, json_array_get(p->pane_rows, 0), 0, 0, 0);
    return;
  }
  if (p->pane == PANE_HASH) {
    if (!p->hash[0] && !p->pane_loading) return;
    lines_add(&p->pl, ROLE_NORMAL, 0, 0, "file:       %s", p->hash_path);
    lines_add(&p->pl, ROLE_NORMAL, 0, 0, "sha256:     %s", p->hash[0] ? p->hash : "…");
    if (p->hash[0])
      lines_add(&p->pl, p->lookup_pending ? ROLE_DIM : ROLE_NORMAL, 0, 0, "feeds:      %s",
                p->lookup_pending ? "asking vigild…" : p->hash_feeds);
    if (p->hash[0] && !p->lookup_pending)
      lines_add(&p->pl, p->vt_pending || !p->hash_vt[0] ? ROLE_DIM : ROLE_NORMAL, 0, 0,
                "VirusTotal: %s", p->hash_vt[0] ? p->hash_vt : "asking vigild…");
    return;
  }
  if (p->pane == PANE_MODULES) {
    json_t *mods = procmods_collect(p->pane_rows);
    p->pane_n = json_array_size(mods);
    if (p->pane_n) lines_table(&p->pl, mods, width, 0, 0, 0);
    json_decref(mods);
    return;
  }
  json_t *rows = json_array();
  size_t i;
  json_t *r;
  json_array_foreach(p->pane_rows, i, r) {
    if (p->pane_filter[0] && !app_match(fmt_str(r, "STRING"), p->pane_filter) &&
        !app_match(fmt_str(r, "FILE_PATH"), p->pane_filter) &&
        !app_match(fmt_str(r, "PERMISSIONS"), p->pane_filter))
      continue;
    json_array_append(rows, r);
  }
  if (json_array_size(rows)) lines_table(&p->pl, rows, width, 0, 0, 0);
  json_decref(rows);
}

static void draw_pane(struct procs *p, struct canvas *c, struct rect r) {
  canvas_hline(c, r.x, r.y, r.w, ROLE_BORDER);
  if (p->pane_dirty || p->pane_width != r.w - 2) pane_rebuild(p, r.w - 2);
  char t[400];
  snprintf(t, sizeof t, " %s: %zu%s%s%s ", p->pane_title, p->pane_n,
           p->pane_loading ? " (loading…)" : "", p->pane_filter[0] ? "  /" : "", p->pane_filter);
  if (p->pane == PANE_DETAIL || p->pane == PANE_HASH)
    snprintf(t, sizeof t, " %s%s ", p->pane_title, p->pane_loading ? " (hashing…)" : "");
  canvas_put(c, r.x + 2, r.y, ROLE_LABEL, r.w - 4, t);
  if (p->pane_err[0]) {
    canvas_put(c, r.x + 1, r.y + 1, ROLE_BANNER, r.w - 2, p->pane_err);
    return;
  }
  if (!p->pl.n && !p->pane_loading)
    canvas_put(c, r.x + 2, r.y + 1, ROLE_DIM, r.w - 4, "nothing");
  lines_draw(&p->pl, c, (struct rect){r.x + 1, r.y + 1, r.w - 2, r.h - 1}, &p->pls, p->pane != PANE_DETAIL);
}

static void draw(struct view *v, struct app *a, struct canvas *c, struct rect r) {
  (void)a;
  struct procs *p = v->priv;
  char head[300];
  snprintf(head, sizeof head, "Processes %d%s  sort: %s%s%s%s%s", p->nrows,
           p->loading ? " (refreshing…)" : "", p->tree ? "tree" : sort_names[p->sort],
           p->reverse ? " ↓" : "", p->filter[0] ? "  /" : "", p->filter, "");
  canvas_put(c, r.x + 1, r.y, ROLE_LABEL, r.w - 2, head);
  if (p->err[0]) canvas_put(c, r.x + 1, r.y + 1, ROLE_BANNER, r.w - 2, p->err);
  int list_h = r.h - 2;
  struct rect pane = {0};
  if (p->pane) {
    int ph = list_h / 2;
    list_h -= ph;
    pane = (struct rect){r.x, r.y + 2 + list_h, r.w, ph};
  }
  if (!p->loaded) {
    canvas_put(c, r.x + 2, r.y + 2, ROLE_DIM, r.w - 4, p->loading ? "asking the sensor…" : "");
    return;
  }
  bool wide = r.w >= 120;
  int x = r.x + 1, y = r.y + 2;
  int wpid = 7, wuser = 10, wmem = 9, wname = 16, wstart = wide ? 20 : 0;
  int wcmd = r.w - 2 - (wpid * 2 + wuser + wmem + wname + wstart);
  canvas_put_cell(c, x, y, ROLE_HEADER, wpid, 1, "PID ");
  canvas_put_cell(c, x + wpid, y, ROLE_HEADER, wpid, 1, "PPID ");
  canvas_put_cell(c, x + 2 * wpid, y, ROLE_HEADER, wuser, 0, "USER");
  canvas_put_cell(c, x + 2 * wpid + wuser, y, ROLE_HEADER, wmem, 1, "MEM ");
  canvas_put_cell(c, x + 2 * wpid + wuser + wmem, y, ROLE_HEADER, wname, 0, "NAME");
  if (wide) canvas_put_cell(c, x + 2 * wpid + wuser + wmem + wname, y, ROLE_HEADER, wstart, 0, "STARTED");
  if (wcmd > 0) canvas_put_cell(c, r.x + r.w - 1 - wcmd, y, ROLE_HEADER, wcmd, 0, "COMMAND LINE");
  int rows = list_h - 1;
  list_fit(&p->l, rows);
  for (int k = 0; k < rows && p->l.top + k < p->nrows; k++) {
    int idx = p->l.top + k, yy = y + 1 + k;
    const json_t *pr = proc_at(p, idx);
    bool sel = idx == p->l.sel;
    enum role rl = sel ? ROLE_SELECTED : ROLE_NORMAL, dim = sel ? ROLE_SELECTED : ROLE_DIM;
    if (sel) canvas_fill(c, (struct rect){r.x, yy, r.w, 1}, ROLE_SELECTED);
    char b[64], b2[64];
    snprintf(b, sizeof b, "%lld ", (long long)pid_of(pr));
    canvas_put_cell(c, x, yy, rl, wpid, 1, b);
    snprintf(b, sizeof b, "%lld ", (long long)fmt_int(pr, "PARENT_PROCESS_ID"));
    canvas_put_cell(c, x + wpid, yy, dim, wpid, 1, b);
    canvas_put_cell(c, x + 2 * wpid, yy, rl, wuser - 1, 0,
                    json_object_get(pr, "USER_NAME") ? fmt_str(pr, "USER_NAME") : "?");
    snprintf(b2, sizeof b2, "%s ", fmt_bytes((uint64_t)fmt_int(pr, "MEMORY_USAGE"), b, sizeof b));
    canvas_put_cell(c, x + 2 * wpid + wuser, yy, dim, wmem, 1, b2);
    int d = p->tree ? p->rows[idx].depth : 0;
    char name[128];
    snprintf(name, sizeof name, "%*s%s%s", d > 8 ? 8 : d, "", d ? "└ " : "", fmt_str(pr, "PROCESS_NAME"));
    canvas_put_cell(c, x + 2 * wpid + wuser + wmem, yy, sel ? rl : ROLE_EVENT_TYPE, wname - 1, 0, name);
    if (wide)
      canvas_put_cell(c, x + 2 * wpid + wuser + wmem + wname, yy, dim, wstart, 0,
                      fmt_time(fmt_int(pr, "TIMESTAMP"), b, sizeof b));
    if (wcmd > 0)
      canvas_put_cell(c, r.x + r.w - 1 - wcmd, yy, rl, wcmd, 0,
                      fmt_str(pr, json_object_get(pr, "COMMAND_LINE") && fmt_str(pr, "COMMAND_LINE")[0]
                                      ? "COMMAND_LINE" : "FILE_PATH"));
  }
  if (p->pane) draw_pane(p, c, pane);
}

static int action(struct view *v, struct app *a, enum action act) {
  struct procs *p = v->priv;
  if (p->pane) {
    if (list_action(&p->pls, act)) return 1;
    if (act == ACT_BACK || act == ACT_QUIT) {
      if (p->pane_sub) app_sub_forget(a, p->pane_sub);
      p->pane_sub = 0;
      p->pane = PANE_NONE;
      lines_clear(&p->pl);
      return 1;
    }
    if (act == ACT_FILTER && p->pane == PANE_STRINGS) {
      app_prompt(a, v, TAG_PANE_FILTER, "search strings: ", p->pane_filter, true);
      return 1;
    }
  } else if (list_action(&p->l, act)) {
    return 1;
  }
  const json_t *pr = proc_at(p, p->l.sel);
  switch (act) {
  case ACT_SORT:
    p->sort = (p->sort + 1) % SORT__N;
    rebuild(p);
    return 1;
  case ACT_SORT_REVERSE:
    p->reverse = !p->reverse;
    rebuild(p);
    return 1;
  case ACT_TREE:
    p->tree = !p->tree;
    rebuild(p);
    return 1;
  case ACT_FILTER: app_prompt(a, v, TAG_FILTER, "/", p->filter, true); return 1;
  case ACT_REFRESH:
    if (!p->loading) load(v, a);
    return 1;
  case ACT_SELECT: pane_open(v, a, PANE_DETAIL); return 1;
  case ACT_MEM_MAP: pane_open(v, a, PANE_MAP); return 1;
  case ACT_MEM_STRINGS: pane_open(v, a, PANE_STRINGS); return 1;
  case ACT_MODULES: pane_open(v, a, PANE_MODULES); return 1;
  case ACT_HASH_CHECK: pane_open(v, a, PANE_HASH); return 1;
  case ACT_KILL:
    if (!pr) return 1;
    p->kill_pid = (long)pid_of(pr);
    app_confirm(a, v, CONFIRM_KILL, "Kill process %ld (%s) with SIGKILL?", p->kill_pid,
                fmt_str(pr, "PROCESS_NAME"));
    return 1;
  default: return 0;
  }
}

static void confirm(struct view *v, struct app *a, int tag, bool yes) {
  struct procs *p = v->priv;
  if (tag != CONFIRM_KILL || !yes) return;
  char cmd[64];
  snprintf(cmd, sizeof cmd, "os_kill_process -p %ld", p->kill_pid);
  tasksend(a, v, TAG_KILL, cmd, TASKSEND_TIMEOUT_S);
}

static void input(struct view *v, struct app *a, int tag, const char *text, bool final) {
  (void)a, (void)final;
  struct procs *p = v->priv;
  if (tag == TAG_FILTER) {
    snprintf(p->filter, sizeof p->filter, "%s", text ? text : "");
    rebuild(p);
  } else if (tag == TAG_PANE_FILTER) {
    snprintf(p->pane_filter, sizeof p->pane_filter, "%s", text ? text : "");
    p->pane_dirty = true;
    p->pls.sel = p->pls.top = 0;
  }
}

/* feeds.lookup answered: "a, b" (the feeds that list the hash) or "no feed lists it". */
static void lookup_result(struct procs *p, const json_t *res, const struct vg_err *err) {
  p->lookup_pending = false;
  p->pane_dirty = true;
  if (!res) {
    snprintf(p->hash_feeds, sizeof p->hash_feeds, "lookup failed: %.300s", err ? err->msg : "?");
    return;
  }
  size_t i, len = 0;
  const json_t *h;
  p->hash_feeds[0] = '\0';
  json_array_foreach(json_object_get(res, "hits"), i, h) {
    int n = snprintf(p->hash_feeds + len, sizeof p->hash_feeds - len, "%s%s", len ? ", " : "",
                     fmt_str(h, "feed"));
    if (n < 0 || (size_t)n >= sizeof p->hash_feeds - len) break;
    len += (size_t)n;
  }
  if (!len) snprintf(p->hash_feeds, sizeof p->hash_feeds, "no feed lists it");
}

/* vt.lookup answered: the engines that flag the file, "no report", "not
 * configured", or "queued" (asked again from tick). */
static void vt_result(struct procs *p, struct app *a, const json_t *res, const struct vg_err *err) {
  p->vt_pending = false;
  p->pane_dirty = true;
  if (!res) {
    if (err && err->code == VG_EUNSUPPORTED)
      snprintf(p->hash_vt, sizeof p->hash_vt, "not configured on this vigild");
    else
      snprintf(p->hash_vt, sizeof p->hash_vt, "lookup failed: %.300s", err ? err->msg : "?");
    return;
  }
  const char *st = fmt_str(res, "status");
  const json_t *rep = json_object_get(res, "report");
  if (strcmp(st, "found") == 0) {
    const json_t *eng = json_object_get(rep, "engines");
    const json_t *stats = json_object_get(rep, "stats");
    int64_t total = 0;
    const char *k;
    const json_t *x;
    json_object_foreach((json_t *)stats, k, x) total += json_integer_value(x);
    size_t len = (size_t)snprintf(p->hash_vt, sizeof p->hash_vt, "%zu of %lld engines flag it",
                                  json_object_size(eng), (long long)total);
    const char *sep = ": ";
    json_object_foreach((json_t *)eng, k, x) {
      if (len >= sizeof p->hash_vt) break;
      const char *verdict = json_string_value(x);
      int n = snprintf(p->hash_vt + len, sizeof p->hash_vt - len, "%s%s (%s)", sep, k,
                       verdict && *verdict ? verdict : "?");
      if (n < 0) break;
      len += (size_t)n;
      sep = ", ";
    }
  } else if (strcmp(st, "not_found") == 0) {
    snprintf(p->hash_vt, sizeof p->hash_vt, "no report (VirusTotal does not know the file)");
  } else if (strcmp(st, "pending") == 0 || strcmp(st, "dropped") == 0) {
    if (++p->vt_polls < VT_POLLS_MAX) {
      snprintf(p->hash_vt, sizeof p->hash_vt, "queued at vigild (rate-limited), asking again…");
      p->vt_next_ms = a->now_ms + VT_POLL_MS;
    } else {
      snprintf(p->hash_vt, sizeof p->hash_vt, "still queued at vigild: press h again later");
    }
  } else {
    snprintf(p->hash_vt, sizeof p->hash_vt, "error: %.300s", fmt_str(res, "error"));
  }
}

static void vt_ask(struct procs *p, struct view *v, struct app *a) {
  p->vt_pending = true;
  p->vt_next_ms = 0;
  app_call(a, v, TAG_VT, "vt.lookup", json_pack("{s:s}", "hash", p->hash));
}

static void hash_push(struct view *v, struct app *a, json_t *m) {
  struct procs *p = v->priv;
  json_t *body = tasksend_body(m);
  char eb[400];
  if (!body || strcmp(tasksend_type(m), "FILE_HASH_REP")) return;
  p->pane_loading = false;
  tasksend_close(a, v, p->pane_sub);
  p->pane_sub = 0;
  p->pane_dirty = true;
  if (tasksend_error(body, eb, sizeof eb)) {
    snprintf(p->pane_err, sizeof p->pane_err, "file_hash %.150s: %.150s", p->hash_path, eb);
    return;
  }
  snprintf(p->hash, sizeof p->hash, "%s", fmt_str(body, "HASH"));
  if (!p->hash[0]) {
    snprintf(p->pane_err, sizeof p->pane_err, "file_hash %.200s: no HASH in the reply", p->hash_path);
    return;
  }
  p->lookup_pending = true;
  app_call(a, v, TAG_LOOKUP, "feeds.lookup", json_pack("{s:[s]}", "values", p->hash));
}

static void result(struct view *v, struct app *a, int tag, json_t *res, const struct vg_err *err) {
  struct procs *p = v->priv;
  if (tag == TASKSEND_TAG_UNSUB) return;
  if (tag == TAG_LOOKUP) {
    if (!p->lookup_pending || p->pane != PANE_HASH) return;
    lookup_result(p, res, err);
    vt_ask(p, v, a); /* then VirusTotal */
    return;
  }
  if (tag == TAG_VT) {
    if (!p->vt_pending || p->pane != PANE_HASH) return;
    vt_result(p, a, res, err);
    return;
  }
  if (!res) {
    char *dst = tag == TAG_PANE ? p->pane_err : p->err;
    snprintf(dst, 320, "%s: %s",
             tag == TAG_LIST ? "os_processes" : tag == TAG_PANE ? (p->pane == PANE_HASH ? "file_hash" : "memory") : "kill",
             err ? err->msg : "failed");
    if (tag == TAG_LIST) p->loading = false;
    if (tag == TAG_PANE) p->pane_loading = false;
    return;
  }
  int64_t sub = fmt_int(res, "sub");
  if (tag == TAG_LIST) p->list_sub = sub;
  else if (tag == TAG_PANE) p->pane_sub = sub;
  else p->kill_sub = sub;
  app_sub_register(a, v, sub);
}

static void list_push(struct view *v, struct app *a, json_t *m) {
  struct procs *p = v->priv;
  json_t *body = tasksend_body(m);
  char eb[400];
  if (body && !strcmp(tasksend_type(m), "OS_PROCESSES_REP")) {
    if (tasksend_error(body, eb, sizeof eb)) snprintf(p->err, sizeof p->err, "os_processes: %.300s", eb);
    json_t *list = json_object_get(body, "PROCESSES");
    if (json_is_array(list) && json_array_size(p->incoming) + json_array_size(list) <= PROC_MAX)
      json_array_extend(p->incoming, list);
    if (json_is_true(json_object_get(body, "MORE"))) return;
  } else if (!tasksend_done(m)) {
    return;
  }
  if (!p->loading) return;
  p->loading = false;
  tasksend_close(a, v, p->list_sub);
  p->list_sub = 0;
  if (tasksend_done(m) && json_is_true(json_object_get(m, "timeout")) && !json_array_size(p->incoming)) {
    snprintf(p->err, sizeof p->err, "os_processes: the sensor did not answer");
    return;
  }
  if (!tasksend_error(body, eb, sizeof eb)) p->err[0] = '\0';
  json_decref(p->procs);
  p->procs = p->incoming;
  p->incoming = json_array();
  p->loaded = true;
  rebuild(p);
}

static void push(struct view *v, struct app *a, json_t *m) {
  struct procs *p = v->priv;
  int64_t sub = tasksend_sub(m);
  json_t *body = tasksend_body(m);
  char eb[400];
  if (sub == p->list_sub) {
    list_push(v, a, m);
  } else if (sub == p->pane_sub && p->pane) {
    if (tasksend_done(m)) {
      p->pane_loading = false;
      app_sub_forget(a, sub);
      p->pane_sub = 0;
      return;
    }
    if (p->pane == PANE_HASH) {
      hash_push(v, a, m);
      return;
    }
    if (!body || !strcmp(tasksend_type(m), "RECEIPT")) return;
    if (tasksend_error(body, eb, sizeof eb)) snprintf(p->pane_err, sizeof p->pane_err, "%.300s", eb);
    json_t *list = json_object_get(body, p->pane_list);
    if (json_is_array(list)) json_array_extend(p->pane_rows, list);
    if (tasksend_final(p->pane == PANE_STRINGS ? "mem_strings" : "mem_map", m)) {
      p->pane_loading = false;
      tasksend_close(a, v, p->pane_sub);
      p->pane_sub = 0;
    }
    p->pane_dirty = true;
  } else if (sub == p->kill_sub) {
    if (tasksend_done(m)) {
      app_sub_forget(a, sub);
      p->kill_sub = 0;
      return;
    }
    if (!body || strcmp(tasksend_type(m), "OS_KILL_PROCESS_REP")) return;
    tasksend_close(a, v, p->kill_sub);
    p->kill_sub = 0;
    if (tasksend_error(body, eb, sizeof eb)) {
      app_status(a, ROLE_BANNER, "kill %ld: %s", p->kill_pid, eb);
    } else {
      app_status(a, ROLE_OK, "process %ld killed", p->kill_pid);
      load(v, a);
    }
  }
}

static void tick(struct view *v, struct app *a) {
  struct procs *p = v->priv;
  if (!a->online) {
    p->loading = p->pane_loading = false;
    return;
  }
  if (!p->loading && (!p->loaded || (a->now_ms - p->last_load >= PROC_POLL_MS && !p->pane)))
    load(v, a);
  if (p->pane == PANE_HASH && p->vt_next_ms && a->now_ms >= p->vt_next_ms && !p->vt_pending)
    vt_ask(p, v, a);
}

static const char *hint(struct view *v, struct app *a) {
  struct procs *p = v->priv;
  static const enum action acts[] = {ACT_SORT, ACT_TREE, ACT_MEM_MAP, ACT_MEM_STRINGS, ACT_MODULES, ACT_HASH_CHECK, ACT_KILL};
  static const enum action pacts[] = {ACT_BACK, ACT_FILTER};
  if (p->pane) return app_hints(a, p->hintbuf, sizeof p->hintbuf, pacts, p->pane == PANE_STRINGS ? 2 : 1);
  return app_hints(a, p->hintbuf, sizeof p->hintbuf, acts, 7);
}

static void procs_free(struct view *v) {
  struct procs *p = v->priv;
  json_decref(p->procs);
  json_decref(p->incoming);
  json_decref(p->pane_rows);
  lines_clear(&p->pl);
  free(p->rows);
  free(p);
  free(v);
}

static const struct view_ops procs_ops = {
    .name = "processes",
    .ctx = CTX_PROCESSES,
    .list = true,
    .draw = draw,
    .action = action,
    .result = result,
    .push = push,
    .tick = tick,
    .input = input,
    .confirm = confirm,
    .hint = hint,
    .free = procs_free,
};

struct view *tab_processes_create(struct app *a, struct view *live) {
  (void)a, (void)live;
  struct view *v = vg_xcalloc(1, sizeof *v);
  struct procs *p = vg_xcalloc(1, sizeof *p);
  p->procs = json_array();
  p->incoming = json_array();
  v->ops = &procs_ops;
  v->priv = p;
  return v;
}
