/* proc_events.c — the process telemetry builder (proc_events.h): the
 * process table, NEW_/EXISTING_/TERMINATE_PROCESS with PARENT{} and atoms,
 * CODE_IDENTITY and USER_OBSERVED the first time, MODULE_LOAD from the maps
 * PROC_MODULE_DELAY_MS after exec, DATA_DROPPED and a /proc resync when
 * kernel records were lost. A fork without exec shares its parent's atom. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sensor/proc_events.h"
#include "sensor/exehash.h"
#include "sensor/proc_table.h"
#include "sensor/procfs.h"
#include "sensor/procread.h"
#include "shared/alloc.h"
#include "shared/event.h"
#include "shared/log.h"

#define COMP "proc"
#define PROC_MODULE_DELAY_MS 50      /* let the dynamic loader map the libraries */
#define PROC_MODULE_QUEUE 4096       /* processes waiting for their module scan */
#define PROC_SEEN_MAX 65536          /* (path, hash) pairs and users remembered */
#define PROC_CMDLINE_BYTES 8192      /* command line read per process */

const char *const proc_events_types[] = {"NEW_PROCESS",   "TERMINATE_PROCESS", "EXISTING_PROCESS",
                                         "CODE_IDENTITY", "MODULE_LOAD",       "USER_OBSERVED",
                                         "DATA_DROPPED",  NULL};

struct modscan {
  pid_t pid;
  char atom[VG_ATOM_HEX_LEN + 1];
  int64_t due_ms;
};

struct proc_events {
  struct sensor_ctx *ctx;
  struct proc_table tab;
  json_t *seen_code; /* "path\nhash" → true */
  json_t *seen_user; /* uid → true */
  struct modscan *mq;
  size_t mq_head, mq_n;
  uint64_t overflows;
};

static int64_t mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static char *user_name(uint32_t uid) {
  struct passwd pw, *res = NULL;
  char buf[1024];
  if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) == 0 && res) return vg_xstrdup(res->pw_name);
  return NULL;
}

static void emit(struct proc_events *pc, json_t *ev) { sensor_emit(pc->ctx, ev); }

static void set_rt(json_t *ev, const char *k, const char *atom) {
  if (atom && atom[0]) json_object_set_new(vg_event_routing(ev), k, json_string(atom));
}

/* The command line from argv bytes (NUL-separated) into e->cmdline. */
static void set_cmdline(struct proc_ent *e, const char *raw, size_t n) {
  char *line = vg_xmalloc(n + 1);
  procfs_cmdline(raw, n, line, n + 1);
  proc_ent_set(&e->cmdline, line, 0);
  free(line);
}

/* The command line: the kernel's argv bytes; when they were truncated, the
 * full /proc one if it is still this image's (starts with the same bytes). */
static void facts_cmdline(struct proc_ent *e, const struct proc_exec_facts *f) {
  if (f->args_total > f->args_len) {
    char *raw = vg_xmalloc(PROC_CMDLINE_BYTES);
    ssize_t n = procread_file(e->pid, "cmdline", raw, PROC_CMDLINE_BYTES);
    bool same = n >= (ssize_t)f->args_len && memcmp(raw, f->args, f->args_len) == 0;
    if (same) set_cmdline(e, raw, (size_t)n);
    free(raw);
    if (same) return;
  }
  if (f->args_len) set_cmdline(e, f->args, f->args_len);
}

/* Is path (read from /proc/PID/exe) the image the facts describe? A
 * process may exec again before we look: then it is not. No facts: yes. */
static bool exe_is(const char *path, const struct proc_exec_facts *f) {
  if (!f || !f->exe_name[0]) return true;
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  /* " (deleted)" may follow a replaced binary's name */
  return strncmp(base, f->exe_name, strlen(f->exe_name)) == 0;
}

/* Fill e from /proc (path, cmdline, uid, user, hash, ppid); with facts
 * (eBPF), ids and the command line come from them and the path falls back
 * to the exec'd filename when the process is already gone. */
