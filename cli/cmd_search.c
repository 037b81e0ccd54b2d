/* cmd_search.c — search 'QUERY' (insight.search, every page until done),
 * export 'QUERY' (insight.export: the server's NDJSON as is) and objects
 * TYPE VALUE (insight.objects: where an indicator was seen). The query
 * language is docs/query.md. A page may hold fewer rows than asked, even
 * none, with a cursor: calls go on until `done`. */
#include <stdlib.h>
#include <string.h>

#include "cli/cmd_table.h"
#include "cli/output.h"
#include "shared/limits.h"

/* --limit N [--text S] and the QUERY. Parsed by hand, not getopt: a query
 * starts with its time range, often relative ("-24h | …"), which getopt
 * would take for options. false after the usage. */
static bool query_args(const char *cmd, int argc, char **argv, long long *limit, json_t **params) {
  const char *text = NULL, *query = NULL;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    bool is_limit = !strcmp(a, "--limit"), is_text = !strcmp(a, "--text");
    if (is_limit || is_text) {
      if (i + 1 >= argc) {
        cli_usage(cmd, "%s needs a value", a);
        return false;
      }
      if (is_text) text = argv[++i];
      else if ((*limit = cli_number(cmd, "--limit", argv[++i], 1, 1LL << 40)) < 0) return false;
    } else if (!strncmp(a, "--", 2) && !strchr(a, ' ')) {
      cli_usage(cmd, "unknown option %s", a);
      return false;
    } else if (query) {
      cli_usage(cmd, "expected one 'QUERY' (quoted as one argument)");
      return false;
    } else {
      query = a;
    }
  }
  if (!query) {
    cli_usage(cmd, "expected one 'QUERY' (quoted as one argument)");
    return false;
  }
  if (strlen(query) > VG_LIMIT_QUERY_BYTES) {
    cli_usage(cmd, "the query is longer than %d bytes", VG_LIMIT_QUERY_BYTES);
    return false;
  }
  *params = json_pack("{s:s}", "query", query);
  if (text) json_object_set_new(*params, "text", json_string(text));
  return true;
}

/* A projected row "k=v k=v" (values compact JSON unless strings). */
static void print_row(const json_t *row) {
  const char *k;
  json_t *v;
  bool first = true;
  json_object_foreach((json_t *)row, k, v) {
    char *s = json_is_string(v) ? NULL : json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    printf("%s%s=%s", first ? "" : "  ", k, s ? s : json_string_value(v));
    free(s);
    first = false;
  }
  putchar('\n');
}

/* search and export: page until done or limit rows. */
static int run_query(struct cli *c, const char *cmd, const char *method, int argc, char **argv) {
  long long limit = 0;
  json_t *params;
  if (!query_args(cmd, argc, argv, &limit, &params)) return CLI_USAGE;
  bool export = !strcmp(method, "insight.export");
  long long rows = 0, scanned = 0, calls = 0;
  json_t *cursor = NULL;
  bool truncated = false;
  for (;;) {
    json_t *p = json_deep_copy(params), *res;
    long long want = limit ? limit - rows : CLI_LIST_PAGE;
    json_object_set_new(p, "limit", json_integer(want < CLI_LIST_PAGE ? want : CLI_LIST_PAGE));
    if (cursor) json_object_set_new(p, "cursor", cursor);
    cursor = NULL;
    int rc = cli_call(c, method, p, &res);
    if (rc) {
      json_decref(params);
      return rc;
    }
    calls++;
    scanned += json_integer_value(json_object_get(json_object_get(res, "stats"), "scanned"));
    truncated |= json_is_true(json_object_get(res, "truncated"));
    if (export) {
      const char *nd = json_string_value(json_object_get(res, "ndjson"));
      if (nd && *nd) {
        fputs(nd, stdout);
        if (nd[strlen(nd) - 1] != '\n') putchar('\n');
        for (const char *q = nd; (q = strchr(q, '\n')); q++) rows++;
      }
    } else {
      size_t i;
      json_t *r;
      json_array_foreach(json_object_get(res, "results"), i, r) {
        if (c->json) output_json_line(stdout, r);
        else if (json_is_object(json_object_get(r, "routing"))) output_event(stdout, r, false);
        else print_row(r);
        rows++;
      }
    }
    fflush(stdout);
    json_t *next = json_object_get(res, "next");
    bool more = !json_is_true(json_object_get(res, "done")) && json_is_string(next) && (!limit || rows < limit);
    if (more) cursor = json_incref(next);
    json_decref(res);
    if (!more) break;
  }
  json_decref(params);
  fprintf(stderr, "%s: %lld row%s, %lld keys scanned in %lld call%s%s\n", cmd, rows, rows == 1 ? "" : "s", scanned,
          calls, calls == 1 ? "" : "s", truncated ? " (aggregation truncated)" : "");
  return rows ? CLI_OK : CLI_NOTHING;
}

int cmd_search(struct cli *c, int argc, char **argv) { return run_query(c, "search", "insight.search", argc, argv); }
int cmd_export(struct cli *c, int argc, char **argv) { return run_query(c, "export", "insight.export", argc, argv); }

int cmd_objects(struct cli *c, int argc, char **argv) {
  if (argc != 3) return cli_usage("objects", "expected TYPE VALUE (TYPE: domain, ip, hash, file_path, user_name)");
  json_t *res;
  int rc = cli_call(c, "insight.objects", json_pack("{s:s, s:s}", "type", argv[1], "value", argv[2]), &res);
  if (rc) return rc;
  json_int_t total = json_integer_value(json_object_get(res, "total"));
  if (c->json) {
    output_json_line(stdout, res);
  } else {
    static const struct output_col rec[] = {{"TYPE", "type", OUTPUT_TEXT},
                                            {"VALUE", "value", OUTPUT_TEXT},
                                            {"TOTAL", "total", OUTPUT_TEXT},
                                            {"FIRST_SEEN", "first_seen", OUTPUT_TIME},
                                            {"LAST_SEEN", "last_seen", OUTPUT_TIME},
                                            {"LAST_1D", "counts.1d", OUTPUT_TEXT},
                                            {"LAST_7D", "counts.7d", OUTPUT_TEXT},
                                            {"LAST_30D", "counts.30d", OUTPUT_TEXT},
                                            {NULL, NULL, 0}};
    static const struct output_col sens[] = {{"SID", "sid", OUTPUT_TEXT},
                                             {"HOSTNAME", "hostname", OUTPUT_TEXT},
                                             {"COUNT", "count", OUTPUT_TEXT},
                                             {"FIRST_SEEN", "first_seen", OUTPUT_TIME},
                                             {"LAST_SEEN", "last_seen", OUTPUT_TIME},
                                             {NULL, NULL, 0}};
    output_record(stdout, res, rec, false);
    if (json_array_size(json_object_get(res, "sensors"))) {
      putchar('\n');
      output_list(stdout, json_object_get(res, "sensors"), sens, false);
    }
    if (json_is_true(json_object_get(res, "truncated"))) fprintf(stderr, "objects: the sensor list is truncated\n");
  }
  json_decref(res);
  return total ? CLI_OK : CLI_NOTHING;
}
