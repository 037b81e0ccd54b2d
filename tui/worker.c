/* worker.c — the API worker threads. */
#include "tui/worker.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "shared/alloc.h"
#include "shared/api_client.h"
#include "shared/log.h"

#define WORKER_PUSH_WAIT_MS 200
#define WORKER_IDLE_CHECK_MS 500

struct req {
  int owner, tag, timeout_ms;
  char *method;
  json_t *params;
  struct req *next;
};

struct worker {
  struct vg_creds creds;
  pthread_t call_thr, push_thr;
  pthread_mutex_t mu; /* guards everything below */
  pthread_cond_t cv;  /* requests queued, stop, connected */
  struct vg_api *api; /* set once by the call thread */
  struct req *rq_head, *rq_tail;
  struct worker_msg *mq_head, *mq_tail;
  int nmsgs;
  unsigned long dropped;
  bool stop;
  int efd;
};

static void post(struct worker *w, struct worker_msg *m) {
  pthread_mutex_lock(&w->mu);
  if (m->kind == WORKER_PUSH && w->nmsgs >= WORKER_MAX_MSGS) {
    w->dropped++;
    pthread_mutex_unlock(&w->mu);
    worker_msg_free(m);
    return;
  }
  m->next = NULL;
  if (w->mq_tail) w->mq_tail->next = m;
  else w->mq_head = m;
  w->mq_tail = m;
  w->nmsgs++;
  pthread_mutex_unlock(&w->mu);
  uint64_t one = 1;
  ssize_t r = write(w->efd, &one, sizeof one);
  (void)r;
}

static void post_conn(struct worker *w, bool online, const struct vg_err *e) {
  struct worker_msg *m = vg_xcalloc(1, sizeof *m);
  m->kind = WORKER_CONN;
  m->online = online;
  if (e) m->err = *e;
  post(w, m);
}

static void wait_ms(struct worker *w, int ms) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  ts.tv_sec += ms / 1000;
  ts.tv_nsec += (long)(ms % 1000) * 1000000L;
  if (ts.tv_nsec >= 1000000000L) ts.tv_sec++, ts.tv_nsec -= 1000000000L;
  pthread_cond_timedwait(&w->cv, &w->mu, &ts);
}

static void *call_main(void *arg) {
  struct worker *w = arg;
  int backoff = 250;
  struct vg_api *api = NULL;
  while (!api) {
    struct vg_err e = {0};
    api = vg_api_connect(&w->creds, true, WORKER_CONNECT_TIMEOUT_MS, &e);
    if (api) break;
    vg_log(VG_LOG_WARN, "tui", "connect %s: %s", w->creds.url, e.msg);
    post_conn(w, false, &e);
    pthread_mutex_lock(&w->mu);
    if (!w->stop) wait_ms(w, backoff);
    bool stop = w->stop;
    pthread_mutex_unlock(&w->mu);
    if (stop) return NULL;
    backoff = backoff * 2 > WORKER_BACKOFF_MAX_MS ? WORKER_BACKOFF_MAX_MS : backoff * 2;
  }
  pthread_mutex_lock(&w->mu);
  w->api = api;
  pthread_cond_broadcast(&w->cv);
  pthread_mutex_unlock(&w->mu);
  bool online = true;
  post_conn(w, true, NULL);
  for (;;) {
    pthread_mutex_lock(&w->mu);
    while (!w->stop && !w->rq_head) {
      wait_ms(w, WORKER_IDLE_CHECK_MS);
      bool now = vg_api_online(api);
      if (now != online) {
        online = now;
        pthread_mutex_unlock(&w->mu);
        struct vg_err e = {0};
        vg_err_fail(&e, VG_EOFFLINE, "reconnecting to %s", w->creds.url);
        post_conn(w, online, online ? NULL : &e);
        pthread_mutex_lock(&w->mu);
      }
    }
    if (w->stop) {
      pthread_mutex_unlock(&w->mu);
      return NULL;
    }
    struct req *r = w->rq_head;
    w->rq_head = r->next;
    if (!w->rq_head) w->rq_tail = NULL;
    pthread_mutex_unlock(&w->mu);

    struct worker_msg *m = vg_xcalloc(1, sizeof *m);
    m->kind = WORKER_RESULT;
    m->owner = r->owner;
    m->tag = r->tag;
    int rc = vg_api_call(api, r->method, r->params, r->timeout_ms, &m->json, &m->err);
    if (rc < 0) {
      m->json = NULL;
      if (!m->err.code) vg_err_fail(&m->err, -rc, "%s: %s", r->method, vg_strerror(rc));
    }
    bool now = vg_api_online(api);
    if (now != online) {
      online = now;
      post_conn(w, online, online ? NULL : &m->err);
    }
    post(w, m);
    free(r->method);
    free(r);
  }
}

