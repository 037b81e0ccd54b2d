/* rules.h — detection & response in vigild (docs/rules.md): each
 * organisation's rules, false-positive rules and threat feeds, stored in the
 * meta column family (STORE_META_RULE, ids "r/<ns>/<name>", "fp/<name>",
 * "feed/<name>"), compiled once, indexed by event type and evaluated on
 * every stored event by an ingest hook; detections stored
 * (STORE_META_DETECTION, id = gen_time ms big-endian | detect_id) and pushed
 * to detections.subscribe subscribers; responses (tags, vars, isolation
 * state, tasks) applied.
 *
 * Threads. rules_on_event runs on the hook thread; the API calls the rest
 * from the service thread; rules_drain (service thread, from WAIT_CANCELLED)
 * sends the tasks and isolation pushes the hook thread queued;
 * rules_housekeeping runs on the main thread once a second (rule expiry,
 * feed reloads, variable TTLs, expiry of parked evaluations); the
 * VirusTotal worker calls rules_vt_answered. One mutex guards every organisation's state;
 * the hook thread holds it while it evaluates one event. */
#ifndef VIGILD_RULES_H
#define VIGILD_RULES_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "shared/err.h"

struct vigild;
struct rules;
struct vg_routing;

struct rules *rules_create(struct vigild *vd);
void rules_free(struct rules *r);

/* Ingest hook. */
struct ingest_event;
void rules_on_event(void *ctx, struct ingest_event *ev);
/* Service thread: queued tasks and isolation pushes. */
void rules_drain(struct rules *r);
/* Main thread, once a second. */
void rules_housekeeping(struct rules *r, int64_t now_ms);
/* The VirusTotal worker (vt.h on_answer, ctx = rules): hash is answered;
 * re-evaluates the rules parked on it (rules_vt.c). */
void rules_vt_answered(void *ctx, const char *hash);
/* {waiting, parked, fired, parked_dropped}: evaluations parked on VirusTotal. */
json_t *rules_vt_parked_stats(struct rules *r);

/* ---- rules (service thread). ns is "general" or "managed". ---- */
/* Compile yaml and store it (replacing a rule of that name: its state and
 * counters restart). expire_on: epoch seconds, 0 = never. Returns the new
 * record (new reference) or NULL with err (compile errors name
 * <ns>/<name>:line:col and the key). */
json_t *rules_set(struct rules *r, const char *oid, const char *ns, const char *name,
                  const char *yaml, bool enabled, int64_t expire_on, struct vg_err *err);
int rules_delete(struct rules *r, const char *oid, const char *ns, const char *name,
                 struct vg_err *err);
json_t *rules_enable(struct rules *r, const char *oid, const char *ns, const char *name, bool on,
                     struct vg_err *err);
/* Records with counters; ns NULL = both. */
json_t *rules_list(struct rules *r, const char *oid, const char *ns);
json_t *rules_get(struct rules *r, const char *oid, const char *ns, const char *name,
                  struct vg_err *err);
/* Compile yaml and evaluate it over events (an array of envelopes) without
 * side effects: {"matches":[{"index", "actions":[…]}], "evaluations", "eval_ns"}. */
json_t *rules_test(struct rules *r, const char *oid, const char *yaml, const json_t *events,
                   struct vg_err *err);

/* Replay a rule (yaml, or the stored rule ns/name when yaml is NULL; ns
 * NULL = either) over stored events of oid (sid NULL) or one sensor with
 * from_ms <= time < to_ms, without responses. At most max_events events per
 * call; cursor (NULL = start) resumes where the last call's "next" left:
 * {"matches":[{"event"}], "evaluations", "events_scanned", "eval_ns",
 * "next": cursor|null}. Service thread (reads the store). */
json_t *rules_replay(struct rules *r, const char *oid, const char *yaml, const char *ns,
                     const char *name, const char *sid, int64_t from_ms, int64_t to_ms,
                     const char *cursor, size_t max_events, struct vg_err *err);

/* ---- false-positive rules: a detect node over detection records ---- */
json_t *rules_fp_set(struct rules *r, const char *oid, const char *name, const char *yaml,
                     struct vg_err *err);
int rules_fp_delete(struct rules *r, const char *oid, const char *name, struct vg_err *err);
json_t *rules_fp_list(struct rules *r, const char *oid);

/* ---- feeds: lookup resources from files under <data_dir>/feeds/ ---- */
json_t *rules_feed_set(struct rules *r, const char *oid, const char *name, const char *file,
                       struct vg_err *err);
int rules_feed_delete(struct rules *r, const char *oid, const char *name, struct vg_err *err);
json_t *rules_feed_list(struct rules *r, const char *oid);
/* {"hits":[{"value","feed"}...]}: which of the organisation's feeds hold
 * each string of values (one hash probe per value per feed). */
json_t *rules_feed_lookup(struct rules *r, const char *oid, const json_t *values);

/* ---- detections ---- */
/* Detections of oid with from_ms <= gen_time < to_ms (0 = open), after
 * cursor (NULL = from the start), oldest first, at most limit:
 * {"detections":[…], "next": cursor|null}. */
json_t *rules_detections_list(struct rules *r, const char *oid, int64_t from_ms, int64_t to_ms,
                              const char *cursor, size_t limit, struct vg_err *err);
json_t *rules_detection_get(struct rules *r, const char *oid, const char *detect_id,
                            struct vg_err *err);
/* Push every new detection of oid to (session, sub) as {"sub", "detection"}
 * until the session or subscription is gone. -VG_ELIMIT. */
int rules_detections_subscribe(struct rules *r, const char *oid, uint64_t session, uint64_t sub,
                               struct vg_err *err);

#endif
