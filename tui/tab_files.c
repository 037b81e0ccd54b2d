/* tab_files.c — Live View tab 6: browse the sensor's filesystem (dir_list
 * ROOT '*' through task.send), file_info and file_hash of the selected
 * entry, and download: file_get in successive tasks of FILES_GET_BYTES
 * (the sensor sends 128 KiB chunks, each with OFFSET, SIZE, DATA base64,
 * MORE, FILE_SIZE, FILE_HASH), written at their offsets into
 * <local path>.part with a progress bar, the sha256 of the whole local file
 * compared with the sensor's FILE_HASH, then renamed into place. `J` jumps
 * to a typed path; Backspace/Left go to the parent. Names starting with a
 * dot are not listed (the sensor's pattern matching needs them matched
 * explicitly). */
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shared/alloc.h"
#include "tui/app.h"
#include "tui/fmt.h"
#include "tui/lines.h"
#include "tui/list.h"
#include "tui/tabs.h"
#include "tui/tasksend.h"
#include "tui/view_live.h"

#define FILES_PATH_BYTES 4096
#define FILES_GET_BYTES (8 * 1024 * 1024) /* per file_get task (the sensor's max is 10 MiB) */
#define FILES_MAX_ENTRIES 10000           /* = the sensor's dir_list limit */
enum { TAG_LIST = 1, TAG_INFO, TAG_GET, TAG_JUMP, TAG_SAVE, TAG_FILTER };

struct files {
  char path[FILES_PATH_BYTES];
  json_t *entries, *incoming;
  int *order, norder;
  struct list_state l;
  int64_t list_sub, info_sub, get_sub;
  bool loading, loaded;
  char filter[128], err[320], hintbuf[200];
  /* details of the selected entry (file_info / file_hash replies) */
  json_t *info;
  char info_title[FILES_PATH_BYTES + 32];
  /* download */
  bool dl_active;
  char dl_remote[FILES_PATH_BYTES], dl_local[FILES_PATH_BYTES], dl_part[FILES_PATH_BYTES + 8];
  int dl_fd;
  int64_t dl_size, dl_done, dl_next; /* bytes known, written, next offset to ask */
  char dl_hash[65];
  char dl_msg[FILES_PATH_BYTES + 200];
  enum role dl_role;
};

static int cmp_entry(const void *x, const void *y, void *ctx) {
  json_t *e = ctx;
  const json_t *a = json_array_get(e, (size_t) * (const int *)x), *b = json_array_get(e, (size_t) * (const int *)y);
  int da = json_is_true(json_object_get(a, "IS_DIRECTORY")), db = json_is_true(json_object_get(b, "IS_DIRECTORY"));
  if (da != db) return db - da;
  return strcmp(fmt_str(a, "FILE_NAME"), fmt_str(b, "FILE_NAME"));
}

static void rebuild(struct files *f) {
  int n = (int)json_array_size(f->entries);
  free(f->order);
  f->order = vg_xcalloc((size_t)n + 1, sizeof *f->order);
  f->norder = 0;
  for (int i = 0; i < n; i++)
    if (app_match(fmt_str(json_array_get(f->entries, (size_t)i), "FILE_NAME"), f->filter))
      f->order[f->norder++] = i;
  qsort_r(f->order, (size_t)f->norder, sizeof *f->order, cmp_entry, f->entries);
  f->l.n = f->norder;
}

static const json_t *entry(const struct files *f, int row) {
  return row >= 0 && row < f->norder ? json_array_get(f->entries, (size_t)f->order[row]) : NULL;
}

static void list_dir(struct view *v, struct app *a, const char *path) {
  struct files *f = v->priv;
  char q[FILES_PATH_BYTES + 8], cmd[FILES_PATH_BYTES + 64];
  if (path != f->path) snprintf(f->path, sizeof f->path, "%s", path);
  f->loading = true;
  f->err[0] = '\0';
  json_decref(f->incoming);
  f->incoming = json_array();
  if (f->list_sub) app_sub_forget(a, f->list_sub);
  f->list_sub = 0;
  snprintf(cmd, sizeof cmd, "dir_list %s '*'", tasksend_quote(path, q, sizeof q));
  tasksend(a, v, TAG_LIST, cmd, TASKSEND_TIMEOUT_S);
}

