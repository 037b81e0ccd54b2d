/* cmd_spotcheck.c — spotcheck: run checks (spotcheck_check.h) on every
 * selected sensor, at most -n at a time, through task.send; offline sensors
 * are reported with `?` and retried until they come online or --timeout.
 * One line per record on stdout:
 *   > (SID / host)          checking started
 *   ! (SID / host): {json}  a hit
 *   . (SID / host)          done
 *   ? (SID / host)          offline, will be retried
 *   X (SID / host): error   an error (the sensor's other checks go on)
 * the summary on stderr, and a live progress line on stderr only when both
 * stdout and stderr are terminals. Exit: 0 found, 1 nothing found, 7 nothing
 * found but some sensor was not (fully) checked. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cmd_table.h"
#include "cli/output.h"
#include "cli/spotcheck_check.h"
#include "cli/task_reply.h"
#include "shared/alloc.h"
#include "shared/platform.h"

#define SPOT_TIMEOUT_DEFAULT_S 3600   /* how long offline sensors are waited for */
#define SPOT_RETRY_DEFAULT_S 10       /* how often an offline sensor is looked at */
#define SPOT_TASK_TIMEOUT_DEFAULT_S 600
#define SPOT_TAG_TTL_DEFAULT_S (7 * 86400)
#define SPOT_MAX_CONCURRENT VG_LIMIT_API_SUBS /* one task subscription per sensor being checked */

enum job_state { JOB_PENDING, JOB_RUNNING, JOB_OFFLINE, JOB_DONE };

struct job {
  char sid[40], host[VG_LIMIT_HOSTNAME_BYTES + 1];
  uint32_t plat;
  enum job_state state;
  bool started, said_offline, tagged, failed, gave_up;
  size_t next;   /* next check to run */
  size_t cur;    /* the check running */
  int64_t sub;   /* its task subscription */
  json_t *held;  /* a hit waiting for its check's follow-up command */
  bool following; /* the follow-up command is running */
  int64_t retry_at;
  int hits;
};

struct spot {
  struct cli *c;
  struct spotcheck_check checks[SPOTCHECK_MAX_CHECKS];
  size_t nchecks;
  const char *tag;
  long long tag_ttl, timeout_s, retry_s, task_timeout_s, n;
  bool progress;
  struct job *jobs;
  size_t njobs, running, done, hits, errors, not_applicable;
};

static int64_t mono_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void clear_progress(struct spot *s) {
  if (s->progress) fputs("\r\033[K", stderr);
}

static void draw_progress(struct spot *s) {
  if (!s->progress) return;
  size_t offline = 0;
  for (size_t i = 0; i < s->njobs; i++) offline += s->jobs[i].state == JOB_OFFLINE;
  fprintf(stderr, "\r\033[K[spotcheck] %zu/%zu done, %zu running, %zu offline, %zu hits", s->done, s->njobs,
          s->running, offline, s->hits);
  fflush(stderr);
}

/* One record: a line, or a JSON line with --json. */
static void record(struct spot *s, struct job *j, char mark, const json_t *hit, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void record(struct spot *s, struct job *j, char mark, const json_t *hit, const char *fmt, ...) {
  char msg[1024] = "";
  if (fmt) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
  }
  clear_progress(s);
  if (s->c->json) {
    static const struct {
      char mark;
      const char *name;
    } names[] = {{'>', "start"}, {'!', "hit"}, {'.', "done"}, {'?', "offline"}, {'X', "error"}};
    const char *st = "?";
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
      if (names[i].mark == mark) st = names[i].name;
    json_t *o = json_pack("{s:s, s:s, s:s}", "status", st, "sid", j->sid, "hostname", j->host);
    if (hit) json_object_set(o, "hit", (json_t *)hit);
    if (fmt) json_object_set_new(o, "error", json_string(msg));
    output_json_line(stdout, o);
    json_decref(o);
  } else if (hit) {
    char *h = json_dumps(hit, JSON_COMPACT);
    printf("%c (%s / %s): %s\n", mark, j->sid, j->host, h);
    free(h);
  } else if (fmt) {
    printf("%c (%s / %s): %s\n", mark, j->sid, j->host, msg);
  } else {
    printf("%c (%s / %s)\n", mark, j->sid, j->host);
  }
  fflush(stdout);
  draw_progress(s);
}

static bool applicable(const struct spot *s, const struct job *j, size_t i) {
  return !s->checks[i].kind->windows_only || j->plat == VG_PLAT_WINDOWS;
}

static void finish(struct spot *s, struct job *j) {
  if (j->state == JOB_RUNNING) s->running--;
  j->state = JOB_DONE;
  s->done++;
  if (j->started) record(s, j, '.', NULL, NULL);
  else draw_progress(s);
}

