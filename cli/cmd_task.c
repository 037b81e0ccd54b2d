/* cmd_task.c — task (send a sensor command, print replies as they arrive)
 * and stream (live events). Both print pushes as they come: a readable line
 * per event, or the event as one JSON line with --json. */
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cmd_table.h"
#include "cli/output.h"
#include "cli/task_reply.h"

#define TASK_WAIT_DEFAULT_S 60
#define TASK_WAIT_MAX_S 3600

int cmd_task(struct cli *c, int argc, char **argv) {
  static const struct option opts[] = {{"wait", required_argument, NULL, 'w'},
                                       {"queue-ttl", required_argument, NULL, 'q'},
                                       {NULL, 0, NULL, 0}};
  long long wait = TASK_WAIT_DEFAULT_S, qttl = -1;
  int o;
  optind = 1;
  opterr = 0;
  while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    if (o == 'w') {
      if ((wait = cli_number("task", "--wait", optarg, 0, TASK_WAIT_MAX_S)) < 0) return CLI_USAGE;
    } else if (o == 'q') {
      if ((qttl = cli_seconds("task", "--queue-ttl", optarg, 604800)) < 0) return CLI_USAGE;
    } else {
      return cli_usage("task", "unknown option %s", argv[optind - 1]);
    }
  }
  if (argc - optind != 2) return cli_usage("task", "expected SID 'COMMAND ARGS' (the command quoted as one argument)");
  json_t *p = json_pack("{s:s, s:s, s:I}", "sid", argv[optind], "command", argv[optind + 1], "timeout",
                        (json_int_t)(wait ? wait : 1));
  if (qttl >= 0) json_object_set_new(p, "queue_ttl", json_integer(qttl));
  json_t *res;
  int rc = cli_call(c, "task.send", p, &res);
  if (rc) return rc;
  json_int_t sub = json_integer_value(json_object_get(res, "sub"));
  if (c->json) output_json_line(stdout, res);
  else
    fprintf(stderr, "task %s sent%s (investigation %s)\n", json_string_value(json_object_get(res, "task_id")),
            json_is_true(json_object_get(res, "queued")) ? ", queued until the sensor connects" : "",
            json_string_value(json_object_get(res, "investigation_id")));
  json_decref(res);
  if (wait == 0) return CLI_OK;
  /* The server ends the subscription with a done push; allow it some slack
   * (and a queued task the queue TTL) before giving up ourselves. */
  const char *command = argv[optind + 1];
  int replies = 0;
  long long limit_ms = (wait + 10 + (qttl > 0 ? qttl : 0)) * 1000;
  struct timespec t0, now;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (;;) {
    clock_gettime(CLOCK_MONOTONIC, &now);
    long long left = limit_ms - ((now.tv_sec - t0.tv_sec) * 1000 + (now.tv_nsec - t0.tv_nsec) / 1000000);
    json_t *push = left > 0 ? vg_api_next_push(c->api, (int)left) : NULL;
    if (!push) return cli_fail(CLI_TIMEOUT, "task: no end of replies within %llds", limit_ms / 1000);
    json_t *sp = json_object_get(push, "sub");
    if (json_is_integer(sp) && json_integer_value(sp) != sub) {
      json_decref(push);
      continue;
    }
    json_t *err = json_object_get(push, "error");
    if (err) {
      rc = cli_fail(CLI_API, "task: %s: %s", json_string_value(json_object_get(err, "code")),
                    json_string_value(json_object_get(err, "message")));
      json_decref(push);
      return rc;
    }
    if (json_is_true(json_object_get(push, "done"))) {
      json_int_t n = json_integer_value(json_object_get(push, "replies"));
      bool expired = json_is_true(json_object_get(push, "expired"));
      if (c->json) output_json_line(stdout, push);
      else fprintf(stderr, "task: %lld repl%s%s\n", (long long)n, n == 1 ? "y" : "ies",
                   expired ? " (expired before the sensor connected)" : n ? "" : " (timed out)");
      json_decref(push);
      return n ? CLI_OK : CLI_TIMEOUT;
    }
    json_t *ev = json_object_get(push, "event");
    output_event(stdout, ev, c->json);
    replies++;
    bool last = task_reply_final(command, ev);
    json_decref(push);
    if (last) { /* the command has answered: stop listening before the deadline */
      json_t *r2;
      if (!cli_call(c, "stream.unsubscribe", json_pack("{s:I}", "sub", sub), &r2)) json_decref(r2);
      if (c->json) {
        json_t *d = json_pack("{s:I, s:b, s:b, s:i}", "sub", sub, "done", 1, "timeout", 0, "replies", replies);
        output_json_line(stdout, d);
        json_decref(d);
      } else {
        fprintf(stderr, "task: %d repl%s\n", replies, replies == 1 ? "y" : "ies");
      }
      return CLI_OK;
    }
  }
}

