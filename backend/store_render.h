/* store_render.h — a stored event back to the JSON every reader expects.
 *
 * Ingest stores an event without routing/oid, routing/sid and
 * routing/event_id (docs/storage.md): the key holds oid and sid, and the event
 * id is derived from (sid, seq) (vg_atom_event_id). Every read that hands an
 * event to a client renders it through here, so the stored form never leaks. */
#ifndef VIGILD_STORE_RENDER_H
#define VIGILD_STORE_RENDER_H

#include "backend/store_events.h"
#include "shared/buf.h"
#include "shared/err.h"

/* Append the full event JSON of r to out: the three fields are spliced in
 * front of the routing object's members (no parse when the stored bytes start
 * with {"routing":{, as ingest writes them; decode + encode otherwise).
 * 0, or -VG_EPARSE (bytes that are not an event) / -VG_ELIMIT (out full). */
int store_render(const struct store_rec *r, struct vg_buf *out, struct vg_err *err);

#endif