static void error(struct spot *s, struct job *j, const char *msg) {
  j->failed = true;
  s->errors++;
  record(s, j, 'X', NULL, "%s", msg);
}

static void went_offline(struct spot *s, struct job *j) {
  if (j->state == JOB_RUNNING) s->running--;
  j->state = JOB_OFFLINE;
  j->retry_at = mono_ms() + s->retry_s * 1000;
  if (!j->said_offline) record(s, j, '?', NULL, NULL);
  j->said_offline = true;
}

/* Start the job's next applicable check, or finish it. */
static void advance(struct spot *s, struct job *j) {
  while (j->next < s->nchecks && !applicable(s, j, j->next)) {
    j->next++;
    s->not_applicable++;
  }
  if (j->next >= s->nchecks) {
    finish(s, j);
    return;
  }
  const struct spotcheck_check *ck = &s->checks[j->next];
  struct vg_err e;
  vg_err_clear(&e);
  json_t *res;
  int r = vg_api_call(s->c->api, "task.send",
                      json_pack("{s:s, s:s, s:I}", "sid", j->sid, "command", ck->command, "timeout",
                                (json_int_t)s->task_timeout_s),
                      s->c->api_timeout_ms, &res, &e);
  if (r == -VG_EOFFLINE && vg_api_online(s->c->api)) { /* the sensor's, not ours */
    went_offline(s, j);
    return;
  }
  if (j->state != JOB_RUNNING) s->running++;
  j->state = JOB_RUNNING;
  if (!j->started) {
    j->started = true;
    record(s, j, '>', NULL, NULL);
  }
  if (r) {
    char m[VG_LIMIT_ERR_MSG_BYTES + 64];
    snprintf(m, sizeof m, "--%s: %s %s", ck->kind->flag, vg_code_name(r), e.msg);
    error(s, j, m);
    j->next++;
    advance(s, j);
    return;
  }
  j->cur = j->next++;
  j->sub = json_integer_value(json_object_get(res, "sub"));
  json_decref(res);
}

static void tag(struct spot *s, struct job *j) {
  if (!s->tag || j->tagged) return;
  j->tagged = true;
  struct vg_err e;
  json_t *res;
  int r = vg_api_call(s->c->api, "sensors.tags.add",
                      json_pack("{s:s, s:s, s:I}", "sid", j->sid, "tag", s->tag, "ttl", (json_int_t)s->tag_ttl),
                      s->c->api_timeout_ms, &res, &e);
  if (r) {
    char m[VG_LIMIT_ERR_MSG_BYTES + 64];
    snprintf(m, sizeof m, "tagging %s: %s %s", s->tag, vg_code_name(r), e.msg);
    error(s, j, m);
  }
  json_decref(res);
}

static void emit_hit(struct spot *s, struct job *j, json_t *h) {
  j->hits++;
  s->hits++;
  record(s, j, '!', h, NULL);
  tag(s, j);
}

static void leave(struct spot *s, struct job *j) {
  json_t *res;
  if (!vg_api_call(s->c->api, "stream.unsubscribe", json_pack("{s:I}", "sub", (json_int_t)j->sub),
                   s->c->api_timeout_ms, &res, NULL))
    json_decref(res);
}

/* The follow-up command of the current check for the held hit; the hit
 * goes out alone if it cannot be sent. */
static void follow_up(struct spot *s, struct job *j) {
  json_t *res;
  int r = vg_api_call(s->c->api, "task.send",
                      json_pack("{s:s, s:s, s:I}", "sid", j->sid, "command", s->checks[j->cur].followup,
                                "timeout", (json_int_t)s->task_timeout_s),
                      s->c->api_timeout_ms, &res, NULL);
  if (!r) {
    j->sub = json_integer_value(json_object_get(res, "sub"));
    j->following = true;
    json_decref(res);
    return;
  }
  emit_hit(s, j, j->held);
  json_decref(j->held);
  j->held = NULL;
  advance(s, j);
}

