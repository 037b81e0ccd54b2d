/* cmd_insight.c — stored telemetry: events (one sensor's timeline, paged
 * through cursors and printed page by page) and histogram (event counts per
 * time bucket). The process graph is in cmd_graph.c. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd_table.h"
#include "cli/output.h"
#include "cli/time_arg.h"
#include "shared/alloc.h"
#include "shared/buf.h"
#include "shared/event.h"
#include "shared/limits.h"

/* --start/--end: a time into *out, or -1 after the usage. */
static int time_opt(const char *cmd, const char *opt, const char *s, int64_t now, int64_t *out) {
  struct vg_err e;
  vg_err_clear(&e);
  if (time_arg_parse(s, now, out, &e)) {
    cli_usage(cmd, "%s: %s", opt, e.msg);
    return -1;
  }
  return 0;
}

/* "A,B" and repeated options into arr; false (after the usage) on a bad name. */
static bool add_types(const char *cmd, json_t *arr, const char *s) {
  char *list = vg_xstrdup(s), *save = NULL;
  bool ok = true;
  for (char *t = strtok_r(list, ",", &save); t && ok; t = strtok_r(NULL, ",", &save)) {
    if (strlen(t) >= VG_LIMIT_EVENT_TYPE_BYTES || json_array_size(arr) >= VG_LIMIT_STORE_TYPE_FILTER) {
      cli_usage(cmd, "--type: '%s' is too long, or more than %d types", t, VG_LIMIT_STORE_TYPE_FILTER);
      ok = false;
    } else {
      json_array_append_new(arr, json_string(t));
    }
  }
  free(list);
  return ok;
}

int cmd_insight_events(struct cli *c, int argc, char **argv) {
  static const struct option opts[] = {{"start", required_argument, NULL, 's'},
                                       {"end", required_argument, NULL, 'e'},
                                       {"type", required_argument, NULL, 'y'},
                                       {"limit", required_argument, NULL, 'l'},
                                       {"page-size", required_argument, NULL, 'p'},
                                       {NULL, 0, NULL, 0}};
  int64_t now = vg_event_now_ms(), start = -1, end = now;
  long long limit = 0, page = CLI_LIST_PAGE;
  json_t *types = json_array();
  int o, rc = CLI_USAGE;
  optind = 1;
  opterr = 0;
  while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    switch (o) {
      case 's':
        if (time_opt("events", "--start", optarg, now, &start)) goto out;
        break;
      case 'e':
        if (time_opt("events", "--end", optarg, now, &end)) goto out;
        break;
      case 'y':
        if (!add_types("events", types, optarg)) goto out;
        break;
      case 'l':
        if ((limit = cli_number("events", "--limit", optarg, 1, 1LL << 40)) < 0) goto out;
        break;
      case 'p':
        if ((page = cli_number("events", "--page-size", optarg, 1, CLI_LIST_PAGE)) < 0) goto out;
        break;
      default: cli_usage("events", "unknown option %s", argv[optind - 1]); goto out;
    }
  }
  if (argc - optind != 1) {
    cli_usage("events", "expected one SID");
    goto out;
  }
  if (start < 0) {
    cli_usage("events", "--start is required (e.g. --start -2h)");
    goto out;
  }
  if (end < start) {
    cli_usage("events", "--end is before --start");
    goto out;
  }
  /* Forward from --start; the API has no end, so stop at the first event
   * at or past --end (the timeline is in time order). */
  long long seen = 0;
  json_t *cursor = NULL;
  bool done = false;
  while (!done) {
    long long want = limit ? limit - seen : page;
    json_t *p = json_pack("{s:s, s:s, s:I}", "sid", argv[optind], "direction", "forward", "limit",
                          (json_int_t)(want < page ? want : page));
    if (json_array_size(types)) json_object_set(p, "types", types);
    if (cursor) json_object_set_new(p, "cursor", cursor); /* it carries the position */
    else json_object_set_new(p, "from", json_integer(start));
    cursor = NULL;
    json_t *res;
    rc = cli_call(c, "insight.timeline", p, &res);
    if (rc) goto out;
    size_t i;
    json_t *ev;
    json_array_foreach(json_object_get(res, "events"), i, ev) {
      if (vg_event_get_time(ev) >= end) {
        done = true;
        break;
      }
      output_event(stdout, ev, c->json);
      if (limit && ++seen >= limit) {
        done = true;
        break;
      }
    }
    json_t *next = json_object_get(res, "next");
    if (json_is_string(next)) cursor = json_incref(next);
    else done = true;
    json_decref(res);
  }
  json_decref(cursor);
  rc = CLI_OK;