static void *push_main(void *arg) {
  struct worker *w = arg;
  pthread_mutex_lock(&w->mu);
  while (!w->stop && !w->api) pthread_cond_wait(&w->cv, &w->mu);
  struct vg_api *api = w->api;
  pthread_mutex_unlock(&w->mu);
  for (;;) {
    pthread_mutex_lock(&w->mu);
    bool stop = w->stop;
    pthread_mutex_unlock(&w->mu);
    if (stop || !api) return NULL;
    json_t *p = vg_api_next_push(api, WORKER_PUSH_WAIT_MS);
    if (!p) continue;
    struct worker_msg *m = vg_xcalloc(1, sizeof *m);
    m->kind = WORKER_PUSH;
    m->json = p;
    post(w, m);
  }
}

struct worker *worker_start(const struct vg_creds *c) {
  struct worker *w = vg_xcalloc(1, sizeof *w);
  w->creds = *c;
  pthread_mutex_init(&w->mu, NULL);
  pthread_cond_init(&w->cv, NULL);
  w->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (w->efd < 0) abort();
  pthread_create(&w->call_thr, NULL, call_main, w);
  pthread_create(&w->push_thr, NULL, push_main, w);
  return w;
}

void worker_stop(struct worker *w) {
  if (!w) return;
  pthread_mutex_lock(&w->mu);
  w->stop = true;
  pthread_cond_broadcast(&w->cv);
  pthread_mutex_unlock(&w->mu);
  pthread_join(w->call_thr, NULL);
  pthread_join(w->push_thr, NULL);
  if (w->api) vg_api_close(w->api);
  for (struct req *r = w->rq_head, *n; r; r = n) {
    n = r->next;
    json_decref(r->params);
    free(r->method);
    free(r);
  }
  for (struct worker_msg *m = w->mq_head, *n; m; m = n) {
    n = m->next;
    worker_msg_free(m);
  }
  close(w->efd);
  pthread_mutex_destroy(&w->mu);
  pthread_cond_destroy(&w->cv);
  memset(&w->creds, 0, sizeof w->creds);
  free(w);
}

int worker_fd(const struct worker *w) { return w->efd; }

void worker_call(void *ctx, int owner, int tag, const char *method, json_t *params,
                 int timeout_ms) {
  struct worker *w = ctx;
  struct req *r = vg_xcalloc(1, sizeof *r);
  r->owner = owner, r->tag = tag, r->timeout_ms = timeout_ms;
  r->method = vg_xstrdup(method);
  r->params = params;
  pthread_mutex_lock(&w->mu);
  if (w->rq_tail) w->rq_tail->next = r;
  else w->rq_head = r;
  w->rq_tail = r;
  pthread_cond_broadcast(&w->cv);
  pthread_mutex_unlock(&w->mu);
}

struct worker_msg *worker_take(struct worker *w) {
  uint64_t v;
  ssize_t r = read(w->efd, &v, sizeof v);
  (void)r;
  pthread_mutex_lock(&w->mu);
  struct worker_msg *m = w->mq_head;
  w->mq_head = w->mq_tail = NULL;
  w->nmsgs = 0;
  pthread_mutex_unlock(&w->mu);
  return m;
}

void worker_msg_free(struct worker_msg *m) {
  if (!m) return;
  json_decref(m->json);
  free(m);
}

unsigned long worker_dropped(struct worker *w) {
  pthread_mutex_lock(&w->mu);
  unsigned long d = w->dropped;
  pthread_mutex_unlock(&w->mu);
  return d;
}