static void parent(char *path) {
  size_t n = strlen(path);
  while (n > 1 && path[n - 1] == '/') path[--n] = '\0';
  char *s = strrchr(path, '/');
  if (!s) return;
  if (s == path) s[1] = '\0';
  else *s = '\0';
}

static void ask(struct view *v, struct app *a, const char *what, const char *path) {
  struct files *f = v->priv;
  char q[FILES_PATH_BYTES + 8], cmd[FILES_PATH_BYTES + 64];
  snprintf(cmd, sizeof cmd, "%s %s", what, tasksend_quote(path, q, sizeof q));
  snprintf(f->info_title, sizeof f->info_title, "%s %s", what, path);
  json_decref(f->info);
  f->info = NULL;
  if (f->info_sub) app_sub_forget(a, f->info_sub);
  f->info_sub = 0;
  tasksend(a, v, TAG_INFO, cmd, TASKSEND_TIMEOUT_S);
}

static void dl_finish(struct files *f, enum role role, const char *fmt, const char *detail) {
  if (f->dl_fd >= 0) close(f->dl_fd);
  f->dl_fd = -1;
  f->dl_active = false;
  f->dl_role = role;
  snprintf(f->dl_msg, sizeof f->dl_msg, fmt, detail);
  if (role != ROLE_OK) unlink(f->dl_part);
}

static void dl_request(struct view *v, struct app *a) {
  struct files *f = v->priv;
  char q[FILES_PATH_BYTES + 8], cmd[FILES_PATH_BYTES + 64];
  snprintf(cmd, sizeof cmd, "file_get -o %lld -s %d %s", (long long)f->dl_next, FILES_GET_BYTES,
           tasksend_quote(f->dl_remote, q, sizeof q));
  f->dl_next += FILES_GET_BYTES;
  tasksend(a, v, TAG_GET, cmd, TASKSEND_TIMEOUT_S);
}

