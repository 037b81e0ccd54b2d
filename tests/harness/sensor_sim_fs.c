/* sensor_sim_fs.c — a simulated sensor's command answers from the REAL
 * filesystem and processes of this host, for end-to-end tests of vigilctl
 * spotcheck before the real sensor's commands land (feat/sensor-cmds). It
 * answers the commands spotcheck sends, with the reply shapes of the
 * sensor's own implementation (sensor/cmd_dir.c, cmd_file.c):
 *   file_info PATH                      FILE_INFO_REP {FILE_PATH, FILE_SIZE, IS_DIRECTORY, ATTRIBUTES}
 *   file_hash PATH                      FILE_HASH_REP {FILE_PATH, HASH (sha256), FILE_SIZE}
 *   dir_list [-d DEPTH] ROOT PATTERN    DIR_LIST_REP {DIRECTORY_LIST[], PART, MORE:false, TOTAL}
 *   dir_find_hash ROOT PATTERN DEPTH SHA256...   DIR_FINDHASH_REP {FILES[{FILE_PATH, HASH, FILE_SIZE}]}
 *   yara_scan [-d ROOT PATTERN DEPTH] RULE_BASE64
 *                                       YARA_DETECTION per match (libyara; a process's as
 *                                       PROCESS_ID + PROCESS{PROCESS_ID, PROCESS_NAME}), then YARA_SCAN_REP
 *   file_get [-o OFFSET] [-s MAXSIZE] PATH   FILE_GET_REP per 128 KiB chunk {DATA, OFFSET, SIZE,
 *                                       HASH, FILE_SIZE, FILE_HASH, CHUNK, MORE} (answer_file_get)
 * each after a RECEIPT; "not found" is ERROR 2, anything else ERROR 87.
 * A system-wide yara_scan (no flag) scans every process but the test's own,
 * as the sensor does (skipping itself); -p and -f are answered ERROR 87. */
#include "tests/harness/sensor_sim_fs.h"

#include <dirent.h>
#include <fnmatch.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yara.h>

#include "shared/alloc.h"
#include "shared/buf.h"
#include "shared/event.h"
#include "shared/event_types.h"
#include "shared/pki.h"
#include "shared/proto.h"
#include "shared/ws_client.h"

#define SIM_FS_MAX_ARGS 16
#define SIM_FS_MAX_DEPTH 32

struct sensor_sim_fs {
  struct sensor_sim *s;
  pthread_t th;
  atomic_bool stop;
  atomic_int answered;
  uint64_t seq; /* next batch sequence number (only the thread uses it) */
};

/* Split like the sensor does: spaces, "…" with \ escapes, '…'. */
static int split(const char *line, char **argv, char *store) {
  int n = 0;
  const char *p = line;
  char *o = store;
  while (*p && n < SIM_FS_MAX_ARGS) {
    while (*p == ' ') p++;
    if (!*p) break;
    argv[n++] = o;
    while (*p && *p != ' ') {
      if (*p == '"') {
        for (p++; *p && *p != '"'; p++) {
          if (*p == '\\' && p[1]) p++;
          *o++ = *p;
        }
        if (*p) p++;
      } else if (*p == '\'') {
        for (p++; *p && *p != '\''; p++) *o++ = *p;
        if (*p) p++;
      } else {
        *o++ = *p++;
      }
    }
    *o++ = '\0';
  }
  return n;
}

static json_t *reply(const char *type, const char *inv, json_t *body) {
  json_t *ev = vg_event_new(type, vg_event_now_ms());
  json_object_set_new(vg_event_routing(ev), "investigation_id", json_string(inv));
  if (!json_object_get(body, "ERROR")) json_object_set_new(body, "ERROR", json_integer(0));
  json_object_set_new(ev, "event", body);
  return ev;
}

static json_t *error_body(int code, const char *name, const char *msg) {
  return json_pack("{s:i, s:s, s:s}", "ERROR", code, "ERROR_CODE", name, "ERROR_MESSAGE", msg);
}

struct walk {
  const char *pattern;
  long depth;
  json_t *out;
  void (*visit)(struct walk *w, const char *path, const char *name, const struct stat *st);
  const char *const *hashes;
  int nhashes;
  YR_RULES *rules;
  const char *inv;
  pid_t self; /* system-wide yara_scan: not scanned */
};

static void walk_dir(struct walk *w, const char *dir, long level) {
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *de;
  while ((de = readdir(d))) {
    if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
    char *path = vg_xasprintf("%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", de->d_name);
    struct stat st;
    if (lstat(path, &st) == 0) {
      if (fnmatch(w->pattern, de->d_name, FNM_PERIOD) == 0) w->visit(w, path, de->d_name, &st);
      if (S_ISDIR(st.st_mode) && level < w->depth) walk_dir(w, path, level + 1);
    }
    free(path);
  }
  closedir(d);
}

