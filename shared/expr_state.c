/* expr_state.c — stateful roots: `with child` / `with descendant`.
 *
 * The root node matches a process (its NEW_PROCESS event); it is then
 * "armed" under its atom (routing/this) on that sensor. Later events whose
 * routing/parent is an armed atom (with child), or whose ancestry reaches
 * one (with descendant: a bounded map of this → parent atoms learnt from
 * NEW_PROCESS events), are tested against the nested rule; when the nested
 * rule has matched `count` events (default 1) within `within` seconds of
 * the parent (default: no bound), the chain completes and the parent's
 * event is reported (the child's with `report latest event`).
 *
 * Bounds: VG_LIMIT_STATE_SENSORS sensors per tree (more are not tracked),
 * VG_LIMIT_STATE_ARMED armed parents per sensor (the oldest is dropped),
 * VG_LIMIT_STATE_ATOMS remembered processes per sensor (a direct-mapped
 * cache: a collision forgets the older process), VG_LIMIT_STATE_ANCESTRY
 * levels walked. Time is the events' own routing/event_time. */
#include <stdlib.h>
#include <string.h>

#include "shared/alloc.h"
#include "shared/atom.h"
#include "shared/expr_int.h"
#include "shared/idmap.h"
#include "shared/limits.h"
#include "shared/routing.h"

struct proc {
  uint8_t atom[VG_ATOM_BYTES], parent[VG_ATOM_BYTES];
  bool used;
};

struct armed {
  uint8_t atom[VG_ATOM_BYTES];
  int64_t deadline_ms; /* 0 = none */
  int64_t count;
  json_t *ev;
};

struct sensor_state {
  char sid[VG_UUID_STR_LEN + 1];
  struct proc *procs; /* VG_LIMIT_STATE_ATOMS, allocated for with descendant */
  struct armed armed[VG_LIMIT_STATE_ARMED];
  size_t narmed;
};

struct vg_expr_state {
  struct vg_idmap sensors;
};

struct vg_expr_state *vg_expr_state_new(void) {
  struct vg_expr_state *s = vg_xcalloc(1, sizeof(*s));
  vg_idmap_init(&s->sensors);
  return s;
}

static void sensor_free(struct sensor_state *ss) {
  for (size_t i = 0; i < ss->narmed; i++) json_decref(ss->armed[i].ev);
  free(ss->procs);
  free(ss);
}

void vg_expr_state_free(struct vg_expr_state *s) {
  if (!s) return;
  uint64_t id;
  void *v;
  for (size_t i = 0; vg_idmap_next(&s->sensors, &i, &id, &v);) sensor_free(v);
  vg_idmap_cleanup(&s->sensors);
  free(s);
}

static uint64_t hash(const void *p, size_t n) {
  uint64_t h = 1469598103934665603ULL;
  for (size_t i = 0; i < n; i++) h = (h ^ ((const uint8_t *)p)[i]) * 1099511628211ULL;
  return h ? h : 1;
}

static struct sensor_state *sensor(struct vg_expr_state *s, const char *sid, bool descendant) {
  uint64_t k = hash(sid, strlen(sid));
  struct sensor_state *ss = vg_idmap_get(&s->sensors, k);
  if (ss && strcmp(ss->sid, sid) != 0) { /* 64-bit collision: the newcomer takes the slot */
    vg_idmap_del(&s->sensors, k);
    sensor_free(ss);
    ss = NULL;
  }
  if (!ss) {
    if (s->sensors.len >= VG_LIMIT_STATE_SENSORS) return NULL;
    ss = vg_xcalloc(1, sizeof(*ss));
    snprintf(ss->sid, sizeof(ss->sid), "%s", sid);
    vg_idmap_put(&s->sensors, k, ss);
  }
  if (descendant && !ss->procs) ss->procs = vg_xcalloc(VG_LIMIT_STATE_ATOMS, sizeof(*ss->procs));
  return ss;
}