static void dl_start(struct view *v, struct app *a, const char *local) {
  struct files *f = v->priv;
  snprintf(f->dl_local, sizeof f->dl_local, "%s", local);
  snprintf(f->dl_part, sizeof f->dl_part, "%s.part", local);
  f->dl_fd = open(f->dl_part, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (f->dl_fd < 0) {
    f->dl_role = ROLE_BANNER;
    snprintf(f->dl_msg, sizeof f->dl_msg, "cannot write %s: %s", f->dl_part, strerror(errno));
    return;
  }
  f->dl_active = true;
  f->dl_size = -1;
  f->dl_done = f->dl_next = 0;
  f->dl_hash[0] = '\0';
  snprintf(f->dl_msg, sizeof f->dl_msg, "downloading %s", f->dl_remote);
  dl_request(v, a);
}

/* The sha256 of the local file as hex, 0 on success. */
static int sha256_file(int fd, char out[65]) {
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  unsigned char buf[65536], md[32];
  unsigned len = 0;
  ssize_t n;
  off_t off = 0;
  EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
  while ((n = pread(fd, buf, sizeof buf, off)) > 0) {
    EVP_DigestUpdate(ctx, buf, (size_t)n);
    off += n;
  }
  EVP_DigestFinal_ex(ctx, md, &len);
  EVP_MD_CTX_free(ctx);
  if (n < 0) return -1;
  for (int i = 0; i < 32; i++) snprintf(out + 2 * i, 3, "%02x", md[i]);
  return 0;
}

static void dl_chunk(struct view *v, struct app *a, const json_t *body) {
  struct files *f = v->priv;
  char eb[400];
  if (tasksend_error(body, eb, sizeof eb)) {
    dl_finish(f, ROLE_BANNER, "download failed: %s", eb);
    return;
  }
  const char *data = fmt_str(body, "DATA");
  int64_t off = fmt_int(body, "OFFSET"), size = fmt_int(body, "SIZE");
  size_t dlen = strlen(data);
  unsigned char *raw = vg_xmalloc(dlen / 4 * 3 + 4);
  int n = dlen ? EVP_DecodeBlock(raw, (const unsigned char *)data, (int)dlen) : 0;
  if (n < 0 || size < 0 || size > n || n - size > 2) {
    free(raw);
    dl_finish(f, ROLE_BANNER, "download failed: a chunk's DATA is not base64 of SIZE bytes%s", "");
    return;
  }
  if (size && pwrite(f->dl_fd, raw, (size_t)size, off) != size) {
    free(raw);
    dl_finish(f, ROLE_BANNER, "download failed: write: %s", strerror(errno));
    return;
  }
  free(raw);
  f->dl_done += size;
  f->dl_size = fmt_int(body, "FILE_SIZE");
  if (json_object_get(body, "FILE_HASH"))
    snprintf(f->dl_hash, sizeof f->dl_hash, "%s", fmt_str(body, "FILE_HASH"));
  (void)a;
}

/* The end of one file_get task: ask for the next range or verify. */
static void dl_task_done(struct view *v, struct app *a) {
  struct files *f = v->priv;
  if (!f->dl_active) return;
  if (f->dl_size < 0) {
    dl_finish(f, ROLE_BANNER, "download failed: the sensor did not answer%s", "");
    return;
  }
  if (f->dl_next < f->dl_size) {
    dl_request(v, a);
    return;
  }
  char h[65];
  if (f->dl_done != f->dl_size || sha256_file(f->dl_fd, h) != 0) {
    dl_finish(f, ROLE_BANNER, "download failed: %s", f->dl_done != f->dl_size ? "got fewer bytes than the file's size" : "cannot read the local file back");
    return;
  }
  if (f->dl_hash[0] && strcasecmp(h, f->dl_hash) != 0) {
    dl_finish(f, ROLE_BANNER, "download failed: sha256 mismatch (the file changed?) for %s", f->dl_remote);
    return;
  }
  if (rename(f->dl_part, f->dl_local) != 0) {
    dl_finish(f, ROLE_BANNER, "download: rename: %s", strerror(errno));
    return;
  }
  char msg[FILES_PATH_BYTES + 120];
  snprintf(msg, sizeof msg, "saved %s (%lld bytes, sha256 %s %.16s…)", f->dl_local, (long long)f->dl_size,
           f->dl_hash[0] ? "verified" : "not given by the sensor, not checked:", h);
  dl_finish(f, ROLE_OK, "%s", msg);
}

static void draw(struct view *v, struct app *a, struct canvas *c, struct rect r) {
  (void)a;
  struct files *f = v->priv;
  canvas_printf(c, r.x + 1, r.y, ROLE_LABEL, r.w - 2, "%s  %d entr%s%s%s%s", f->path, f->norder,
                f->norder == 1 ? "y" : "ies", f->loading ? " (listing…)" : "", f->filter[0] ? "  /" : "",
                f->filter);
  int y = r.y + 1;
  if (f->dl_active && f->dl_size > 0) {
    int bw = r.w - 30 > 10 ? r.w - 30 : 10;
    int done = (int)((double)f->dl_done / (double)f->dl_size * bw);
    canvas_fill(c, (struct rect){r.x + 1, y, bw, 1}, ROLE_DIM);
    canvas_fill(c, (struct rect){r.x + 1, y, done, 1}, ROLE_PROGRESS);
    canvas_printf(c, r.x + 2 + bw, y, ROLE_NORMAL, r.w - bw - 3, "%3d%% of %lld B",
                  (int)(f->dl_done * 100 / f->dl_size), (long long)f->dl_size);
  } else if (f->err[0]) {
    canvas_put(c, r.x + 1, y, ROLE_BANNER, r.w - 2, f->err);
  } else if (f->dl_msg[0]) {
    canvas_put(c, r.x + 1, y, f->dl_active ? ROLE_NORMAL : f->dl_role, r.w - 2, f->dl_msg);
  }
  int info_h = f->info || f->info_sub ? (r.h - 2) / 3 : 0;
  int list_h = r.h - 2 - info_h;
  y = r.y + 2;
  int wsize = 10, wmode = 6, wtime = r.w >= 120 ? 20 : 0;
  int wname = r.w - 2 - wsize - wmode - wtime;
  canvas_put_cell(c, r.x + 1, y, ROLE_HEADER, wname, 0, "NAME");
  canvas_put_cell(c, r.x + 1 + wname, y, ROLE_HEADER, wsize, 1, "SIZE ");
  canvas_put_cell(c, r.x + 1 + wname + wsize, y, ROLE_HEADER, wmode, 0, "MODE");
  if (wtime) canvas_put_cell(c, r.x + 1 + wname + wsize + wmode, y, ROLE_HEADER, wtime, 0, "MODIFIED");
  int rows = list_h - 1;
  list_fit(&f->l, rows);
  if (f->loaded && !f->norder)
    canvas_put(c, r.x + 2, y + 1, ROLE_DIM, r.w - 4, f->filter[0] ? "nothing matches" : "empty");
  for (int k = 0; k < rows && f->l.top + k < f->norder; k++) {
    int idx = f->l.top + k, yy = y + 1 + k;
    const json_t *e = entry(f, idx);
    bool sel = idx == f->l.sel, dir = json_is_true(json_object_get(e, "IS_DIRECTORY"));
    if (sel) canvas_fill(c, (struct rect){r.x, yy, r.w, 1}, ROLE_SELECTED);
    char name[1024], b[64], b2[64];
    snprintf(name, sizeof name, "%s%s", fmt_str(e, "FILE_NAME"), dir ? "/" : "");
    canvas_put_cell(c, r.x + 1, yy, sel ? ROLE_SELECTED : dir ? ROLE_EVENT_TYPE : ROLE_NORMAL, wname - 1, 0, name);
    snprintf(b2, sizeof b2, "%s ", dir ? "" : fmt_bytes((uint64_t)fmt_int(e, "FILE_SIZE"), b, sizeof b));
    canvas_put_cell(c, r.x + 1 + wname, yy, sel ? ROLE_SELECTED : ROLE_DIM, wsize, 1, b2);
    canvas_put_cell(c, r.x + 1 + wname + wsize, yy, sel ? ROLE_SELECTED : ROLE_DIM, wmode, 0, fmt_str(e, "ATTRIBUTES"));
    if (wtime)
      canvas_put_cell(c, r.x + 1 + wname + wsize + wmode, yy, sel ? ROLE_SELECTED : ROLE_DIM, wtime, 0,
                      json_object_get(e, "MODIFICATION_TIME") ? fmt_time(fmt_int(e, "MODIFICATION_TIME"), b, sizeof b) : "");
  }
  if (info_h) {
    int iy = r.y + 2 + list_h;
    canvas_hline(c, r.x, iy, r.w, ROLE_BORDER);
    canvas_printf(c, r.x + 2, iy, ROLE_LABEL, r.w - 4, " %s%s ", f->info_title, f->info ? "" : " (asking…)");
    struct lines ls = {0};
    const char *k;
    json_t *val;
    json_object_foreach(f->info, k, val) {
      if (!strcmp(k, "ERROR") && !fmt_int(f->info, "ERROR")) continue;
      char *s = json_is_string(val) ? NULL : json_dumps(val, JSON_ENCODE_ANY | JSON_COMPACT);
      lines_add(&ls, ROLE_NORMAL, 0, 0, "%-20s %s", k, s ? s : json_string_value(val));
      free(s);
    }
    struct list_state il = {0};
    lines_draw(&ls, c, (struct rect){r.x + 2, iy + 1, r.w - 4, info_h - 1}, &il, false);
    lines_clear(&ls);
  }
}

static void open_selected(struct view *v, struct app *a) {
  struct files *f = v->priv;
  const json_t *e = entry(f, f->l.sel);
  if (!e) return;
  if (json_is_true(json_object_get(e, "IS_DIRECTORY"))) {
    f->filter[0] = '\0';
    json_decref(f->info);
    f->info = NULL;
    list_dir(v, a, fmt_str(e, "FILE_PATH"));
  } else {
    ask(v, a, "file_info", fmt_str(e, "FILE_PATH"));
  }
}

static int action(struct view *v, struct app *a, enum action act) {
  struct files *f = v->priv;
  if (list_action(&f->l, act)) return 1;
  const json_t *e = entry(f, f->l.sel);
  switch (act) {
  case ACT_SELECT: open_selected(v, a); return 1;
  case ACT_PARENT_DIR: {
    char p[FILES_PATH_BYTES];
    snprintf(p, sizeof p, "%s", f->path);
    parent(p);
    f->filter[0] = '\0';
    list_dir(v, a, p);
    return 1;
  }
  case ACT_FILE_INFO:
    if (e) ask(v, a, "file_info", fmt_str(e, "FILE_PATH"));
    return 1;
  case ACT_FILE_HASH:
    if (e && !json_is_true(json_object_get(e, "IS_DIRECTORY"))) ask(v, a, "file_hash", fmt_str(e, "FILE_PATH"));
    return 1;
  case ACT_DOWNLOAD: {
    if (!e || json_is_true(json_object_get(e, "IS_DIRECTORY"))) return 1;
    if (f->dl_active) {
      app_status(a, ROLE_WARN, "a download is running");
      return 1;
    }
    snprintf(f->dl_remote, sizeof f->dl_remote, "%s", fmt_str(e, "FILE_PATH"));
    char local[FILES_PATH_BYTES + 1100];
    snprintf(local, sizeof local, "%s/%s", a->download_dir, fmt_str(e, "FILE_NAME"));
    app_prompt(a, v, TAG_SAVE, "save to: ", local, false);
    return 1;
  }
  case ACT_JUMP: app_prompt(a, v, TAG_JUMP, "go to: ", f->path, false); return 1;
  case ACT_FILTER: app_prompt(a, v, TAG_FILTER, "/", f->filter, true); return 1;
  case ACT_REFRESH: list_dir(v, a, f->path); return 1;
  case ACT_BACK:
    if (f->info || f->info_sub) {
      json_decref(f->info);
      f->info = NULL;
      if (f->info_sub) app_sub_forget(a, f->info_sub);
      f->info_sub = 0;
      return 1;
    }
    return 0;
  default: return 0;
  }
}

static void input(struct view *v, struct app *a, int tag, const char *text, bool final) {
  struct files *f = v->priv;
  if (tag == TAG_FILTER) {
    snprintf(f->filter, sizeof f->filter, "%s", text ? text : "");
    rebuild(f);
    return;
  }
  if (!final || !text || !text[0]) return;
  if (tag == TAG_JUMP) {
    if (text[0] != '/') {
      app_status(a, ROLE_WARN, "a path from the root, starting with /");
      return;
    }
    f->filter[0] = '\0';
    list_dir(v, a, text);
  } else if (tag == TAG_SAVE) {
    dl_start(v, a, text);
  }
}

static void result(struct view *v, struct app *a, int tag, json_t *res, const struct vg_err *err) {
  struct files *f = v->priv;
  if (tag == TASKSEND_TAG_UNSUB) return;
  if (!res) {
    if (tag == TAG_GET) {
      dl_finish(f, ROLE_BANNER, "download failed: %s", err ? err->msg : "task.send failed");
      return;
    }
    snprintf(f->err, sizeof f->err, "%s", err ? err->msg : "failed");
    if (tag == TAG_LIST) f->loading = false;
    return;
  }
  int64_t sub = fmt_int(res, "sub");
  if (tag == TAG_LIST) f->list_sub = sub;
  else if (tag == TAG_INFO) f->info_sub = sub;
  else if (tag == TAG_GET) f->get_sub = sub;
  app_sub_register(a, v, sub);
}

static void push(struct view *v, struct app *a, json_t *m) {
  struct files *f = v->priv;
  int64_t sub = tasksend_sub(m);
  json_t *body = tasksend_body(m);
  const char *type = tasksend_type(m);
  char eb[400];
  bool done = tasksend_done(m);
  if (done) app_sub_forget(a, sub);
  if (sub == f->list_sub) {
    if (body && !strcmp(type, "DIR_LIST_REP")) {
      if (tasksend_error(body, eb, sizeof eb)) snprintf(f->err, sizeof f->err, "dir_list %.150s: %.150s", f->path, eb);
      json_t *list = json_object_get(body, "DIRECTORY_LIST");
      if (json_is_array(list) && json_array_size(f->incoming) + json_array_size(list) <= FILES_MAX_ENTRIES)
        json_array_extend(f->incoming, list);
      if (json_is_true(json_object_get(body, "MORE"))) return;
    } else if (!done) {
      return;
    }
    if (!f->loading) return;
    f->loading = false;
    if (!done) tasksend_close(a, v, f->list_sub);
    f->list_sub = 0;
    if (done && json_is_true(json_object_get(m, "timeout")))
      snprintf(f->err, sizeof f->err, "dir_list %.200s: the sensor did not answer", f->path);
    json_decref(f->entries);
    f->entries = f->incoming;
    f->incoming = json_array();
    f->loaded = true;
    f->l.sel = f->l.top = 0;
    rebuild(f);
  } else if (sub == f->info_sub) {
    if (done) {
      f->info_sub = 0;
      if (!f->info) f->info = json_pack("{s:s}", "ERROR_MESSAGE", "the sensor did not answer");
    } else if (body && strcmp(type, "RECEIPT")) {
      json_decref(f->info);
      f->info = json_incref(body);
      tasksend_close(a, v, f->info_sub);
      f->info_sub = 0;
    }
  } else if (sub == f->get_sub) {
    if (done) {
      f->get_sub = 0;
      dl_task_done(v, a);
    } else if (body && !strcmp(type, "FILE_GET_REP") && f->dl_active) {
      dl_chunk(v, a, body);
      bool last = tasksend_final("file_get", m);
      if (!f->dl_active || last) {
        tasksend_close(a, v, f->get_sub);
        f->get_sub = 0;
      }
      if (f->dl_active && last) dl_task_done(v, a);
    }
  }
}

static void tick(struct view *v, struct app *a) {
  struct files *f = v->priv;
  if (!a->online) {
    f->loading = false;
    if (f->dl_active) dl_finish(f, ROLE_BANNER, "download failed: %s", "connection to vigild lost");
    return;
  }
  if (!f->loaded && !f->loading) list_dir(v, a, f->path);
}

static const char *hint(struct view *v, struct app *a) {
  struct files *f = v->priv;
  static const enum action acts[] = {ACT_SELECT, ACT_PARENT_DIR, ACT_FILE_INFO, ACT_FILE_HASH, ACT_DOWNLOAD, ACT_JUMP};
  return app_hints(a, f->hintbuf, sizeof f->hintbuf, acts, 6);
}

static void files_free(struct view *v) {
  struct files *f = v->priv;
  if (f->dl_fd >= 0) {
    close(f->dl_fd);
    unlink(f->dl_part);
  }
  json_decref(f->entries);
  json_decref(f->incoming);
  json_decref(f->info);
  free(f->order);
  free(f);
  free(v);
}

static const struct view_ops files_ops = {
    .name = "files",
    .ctx = CTX_FILES,
    .list = true,
    .draw = draw,
    .action = action,
    .result = result,
    .push = push,
    .tick = tick,
    .input = input,
    .hint = hint,
    .free = files_free,
};

struct view *tab_files_create(struct app *a, struct view *live) {
  (void)a, (void)live;
  struct view *v = vg_xcalloc(1, sizeof *v);
  struct files *f = vg_xcalloc(1, sizeof *f);
  snprintf(f->path, sizeof f->path, "/");
  f->entries = json_array();
  f->incoming = json_array();
  f->dl_fd = -1;
  v->ops = &files_ops;
  v->priv = f;
  return v;
}