static void visit_list(struct walk *w, const char *path, const char *name, const struct stat *st) {
  char mode[8];
  snprintf(mode, sizeof mode, "%04o", (unsigned)(st->st_mode & 07777));
  json_array_append_new(w->out, json_pack("{s:s, s:s, s:I, s:b, s:s}", "FILE_PATH", path, "FILE_NAME", name,
                                          "FILE_SIZE", (json_int_t)st->st_size, "IS_DIRECTORY",
                                          S_ISDIR(st->st_mode), "ATTRIBUTES", mode));
}

static void visit_hash(struct walk *w, const char *path, const char *name, const struct stat *st) {
  (void)name;
  if (!S_ISREG(st->st_mode)) return;
  char *data = harness_read_file(path, NULL);
  if (!data) return;
  char h[65];
  vg_sha256_hex(data, (size_t)st->st_size, h);
  free(data);
  for (int i = 0; i < w->nhashes; i++)
    if (!strcasecmp(h, w->hashes[i]))
      json_array_append_new(w->out, json_pack("{s:s, s:s, s:I}", "FILE_PATH", path, "HASH", h, "FILE_SIZE",
                                              (json_int_t)st->st_size));
}

struct yara_ctx {
  struct walk *w;
  const char *file;
  int pid;
  const char *proc;
};

static int yara_cb(YR_SCAN_CONTEXT *ctx, int msg, void *data, void *user) {
  (void)ctx;
  struct yara_ctx *y = user;
  if (msg != CALLBACK_MSG_RULE_MATCHING) return CALLBACK_CONTINUE;
  YR_RULE *rule = data;
  json_t *b = json_pack("{s:s}", "RULE_NAME", rule->identifier);
  if (y->file) json_object_set_new(b, "FILE_PATH", json_string(y->file));
  if (y->pid) {
    json_object_set_new(b, "PROCESS_ID", json_integer(y->pid)); /* as the sensor: PROCESS{…} */
    json_object_set_new(b, "PROCESS", json_pack("{s:i, s:s}", "PROCESS_ID", y->pid, "PROCESS_NAME", y->proc));
  }
  json_array_append_new(y->w->out, reply("YARA_DETECTION", y->w->inv, b));
  return CALLBACK_CONTINUE;
}

static void visit_yara(struct walk *w, const char *path, const char *name, const struct stat *st) {
  (void)name;
  if (!S_ISREG(st->st_mode)) return;
  struct yara_ctx y = {.w = w, .file = path};
  yr_rules_scan_file(w->rules, path, 0, yara_cb, &y, 10);
}

static void yara_processes(struct walk *w, const char *pattern) {
  DIR *d = opendir("/proc");
  if (!d) return;
  struct dirent *de;
  while ((de = readdir(d))) {
    char *end;
    long pid = strtol(de->d_name, &end, 10);
    if (*end || pid <= 0 || pid == w->self) continue;
    char *cpath = vg_xasprintf("/proc/%ld/comm", pid);
    char *comm = harness_read_file(cpath, NULL);
    free(cpath);
    if (!comm) continue;
    comm[strcspn(comm, "\n")] = '\0';
    if (fnmatch(pattern, comm, 0) == 0) {
      struct yara_ctx y = {.w = w, .pid = (int)pid, .proc = comm};
      yr_rules_scan_proc(w->rules, (int)pid, 0, yara_cb, &y, 10);
    }
    free(comm);
  }
  closedir(d);
}

static pthread_once_t yara_once = PTHREAD_ONCE_INIT;
static void yara_init(void) { yr_initialize(); }

#define SIM_FS_CHUNK (128 * 1024)
#define SIM_FS_GET_DEFAULT (1024 * 1024)
#define SIM_FS_GET_MAX (10 * 1024 * 1024)

/* file_get [-o OFFSET] [-s MAXSIZE] PATH as the sensor answers it (docs/sensor-commands.md),
 * for the console's download test. */