static void inspect(struct proc_events *pc, struct proc_ent *e, bool hash,
                    const struct proc_exec_facts *f) {
  char path[PATH_MAX];
  bool live_exe = procread_exe(e->pid, path, sizeof(path)) == 0 && exe_is(path, f);
  if (live_exe) {
    proc_ent_set(&e->path, path, 0);
  } else if (f && f->filename[0]) { /* gone or exec'd again: resolve what it exec'd (/bin → /usr/bin) */
    proc_ent_set(&e->path, f->filename[0] == '/' && realpath(f->filename, path) ? path : f->filename, 0);
  }
  if (f) {
    facts_cmdline(e, f);
    e->uid = f->uid;
    e->has_uid = true;
    e->ppid = f->ppid;
    free(e->user);
    e->user = user_name(e->uid);
  } else {
    char *raw = vg_xmalloc(PROC_CMDLINE_BYTES);
    ssize_t n = procread_file(e->pid, "cmdline", raw, PROC_CMDLINE_BYTES);
    if (n > 0) set_cmdline(e, raw, (size_t)n);
    free(raw);
    struct procfs_status st;
    if (procread_status(e->pid, &st) == 0) {
      e->uid = st.uid[0];
      e->has_uid = true;
      if (st.ppid > 0 || e->ppid == 0) e->ppid = st.ppid;
      free(e->user);
      e->user = user_name(e->uid);
      if (!e->path) proc_ent_set(&e->path, st.name, 0); /* kernel thread: its name */
    }
  }
  if (hash && e->path && e->path[0] == '/') {
    char p[64], hex[65];
    snprintf(p, sizeof(p), "/proc/%d/exe", (int)e->pid);
    if (exehash_path(live_exe ? p : e->path, hex) == 0) proc_ent_set(&e->hash, hex, 0);
  }
  (void)pc;
}

/* CODE_IDENTITY and USER_OBSERVED the first time; call without tab.mu. */
static void firsts(struct proc_events *pc, const char *path, const char *hash, bool has_uid,
                   uint32_t uid, const char *user, const char *atom) {
  if (path && hash) {
    char *k = vg_xasprintf("%s\n%s", path, hash);
    if (!json_object_get(pc->seen_code, k)) {
      if (json_object_size(pc->seen_code) >= PROC_SEEN_MAX) json_object_clear(pc->seen_code);
      json_object_set_new(pc->seen_code, k, json_true());
      json_t *ev = vg_event_new("CODE_IDENTITY", vg_event_now_ms());
      json_object_set_new(vg_event_payload(ev), "FILE_PATH", json_string(path));
      json_object_set_new(vg_event_payload(ev), "HASH", json_string(hash));
      set_rt(ev, "parent", atom);
      emit(pc, ev);
    }
    free(k);
  }
  if (has_uid) {
    char k[16];
    snprintf(k, sizeof(k), "%u", uid);
    if (!json_object_get(pc->seen_user, k)) {
      if (json_object_size(pc->seen_user) >= PROC_SEEN_MAX) json_object_clear(pc->seen_user);
      json_object_set_new(pc->seen_user, k, json_true());
      json_t *ev = vg_event_new("USER_OBSERVED", vg_event_now_ms());
      json_object_set_new(vg_event_payload(ev), "USER_ID", json_integer(uid));
      if (user) json_object_set_new(vg_event_payload(ev), "USER_NAME", json_string(user));
      set_rt(ev, "parent", atom);
      emit(pc, ev);
    }
  }
}

/* Build and emit a process event for e (fresh atom already in e->atom). */
static void emit_process(struct proc_events *pc, const char *type, pid_t pid) {
  pthread_mutex_lock(&pc->tab.mu);
  struct proc_ent *e = proc_table_get(&pc->tab, pid);
  if (!e) {
    pthread_mutex_unlock(&pc->tab.mu);
    return;
  }
  json_t *ev = vg_event_new(type, vg_event_now_ms());
  json_t *body = proc_ent_json(e);
  json_object_set_new(ev, "event", body);
  json_object_set_new(vg_event_routing(ev), "this", json_string(e->atom));
  struct proc_ent *p = proc_table_get(&pc->tab, e->ppid);
  if (p) {
    snprintf(e->parent_atom, sizeof(e->parent_atom), "%s", p->atom);
    json_object_set_new(body, "PARENT", proc_ent_json(p));
  }
  set_rt(ev, "parent", e->parent_atom);
  char *path = e->path ? vg_xstrdup(e->path) : NULL, *hash = e->hash ? vg_xstrdup(e->hash) : NULL,
       *user = e->user ? vg_xstrdup(e->user) : NULL;
  bool has_uid = e->has_uid;
  uint32_t uid = e->uid;
  char atom[VG_ATOM_HEX_LEN + 1];
  memcpy(atom, e->atom, sizeof(atom));
  pthread_mutex_unlock(&pc->tab.mu);
  emit(pc, ev);
  firsts(pc, path, hash, has_uid, uid, user, atom);
  free(path);
  free(hash);
  free(user);
}

