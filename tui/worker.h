/* worker.h — the API worker: two threads that own the connection to vigild
 * (shared/api_client.h) so the drawing loop never waits on the network. The
 * call thread connects (and reconnects, with back-off), then runs queued
 * calls one by one; the push thread reads subscription pushes. Both post
 * messages to a queue and wake the UI through an eventfd it polls. */
#ifndef VIGIL_TUI_WORKER_H
#define VIGIL_TUI_WORKER_H

#include <jansson.h>
#include <stdbool.h>

#include "shared/creds.h"
#include "shared/err.h"

#define WORKER_MAX_MSGS 20000     /* posted, not yet taken by the UI */
#define WORKER_CONNECT_TIMEOUT_MS 5000
#define WORKER_BACKOFF_MAX_MS 5000

enum worker_msg_kind { WORKER_RESULT, WORKER_PUSH, WORKER_CONN };

struct worker_msg {
  enum worker_msg_kind kind;
  int owner, tag;      /* RESULT: the caller's view and tag */
  json_t *json;        /* RESULT: result (NULL on error); PUSH: the push */
  struct vg_err err;   /* RESULT error; CONN: why offline */
  bool online;         /* CONN */
  struct worker_msg *next;
};

struct worker;

/* Start connecting to c in the background. */
struct worker *worker_start(const struct vg_creds *c);
void worker_stop(struct worker *w);
/* The fd that becomes readable when messages wait (poll it for POLLIN). */
int worker_fd(const struct worker *w);
/* Queue a call (params stolen). Thread: UI. */
void worker_call(void *w, int owner, int tag, const char *method, json_t *params,
                 int timeout_ms);
/* Take all waiting messages (a list in posting order, NULL if none); the
 * caller frees each with worker_msg_free. Also clears the fd. */
struct worker_msg *worker_take(struct worker *w);
void worker_msg_free(struct worker_msg *m);
/* Pushes dropped because the UI fell WORKER_MAX_MSGS behind. */
unsigned long worker_dropped(struct worker *w);

#endif
