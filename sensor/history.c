/* history.c — the ring of unsent telemetry (see history.h). */
#include "sensor/history.h"

#include <string.h>

#include "shared/alloc.h"
#include "shared/event.h"

struct history {
  json_t **ring;
  size_t cap, head, n; /* head: index of the oldest */
  uint64_t overwritten;
};

struct history *history_create(size_t cap) {
  if (!cap) cap = HISTORY_DEFAULT_EVENTS;
  if (cap > HISTORY_MAX_EVENTS) cap = HISTORY_MAX_EVENTS;
  struct history *h = vg_xcalloc(1, sizeof(*h));
  h->ring = vg_xcalloc(cap, sizeof(*h->ring));
  h->cap = cap;
  return h;
}

void history_free(struct history *h) {
  if (!h) return;
  for (size_t i = 0; i < h->n; i++) json_decref(h->ring[(h->head + i) % h->cap]);
  free(h->ring);
  free(h);
}

void history_push(struct history *h, json_t *ev) {
  if (h->n == h->cap) {
    json_decref(h->ring[h->head]);
    h->ring[h->head] = ev;
    h->head = (h->head + 1) % h->cap;
    h->overwritten++;
    return;
  }
  h->ring[(h->head + h->n++) % h->cap] = ev;
}

static const char *rt_str(const json_t *ev, const char *k) {
  return json_string_value(json_object_get(vg_event_routing(ev), k));
}

static int eq(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }

json_t *history_select(const struct history *h, const struct history_filter *f) {
  json_t *out = json_array();
  json_t *tree = NULL;
  if (f && f->root) {
    tree = json_object();
    json_object_set_new(tree, f->root, json_true());
  }
  for (size_t i = 0; i < h->n; i++) {
    json_t *ev = h->ring[(h->head + i) % h->cap];
    const char *this_ = rt_str(ev, "this"), *parent = rt_str(ev, "parent");
    if (tree) { /* track the tree over every event, whatever the other filters */
      int in = (this_ && json_object_get(tree, this_)) || (parent && json_object_get(tree, parent));
      if (!in) continue;
      if (this_) json_object_set_new(tree, this_, json_true());
    }
    if (f && f->event_type && !eq(vg_event_get_type(ev), f->event_type)) continue;
    if (f && f->atom && !eq(this_, f->atom) && !eq(parent, f->atom)) continue;
    json_array_append(out, ev);
  }
  json_decref(tree);
  return out;
}

size_t history_count(const struct history *h) { return h->n; }
uint64_t history_overwritten(const struct history *h) { return h->overwritten; }