/* Read pid's /proc files (without the table lock), then enter it and
 * emit its event. false if it was not (a repeated exec, table full). */
static bool add_process(struct proc_events *pc, pid_t pid, pid_t ppid_hint, const char *type,
                        const struct proc_exec_facts *f) {
  struct proc_ent tmp = {.pid = pid, .ppid = ppid_hint};
  inspect(pc, &tmp, true, f);
  pthread_mutex_lock(&pc->tab.mu);
  struct proc_ent *e = proc_table_get(&pc->tab, pid);
  if (!f && e && e->own && e->path && tmp.path && strcmp(e->path, tmp.path) == 0 && e->cmdline &&
      tmp.cmdline && strncmp(e->cmdline, tmp.cmdline, PROC_TABLE_CMDLINE_KEEP) == 0) {
    /* Two execs in a row, both read after the second (the connector gives
     * pids only): the image was reported already. */
    e = NULL;
  } else {
    e = proc_table_add(&pc->tab, pid);
  }
  if (e) {
    e->ppid = tmp.ppid;
    e->uid = tmp.uid;
    e->has_uid = tmp.has_uid;
    e->path = tmp.path;
    e->user = tmp.user;
    e->hash = tmp.hash;
    e->own = true;
    vg_atom_new(e->atom);
    e->cmdline = tmp.cmdline;
    tmp.path = tmp.user = tmp.hash = tmp.cmdline = NULL;
  }
  pthread_mutex_unlock(&pc->tab.mu);
  free(tmp.path);
  free(tmp.user);
  free(tmp.hash);
  free(tmp.cmdline);
  if (e) emit_process(pc, type, pid);
  return e != NULL;
}

static void trim_cmdline(struct proc_events *pc, pid_t pid) {
  pthread_mutex_lock(&pc->tab.mu);
  struct proc_ent *e = proc_table_get(&pc->tab, pid);
  if (e && e->cmdline && strlen(e->cmdline) > PROC_TABLE_CMDLINE_KEEP)
    e->cmdline[PROC_TABLE_CMDLINE_KEEP] = '\0';
  pthread_mutex_unlock(&pc->tab.mu);
}

struct start_order {
  pid_t pid;
  uint64_t start;
};

static int by_start(const void *a, const void *b) {
  const struct start_order *x = a, *y = b;
  if (x->start != y->start) return x->start < y->start ? -1 : 1;
  return x->pid < y->pid ? -1 : x->pid > y->pid;
}

void proc_events_exit(struct proc_events *pc, pid_t pid, int exit_code, bool known_code) {
  pthread_mutex_lock(&pc->tab.mu);
  struct proc_ent *e = proc_table_get(&pc->tab, pid);
  json_t *ev = NULL;
  if (e && e->own) {
    ev = vg_event_new("TERMINATE_PROCESS", vg_event_now_ms());
    json_t *b = vg_event_payload(ev);
    json_object_set_new(b, "PROCESS_ID", json_integer(pid));
    json_object_set_new(b, "PARENT_PROCESS_ID", json_integer(e->ppid));
    if (e->path) json_object_set_new(b, "FILE_PATH", json_string(e->path));
    if (known_code) json_object_set_new(b, "EXIT_CODE", json_integer(exit_code));
    json_object_set_new(b, "TIMESTAMP", json_integer(vg_event_now_ms()));
    set_rt(ev, "parent", e->atom);
    set_rt(ev, "target", e->atom);
  }
  proc_table_del(&pc->tab, pid);
  pthread_mutex_unlock(&pc->tab.mu);
  if (ev) emit(pc, ev);
}

