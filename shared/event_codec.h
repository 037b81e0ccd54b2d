/* event_codec.h — the ONE JSON codec for events: bytes <-> jansson trees,
 * strictly bounded (shared/limits.h) and validated (vg_event_validate).
 *
 * Errors: functions return 0 or a negative -VG_E* code and fill the optional
 * struct vg_err *e. Input errors carry a position: e->pos is the 0-based byte
 * offset of the offending token (the input length for an unexpected end),
 * e->line/e->col are 1-based with the column counted in characters. Codes:
 *   -VG_EPARSE  malformed JSON, invalid UTF-8, \u0000, duplicate key
 *   -VG_ELIMIT  too large, too deep, string too long, batch too long
 *   -VG_ERANGE  a number beyond int64 / double
 *   envelope errors from vg_event_validate (-VG_ETYPE, -VG_EMISSING,
 *   -VG_ESCHEMA, -VG_EUNKNOWN, ...), without a position for single events,
 *   with the event's index ("event[3]: ...") and start offset for batches.
 * Nesting depth counts containers: the envelope object is depth 1, so
 * routing and event are depth 2; an event may nest VG_LIMIT_JSON_DEPTH deep
 * (a batch one more, for its array). */
#ifndef VIGIL_EVENT_CODEC_H
#define VIGIL_EVENT_CODEC_H

#include <jansson.h>
#include <stddef.h>

#include "shared/buf.h"
#include "shared/err.h"

/* Decode one event from len bytes (not necessarily NUL-terminated; data may
 * be NULL when len is 0). On success *out is a new reference the caller owns;
 * on failure *out is NULL. Input over VG_LIMIT_EVENT_BYTES fails at once. */
int vg_event_codec_decode(const void *data, size_t len, json_t **out, struct vg_err *e);

/* Decode a batch: a JSON array of 0..VG_LIMIT_BATCH_EVENTS events, at most
 * VG_LIMIT_MSG_BYTES long, each element at most VG_LIMIT_EVENT_BYTES. On
 * success *out is a new array reference the caller owns; else NULL. */
int vg_event_codec_decode_batch(const void *data, size_t len, json_t **out, struct vg_err *e);

/* Validate ev and append its compact encoding (keys in insertion order, no
 * sorting, UTF-8 as is) to out. Fails with -VG_ELIMIT if the encoding would
 * pass VG_LIMIT_EVENT_BYTES (or out's own max), or with the decoder's limit
 * errors, so whatever encodes also decodes. On failure out is unchanged. */
int vg_event_codec_encode(const json_t *ev, struct vg_buf *out, struct vg_err *e);

/* Same for a JSON array of events, bounded as vg_event_codec_decode_batch. */
int vg_event_codec_encode_batch(const json_t *events, struct vg_buf *out, struct vg_err *e);

#endif