static volatile sig_atomic_t stream_stop;
static void on_signal(int s) {
  (void)s;
  stream_stop = 1;
}

static void add_csv(json_t *arr, const char *s) {
  char *list = strdup(s), *save = NULL;
  for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save))
    json_array_append_new(arr, json_string(t));
  free(list);
}

int cmd_task_stream(struct cli *c, int argc, char **argv) {
  static const struct option opts[] = {
      {"sid", required_argument, NULL, 's'},   {"type", required_argument, NULL, 'y'},
      {"tag", required_argument, NULL, 't'},   {"count", required_argument, NULL, 'n'},
      {"for", required_argument, NULL, 'f'},   {NULL, 0, NULL, 0}};
  json_t *sids = json_array(), *types = json_array(), *tags = json_array();
  long long count = 0, secs = 0;
  int o, rc = CLI_USAGE;
  optind = 1;
  opterr = 0;
  while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    switch (o) {
      case 's': add_csv(sids, optarg); break;
      case 'y': add_csv(types, optarg); break;
      case 't': add_csv(tags, optarg); break;
      case 'n':
        if ((count = cli_number("stream", "--count", optarg, 1, 1LL << 40)) < 0) goto out;
        break;
      case 'f':
        if ((secs = cli_seconds("stream", "--for", optarg, 366LL * 86400)) < 0) goto out;
        break;
      default: cli_usage("stream", "unknown option %s", argv[optind - 1]); goto out;
    }
  }
  if (optind < argc) {
    cli_usage("stream", "unexpected argument '%s'", argv[optind]);
    goto out;
  }
  json_t *res;
  rc = cli_call(c, "stream.subscribe", json_pack("{s:O, s:O, s:O}", "sids", sids, "event_types", types, "tags", tags),
                &res);
  if (rc) goto out;
  json_int_t sub = json_integer_value(json_object_get(res, "sub"));
  json_decref(res);
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  struct timespec t0, now;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  long long seen = 0;
  while (!stream_stop && (!count || seen < count)) {
    clock_gettime(CLOCK_MONOTONIC, &now);
    long long el = (now.tv_sec - t0.tv_sec) * 1000 + (now.tv_nsec - t0.tv_nsec) / 1000000;
    if (secs && el >= secs * 1000) break;
    json_t *push = vg_api_next_push(c->api, 200);
    if (!push) continue;
    json_t *err = json_object_get(push, "error");
    if (err) {
      rc = cli_fail(CLI_API, "stream: %s: %s", json_string_value(json_object_get(err, "code")),
                    json_string_value(json_object_get(err, "message")));
      json_decref(push);
      goto out;
    }
    if (json_integer_value(json_object_get(push, "sub")) == sub) {
      output_event(stdout, json_object_get(push, "event"), c->json);
      seen++;
    }
    json_decref(push);
  }
  rc = CLI_OK;
out:
  json_decref(sids);
  json_decref(types);
  json_decref(tags);
  return rc;
}
