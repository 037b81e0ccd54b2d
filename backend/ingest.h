/* ingest.h — from a sensor's batch to durable storage and the hooks.
 *
 *  service thread          ingest thread (+ prep helper)     writer thread         hook thread
 *  ingest_submit(batch) ─queue─► decode (event scanner), ─slot─► ONE store write for
 *  (-VG_EBUSY when full:         fill the backend-owned          the group (group
 *   the gateway stops reading)   routing, splice the stored      commit, WAL fsync)
 *                                bytes: group k+1 is prepared    in the order taken
 *                                while group k is written
 *  ingest_drain() ◄────────────────completions── acks (or errors) + wake ──► hooks(event)
 *                                                        (bounded queue; a full
 *                                                         queue blocks the writer)
 *
 * Nothing is dropped: a full queue pushes back on the caller. */
#ifndef VIGILD_INGEST_H
#define VIGILD_INGEST_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/err.h"

struct vigild;
struct ingest;
struct vg_routing;

/* One stored event, borrowed for the duration of a hook call. Nothing is
 * decoded until a hook asks: the routing is read back from the stored bytes
 * (cheap), the full JSON is rendered on the first ingest_event_json, and a
 * jansson tree is built only on the first ingest_event_tree — so an event no
 * hook needs as a tree costs no tree. */
struct ingest_event;
/* The event's routing, with the backend's fields (oid, sid, event_id, iid,
 * hostname, ext_ip, tags), read from the stored bytes on the first ask; NULL
 * only if they cannot be read (never for what ingest stored). */
const struct vg_routing *ingest_event_routing(struct ingest_event *ev);
/* What a hook can learn without reading the routing: the organisation, the
 * event type (the routing is read only for a type outside the catalogue),
 * and which routing members the event has (VG_RT_* bits, oid/sid/event_id
 * included). */
const char *ingest_event_oid(const struct ingest_event *ev);
const char *ingest_event_type(struct ingest_event *ev);
unsigned ingest_event_present(const struct ingest_event *ev);
/* The full event JSON (as API clients see it), len bytes; NULL only if the
 * stored bytes cannot be rendered (never for what ingest stored). */
const char *ingest_event_json(struct ingest_event *ev, size_t *len);
/* The event as a tree (borrowed, valid during the call), or NULL. */
const json_t *ingest_event_tree(struct ingest_event *ev);

/* A hook sees every stored event on the hook thread, in storage order. */
typedef void (*ingest_hook_fn)(void *ctx, struct ingest_event *ev);

/* Completion of one submitted batch, on the service thread: err == 0 and
 * acked = the highest stored seq; or err < 0 with msg saying why (the batch
 * was rejected whole: malformed, or a storage failure). */
typedef void (*ingest_done_fn)(void *ctx, uint64_t session, uint64_t acked, int err,
                               const char *msg);

/* wake is called (from the ingest thread) when completions are ready or the
 * queue has room again; it must only wake the service thread. */
struct ingest *ingest_create(struct vigild *vd, void (*wake)(void *), void *wake_ctx);
/* Register a hook before ingest_start. At most 8. */
void ingest_add_hook(struct ingest *in, ingest_hook_fn fn, void *ctx);
int ingest_start(struct ingest *in);
/* Finish what is queued, stop the threads, free. NULL-safe. */
void ingest_free(struct ingest *in);

/* Queue a batch (copies events). -VG_EBUSY when the queue is full: keep the
 * batch and retry after the next wake. Service thread. */
int ingest_submit(struct ingest *in, uint64_t session, const char *oid, const char *sid,
                  uint64_t first, const char *events, size_t len);
/* Deliver completions to done. Service thread. */
void ingest_drain(struct ingest *in, ingest_done_fn done, void *ctx);

struct ingest_stats {
  uint64_t batches, events, rejected_batches, refused_events;
  uint64_t queue_full; /* times a submit met a full queue */
  uint64_t groups;     /* store writes (group commits) */
  /* CPU time of the two stages (thread CPU clocks): preparing (both prep
   * threads) and the store writes (the writer; WAL, memtables). */
  uint64_t prep_cpu_ns, write_cpu_ns;
};
void ingest_stats(struct ingest *in, struct ingest_stats *out);

#endif
