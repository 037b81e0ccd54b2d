/* cmd_rules_replay.c — rules replay: a stored rule (NAME) or a rule file
 * (--file) over stored events through rules.replay, without responses; or,
 * with --events FILE, over a JSONL file of events (rules_replay_file.c).
 * Calls again with the result's `next` cursor until it is null (the range
 * is done) or --limit matches were printed. Table of the matched events
 * (TIME EVENT_TYPE SID HOSTNAME ATOM) once the replay is done, or NDJSON
 * (the API's match records {"event"}) page by page with --json; a summary
 * on stderr; exit 1 when nothing matched. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd_table.h"
#include "cli/output.h"
#include "cli/rules_replay_file.h"
#include "cli/time_arg.h"
#include "shared/alloc.h"
#include "shared/event.h"
#include "shared/limits.h"

#define REPLAY_PAGE_DEFAULT 1000   /* events evaluated per call (the API's default) */
#define REPLAY_PAGE_MAX 10000      /* the API's bound on `limit` */
#define REPLAY_MATCHES_DEFAULT 1000 /* matches printed unless --limit */

static int time_of(const char *what, const char *s, int64_t now, int64_t *out) {
  struct vg_err e;
  vg_err_clear(&e);
  if (time_arg_parse(s, now, out, &e)) return cli_usage("rules replay", "%s: %s", what, e.msg);
  return 0;
}

/* --events: the rule's YAML (the file, or the stored rule through rules.get),
 * then the local replay over the events file. */
static int replay_events(struct cli *c, const char *file, const char *name, const char *ns,
                         const char *events, long long limit) {
  if (file) {
    char *yaml;
    size_t len;
    if (cli_read_file("rules replay", file, VG_LIMIT_RULE_YAML_BYTES, &yaml, &len)) return CLI_USAGE;
    int rc = rules_replay_file(c, yaml, len, file, events, limit);
    free(yaml);
    return rc;
  }
  json_t *p = json_pack("{s:s}", "name", name), *res;
  if (ns) json_object_set_new(p, "namespace", json_string(ns));
  int rc = cli_call(c, "rules.get", p, &res);
  if (rc) return rc;
  const char *y = json_string_value(json_object_get(res, "yaml"));
  rc = rules_replay_file(c, y ? y : "", y ? strlen(y) : 0, name, events, limit);
  json_decref(res);
  return rc;
}

