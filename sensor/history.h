/* history.h — the bounded in-memory ring of recent telemetry the event
 * selection did not send; `history_dump` replays it. Not thread-safe: the
 * runtime holds its lock around every call. */
#ifndef VIGIL_SENSOR_HISTORY_H
#define VIGIL_SENSOR_HISTORY_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define HISTORY_DEFAULT_EVENTS 2048 /* events kept; the oldest is overwritten */
#define HISTORY_MAX_EVENTS 1000000  /* largest ring accepted */

struct history;

struct history_filter {
  const char *root;       /* atom: events of the process tree rooted there */
  const char *atom;       /* atom: events whose this or parent is this atom */
  const char *event_type; /* events of this type */
};

/* A ring of cap events (0 → HISTORY_DEFAULT_EVENTS, clamped to the max). */
struct history *history_create(size_t cap);
void history_free(struct history *h);

/* Keep ev (reference taken); the oldest is dropped when full. */
void history_push(struct history *h, json_t *ev);

/* The events that pass f (NULL = all), oldest first, as a new array of
 * shared references (the ring keeps its own). Root matches an event whose
 * this or parent is the root, then, in time order, every event whose parent
 * is an atom already matched. */
json_t *history_select(const struct history *h, const struct history_filter *f);

size_t history_count(const struct history *h);
/* Events pushed out of the ring since it was created. */
uint64_t history_overwritten(const struct history *h);

#endif
