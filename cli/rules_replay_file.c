/* rules_replay_file.c — `rules replay … --events FILE`: a rule over a JSONL
 * file of event envelopes, evaluated here with the engine vigild uses
 * (shared/rule.c, shared/expr.c), one rule state for the whole file so that
 * stateful rules (with child / with descendant) see every event in order.
 * Streams the file line by line: no size limit but the line's
 * (VG_LIMIT_EVENT_BYTES). Without vigild there are no threat feeds, sensor
 * variables or stored rules: lookup, [[variables]] and external resources
 * evaluate as not found. No responses run. */
#include "cli/rules_replay_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/output.h"
#include "shared/limits.h"
#include "shared/routing.h"
#include "shared/rule.h"

static int64_t mono_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int rules_replay_file(struct cli *c, const char *yaml, size_t ylen, const char *yaml_name,
                      const char *events_path, long long limit) {
  struct vg_rule *rule = NULL;
  struct vg_err e;
  vg_err_clear(&e);
  if (vg_rule_load(yaml, ylen, yaml_name, &rule, &e)) {
    fprintf(stderr, "vigilctl rules replay: %s\n", e.msg);
    return CLI_USAGE;
  }
  FILE *f = strcmp(events_path, "-") ? fopen(events_path, "r") : stdin;
  if (!f) {
    vg_rule_free(rule);
    return cli_usage("rules replay", "--events %s: %s", events_path, strerror(errno));
  }
  struct vg_expr_state *st = vg_expr_state_new();
  json_t *shown = json_array();
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  long long lineno = 0, events = 0, matched = 0;
  int64_t eval_ns = 0;
  int rc = CLI_OK;
  while ((n = getline(&line, &cap, f)) > 0) {
    lineno++;
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) n--;
    size_t lead = strspn(line, " \t");
    if ((size_t)n == lead) continue; /* blank line */
    if ((size_t)n > VG_LIMIT_EVENT_BYTES) {
      rc = cli_usage("rules replay", "%s:%lld: an event larger than %u bytes", events_path, lineno,
                     VG_LIMIT_EVENT_BYTES);
      break;
    }
    json_error_t je;
    json_t *ev = json_loadb(line, (size_t)n, JSON_REJECT_DUPLICATES, &je);
    struct vg_routing rt;
    vg_err_clear(&e);
    if (!ev || vg_routing_get(ev, &rt, &e)) {
      if (ev)
        rc = cli_usage("rules replay", "%s:%lld: %s", events_path, lineno, e.msg);
      else
        rc = cli_usage("rules replay", "%s:%lld:%d: %s", events_path, lineno, je.column, je.text);
      json_decref(ev);
      break;
    }
    events++;
    json_t *report = NULL;
    int64_t t0 = mono_ns();
    bool hit = vg_expr_eval(rule->detect, ev, &rt, NULL, st, &report);
    eval_ns += mono_ns() - t0;
    if (hit) {
      matched++;
      json_t *rec = json_pack("{s:I, s:O}", "line", (json_int_t)lineno, "event", report ? report : ev);
      if (matched <= limit) {
        if (c->json)
          output_json_line(stdout, rec);
        else
          json_array_append(shown, rec);
      }
      json_decref(rec);
    }
    json_decref(report);
    json_decref(ev);
  }
  if (rc == CLI_OK && ferror(f))
    rc = cli_usage("rules replay", "--events %s: %s", events_path, strerror(errno));
  free(line);
  if (f != stdin) fclose(f);
  if (rc == CLI_OK && !c->json && json_array_size(shown)) {
    static const struct output_col cols[] = {{"LINE", "line", OUTPUT_TEXT},
                                             {"TIME", "event.routing.event_time", OUTPUT_TIME},
                                             {"EVENT_TYPE", "event.routing.event_type", OUTPUT_TEXT},
                                             {"HOSTNAME", "event.routing.hostname", OUTPUT_TEXT},
                                             {"ATOM", "event.routing.this", OUTPUT_TEXT},
                                             {NULL, NULL, 0}};
    output_list(stdout, shown, cols, false);
  }
  json_decref(shown);
  vg_expr_state_free(st);
  vg_rule_free(rule);
  if (rc != CLI_OK) return rc;
  fprintf(stderr, "rules replay: %lld matches%s over %lld events of %s (%lld evaluations, %lld ns)\n",
          matched, matched > limit ? " (printed up to --limit)" : "", events, events_path, events,
          (long long)eval_ns);
  return matched ? CLI_OK : CLI_NOTHING;
}
