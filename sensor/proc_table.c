/* proc_table.c — live processes and their atoms (see proc_table.h). */
#include "sensor/proc_table.h"

#include <stdlib.h>
#include <string.h>

#include "shared/alloc.h"

static void ent_free(struct proc_ent *e) {
  if (!e) return;
  free(e->path);
  free(e->cmdline);
  free(e->user);
  free(e->hash);
  free(e);
}

void proc_table_init(struct proc_table *t) {
  pthread_mutex_init(&t->mu, NULL);
  vg_idmap_init(&t->by_pid);
}

void proc_table_cleanup(struct proc_table *t) {
  uint64_t id;
  void *v;
  for (size_t i = 0; vg_idmap_next(&t->by_pid, &i, &id, &v);) ent_free(v);
  vg_idmap_cleanup(&t->by_pid);
  pthread_mutex_destroy(&t->mu);
}

struct proc_ent *proc_table_get(struct proc_table *t, pid_t pid) {
  return pid > 0 ? vg_idmap_get(&t->by_pid, (uint64_t)pid) : NULL;
}

struct proc_ent *proc_table_add(struct proc_table *t, pid_t pid) {
  if (pid <= 0) return NULL;
  struct proc_ent *old = vg_idmap_get(&t->by_pid, (uint64_t)pid);
  if (!old && t->by_pid.len >= PROC_TABLE_MAX) return NULL;
  ent_free(old);
  struct proc_ent *e = vg_xcalloc(1, sizeof(*e));
  e->pid = pid;
  vg_idmap_put(&t->by_pid, (uint64_t)pid, e);
  return e;
}

void proc_table_del(struct proc_table *t, pid_t pid) {
  if (pid > 0) ent_free(vg_idmap_del(&t->by_pid, (uint64_t)pid));
}

void proc_ent_set(char **field, const char *s, size_t max) {
  free(*field);
  *field = NULL;
  if (!s) return;
  size_t n = strlen(s);
  *field = vg_xstrndup(s, max && n > max ? max : n);
}

json_t *proc_ent_json(const struct proc_ent *e) {
  json_t *o = json_object();
  if (e->path) json_object_set_new(o, "FILE_PATH", json_string(e->path));
  if (e->cmdline) json_object_set_new(o, "COMMAND_LINE", json_string(e->cmdline));
  json_object_set_new(o, "PROCESS_ID", json_integer(e->pid));
  json_object_set_new(o, "PARENT_PROCESS_ID", json_integer(e->ppid));
  if (e->has_uid) json_object_set_new(o, "USER_ID", json_integer(e->uid));
  if (e->user) json_object_set_new(o, "USER_NAME", json_string(e->user));
  if (e->hash) json_object_set_new(o, "HASH", json_string(e->hash));
  return o;
}

bool proc_table_atom_of(void *user, pid_t pid, char out[VG_ATOM_HEX_LEN + 1]) {
  struct proc_table *t = user;
  pthread_mutex_lock(&t->mu);
  struct proc_ent *e = proc_table_get(t, pid);
  if (e) memcpy(out, e->atom, VG_ATOM_HEX_LEN + 1);
  pthread_mutex_unlock(&t->mu);
  return e != NULL;
}

pid_t proc_table_pid_of(void *user, const char *atom) {
  struct proc_table *t = user;
  pid_t pid = -1;
  uint64_t id;
  void *v;
  pthread_mutex_lock(&t->mu);
  for (size_t i = 0; vg_idmap_next(&t->by_pid, &i, &id, &v);) {
    struct proc_ent *e = v;
    if (e->own && strcmp(e->atom, atom) == 0) {
      pid = e->pid;
      break;
    }
  }
  pthread_mutex_unlock(&t->mu);
  return pid;
}
