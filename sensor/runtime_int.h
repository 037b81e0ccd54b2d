/* runtime_int.h — the runtime's state, shared by runtime.c, conn.c and
 * tasks.c only. */
#ifndef VIGIL_SENSOR_RUNTIME_INT_H
#define VIGIL_SENSOR_RUNTIME_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "sensor/collector.h"
#include "sensor/history.h"
#include "sensor/runtime.h"
#include "sensor/selection.h"
#include "sensor/spool.h"
#include "sensor/state.h"
#include "shared/limits.h"

struct tasks;
struct vg_ws_client;

struct sensor_rt {
  struct sensor_ctx ctx;
  struct sensor_state st;
  struct spool *spool;
  char hostname[VG_LIMIT_HOSTNAME_BYTES + 1];
  char int_ip[VG_LIMIT_IP_BYTES + 1];
  uint32_t plat, arch;

  pthread_mutex_t mu; /* guards sel, hist, isolated */
  struct selection *sel;
  struct history *hist;
  int isolated; /* -1 unknown, 0, 1: what the backend last said */

  /* 1 while the sender waits for records (set and read with __atomic, without
   * cmu): an emitter takes cmu to wake it only then, instead of on every
   * event, where it would queue behind the sender's read and send. */
  int sender_waiting;

  /* connection (conn.c); cmu guards everything below */
  pthread_mutex_t cmu;
  pthread_cond_t ccv;
  struct vg_ws_client *ws; /* NULL while disconnected */
  uint64_t gen;            /* bumps with every connection */
  bool ready;              /* welcome received on connection gen */
  bool closed;             /* the current connection ended */
  bool stopping;
  uint64_t send_next;      /* next seq to send on this connection */
  uint64_t acked;          /* highest seq the backend acked */
  uint64_t connects;       /* welcomes received, ever */
  pthread_t conn_thread, sender_thread;

  struct tasks *tasks;

  const struct collector *cols;
  size_t ncols;
  void **col_state;
  json_t *running; /* names of the collectors that run */

  /* Drop accounting (dd_mu; see report_drops in runtime.c): DATA_DROPPED
   * events not acked yet (if one is lost, its count is carried into the
   * next report), and dropped seq ranges that had been sent but not acked
   * (stored or not: the next ack or welcome tells). */
  pthread_mutex_t dd_mu;
  struct { uint64_t seq, count, unconfirmed; } dd[RUNTIME_DD_PENDING];
  size_t ndd;
  struct { uint64_t lo, hi; } inflight[RUNTIME_DD_PENDING];
  size_t ninflight;

  volatile int restart;
};

/* runtime.c: the backend stored everything up to seq (an ack). */
void runtime_acked(struct sensor_rt *rt, uint64_t seq);
/* runtime.c: a welcome: the backend holds exactly up to seq; dropped events
 * that were in flight past it are lost (reported). */
void runtime_welcome_acked(struct sensor_rt *rt, uint64_t seq);
/* runtime.c: fill routing, apply selection, spool. */
void runtime_emit(void *user, json_t *ev);
/* A lifecycle event of type with body (taken, may be NULL). */
void runtime_emit_simple(struct sensor_rt *rt, const char *type, json_t *body);
/* The welcome's / a selection message's types: apply and persist. */
void runtime_set_selection(struct sensor_rt *rt, const json_t *types);
/* The backend's isolation wish: dispatch segregate/rejoin if it changed. */
void runtime_set_isolation(struct sensor_rt *rt, bool isolated);

/* conn.c */
int conn_start(struct sensor_rt *rt, struct vg_err *err);
/* Wait up to ms for everything spooled to be acked (when connected). */
void conn_flush(struct sensor_rt *rt, int ms);
void conn_stop(struct sensor_rt *rt);

#endif