static void answer_file_get(json_t *evs, const char *inv, int argc, char **argv) {
  long long off = 0, max = SIM_FS_GET_DEFAULT;
  int i = 1;
  for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
    if (!strcmp(argv[i], "-o")) off = strtoll(argv[i + 1], NULL, 10);
    else if (!strcmp(argv[i], "-s")) max = strtoll(argv[i + 1], NULL, 10);
  }
  size_t n = 0;
  char *data = i == argc - 1 ? harness_read_file(argv[i], &n) : NULL;
  if (!data || off < 0 || (n && (size_t)off >= n) || max <= 0 || max > SIM_FS_GET_MAX) {
    json_array_append_new(evs, reply("FILE_GET_REP", inv, data ? error_body(87, "EINVAL", "bad offset or size")
                                                               : error_body(2, "ENOTFOUND", argv[argc - 1])));
    free(data);
    return;
  }
  char whole[65];
  vg_sha256_hex(data, n, whole);
  size_t end = (size_t)off + (size_t)max < n ? (size_t)off + (size_t)max : n;
  int chunk = 0;
  for (size_t at = (size_t)off; at < end || (at == end && n == 0 && chunk == 0); chunk++) {
    size_t len = end - at < SIM_FS_CHUNK ? end - at : SIM_FS_CHUNK;
    char h[65];
    vg_sha256_hex(data + at, len, h);
    char *b64 = vg_xmalloc(4 * ((len + 2) / 3) + 1);
    EVP_EncodeBlock((unsigned char *)b64, (const unsigned char *)data + at, (int)len);
    json_array_append_new(evs, reply("FILE_GET_REP", inv,
                                     json_pack("{s:s, s:I, s:I, s:s, s:s, s:I, s:s, s:i, s:b}", "FILE_PATH",
                                               argv[i], "OFFSET", (json_int_t)at, "SIZE", (json_int_t)len,
                                               "DATA", b64, "HASH", h, "FILE_SIZE", (json_int_t)n,
                                               "FILE_HASH", whole, "CHUNK", chunk, "MORE",
                                               at + len < end)));
    free(b64);
    at += len;
    if (!len) break;
  }
  free(data);
}

/* The events answering argv (appended to evs). */
static void answer(json_t *evs, const char *inv, int argc, char **argv) {
  const char *cmd = argv[0];
  struct stat st;
  if (!strcmp(cmd, "file_info") && argc == 2) {
    if (lstat(argv[1], &st) != 0) {
      json_array_append_new(evs, reply("FILE_INFO_REP", inv, error_body(2, "ENOTFOUND", argv[1])));
      return;
    }
    char mode[8];
    snprintf(mode, sizeof mode, "%04o", (unsigned)(st.st_mode & 07777));
    json_array_append_new(evs, reply("FILE_INFO_REP", inv,
                                     json_pack("{s:s, s:I, s:b, s:s}", "FILE_PATH", argv[1], "FILE_SIZE",
                                               (json_int_t)st.st_size, "IS_DIRECTORY", S_ISDIR(st.st_mode),
                                               "ATTRIBUTES", mode)));
    return;
  }
  if (!strcmp(cmd, "file_hash") && argc == 2) {
    size_t n = 0;
    char *data = lstat(argv[1], &st) == 0 && S_ISREG(st.st_mode) ? harness_read_file(argv[1], &n) : NULL;
    if (!data) {
      json_array_append_new(evs, reply("FILE_HASH_REP", inv, error_body(2, "ENOTFOUND", argv[1])));
      return;
    }
    char h[65];
    vg_sha256_hex(data, n, h);
    free(data);
    json_array_append_new(evs, reply("FILE_HASH_REP", inv,
                                     json_pack("{s:s, s:s, s:I}", "FILE_PATH", argv[1], "HASH", h, "FILE_SIZE",
                                               (json_int_t)n)));
    return;
  }
  if (!strcmp(cmd, "file_get")) {
    answer_file_get(evs, inv, argc, argv);
    return;
  }
  struct walk w = {.inv = inv, .out = json_array()};
  const char *root = NULL;
  if (!strcmp(cmd, "dir_list") && (argc == 3 || (argc == 5 && !strcmp(argv[1], "-d")))) {
    w.depth = argc == 5 ? strtol(argv[2], NULL, 10) : 0;
    root = argv[argc - 2];
    w.pattern = argv[argc - 1];
    w.visit = visit_list;
    if (stat(root, &st) != 0) {
      json_array_append_new(evs, reply("DIR_LIST_REP", inv, error_body(2, "ENOTFOUND", root)));
    } else {
      walk_dir(&w, root, 0);
      size_t n = json_array_size(w.out);
      json_array_append_new(evs, reply("DIR_LIST_REP", inv,
                                       json_pack("{s:O, s:s, s:s, s:I, s:i, s:b, s:I, s:b}", "DIRECTORY_LIST",
                                                 w.out, "ROOT", root, "FILE_PATTERN", w.pattern, "DEPTH",
                                                 (json_int_t)w.depth, "PART", 1, "MORE", 0, "TOTAL",
                                                 (json_int_t)n, "TRUNCATED", 0)));
    }
  } else if (!strcmp(cmd, "dir_find_hash") && argc >= 5) {
    root = argv[1];
    w.pattern = argv[2];
    w.depth = strtol(argv[3], NULL, 10);
    w.hashes = (const char *const *)argv + 4;
    w.nhashes = argc - 4;
    w.visit = visit_hash;
    if (stat(root, &st) != 0) {
      json_array_append_new(evs, reply("DIR_FINDHASH_REP", inv, error_body(2, "ENOTFOUND", root)));
    } else {
      walk_dir(&w, root, 0);
      json_array_append_new(evs, reply("DIR_FINDHASH_REP", inv,
                                       json_pack("{s:s, s:s, s:I, s:O, s:b}", "ROOT", root, "FILE_PATTERN",
                                                 w.pattern, "DEPTH", (json_int_t)w.depth, "FILES", w.out,
                                                 "VISITS_EXCEEDED", 0)));
    }
  } else if (!strcmp(cmd, "yara_scan") && argc >= 2) {
    pthread_once(&yara_once, yara_init);
    const char *b64 = argv[argc - 1];
    size_t n = strlen(b64);
    unsigned char *rule = vg_xmalloc(n + 1);
    int len = EVP_DecodeBlock(rule, (const unsigned char *)b64, (int)n);
    YR_COMPILER *comp = NULL;
    if (len > 0) {
      while (len > 0 && rule[len - 1] == '\0') len--; /* base64 padding decodes to NULs */
      rule[len] = '\0';
    }
    if (len <= 0 || yr_compiler_create(&comp) != ERROR_SUCCESS ||
        yr_compiler_add_string(comp, (const char *)rule, NULL) != 0 ||
        yr_compiler_get_rules(comp, &w.rules) != ERROR_SUCCESS) {
      json_array_append_new(evs, reply("YARA_SCAN_REP", inv, error_body(87, "EINVAL", "bad YARA rule")));
    } else if (argc == 6 && !strcmp(argv[1], "-d")) {
      w.pattern = argv[3];
      w.depth = strtol(argv[4], NULL, 10);
      w.visit = visit_yara;
      walk_dir(&w, argv[2], 0);
    } else if (argc == 2) { /* every process but this one (the sensor skips itself) */
      w.self = getpid();
      yara_processes(&w, "*");
    } else {
      json_array_append_new(evs, reply("YARA_SCAN_REP", inv,
                                       error_body(87, "EUNSUPPORTED", "only -d and system-wide scans are simulated")));
      yr_rules_destroy(w.rules);
      w.rules = NULL;
    }
    if (w.rules) {
      json_array_extend(evs, w.out);
      json_array_append_new(evs, reply("YARA_SCAN_REP", inv, json_pack("{s:s}", "ERROR_MESSAGE", "done")));
      yr_rules_destroy(w.rules);
    }
    if (comp) yr_compiler_destroy(comp);
    free(rule);
  } else {
    char type[80];
    snprintf(type, sizeof type, "%.60s_REP", cmd);
    for (char *p = type; *p; p++)
      if (*p >= 'a' && *p <= 'z') *p = (char)(*p - 'a' + 'A');
    json_array_append_new(evs, reply(vg_event_type_by_name(type) ? type : "RECEIPT", inv,
                                     error_body(87, "EINVAL", "not simulated")));
  }
  json_decref(w.out);
}