out:
  json_decref(types);
  return rc;
}

/* "NEW_PROCESS=120 DNS_REQUEST=692" (heap). */
static char *type_counts(const json_t *types) {
  struct vg_buf b;
  vg_buf_init(&b, 1u << 20);
  const char *k;
  json_t *v;
  json_object_foreach((json_t *)types, k, v) {
    char one[VG_LIMIT_EVENT_TYPE_BYTES + 32];
    int n = snprintf(one, sizeof one, "%s%s=%lld", b.len ? " " : "", k, (long long)json_integer_value(v));
    vg_buf_append(&b, one, (size_t)n);
  }
  char *s = vg_xstrdup(b.len ? vg_buf_cstr(&b) : "-");
  vg_buf_cleanup(&b);
  return s;
}

int cmd_insight_histogram(struct cli *c, int argc, char **argv) {
  static const struct option opts[] = {{"sid", required_argument, NULL, 'i'},
                                       {"start", required_argument, NULL, 's'},
                                       {"end", required_argument, NULL, 'e'},
                                       {"type", required_argument, NULL, 'y'},
                                       {"per-type", no_argument, NULL, 'p'},
                                       {"granularity", required_argument, NULL, 'g'},
                                       {NULL, 0, NULL, 0}};
  int64_t now = vg_event_now_ms(), start = -1, end = now;
  json_t *p = json_object();
  int o;
  optind = 1;
  opterr = 0;
  while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    switch (o) {
      case 'i': json_object_set_new(p, "sid", json_string(optarg)); break;
      case 's':
        if (time_opt("histogram", "--start", optarg, now, &start)) goto usage;
        break;
      case 'e':
        if (time_opt("histogram", "--end", optarg, now, &end)) goto usage;
        break;
      case 'y': json_object_set_new(p, "type", json_string(optarg)); break;
      case 'p': json_object_set_new(p, "per_type", json_true()); break;
      case 'g':
        if (strcmp(optarg, "minute") && strcmp(optarg, "hour") && strcmp(optarg, "day")) {
          cli_usage("histogram", "--granularity: minute, hour or day, not '%s'", optarg);
          goto usage;
        }
        json_object_set_new(p, "granularity", json_string(optarg));
        break;
      default: cli_usage("histogram", "unknown option %s", argv[optind - 1]); goto usage;
    }
  }
  if (optind < argc) {
    cli_usage("histogram", "unexpected argument '%s'", argv[optind]);
    goto usage;
  }
  if (start < 0 || end <= start) {
    cli_usage("histogram", start < 0 ? "--start is required (e.g. --start -1d)" : "--end is not after --start");
    goto usage;
  }
  json_object_set_new(p, "from", json_integer(start));
  json_object_set_new(p, "to", json_integer(end));
  bool per_type = json_is_true(json_object_get(p, "per_type"));
  json_t *res;
  int rc = cli_call(c, "insight.histogram", p, &res);
  if (rc) return rc;
  if (c->json) {
    output_json_line(stdout, res);
  } else {
    json_t *buckets = json_object_get(res, "buckets"), *b;
    size_t i;
    /* The types column as one text cell. */
    json_array_foreach(buckets, i, b) if (per_type) {
      char *s = type_counts(json_object_get(b, "types"));
      json_object_set_new(b, "types_text", json_string(s));
      free(s);
    }
    static const struct output_col cols[] = {
        {"TIME", "t", OUTPUT_TIME}, {"EVENTS", "n", OUTPUT_TEXT}, {"TYPES", "types_text", OUTPUT_TEXT}, {NULL, NULL, 0}};
    static const struct output_col cols2[] = {{"TIME", "t", OUTPUT_TIME}, {"EVENTS", "n", OUTPUT_TEXT}, {NULL, NULL, 0}};
    output_list(stdout, buckets, per_type ? cols : cols2, false);
    printf("total %lld (%s buckets of %lld ms, %zu not empty)\n",
           (long long)json_integer_value(json_object_get(res, "total")),
           json_string_value(json_object_get(res, "granularity")),
           (long long)json_integer_value(json_object_get(res, "bucket_ms")), json_array_size(buckets));
  }
  json_decref(res);
  return CLI_OK;
usage:
  json_decref(p);
  return CLI_USAGE;
}
