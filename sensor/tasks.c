/* tasks.c — the command worker pool (see tasks.h). */
#include "sensor/tasks.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sensor/cmd.h"
#include "shared/alloc.h"
#include "shared/event.h"
#include "shared/event_types.h"
#include "shared/log.h"

#define COMP "tasks"

struct job {
  struct job *next;
  const struct cmd *cmd;
  int argc;
  char **argv;
  char *task_id, *inv;
};

struct tasks {
  struct sensor_ctx *ctx;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  struct job *head, *tail;
  size_t queued, max;
  bool stop;
  pthread_t *th;
  unsigned nth;
};

static void job_free(struct job *j) {
  free(j->argv);
  free(j->task_id);
  free(j->inv);
  free(j);
}

static void *worker(void *arg) {
  struct tasks *t = arg;
  for (;;) {
    pthread_mutex_lock(&t->mu);
    while (!t->stop && !t->head) pthread_cond_wait(&t->cv, &t->mu);
    if (t->stop) {
      pthread_mutex_unlock(&t->mu);
      return NULL;
    }
    struct job *j = t->head;
    t->head = j->next;
    if (!t->head) t->tail = NULL;
    t->queued--;
    pthread_mutex_unlock(&t->mu);
    const struct vg_event_type *rt = vg_event_type_by_command(j->cmd->name);
    struct cmd_call c = {.ctx = t->ctx, .name = j->argv[0],
                         .reply_type = rt ? rt->name : "RECEIPT",
                         .investigation_id = j->inv, .task_id = j->task_id};
    vg_debug(COMP, "running %s", j->cmd->name);
    int r = j->cmd->run(&c, j->argc, j->argv);
    if (r < 0 && c.replies == 0) cmd_error(&c, r, "%s failed: %s", j->cmd->name, vg_strerror(r));
    job_free(j);
  }
}

struct tasks *tasks_create(struct sensor_ctx *ctx, unsigned workers, size_t queue) {
  struct tasks *t = vg_xcalloc(1, sizeof(*t));
  t->ctx = ctx;
  t->max = queue;
  pthread_mutex_init(&t->mu, NULL);
  pthread_cond_init(&t->cv, NULL);
  t->th = vg_xcalloc(workers, sizeof(*t->th));
  for (unsigned i = 0; i < workers; i++)
    if (pthread_create(&t->th[t->nth], NULL, worker, t) == 0) t->nth++;
  return t;
}

void tasks_free(struct tasks *t) {
  if (!t) return;
  pthread_mutex_lock(&t->mu);
  t->stop = true;
  pthread_cond_broadcast(&t->cv);
  pthread_mutex_unlock(&t->mu);
  for (unsigned i = 0; i < t->nth; i++) pthread_join(t->th[i], NULL);
  for (struct job *j = t->head, *n; j; j = n) {
    n = j->next;
    job_free(j);
  }
  free(t->th);
  pthread_mutex_destroy(&t->mu);
  pthread_cond_destroy(&t->cv);
  free(t);
}

static void receipt(struct tasks *t, const char *line, const char *task_id, const char *inv,
                    int code, const char *msg) {
  json_t *ev = vg_event_new("RECEIPT", vg_event_now_ms());
  json_t *rt = vg_event_routing(ev), *body = vg_event_payload(ev);
  if (inv) json_object_set_new(rt, "investigation_id", json_string(inv));
  json_object_set_new(body, "COMMAND", json_stringn(line, strnlen(line, 1024)));
  if (task_id) json_object_set_new(body, "TASK_ID", json_string(task_id));
  if (code) {
    json_object_set_new(body, "ERROR", json_integer(cmd_error_number(code)));
    json_object_set_new(body, "ERROR_CODE", json_string(vg_code_name(code)));
    json_object_set_new(body, "ERROR_MESSAGE", json_string(msg));
  }
  sensor_emit(t->ctx, ev);
}

/* Split and find; on failure *msg says why. */
static int prepare(const char *line, struct job **out, char *msg, size_t n) {
  struct vg_err err;
  vg_err_clear(&err);
  int argc;
  char **argv;
  int r = cmd_split(line, &argc, &argv, &err);
  if (r) {
    snprintf(msg, n, "bad command line: %.200s", err.msg);
    return r;
  }
  if (argc == 0) {
    free(argv);
    snprintf(msg, n, "empty command line");
    return -VG_EINVAL;
  }
  const struct cmd *c = cmd_find(argv[0]);
  if (!c) {
    snprintf(msg, n, "unknown command '%.64s' (vigil-sensor --help-commands lists them)", argv[0]);
    free(argv);
    return -VG_EUNKNOWN;
  }
  struct job *j = vg_xcalloc(1, sizeof(*j));
  j->cmd = c;
  j->argc = argc;
  j->argv = argv;
  *out = j;
  return 0;
}

static int enqueue(struct tasks *t, struct job *j) {
  pthread_mutex_lock(&t->mu);
  int r = 0;
  if (t->stop || t->queued >= t->max) {
    r = -VG_EBUSY;
  } else {
    if (t->tail)
      t->tail->next = j;
    else
      t->head = j;
    t->tail = j;
    t->queued++;
    pthread_cond_signal(&t->cv);
  }
  pthread_mutex_unlock(&t->mu);
  return r;
}

void tasks_submit(struct tasks *t, const char *line, const char *task_id, const char *inv) {
  char msg[256];
  struct job *j = NULL;
  int r = prepare(line, &j, msg, sizeof(msg));
  if (r) {
    vg_warn(COMP, "task %s: %s", task_id ? task_id : "?", msg);
    receipt(t, line, task_id, inv, r, msg);
    return;
  }
  j->task_id = task_id ? vg_xstrdup(task_id) : NULL;
  j->inv = inv ? vg_xstrdup(inv) : NULL;
  receipt(t, line, task_id, inv, 0, NULL);
  if (enqueue(t, j)) {
    vg_warn(COMP, "task %s: the command queue is full", task_id ? task_id : "?");
    struct cmd_call c = {.ctx = t->ctx, .name = j->argv[0], .reply_type = "RECEIPT",
                         .investigation_id = j->inv, .task_id = j->task_id};
    cmd_error(&c, -VG_EBUSY, "too many commands waiting (%zu); try again", t->max);
    job_free(j);
  }
}

bool tasks_run_internal(struct tasks *t, const char *line) {
  char msg[256];
  struct job *j = NULL;
  if (prepare(line, &j, msg, sizeof(msg))) {
    vg_warn(COMP, "%s", msg);
    return false;
  }
  if (enqueue(t, j)) {
    vg_warn(COMP, "%s: queue full", line);
    job_free(j);
  }
  return true;
}
