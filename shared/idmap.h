/* idmap.h — a map from non-zero 64-bit ids to pointers (open addressing,
 * linear probing, backward-shift deletion). Not thread-safe: the owner
 * guards it. Used for sessions, tasks and subscriptions, where a pointer
 * must not be kept across threads but an id can be. */
#ifndef VIGIL_IDMAP_H
#define VIGIL_IDMAP_H

#include <stddef.h>
#include <stdint.h>

struct vg_idmap {
  uint64_t *keys; /* 0 = empty slot */
  void **vals;
  size_t cap;     /* power of two */
  size_t len;
};

void vg_idmap_init(struct vg_idmap *m);
void vg_idmap_cleanup(struct vg_idmap *m);
/* Insert or replace; id must not be 0. */
void vg_idmap_put(struct vg_idmap *m, uint64_t id, void *val);
void *vg_idmap_get(const struct vg_idmap *m, uint64_t id); /* NULL if absent */
void *vg_idmap_del(struct vg_idmap *m, uint64_t id);       /* the removed value or NULL */

/* Iterate: for (size_t i = 0; vg_idmap_next(m, &i, &id, &val);) … ; do not
 * insert while iterating (deleting the current entry is not allowed either:
 * collect ids first). */
int vg_idmap_next(const struct vg_idmap *m, size_t *i, uint64_t *id, void **val);

#endif
