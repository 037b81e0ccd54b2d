/* proc_table.h — the process collector's table of live processes: pid →
 * atom, parent atom and what NEW_PROCESS said about it (for PARENT{…} of
 * its children). Guarded by its own mutex: the collector thread changes it,
 * commands look atoms up (sensor_ctx.proc_atom / atom_pid). */
#ifndef VIGIL_SENSOR_PROC_TABLE_H
#define VIGIL_SENSOR_PROC_TABLE_H

#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "shared/atom.h"
#include "shared/idmap.h"

#define PROC_TABLE_MAX 262144          /* processes tracked (pid_max default is 4M; live ones far fewer) */
#define PROC_TABLE_CMDLINE_KEEP 1024   /* bytes of a command line kept for PARENT{} */

struct proc_ent {
  pid_t pid, ppid;
  char atom[VG_ATOM_HEX_LEN + 1];
  char parent_atom[VG_ATOM_HEX_LEN + 1]; /* "" if unknown */
  bool own;       /* has its own NEW_PROCESS / EXISTING_PROCESS (else a fork's copy) */
  bool has_uid;
  uint32_t uid;
  char *path, *cmdline, *user, *hash; /* heap or NULL */
};

struct proc_table {
  pthread_mutex_t mu;
  struct vg_idmap by_pid; /* pid → struct proc_ent * */
};

void proc_table_init(struct proc_table *t);
void proc_table_cleanup(struct proc_table *t);

/* With t->mu held: */
struct proc_ent *proc_table_get(struct proc_table *t, pid_t pid);
/* A new entry for pid (replacing one), fields empty. NULL if full. */
struct proc_ent *proc_table_add(struct proc_table *t, pid_t pid);
void proc_table_del(struct proc_table *t, pid_t pid);
/* Set *field to a copy of s (NULL ok), bounded to max bytes (0 = no bound). */
void proc_ent_set(char **field, const char *s, size_t max);
/* {FILE_PATH, COMMAND_LINE, PROCESS_ID, PARENT_PROCESS_ID, USER_ID,
 * USER_NAME, HASH} of e, as far as known (new object). */
json_t *proc_ent_json(const struct proc_ent *e);

/* sensor_ctx callbacks (lock themselves); user is the table. */
bool proc_table_atom_of(void *user, pid_t pid, char out[VG_ATOM_HEX_LEN + 1]);
pid_t proc_table_pid_of(void *user, const char *atom);

#endif
