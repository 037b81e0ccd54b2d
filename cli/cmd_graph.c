/* cmd_graph.c — graph ATOM: a process's ancestry (insight.parents) and what
 * it did (insight.children: child processes and its other events), drawn as
 * a tree from the oldest recorded ancestor down. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd_table.h"
#include "cli/output.h"
#include "shared/atom.h"

#define GRAPH_CHILDREN_DEFAULT 1000 /* children shown unless --limit */
#define GRAPH_PAYLOAD_MAX 100       /* bytes of a non-process event's payload shown */

static bool is_process(const char *type) {
  return type && (!strcmp(type, "NEW_PROCESS") || !strcmp(type, "EXISTING_PROCESS"));
}

/* One node's text: "TIME PATH (pid N) ATOM" for a process, else
 * "TIME TYPE {payload}" (payload cut). */
static void node_line(const char *prefix, const json_t *ev, bool mark) {
  const json_t *r = json_object_get(ev, "routing"), *p = json_object_get(ev, "event");
  const char *type = json_string_value(json_object_get(r, "event_type"));
  char t[64];
  output_time(json_integer_value(json_object_get(r, "event_time")), t, sizeof t);
  if (is_process(type)) {
    const char *path = json_string_value(json_object_get(p, "FILE_PATH"));
    printf("%s%s %s (pid %lld) %s%s\n", prefix, t, path ? path : "?",
           (long long)json_integer_value(json_object_get(p, "PROCESS_ID")),
           json_string_value(json_object_get(r, "this")) ? json_string_value(json_object_get(r, "this")) : "-",
           mark ? "  <==" : "");
    return;
  }
  char *body = json_dumps(p, JSON_COMPACT);
  const char *b = body ? body : "{}";
  int n = (int)strlen(b);
  printf("%s%s %s %.*s%s\n", prefix, t, type ? type : "?", n > GRAPH_PAYLOAD_MAX ? GRAPH_PAYLOAD_MAX : n, b,
         n > GRAPH_PAYLOAD_MAX ? "…" : "");
  free(body);
}

/* Every child event of atom (deduplicated by event_id across pages: a page
 * boundary repeats events of the boundary's time), at most max. */
static int children(struct cli *c, const char *atom, size_t max, json_t **out) {
  json_t *all = json_array(), *seen = json_object();
  int64_t from = 0;
  for (;;) {
    size_t want = max - json_array_size(all);
    json_t *p = json_pack("{s:s, s:I, s:I}", "atom", atom, "from", (json_int_t)from, "limit",
                          (json_int_t)(want < CLI_LIST_PAGE ? want : CLI_LIST_PAGE));
    json_t *res;
    int rc = cli_call(c, "insight.children", p, &res);
    if (rc) {
      json_decref(all);
      json_decref(seen);
      return rc;
    }
    size_t i, added = 0;
    json_t *ev;
    json_array_foreach(json_object_get(res, "events"), i, ev) {
      const char *id = json_string_value(json_object_get(json_object_get(ev, "routing"), "event_id"));
      if (id && json_object_get(seen, id)) continue;
      if (id) json_object_set_new(seen, id, json_true());
      if (json_array_size(all) < max) json_array_append(all, ev);
      added++;
    }
    json_t *next = json_object_get(res, "next_from");
    bool more = json_is_integer(next) && added && json_array_size(all) < max;
    if (more) from = json_integer_value(next);
    json_decref(res);
    if (!more) break;
  }
  json_decref(seen);
  *out = all;
  return CLI_OK;
}

int cmd_graph(struct cli *c, int argc, char **argv) {
  static const struct option opts[] = {{"limit", required_argument, NULL, 'l'}, {NULL, 0, NULL, 0}};
  long long limit = GRAPH_CHILDREN_DEFAULT;
  int o;
  optind = 1;
  opterr = 0;
  while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    if (o != 'l') return cli_usage("graph", "unknown option %s", argv[optind - 1]);
    if ((limit = cli_number("graph", "--limit", optarg, 1, 1000000)) < 0) return CLI_USAGE;
  }
  if (argc - optind != 1) return cli_usage("graph", "expected one ATOM");
  const char *atom = argv[optind];
  if (!vg_atom_valid(atom)) return cli_usage("graph", "'%s' is not an atom (32 lower-case hex digits)", atom);
  json_t *res, *kids;
  int rc = cli_call(c, "insight.parents", json_pack("{s:s}", "atom", atom), &res);
  if (rc) return rc;
  rc = children(c, atom, (size_t)limit, &kids);
  if (rc) {
    json_decref(res);
    return rc;
  }
  json_t *chain = json_object_get(res, "chain");
  if (c->json) {
    json_t *g = json_pack("{s:s, s:O, s:O}", "atom", atom, "chain", chain, "children", kids);
    output_json_line(stdout, g);
    json_decref(g);
  } else {
    /* Oldest ancestor first, each one level deeper; then the children. */
    size_t n = json_array_size(chain);
    char prefix[4 * 64 + 16] = "";
    size_t at = 0;
    for (size_t i = n; i-- > 0;) {
      char line[sizeof prefix + 8];
      snprintf(line, sizeof line, "%s%s", prefix, i + 1 == n ? "" : "└─ ");
      node_line(line, json_array_get(chain, i), i == 0);
      if (i + 1 != n && at + 3 < sizeof prefix) at += (size_t)snprintf(prefix + at, sizeof prefix - at, "   ");
    }
    size_t k = json_array_size(kids);
    for (size_t i = 0; i < k; i++) {
      char line[sizeof prefix + 8];
      snprintf(line, sizeof line, "%s%s", prefix, i + 1 == k ? "└─ " : "├─ ");
      node_line(line, json_array_get(kids, i), false);
    }
    fprintf(stderr, "graph: %zu ancestor%s, %zu child event%s%s\n", n - 1, n == 2 ? "" : "s", k, k == 1 ? "" : "s",
            k >= (size_t)limit ? " (--limit reached)" : "");
  }
  json_decref(kids);
  json_decref(res);
  return CLI_OK;
}