int cmd_rules_replay(struct cli *c, int argc, char **argv) {
  static const struct option opts[] = {{"file", required_argument, NULL, 'f'},
                                       {"namespace", required_argument, NULL, 'n'},
                                       {"start", required_argument, NULL, 's'},
                                       {"end", required_argument, NULL, 'e'},
                                       {"sid", required_argument, NULL, 'i'},
                                       {"limit", required_argument, NULL, 'l'},
                                       {"page-size", required_argument, NULL, 'p'},
                                       {"events", required_argument, NULL, 'E'},
                                       {NULL, 0, NULL, 0}};
  int64_t now = vg_event_now_ms(), start = -1, end = now;
  long long limit = REPLAY_MATCHES_DEFAULT, page = REPLAY_PAGE_DEFAULT;
  const char *file = NULL, *ns = NULL, *sid = NULL, *events = NULL;
  int o;
  optind = 1;
  opterr = 0;
  while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    switch (o) {
      case 'f': file = optarg; break;
      case 'n':
        if (strcmp(optarg, "general") && strcmp(optarg, "managed"))
          return cli_usage("rules replay", "--namespace: general or managed, not '%s'", optarg);
        ns = optarg;
        break;
      case 's':
        if (time_of("--start", optarg, now, &start)) return CLI_USAGE;
        break;
      case 'e':
        if (time_of("--end", optarg, now, &end)) return CLI_USAGE;
        break;
      case 'i': sid = optarg; break;
      case 'E': events = optarg; break;
      case 'l':
        if ((limit = cli_number("rules replay", "--limit", optarg, 1, 1LL << 40)) < 0) return CLI_USAGE;
        break;
      case 'p':
        if ((page = cli_number("rules replay", "--page-size", optarg, 1, REPLAY_PAGE_MAX)) < 0) return CLI_USAGE;
        break;
      default: return cli_usage("rules replay", "unknown option %s", argv[optind - 1]);
    }
  }
  int npos = argc - optind;
  if (file ? npos != 0 : npos != 1) return cli_usage("rules replay", "expected one NAME, or --file FILE");
  if (file && ns) return cli_usage("rules replay", "--namespace goes with NAME, not --file");
  if (events) {
    if (start >= 0 || sid) return cli_usage("rules replay", "--events replays a file: no --start/--sid");
    return replay_events(c, file, file ? NULL : argv[optind], ns, events, limit);
  }
  if (start < 0) return cli_usage("rules replay", "--start is required (e.g. --start -24h)");
  if (end <= start) return cli_usage("rules replay", "--end is not after --start");

  json_t *base = json_pack("{s:I, s:I, s:I}", "from", (json_int_t)start, "to", (json_int_t)end, "limit",
                           (json_int_t)page);
  if (file) {
    char *yaml;
    size_t len;
    if (cli_read_file("rules replay", file, VG_LIMIT_RULE_YAML_BYTES, &yaml, &len)) {
      json_decref(base);
      return CLI_USAGE;
    }
    json_object_set_new(base, "yaml", json_stringn(yaml, len));
    free(yaml);
    if (!json_object_get(base, "yaml")) {
      json_decref(base);
      return cli_usage("rules replay", "%s: not UTF-8 text", file);
    }
  } else {
    json_object_set_new(base, "name", json_string(argv[optind]));
    if (ns) json_object_set_new(base, "namespace", json_string(ns));
  }
  if (sid) json_object_set_new(base, "sid", json_string(sid));

  json_t *all = json_array(), *cursor = NULL;
  long long shown = 0, matched = 0, scanned = 0, evaluations = 0, eval_ns = 0, calls = 0;
  bool more = true, cut = false;
  int rc = CLI_OK;
  while (more) {
    json_t *p = json_deep_copy(base), *res;
    if (cursor) json_object_set_new(p, "cursor", cursor);
    cursor = NULL;
    rc = cli_call(c, "rules.replay", p, &res);
    if (rc) break;
    calls++;
    scanned += json_integer_value(json_object_get(res, "events_scanned"));
    evaluations += json_integer_value(json_object_get(res, "evaluations"));
    eval_ns += json_integer_value(json_object_get(res, "eval_ns"));
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(res, "matches"), i, m) {
      matched++;
      if (shown >= limit) {
        cut = true;
        continue;
      }
      shown++;
      if (c->json) output_json_line(stdout, m);
      else json_array_append(all, m);
    }
    if (c->json) fflush(stdout);
    json_t *next = json_object_get(res, "next");
    if (json_is_string(next) && !cut) cursor = json_incref(next);
    else more = false;
    json_decref(res);
  }
  json_decref(base);
  if (rc) {
    json_decref(all);
    return rc;
  }
  if (!c->json && json_array_size(all)) {
    static const struct output_col cols[] = {{"TIME", "event.routing.event_time", OUTPUT_TIME},
                                             {"EVENT_TYPE", "event.routing.event_type", OUTPUT_TEXT},
                                             {"SID", "event.routing.sid", OUTPUT_TEXT},
                                             {"HOSTNAME", "event.routing.hostname", OUTPUT_TEXT},
                                             {"ATOM", "event.routing.this", OUTPUT_TEXT},
                                             {NULL, NULL, 0}};
    output_list(stdout, all, cols, false);
  }
  json_decref(all);
  fprintf(stderr, "rules replay: %lld matches%s over %lld events scanned (%lld evaluations, %lld ns, %lld calls)\n",
          matched, cut ? " (stopped at --limit)" : "", scanned, evaluations, eval_ns, calls);
  return matched ? CLI_OK : CLI_NOTHING;
}
