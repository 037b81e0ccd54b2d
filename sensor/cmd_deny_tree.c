/* cmd_deny_tree.c — deny_tree ATOM…: stop and kill the process trees rooted
 * at the atoms, then keep killing any process that appears inside them for
 * DENY_TREE_WATCH_MS (a child forked in the race, a respawn from inside). */
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sensor/cmd.h"
#include "sensor/procread.h"
#include "shared/alloc.h"

#define DENY_TREE_WATCH_MS 10000 /* how long new children are killed */
#define DENY_TREE_POLL_MS 50
#define DENY_TREE_MAX_PIDS 65536 /* processes one call tracks */

int cmd_deny_tree_run(struct cmd_call *c, int argc, char **argv);

/* Processes by pid AND start time, so a recycled pid is never killed. */
struct proc_id {
  pid_t pid;
  uint64_t start;
};

struct pset {
  struct proc_id *v;
  size_t n;
};

static int pset_has(const struct pset *s, pid_t p) {
  for (size_t i = 0; i < s->n; i++)
    if (s->v[i].pid == p) return 1;
  return 0;
}

static void pset_add(struct pset *s, pid_t p) {
  struct procfs_stat st;
  if (pset_has(s, p) || s->n >= DENY_TREE_MAX_PIDS || procread_stat(p, &st)) return;
  s->v = vg_xreallocarray(s->v, s->n + 1, sizeof(*s->v));
  s->v[s->n++] = (struct proc_id){p, st.starttime};
}

static void kill_same(const struct proc_id *id, int sig) {
  struct procfs_stat st;
  if (procread_stat(id->pid, &st) == 0 && st.starttime == id->start) kill(id->pid, sig);
}

/* Add every process whose parent is in the set (to a fixpoint); kill them.
 * Returns how many new processes were killed. */
static size_t sweep(struct pset *tree, pid_t self) {
  size_t killed = 0, n;
  pid_t *pids = procread_pids(&n);
  int grew = 1;
  while (grew) {
    grew = 0;
    for (size_t i = 0; i < n; i++) {
      struct procfs_stat st;
      if (pids[i] == self || pset_has(tree, pids[i]) || procread_stat(pids[i], &st)) continue;
      if (pset_has(tree, st.ppid)) {
        pset_add(tree, pids[i]);
        kill_same(&tree->v[tree->n - 1], SIGSTOP);
        killed++;
        grew = 1;
      }
    }
  }
  free(pids);
  for (size_t i = 0; i < tree->n; i++) kill_same(&tree->v[i], SIGKILL);
  return killed;
}

int cmd_deny_tree_run(struct cmd_call *c, int argc, char **argv) {
  if (argc < 2) return cmd_error(c, VG_EINVAL, "usage: deny_tree ATOM [ATOM...]");
  if (!c->ctx->atom_pid) return cmd_error(c, VG_EUNSUPPORTED, "the process collector is not running");
  struct pset tree = {0};
  json_t *roots = json_array(), *unknown = json_array();
  for (int i = 1; i < argc; i++) {
    if (!vg_atom_valid(argv[i])) {
      json_decref(roots);
      json_decref(unknown);
      free(tree.v);
      return cmd_error(c, VG_EINVAL, "argument %d: '%.64s' is not an atom", i, argv[i]);
    }
    pid_t p = c->ctx->atom_pid(c->ctx->proc_user, argv[i]);
    if (p <= 1 || p == c->ctx->self_pid) {
      json_array_append_new(unknown, json_string(argv[i]));
      continue;
    }
    pset_add(&tree, p);
    if (tree.n) kill_same(&tree.v[tree.n - 1], SIGSTOP); /* no forks while collecting */
    json_array_append_new(roots, json_pack("{s:s, s:i}", "ATOM", argv[i], "PROCESS_ID", (int)p));
  }
  size_t total = tree.n;
  total += sweep(&tree, c->ctx->self_pid);
  cmd_reply(c, json_pack("{s:O, s:O, s:I, s:i}", "ROOTS", roots, "UNKNOWN_ATOMS", unknown,
                         "KILLED", (json_int_t)total, "WATCH_MS", DENY_TREE_WATCH_MS));
  json_decref(roots);
  json_decref(unknown);
  if (tree.n) {
    struct timespec d = {0, DENY_TREE_POLL_MS * 1000000L};
    for (int t = 0; t < DENY_TREE_WATCH_MS / DENY_TREE_POLL_MS; t++) {
      nanosleep(&d, NULL);
      sweep(&tree, c->ctx->self_pid);
    }
  }
  free(tree.v);
  return 0;
}