void proc_events_scan(struct proc_events *pc, bool reap) {
  size_t n;
  pid_t *pids = procread_pids(&n);
  struct start_order *o = vg_xcalloc(n ? n : 1, sizeof(*o));
  size_t m = 0;
  for (size_t i = 0; i < n; i++) {
    struct procfs_stat st;
    if (pids[i] == pc->ctx->self_pid || procread_stat(pids[i], &st)) continue;
    o[m++] = (struct start_order){pids[i], st.starttime};
  }
  qsort(o, m, sizeof(*o), by_start);
  if (reap) {
    json_t *alive = json_object();
    for (size_t i = 0; i < m; i++) {
      char k[16];
      snprintf(k, sizeof(k), "%d", (int)o[i].pid);
      json_object_set_new(alive, k, json_true());
    }
    pid_t *gone = NULL;
    size_t ng = 0;
    uint64_t id;
    void *v;
    pthread_mutex_lock(&pc->tab.mu);
    for (size_t i = 0; vg_idmap_next(&pc->tab.by_pid, &i, &id, &v);) {
      char k[24];
      snprintf(k, sizeof(k), "%llu", (unsigned long long)id);
      if (!json_object_get(alive, k)) {
        gone = vg_xreallocarray(gone, ng + 1, sizeof(*gone));
        gone[ng++] = (pid_t)id;
      }
    }
    pthread_mutex_unlock(&pc->tab.mu);
    for (size_t i = 0; i < ng; i++) proc_events_exit(pc, gone[i], 0, false);
    free(gone);
    json_decref(alive);
  }
  for (size_t i = 0; i < m; i++) {
    pthread_mutex_lock(&pc->tab.mu);
    bool known = proc_table_get(&pc->tab, o[i].pid) != NULL;
    pthread_mutex_unlock(&pc->tab.mu);
    if (known) continue;
    add_process(pc, o[i].pid, 0, "EXISTING_PROCESS", NULL);
    trim_cmdline(pc, o[i].pid);
  }
  free(o);
  free(pids);
}

void proc_events_fork(struct proc_events *pc, pid_t parent, pid_t child) {
  if (parent == pc->ctx->self_pid) return;
  pthread_mutex_lock(&pc->tab.mu);
  struct proc_ent *p = proc_table_get(&pc->tab, parent);
  struct proc_ent *c = proc_table_add(&pc->tab, child);
  if (c) {
    c->ppid = parent;
    if (p) { /* same image until it execs: the parent's atom and facts */
      memcpy(c->atom, p->atom, sizeof(c->atom));
      memcpy(c->parent_atom, p->parent_atom, sizeof(c->parent_atom));
      proc_ent_set(&c->path, p->path, 0);
      proc_ent_set(&c->cmdline, p->cmdline, PROC_TABLE_CMDLINE_KEEP);
      proc_ent_set(&c->user, p->user, 0);
      proc_ent_set(&c->hash, p->hash, 0);
      c->uid = p->uid;
      c->has_uid = p->has_uid;
    } else {
      vg_atom_new(c->atom);
    }
  }
  pthread_mutex_unlock(&pc->tab.mu);
}

void proc_events_exec(struct proc_events *pc, pid_t pid, const struct proc_exec_facts *f) {
  if (pid == pc->ctx->self_pid) return;
  pthread_mutex_lock(&pc->tab.mu);
  struct proc_ent *e = proc_table_get(&pc->tab, pid);
  pid_t ppid = e ? e->ppid : 0;
  pthread_mutex_unlock(&pc->tab.mu);
  bool emitted = add_process(pc, pid, ppid, "NEW_PROCESS", f);
  pthread_mutex_lock(&pc->tab.mu);
  e = emitted ? proc_table_get(&pc->tab, pid) : NULL;
  if (e && pc->mq_n < PROC_MODULE_QUEUE) {
    struct modscan *m = &pc->mq[(pc->mq_head + pc->mq_n++) % PROC_MODULE_QUEUE];
    m->pid = pid;
    memcpy(m->atom, e->atom, sizeof(m->atom));
    m->due_ms = mono_ms() + PROC_MODULE_DELAY_MS;
  }
  pthread_mutex_unlock(&pc->tab.mu);
  trim_cmdline(pc, pid);
}

