/* sensor_sink_test.c — collecting sink and command runner for tests. */
#include "tests/harness/sensor_sink_test.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shared/event.h"
#include "shared/event_types.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void collect(void *user, json_t *ev) {
  struct sink_test *t = user;
  pthread_mutex_lock(&lock);
  json_array_append_new(t->events, ev);
  pthread_mutex_unlock(&lock);
}

void sink_test_init(struct sink_test *t, const char *state_dir) {
  memset(t, 0, sizeof *t);
  t->events = json_array();
  t->ctx.sink.emit = collect;
  t->ctx.sink.user = t;
  t->ctx.self_pid = getpid();
  t->ctx.state_dir = state_dir;
}

void sink_test_cleanup(struct sink_test *t) {
  json_decref(t->events);
  t->events = NULL;
}

int sink_test_run(struct sink_test *t, const char *line) {
  int argc;
  char **argv;
  struct vg_err err;
  json_array_clear(t->events);
  int rc = cmd_split(line, &argc, &argv, &err);
  if (rc) return rc;
  const struct cmd *d = cmd_find(argv[0]);
  if (!d) {
    free(argv);
    return -VG_ENOTFOUND;
  }
  const struct vg_event_type *ty = vg_event_type_by_command(d->name);
  struct cmd_call call = {.ctx = &t->ctx, .name = d->name,
                          .reply_type = ty ? ty->name : "RECEIPT",
                          .investigation_id = "inv-test", .task_id = "task-test"};
  rc = d->run(&call, argc, argv);
  free(argv);
  return rc;
}

json_t *sink_test_body(struct sink_test *t, size_t i) {
  return vg_event_payload(json_array_get(t->events, i));
}

const char *sink_test_type(struct sink_test *t, size_t i) {
  return vg_event_get_type(json_array_get(t->events, i));
}

size_t sink_test_count(struct sink_test *t) {
  return json_array_size(t->events);
}