static void on_push(struct spot *s, json_t *push) {
  json_t *sp = json_object_get(push, "sub");
  if (!json_is_integer(sp)) { /* the connection dropped: nothing can go on */
    json_t *err = json_object_get(push, "error");
    for (size_t i = 0; i < s->njobs; i++)
      if (s->jobs[i].state == JOB_RUNNING) {
        error(s, &s->jobs[i], json_string_value(json_object_get(err, "message")));
        finish(s, &s->jobs[i]);
      }
    return;
  }
  struct job *j = NULL;
  for (size_t i = 0; i < s->njobs && !j; i++)
    if (s->jobs[i].state == JOB_RUNNING && s->jobs[i].sub == json_integer_value(sp)) j = &s->jobs[i];
  if (!j) return; /* a subscription we already left */
  const struct spotcheck_check *ck = &s->checks[j->cur];
  const json_t *ev = json_object_get(push, "event");
  bool ended = json_is_true(json_object_get(push, "done")) || json_object_get(push, "error");
  if (j->following) { /* the follow-up's reply joins the held hit */
    if (!ended) spotcheck_check_merge(ev, j->held);
    if (ended || task_reply_final(ck->followup, ev)) {
      if (!ended) leave(s, j);
      j->following = false;
      emit_hit(s, j, j->held);
      json_decref(j->held);
      j->held = NULL;
      advance(s, j);
    }
    return;
  }
  if (ended) {
    char m[256];
    snprintf(m, sizeof m, "--%s: no complete answer within %llds", ck->kind->flag, s->task_timeout_s);
    error(s, j, m);
    advance(s, j);
    return;
  }
  json_t *hits = json_array();
  char *err = NULL;
  spotcheck_check_hits(ck, ev, hits, &err);
  size_t i;
  json_t *h;
  json_array_foreach(hits, i, h) {
    if (ck->followup && !j->held && !json_is_true(json_object_get(h, "IS_DIRECTORY")))
      j->held = json_incref(h);
    else
      emit_hit(s, j, h);
  }
  json_decref(hits);
  if (err) error(s, j, err);
  free(err);
  if (task_reply_final(ck->command, ev)) {
    leave(s, j);
    if (j->held) follow_up(s, j);
    else advance(s, j);
  }
}

/* Offline sensors due for a look: back to pending when online. */
static void retry_offline(struct spot *s, int64_t now, int64_t deadline) {
  for (size_t i = 0; i < s->njobs; i++) {
    struct job *j = &s->jobs[i];
    if (j->state != JOB_OFFLINE || j->retry_at > now) continue;
    if (now >= deadline) {
      j->gave_up = true;
      finish(s, j);
      continue;
    }
    json_t *res;
    if (!vg_api_call(s->c->api, "sensors.get", json_pack("{s:s}", "sid", j->sid), s->c->api_timeout_ms, &res,
                     NULL)) {
      if (json_is_true(json_object_get(res, "online"))) j->state = JOB_PENDING;
      json_decref(res);
    }
    j->retry_at = now + s->retry_s * 1000;
  }
}

static int run(struct spot *s) {
  int64_t deadline = mono_ms() + s->timeout_s * 1000;
  while (s->done < s->njobs) {
    for (size_t i = 0; i < s->njobs && s->running < (size_t)s->n; i++)
      if (s->jobs[i].state == JOB_PENDING) advance(s, &s->jobs[i]);
    int64_t now = mono_ms();
    retry_offline(s, now, deadline);
    if (s->done >= s->njobs) break;
    json_t *push = vg_api_next_push(s->c->api, 250);
    if (push) {
      on_push(s, push);
      json_decref(push);
    }
  }
  size_t gave_up = 0, with_hits = 0;
  for (size_t i = 0; i < s->njobs; i++) {
    gave_up += s->jobs[i].gave_up;
    with_hits += s->jobs[i].hits > 0;
  }
  clear_progress(s);
  fprintf(stderr, "spotcheck: %zu sensors: %zu with hits (%zu hits), %zu errors, %zu still offline after %llds",
          s->njobs, with_hits, s->hits, s->errors, gave_up, s->timeout_s);
  if (s->not_applicable) fprintf(stderr, "; %zu registry checks not applicable (not Windows)", s->not_applicable);
  fputc('\n', stderr);
  if (s->hits) return CLI_OK;
  return gave_up || s->errors ? CLI_INCOMPLETE : CLI_NOTHING;
}

/* The selected sensors: --tags (all of them), platforms not excluded. */
static int select_sensors(struct spot *s, json_t *tags, bool no[3]) {
  json_t *p = json_object();
  if (json_array_size(tags)) json_object_set(p, "tag", json_array_get(tags, 0));
  json_t *items;
  int rc = cli_call_list(s->c, "sensors.list", p, "sensors", 0, &items);
  if (rc) return rc;
  s->jobs = vg_xcalloc(json_array_size(items) + 1, sizeof(struct job));
  size_t i;
  json_t *it;
  json_array_foreach(items, i, it) {
    uint32_t plat = (uint32_t)json_integer_value(json_object_get(it, "plat"));
    if ((no[0] && plat == VG_PLAT_LINUX) || (no[1] && plat == VG_PLAT_MACOS) || (no[2] && plat == VG_PLAT_WINDOWS))
      continue;
    json_t *have = json_object_get(it, "tags"), *t;
    size_t k;
    bool all = true;
    json_array_foreach(tags, k, t) all &= json_object_get(have, json_string_value(t)) != NULL;
    if (!all) continue;
    struct job *j = &s->jobs[s->njobs++];
    snprintf(j->sid, sizeof j->sid, "%s", json_string_value(json_object_get(it, "sid")));
    snprintf(j->host, sizeof j->host, "%s", json_string_value(json_object_get(it, "hostname")));
    j->plat = plat;
    j->state = JOB_PENDING;
  }
  json_decref(items);
  return CLI_OK;
}

