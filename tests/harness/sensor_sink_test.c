/* sensor_sink_test.c — the in-memory sink of collector tests. */
#include "tests/harness/sensor_sink_test.h"

#include <string.h>
#include <time.h>
#include <unistd.h>

#include "shared/atom.h"
#include "shared/event.h"

static void sink_emit(void *user, json_t *ev) {
  struct sink_test *s = user;
  pthread_mutex_lock(&s->lock);
  json_array_append_new(s->events, ev);
  pthread_cond_broadcast(&s->cond);
  pthread_mutex_unlock(&s->lock);
}

static bool test_proc_atom(void *user, pid_t pid, char out[VG_ATOM_HEX_LEN + 1]) {
  struct sink_test *s = user;
  bool found = false;
  pthread_mutex_lock(&s->lock);
  for (size_t i = 0; i < s->npids && !found; i++)
    if (s->pids[i] == pid) {
      memcpy(out, s->atoms[i], VG_ATOM_HEX_LEN + 1);
      found = true;
    }
  pthread_mutex_unlock(&s->lock);
  return found;
}

static pid_t test_atom_pid(void *user, const char *atom) {
  struct sink_test *s = user;
  pid_t pid = -1;
  pthread_mutex_lock(&s->lock);
  for (size_t i = 0; i < s->npids; i++)
    if (strcmp(s->atoms[i], atom) == 0) pid = s->pids[i];
  pthread_mutex_unlock(&s->lock);
  return pid;
}

void sink_test_init(struct sink_test *s, struct sensor_ctx *ctx) {
  memset(s, 0, sizeof *s);
  pthread_mutex_init(&s->lock, NULL);
  pthread_cond_init(&s->cond, NULL);
  s->events = json_array();
  memset(ctx, 0, sizeof *ctx);
  ctx->sink.emit = sink_emit;
  ctx->sink.user = s;
  ctx->proc_atom = test_proc_atom;
  ctx->atom_pid = test_atom_pid;
  ctx->proc_user = s;
  ctx->self_pid = getpid();
}

void sink_test_cleanup(struct sink_test *s) {
  json_decref(s->events);
  pthread_cond_destroy(&s->cond);
  pthread_mutex_destroy(&s->lock);
}

void sink_test_add_pid(struct sink_test *s, pid_t pid, char atom[VG_ATOM_HEX_LEN + 1]) {
  pthread_mutex_lock(&s->lock);
  if (s->npids < SINK_TEST_PIDS) {
    s->pids[s->npids] = pid;
    vg_atom_new(s->atoms[s->npids]);
    if (atom) memcpy(atom, s->atoms[s->npids], VG_ATOM_HEX_LEN + 1);
    s->npids++;
  }
  pthread_mutex_unlock(&s->lock);
}

struct field_match {
  const char *type, *field, *value;
};

static bool match_field(json_t *ev, void *arg) {
  const struct field_match *m = arg;
  const char *t = vg_event_get_type(ev);
  if (!t || strcmp(t, m->type) != 0) return false;
  if (!m->field) return true;
  const char *v = json_string_value(json_object_get(vg_event_payload(ev), m->field));
  return v && strcmp(v, m->value) == 0;
}

json_t *sink_test_wait_fn(struct sink_test *s, sink_test_match_fn fn, void *arg, int timeout_ms) {
  struct timespec dl;
  clock_gettime(CLOCK_REALTIME, &dl);
  dl.tv_sec += timeout_ms / 1000;
  dl.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
  if (dl.tv_nsec >= 1000000000L) {
    dl.tv_sec++;
    dl.tv_nsec -= 1000000000L;
  }
  size_t from = 0;
  json_t *found = NULL;
  pthread_mutex_lock(&s->lock);
  for (;;) {
    for (; from < json_array_size(s->events) && !found; from++)
      if (fn(json_array_get(s->events, from), arg)) found = json_incref(json_array_get(s->events, from));
    if (found || pthread_cond_timedwait(&s->cond, &s->lock, &dl) != 0) break;
  }
  pthread_mutex_unlock(&s->lock);
  return found;
}

json_t *sink_test_wait(struct sink_test *s, const char *type, const char *field,
                       const char *value, int timeout_ms) {
  struct field_match m = {type, field, value};
  return sink_test_wait_fn(s, match_field, &m, timeout_ms);
}

size_t sink_test_count(struct sink_test *s, const char *type, const char *field, const char *value) {
  struct field_match m = {type, field, value};
  size_t n = 0;
  pthread_mutex_lock(&s->lock);
  for (size_t i = 0; i < json_array_size(s->events); i++)
    if (match_field(json_array_get(s->events, i), &m)) n++;
  pthread_mutex_unlock(&s->lock);
  return n;
}