static void module_scan(struct proc_events *pc, const struct modscan *m) {
  char cur[VG_ATOM_HEX_LEN + 1];
  if (!proc_table_atom_of(&pc->tab, m->pid, cur) || strcmp(cur, m->atom) != 0) return;
  size_t len;
  char *maps = procread_file_alloc(m->pid, "maps", PROCREAD_MAPS_BYTES, &len);
  if (!maps) return;
  struct procfs_module *mods = vg_xcalloc(PROCFS_MODULES_MAX, sizeof(*mods));
  size_t n = 0;
  procfs_modules(maps, len, mods, PROCFS_MODULES_MAX, &n, NULL);
  for (size_t i = 0; i < n; i++) {
    char *path = vg_xstrndup(mods[i].path, mods[i].path_len);
    const char *base = strrchr(path, '/');
    json_t *ev = vg_event_new("MODULE_LOAD", vg_event_now_ms());
    json_t *b = vg_event_payload(ev);
    json_object_set_new(b, "FILE_PATH", json_string(path));
    json_object_set_new(b, "MODULE_NAME", json_string(base ? base + 1 : path));
    json_object_set_new(b, "BASE_ADDRESS", json_integer((json_int_t)mods[i].base));
    json_object_set_new(b, "MEMORY_SIZE", json_integer((json_int_t)mods[i].size));
    json_object_set_new(b, "PROCESS_ID", json_integer(m->pid));
    set_rt(ev, "parent", m->atom);
    emit(pc, ev);
    free(path);
  }
  free(mods);
  free(maps);
}

void proc_events_module_scans(struct proc_events *pc, bool all) {
  int64_t now = mono_ms();
  for (;;) {
    pthread_mutex_lock(&pc->tab.mu);
    if (!pc->mq_n || (!all && pc->mq[pc->mq_head].due_ms > now)) {
      pthread_mutex_unlock(&pc->tab.mu);
      return;
    }
    struct modscan m = pc->mq[pc->mq_head];
    pc->mq_head = (pc->mq_head + 1) % PROC_MODULE_QUEUE;
    pc->mq_n--;
    pthread_mutex_unlock(&pc->tab.mu);
    module_scan(pc, &m);
  }
}

int proc_events_timeout_ms(struct proc_events *pc) {
  int timeout = -1;
  pthread_mutex_lock(&pc->tab.mu);
  if (pc->mq_n) {
    int64_t d = pc->mq[pc->mq_head].due_ms - mono_ms();
    timeout = d < 0 ? 0 : (int)d;
  }
  pthread_mutex_unlock(&pc->tab.mu);
  return timeout;
}

void proc_events_lost(struct proc_events *pc, const char *source, const char *reason) {
  pc->overflows++;
  vg_warn(COMP, "%s: kernel records lost; rescanning /proc", source);
  json_t *ev = vg_event_new("DATA_DROPPED", vg_event_now_ms());
  json_t *b = vg_event_payload(ev);
  json_object_set_new(b, "SOURCE", json_string(source));
  json_object_set_new(b, "REASON", json_string(reason));
  json_object_set_new(b, "OVERFLOWS", json_integer((json_int_t)pc->overflows));
  emit(pc, ev);
  proc_events_scan(pc, true);
}

struct proc_events *proc_events_create(struct sensor_ctx *ctx) {
  struct proc_events *pc = vg_xcalloc(1, sizeof(*pc));
  pc->ctx = ctx;
  proc_table_init(&pc->tab);
  pc->seen_code = json_object();
  pc->seen_user = json_object();
  pc->mq = vg_xcalloc(PROC_MODULE_QUEUE, sizeof(*pc->mq));
  return pc;
}

void proc_events_publish(struct proc_events *pc) {
  pc->ctx->proc_atom = proc_table_atom_of;
  pc->ctx->atom_pid = proc_table_pid_of;
  pc->ctx->proc_user = &pc->tab;
}

void proc_events_free(struct proc_events *pc) {
  if (!pc) return;
  if (pc->ctx->proc_user == &pc->tab) {
    pc->ctx->proc_atom = NULL;
    pc->ctx->atom_pid = NULL;
    pc->ctx->proc_user = NULL;
  }
  proc_table_cleanup(&pc->tab);
  json_decref(pc->seen_code);
  json_decref(pc->seen_user);
  free(pc->mq);
  free(pc);
}