int cmd_spotcheck(struct cli *c, int argc, char **argv) {
  struct spot s = {.c = c, .tag_ttl = SPOT_TAG_TTL_DEFAULT_S, .timeout_s = SPOT_TIMEOUT_DEFAULT_S,
                   .retry_s = SPOT_RETRY_DEFAULT_S, .task_timeout_s = SPOT_TASK_TIMEOUT_DEFAULT_S, .n = 1};
  json_t *tags = json_array();
  bool no[3] = {false, false, false};
  int rc = CLI_USAGE;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const struct spotcheck_kind *k = spotcheck_check_kind(a);
    bool more = i + 1 < argc;
    if (k) {
      if (i + k->nargs >= argc) {
        cli_usage("spotcheck", "%s needs %s", a, k->args);
        goto out;
      }
      if (s.nchecks == SPOTCHECK_MAX_CHECKS) {
        cli_usage("spotcheck", "more than %d checks", SPOTCHECK_MAX_CHECKS);
        goto out;
      }
      if (spotcheck_check_init(&s.checks[s.nchecks], k, argv + i + 1)) goto out;
      s.nchecks++;
      i += k->nargs;
    } else if (!strcmp(a, "--tags") && more) {
      char *list = vg_xstrdup(argv[++i]), *save = NULL;
      for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save))
        json_array_append_new(tags, json_string(t));
      free(list);
    } else if (!strcmp(a, "--no-linux")) {
      no[0] = true;
    } else if (!strcmp(a, "--no-macos")) {
      no[1] = true;
    } else if (!strcmp(a, "--no-windows")) {
      no[2] = true;
    } else if (!strcmp(a, "--no-chrome")) {
      /* no Chrome sensors in Vigil: accepted for the seed's scripts */
    } else if ((!strcmp(a, "-n") || !strcmp(a, "--n-concurrent")) && more) {
      if ((s.n = cli_number("spotcheck", a, argv[++i], 1, SPOT_MAX_CONCURRENT)) < 0) goto out;
    } else if ((!strcmp(a, "-t") || !strcmp(a, "--tag")) && more) {
      s.tag = argv[++i];
    } else if ((!strcmp(a, "--tag-ttl") || !strcmp(a, "-tt")) && more) {
      if ((s.tag_ttl = cli_seconds("spotcheck", a, argv[++i], 10LL * 366 * 86400)) < 0) goto out;
    } else if (!strcmp(a, "--timeout") && more) {
      if ((s.timeout_s = cli_seconds("spotcheck", a, argv[++i], 30LL * 86400)) < 0) goto out;
    } else if (!strcmp(a, "--retry-interval") && more) {
      if ((s.retry_s = cli_seconds("spotcheck", a, argv[++i], 3600)) < 1) {
        if (s.retry_s == 0) cli_usage("spotcheck", "--retry-interval: at least 1s");
        goto out;
      }
    } else if (!strcmp(a, "--task-timeout") && more) {
      if ((s.task_timeout_s = cli_seconds("spotcheck", a, argv[++i], 3600)) < 1) {
        if (s.task_timeout_s == 0) cli_usage("spotcheck", "--task-timeout: at least 1s");
        goto out;
      }
    } else {
      cli_usage("spotcheck", "%s '%s'", a[0] == '-' ? "unknown option or missing value:" : "unexpected argument", a);
      goto out;
    }
  }
  if (!s.nchecks) {
    cli_usage("spotcheck", "no check given (--file, --file-pattern, --file-hash, --yara, --yara-file, --yara-process)");
    goto out;
  }
  if (!cli_api(c, &rc)) goto out;
  if ((rc = select_sensors(&s, tags, no))) goto out;
  s.progress = isatty(STDOUT_FILENO) && isatty(STDERR_FILENO) && !c->json;
  rc = run(&s);
out:
  for (size_t i = 0; i < s.nchecks; i++) spotcheck_check_cleanup(&s.checks[i]);
  for (size_t i = 0; i < s.njobs; i++) json_decref(s.jobs[i].held);
  free(s.jobs);
  json_decref(tags);
  return rc;
}
