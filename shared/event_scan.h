/* event_scan.h — events read by the tree-free scanner (json_scan.h): the
 * ingest hot path validates a batch exactly as vg_event_codec_decode_batch
 * would, reads each event's routing into a struct vg_routing, and finds the
 * byte spans it splices into the stored form — without a jansson tree.
 *
 * Same acceptance and the same error codes as the codec (docs/events.md):
 * a batch is an array of 0..VG_LIMIT_BATCH_EVENTS envelopes, each at most
 * VG_LIMIT_EVENT_BYTES, each exactly {"routing": {…}, "event": {…}} with the
 * routing valid per vg_routing_check. A routing object has at most
 * VG_LIMIT_ROUTING_KEYS members. */
#ifndef VIGIL_EVENT_SCAN_H
#define VIGIL_EVENT_SCAN_H

#include <stddef.h>

#include "shared/json_scan.h"
#include "shared/limits.h"
#include "shared/routing.h"

/* Where the parts of one event are in the input. */
#define VG_EVENT_SPAN_STRS 32 /* payload string and object members kept in a span */

struct vg_event_span {
  size_t off, len;       /* the envelope object */
  size_t ev_off, ev_len; /* the value of "event" */
  size_t nmem;           /* members of "routing", in input order */
  size_t nstr;           /* the payload's top-level string and object members in str */
  bool str_more;         /* the payload has more of them than str holds */
  struct {
    size_t off, len; /* "key": value, from the key's quote to the value's end */
    unsigned bit;    /* its VG_RT_* field, 0 for a key routing does not define */
  } mem[VG_LIMIT_ROUTING_KEYS];
  struct {
    struct vg_jval key, val; /* key and value (a string or an object) of one payload member */
  } str[VG_EVENT_SPAN_STRS];
};

/* Called once per event of a batch, in order; return 0 to go on, or a
 * negative code to stop the scan with it. */
typedef int (*vg_event_scan_fn)(void *ctx, size_t index, const char *data,
                                const struct vg_event_span *sp, const struct vg_routing *rt);

/* Scan a batch (data[0..len)): fn for every event after it validated. Returns
 * the number of events, or a negative code with e naming the event
 * ("event[3]: routing/this: not an atom") and the byte position. A batch
 * that fails part-way has had fn called for the events before the failure. */
int vg_event_scan_batch(struct vg_jscan *s, const char *data, size_t len, vg_event_scan_fn fn,
                        void *ctx, struct vg_err *e);

/* One event (data[0..len) is exactly one envelope). 0 or negative. */
int vg_event_scan_one(struct vg_jscan *s, const char *data, size_t len,
                      struct vg_event_span *sp, struct vg_routing *rt, struct vg_err *e);

/* Only the routing of one event known to be valid (e.g. stored by ingest):
 * the members of "routing" into rt, the rest of the event not looked at.
 * 0 or negative (-VG_EMISSING if there is no routing object). */
int vg_event_scan_routing(struct vg_jscan *s, const char *data, size_t len,
                          struct vg_routing *rt, struct vg_err *e);

#endif
