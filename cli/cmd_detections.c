/* cmd_detections.c — detections: the stored detections of a time range
 * (detections.list, oldest first), and with --follow the new ones as they
 * are made (detections.subscribe), until Ctrl-C, --count or --for. */
#include <getopt.h>
#include <signal.h>
#include <time.h>

#include "cli/cmd_table.h"
#include "cli/output.h"
#include "cli/time_arg.h"
#include "shared/event.h"

#define DETECTIONS_DEFAULT 100 /* listed unless --limit */

static const struct output_col det_cols[] = {{"TIME", "gen_time", OUTPUT_TIME},
                                             {"PRIORITY", "priority", OUTPUT_TEXT},
                                             {"CATEGORY", "cat", OUTPUT_TEXT},
                                             {"RULE", "rule", OUTPUT_TEXT},
                                             {"HOSTNAME", "routing.hostname", OUTPUT_TEXT},
                                             {"SID", "routing.sid", OUTPUT_TEXT},
                                             {"DETECT_ID", "detect_id", OUTPUT_TEXT},
                                             {NULL, NULL, 0}};

static volatile sig_atomic_t det_stop;
static void on_signal(int s) {
  (void)s;
  det_stop = 1;
}

/* One followed detection: the table's columns on one line, two spaces apart. */
static void follow_line(const json_t *d, bool json) {
  if (json) {
    output_json_line(stdout, d);
  } else {
    char t[64];
    const json_t *r = json_object_get(d, "routing");
    printf("%s  %lld  %s  %s  %s  %s  %s\n", output_time(json_integer_value(json_object_get(d, "gen_time")), t, sizeof t),
           (long long)json_integer_value(json_object_get(d, "priority")),
           json_string_value(json_object_get(d, "cat")) ? json_string_value(json_object_get(d, "cat")) : "-",
           json_string_value(json_object_get(d, "rule")) ? json_string_value(json_object_get(d, "rule")) : "-",
           json_string_value(json_object_get(r, "hostname")) ? json_string_value(json_object_get(r, "hostname")) : "-",
           json_string_value(json_object_get(r, "sid")) ? json_string_value(json_object_get(r, "sid")) : "-",
           json_string_value(json_object_get(d, "detect_id")) ? json_string_value(json_object_get(d, "detect_id")) : "-");
  }
  fflush(stdout);
}

int cmd_detections(struct cli *c, int argc, char **argv) {
  static const struct option opts[] = {{"start", required_argument, NULL, 's'},
                                       {"end", required_argument, NULL, 'e'},
                                       {"limit", required_argument, NULL, 'l'},
                                       {"follow", no_argument, NULL, 'f'},
                                       {"count", required_argument, NULL, 'n'},
                                       {"for", required_argument, NULL, 'F'},
                                       {NULL, 0, NULL, 0}};
  json_t *p = json_object();
  long long limit = DETECTIONS_DEFAULT, count = 0, secs = 0;
  bool follow = false;
  int64_t now = vg_event_now_ms(), t;
  int o;
  optind = 1;
  opterr = 0;
  while ((o = getopt_long(argc, argv, "f", opts, NULL)) != -1) {
    struct vg_err e;
    switch (o) {
      case 's':
      case 'e':
        vg_err_clear(&e);
        if (time_arg_parse(optarg, now, &t, &e)) {
          cli_usage("detections", "%s: %s", o == 's' ? "--start" : "--end", e.msg);
          goto usage;
        }
        json_object_set_new(p, o == 's' ? "from" : "to", json_integer(t));
        break;
      case 'l':
        if ((limit = cli_number("detections", "--limit", optarg, 0, 1000000)) < 0) goto usage;
        break;
      case 'f': follow = true; break;
      case 'n':
        if ((count = cli_number("detections", "--count", optarg, 1, 1LL << 40)) < 0) goto usage;
        break;
      case 'F':
        if ((secs = cli_seconds("detections", "--for", optarg, 366LL * 86400)) < 0) goto usage;
        break;
      default: cli_usage("detections", "unknown option %s", argv[optind - 1]); goto usage;
    }
  }
  if (optind < argc) {
    cli_usage("detections", "unexpected argument '%s'", argv[optind]);
    goto usage;
  }
  if ((count || secs) && !follow) {
    cli_usage("detections", "--count and --for go with --follow");
    goto usage;
  }
  /* Subscribe before listing so that nothing made in between is missed; a
   * detection both listed and pushed is printed once. */
  json_int_t sub = -1;
  int rc;
  if (follow) {
    json_t *res;
    rc = cli_call(c, "detections.subscribe", json_object(), &res);
    if (rc) goto fail;
    sub = json_integer_value(json_object_get(res, "sub"));
    json_decref(res);
  }
  json_t *listed = json_object();
  if (limit) {
    json_t *items;
    rc = cli_call_list(c, "detections.list", p, "detections", (size_t)limit, &items);
    p = NULL;
    if (rc) {
      json_decref(listed);
      return rc;
    }
    if (follow && !c->json) {
      size_t i;
      json_t *d;
      json_array_foreach(items, i, d) follow_line(d, false);
    } else {
      output_list(stdout, items, det_cols, c->json);
    }
    size_t i;
    json_t *d;
    json_array_foreach(items, i, d) {
      const char *id = json_string_value(json_object_get(d, "detect_id"));
      if (id) json_object_set_new(listed, id, json_true());
    }
    json_decref(items);
  }
  json_decref(p);
  fflush(stdout);
  if (!follow) {
    json_decref(listed);
    return CLI_OK;
  }
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  struct timespec t0, tn;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  long long seen = 0;
  rc = CLI_OK;
  while (!det_stop && (!count || seen < count)) {
    clock_gettime(CLOCK_MONOTONIC, &tn);
    if (secs && (tn.tv_sec - t0.tv_sec) * 1000 + (tn.tv_nsec - t0.tv_nsec) / 1000000 >= secs * 1000) break;
    json_t *push = vg_api_next_push(c->api, 200);
    if (!push) continue;
    json_t *err = json_object_get(push, "error");
    if (err) {
      rc = cli_fail(CLI_API, "detections: %s: %s", json_string_value(json_object_get(err, "code")),
                    json_string_value(json_object_get(err, "message")));
      json_decref(push);
      break;
    }
    json_t *d = json_object_get(push, "detection");
    const char *id = json_string_value(json_object_get(d, "detect_id"));
    if (json_integer_value(json_object_get(push, "sub")) == sub && d && !(id && json_object_get(listed, id))) {
      follow_line(d, c->json);
      seen++;
    }
    json_decref(push);
  }
  json_decref(listed);
  return rc;
usage:
  json_decref(p);
  return CLI_USAGE;
fail:
  json_decref(p);
  return rc;
}