static struct proc *proc_slot(struct sensor_state *ss, const uint8_t atom[VG_ATOM_BYTES]) {
  return &ss->procs[hash(atom, VG_ATOM_BYTES) % VG_LIMIT_STATE_ATOMS];
}

static bool proc_parent(struct sensor_state *ss, const uint8_t atom[VG_ATOM_BYTES],
                        uint8_t out[VG_ATOM_BYTES]) {
  struct proc *p = proc_slot(ss, atom);
  if (!p->used || memcmp(p->atom, atom, VG_ATOM_BYTES)) return false;
  memcpy(out, p->parent, VG_ATOM_BYTES);
  return true;
}

static void drop(struct sensor_state *ss, size_t i) {
  json_decref(ss->armed[i].ev);
  memmove(&ss->armed[i], &ss->armed[i + 1], (ss->narmed - i - 1) * sizeof(ss->armed[0]));
  ss->narmed--;
}

static ssize_t armed_find(struct sensor_state *ss, const uint8_t atom[VG_ATOM_BYTES]) {
  for (size_t i = 0; i < ss->narmed; i++)
    if (memcmp(ss->armed[i].atom, atom, VG_ATOM_BYTES) == 0) return (ssize_t)i;
  return -1;
}

bool vg_expr_state_eval(const struct vg_expr *e, const json_t *ev, const struct vg_routing *r,
                        const struct vg_expr_env *env, struct vg_expr_state *st,
                        json_t **report) {
  if (!r->sid[0]) return false;
  struct sensor_state *ss = sensor(st, r->sid, e->descendant);
  if (!ss) return false;
  int64_t now = r->event_time;
  uint8_t this_a[VG_ATOM_BYTES], parent_a[VG_ATOM_BYTES];
  bool has_this = r->this_atom[0] && vg_atom_parse(r->this_atom, this_a) == 0;
  bool has_parent = r->parent_atom[0] && vg_atom_parse(r->parent_atom, parent_a) == 0;
  bool is_new_proc = strcmp(r->event_type, "NEW_PROCESS") == 0;
  if (e->descendant && is_new_proc && has_this && has_parent) {
    struct proc *p = proc_slot(ss, this_a);
    memcpy(p->atom, this_a, VG_ATOM_BYTES);
    memcpy(p->parent, parent_a, VG_ATOM_BYTES);
    p->used = true;
  }
  bool fired = false;
  if (has_parent && ss->narmed) {
    uint8_t cur[VG_ATOM_BYTES];
    memcpy(cur, parent_a, VG_ATOM_BYTES);
    int nested = -1; /* evaluated once, on the first armed ancestor */
    for (int level = 0; level < VG_LIMIT_STATE_ANCESTRY && !fired; level++) {
      ssize_t i = armed_find(ss, cur);
      if (i >= 0) {
        struct armed *a = &ss->armed[i];
        if (a->deadline_ms && now > a->deadline_ms) {
          drop(ss, (size_t)i);
        } else {
          if (nested < 0) nested = vg_expr_node_eval(e->with, ev, r, env);
          if (nested && ++a->count >= (e->with->count > 0 ? e->with->count : 1)) {
            bool latest = (e->flags | e->with->flags) & VG_EXPR_REPORT_LATEST;
            if (report) *report = latest ? json_deep_copy(ev) : json_incref(a->ev);
            drop(ss, (size_t)i);
            fired = true;
          }
        }
      }
      if (!e->descendant || !proc_parent(ss, cur, cur)) break;
    }
  }
  if (is_new_proc && has_this && vg_expr_node_eval(e, ev, r, env) && armed_find(ss, this_a) < 0) {
    if (ss->narmed == VG_LIMIT_STATE_ARMED) drop(ss, 0);
    struct armed *a = &ss->armed[ss->narmed++];
    memcpy(a->atom, this_a, VG_ATOM_BYTES);
    a->deadline_ms = e->with->within ? now + e->with->within * 1000 : 0;
    a->count = 0;
    a->ev = json_deep_copy(ev);
  }
  return fired;
}