static void *serve(void *arg) {
  struct sensor_sim_fs *f = arg;
  while (!atomic_load(&f->stop)) {
    json_t *task = sensor_sim_recv(f->s, "task", 100);
    const char *inv = json_string_value(json_object_get(task, "investigation_id"));
    const char *cmd = json_string_value(json_object_get(task, "command"));
    if (!inv || !cmd) {
      json_decref(task);
      continue;
    }
    char *store = vg_xmalloc(strlen(cmd) + 1);
    char *argv[SIM_FS_MAX_ARGS];
    int argc = split(cmd, argv, store);
    json_t *evs = json_array();
    json_array_append_new(evs, reply("RECEIPT", inv, json_object()));
    if (argc) answer(evs, inv, argc, argv);
    struct vg_buf b;
    vg_buf_init(&b, VG_LIMIT_MSG_BYTES);
    if (vg_proto_batch_encode(&b, f->seq, evs, NULL) == 0) {
      vg_ws_client_send(f->s->ws, b.data, b.len);
      f->seq += json_array_size(evs);
    }
    vg_buf_cleanup(&b);
    json_decref(evs);
    free(store);
    json_decref(task);
    atomic_fetch_add(&f->answered, 1);
  }
  return NULL;
}

struct sensor_sim_fs *sensor_sim_fs_start(struct sensor_sim *s, uint64_t first_seq) {
  struct sensor_sim_fs *f = vg_xcalloc(1, sizeof(*f));
  f->s = s;
  f->seq = first_seq;
  pthread_create(&f->th, NULL, serve, f);
  return f;
}

int sensor_sim_fs_answered(struct sensor_sim_fs *f) { return atomic_load(&f->answered); }

void sensor_sim_fs_stop(struct sensor_sim_fs *f) {
  if (!f) return;
  atomic_store(&f->stop, true);
  pthread_join(f->th, NULL);
  free(f);
}
