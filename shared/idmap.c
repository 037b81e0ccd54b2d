/* idmap.c — 64-bit id → pointer hash map. */
#include "shared/idmap.h"

#include <stdlib.h>

#include "shared/alloc.h"

static size_t slot(uint64_t id, size_t cap) {
  id ^= id >> 33;
  id *= 0xff51afd7ed558ccdULL;
  id ^= id >> 33;
  return (size_t)id & (cap - 1);
}

void vg_idmap_init(struct vg_idmap *m) {
  m->keys = NULL;
  m->vals = NULL;
  m->cap = m->len = 0;
}

void vg_idmap_cleanup(struct vg_idmap *m) {
  free(m->keys);
  free(m->vals);
  vg_idmap_init(m);
}

static void grow(struct vg_idmap *m) {
  struct vg_idmap n;
  n.cap = m->cap ? m->cap * 2 : 16;
  n.len = 0;
  n.keys = vg_xcalloc(n.cap, sizeof(*n.keys));
  n.vals = vg_xcalloc(n.cap, sizeof(*n.vals));
  for (size_t i = 0; i < m->cap; i++)
    if (m->keys[i]) vg_idmap_put(&n, m->keys[i], m->vals[i]);
  free(m->keys);
  free(m->vals);
  *m = n;
}

void vg_idmap_put(struct vg_idmap *m, uint64_t id, void *val) {
  if ((m->len + 1) * 4 > m->cap * 3) grow(m);
  size_t i = slot(id, m->cap);
  while (m->keys[i] && m->keys[i] != id) i = (i + 1) & (m->cap - 1);
  if (!m->keys[i]) m->len++;
  m->keys[i] = id;
  m->vals[i] = val;
}

void *vg_idmap_get(const struct vg_idmap *m, uint64_t id) {
  if (!m->cap || !id) return NULL;
  size_t i = slot(id, m->cap);
  while (m->keys[i]) {
    if (m->keys[i] == id) return m->vals[i];
    i = (i + 1) & (m->cap - 1);
  }
  return NULL;
}

void *vg_idmap_del(struct vg_idmap *m, uint64_t id) {
  if (!m->cap || !id) return NULL;
  size_t i = slot(id, m->cap);
  while (m->keys[i] && m->keys[i] != id) i = (i + 1) & (m->cap - 1);
  if (!m->keys[i]) return NULL;
  void *val = m->vals[i];
  m->keys[i] = 0;
  m->len--;
  /* Backward-shift: move later entries of the cluster into the hole. */
  for (size_t j = (i + 1) & (m->cap - 1); m->keys[j]; j = (j + 1) & (m->cap - 1)) {
    size_t home = slot(m->keys[j], m->cap);
    int movable = i <= j ? (home <= i || home > j) : (home <= i && home > j);
    if (movable) {
      m->keys[i] = m->keys[j];
      m->vals[i] = m->vals[j];
      m->keys[j] = 0;
      i = j;
    }
  }
  return val;
}

int vg_idmap_next(const struct vg_idmap *m, size_t *i, uint64_t *id, void **val) {
  for (; *i < m->cap; (*i)++)
    if (m->keys[*i]) {
      *id = m->keys[*i];
      *val = m->vals[*i];
      (*i)++;
      return 1;
    }
  return 0;
}
