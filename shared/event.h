/* event.h — the event model: an event in memory is a jansson object
 * {"routing": {...}, "event": {...}} (DESIGN.md §3, docs/events.md). This
 * module builds envelopes, validates them and reads the hot fields; the bytes
 * on the wire and on disk come only from event_codec.h. */
#ifndef VIGIL_EVENT_H
#define VIGIL_EVENT_H

#include <jansson.h>
#include <stdint.h>

#include "shared/err.h"

/* A new envelope {"routing": {"event_type", "event_time", "event_id": fresh
 * UUIDv4, "this": fresh atom}, "event": {}}. Returns a new reference the
 * caller owns (json_decref), or NULL if event_type is not a valid name
 * (vg_event_type_valid_name) or event_time_ms < 0. OOM is fatal. */
json_t *vg_event_new(const char *event_type, int64_t event_time_ms);

/* The current wall-clock time in milliseconds since the epoch. */
int64_t vg_event_now_ms(void);

/* Validate an envelope in one pass: a JSON object holding exactly "routing"
 * (an object, vg_routing_check) and "event" (an object). 0 or a negative
 * code with e (may be NULL) naming the part: -VG_ETYPE, -VG_EMISSING,
 * -VG_EUNKNOWN (another top-level key), or vg_routing_check's codes. */
int vg_event_validate(const json_t *ev, struct vg_err *e);

/* Borrowed references into ev (NULL-safe; NULL when absent or ev is not an
 * object). Valid while ev lives and the member is not replaced. */
json_t *vg_event_routing(const json_t *ev);
json_t *vg_event_payload(const json_t *ev);

/* routing/event_type as a borrowed string, or NULL if absent/not a string. */
const char *vg_event_get_type(const json_t *ev);
/* routing/event_time in ms, or -1 if absent/not an integer. */
int64_t vg_event_get_time(const json_t *ev);

#endif
