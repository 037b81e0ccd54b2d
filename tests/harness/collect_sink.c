/* collect_sink.c — the in-memory sink of collector tests. */
#include "tests/harness/collect_sink.h"

#include <string.h>
#include <time.h>
#include <unistd.h>

#include "shared/atom.h"
#include "shared/event.h"

static void sink_emit(void *user, json_t *ev) {
  struct collect_sink *s = user;
  pthread_mutex_lock(&s->lock);
  json_array_append_new(s->events, ev);
  pthread_cond_broadcast(&s->cond);
  pthread_mutex_unlock(&s->lock);
}

static bool test_proc_atom(void *user, pid_t pid, char out[VG_ATOM_HEX_LEN + 1]) {
  struct collect_sink *s = user;
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
  struct collect_sink *s = user;
  pid_t pid = -1;
  pthread_mutex_lock(&s->lock);
  for (size_t i = 0; i < s->npids; i++)
    if (strcmp(s->atoms[i], atom) == 0) pid = s->pids[i];
  pthread_mutex_unlock(&s->lock);
  return pid;
}

void collect_sink_init(struct collect_sink *s, struct sensor_ctx *ctx) {
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

void collect_sink_cleanup(struct collect_sink *s) {
  json_decref(s->events);
  pthread_cond_destroy(&s->cond);
  pthread_mutex_destroy(&s->lock);
}

void collect_sink_add_pid(struct collect_sink *s, pid_t pid, char atom[VG_ATOM_HEX_LEN + 1]) {
  pthread_mutex_lock(&s->lock);
  if (s->npids < COLLECT_SINK_PIDS) {
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

json_t *collect_sink_wait_fn(struct collect_sink *s, collect_sink_match_fn fn, void *arg, int timeout_ms) {
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

json_t *collect_sink_wait(struct collect_sink *s, const char *type, const char *field,
                       const char *value, int timeout_ms) {
  struct field_match m = {type, field, value};
  return collect_sink_wait_fn(s, match_field, &m, timeout_ms);
}

size_t collect_sink_count(struct collect_sink *s, const char *type, const char *field, const char *value) {
  struct field_match m = {type, field, value};
  size_t n = 0;
  pthread_mutex_lock(&s->lock);
  for (size_t i = 0; i < json_array_size(s->events); i++)
    if (match_field(json_array_get(s->events, i), &m)) n++;
  pthread_mutex_unlock(&s->lock);
  return n;
}
