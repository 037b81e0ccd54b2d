/* tasks.h — sensor tasks: a command line sent to an online sensor, its replies
 * (RECEIPT, *_REP events, ERROR-bearing replies) routed back to the API client
 * that asked, and timeouts reported.
 *
 * tasks_send runs on the service thread (the API calls it); tasks_on_event is
 * an ingest hook (hook thread); tasks_expire runs on the housekeeping (main)
 * thread. The pending table has its own mutex. */
#ifndef VIGILD_TASKS_H
#define VIGILD_TASKS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "shared/atom.h"
#include "shared/err.h"

struct vigild;
struct tasks;
struct vg_routing;

struct tasks *tasks_create(struct vigild *vd);
void tasks_free(struct tasks *t);

/* Send command (e.g. "os_kill_process -p 1234") to sensor sid of oid. Replies
 * are pushed to API session api_session as {"sub": sub_id, "event": …} and a
 * final {"sub": sub_id, "task_id", "done": true, "timeout", "replies",
 * "expired"}. timeout_s bounds how long replies are awaited after delivery
 * (1..3600). An offline sensor is -VG_EOFFLINE unless queue_ttl_s > 0 (up to
 * 7 days): then the task waits and is delivered when the sensor next
 * connects, *queued says so, and a task never delivered is reported with
 * "expired": true. At most VG_LIMIT_TASKS_QUEUED_PER_SENSOR wait per sensor.
 * Writes the task id and the investigation id. -VG_ENOTFOUND (no such sensor
 * in oid), -VG_EINVAL (empty/oversize command), -VG_ERANGE, -VG_ELIMIT. */
int tasks_send(struct tasks *t, const char *oid, const char *sid, const char *command,
               uint64_t api_session, uint64_t sub_id, int timeout_s, int queue_ttl_s,
               bool *queued, char task_id[VG_UUID_STR_LEN + 1],
               char inv_id[VG_UUID_STR_LEN + 1], struct vg_err *err);

/* A sensor came online (service thread, after its welcome): send what
 * waits for it. */
void tasks_flush_queued(struct tasks *t, const char *sid);

/* Ingest hook: route a stored event with routing/investigation_id. */
struct ingest_event;
void tasks_on_event(void *ctx, struct ingest_event *ev);

/* Report and forget tasks past their deadline. */
void tasks_expire(struct tasks *t, int64_t now_ms);

#endif
