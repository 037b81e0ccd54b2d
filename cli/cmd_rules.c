/* cmd_rules.c — detection & response rules (rules list|get|set|delete|
 * enable|disable|test), false-positive rules (fp list|set|delete) and
 * lookup feeds (feeds list|set|delete): docs/rules.md. */
#include <getopt.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd_table.h"
#include "cli/events_file.h"
#include "cli/output.h"
#include "cli/time_arg.h"
#include "shared/alloc.h"
#include "shared/event.h"
#include "shared/limits.h"

static const struct output_col rule_cols[] = {{"NAME", "name", OUTPUT_TEXT},
                                              {"NAMESPACE", "namespace", OUTPUT_TEXT},
                                              {"ENABLED", "enabled", OUTPUT_BOOL},
                                              {"UPDATED", "updated", OUTPUT_TIME},
                                              {"EVALUATIONS", "stats.evaluations", OUTPUT_TEXT},
                                              {"MATCHES", "stats.matches", OUTPUT_TEXT},
                                              {"EXPIRE_ON", "expire_on", OUTPUT_TEXT},
                                              {NULL, NULL, 0}};

/* Parse the options rules commands share; positional arguments stay at
 * argv[optind..]. Returns false after the usage. */
struct rule_opts {
  const char *ns, *name;
  bool disabled;
  long long expire_on; /* epoch seconds, -1 = not given */
  const char *events;  /* rules test --events FILE */
};

static bool rule_options(const char *cmd, int argc, char **argv, struct rule_opts *o) {
  static const struct option opts[] = {{"namespace", required_argument, NULL, 'n'},
                                       {"name", required_argument, NULL, 'N'},
                                       {"disabled", no_argument, NULL, 'd'},
                                       {"expire", required_argument, NULL, 'x'},
                                       {"events", required_argument, NULL, 'e'},
                                       {NULL, 0, NULL, 0}};
  *o = (struct rule_opts){.expire_on = -1};
  int c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    switch (c) {
      case 'n':
        if (strcmp(optarg, "general") && strcmp(optarg, "managed")) {
          cli_usage(cmd, "--namespace: general or managed, not '%s'", optarg);
          return false;
        }
        o->ns = optarg;
        break;
      case 'N': o->name = optarg; break;
      case 'd': o->disabled = true; break;
      case 'x': {
        int64_t t;
        struct vg_err e;
        vg_err_clear(&e);
        if (time_arg_parse(optarg, vg_event_now_ms(), &t, &e)) {
          cli_usage(cmd, "--expire: %s", e.msg);
          return false;
        }
        o->expire_on = t / 1000;
        break;
      }
      case 'e': o->events = optarg; break;
      default: cli_usage(cmd, "unknown option %s", argv[optind - 1]); return false;
    }
  }
  return true;
}

/* A name from a file name: the basename without its extension (heap). */
static char *name_of_file(const char *path) {
  char *copy = vg_xstrdup(path);
  char *base = vg_xstrdup(basename(copy));
  free(copy);
  char *dot = strrchr(base, '.');
  if (dot && dot != base) *dot = '\0';
  return base;
}

static bool name_ok(const char *cmd, const char *name) {
  if (!*name || strlen(name) > VG_LIMIT_RULE_NAME_BYTES || strchr(name, '/')) {
    cli_usage(cmd, "'%s' is not a name (1-%d bytes, no '/')", name, VG_LIMIT_RULE_NAME_BYTES);
    return false;
  }
  return true;
}

int cmd_rules_list(struct cli *c, int argc, char **argv) {
  struct rule_opts o;
  if (!rule_options("rules list", argc, argv, &o)) return CLI_USAGE;
  if (optind < argc) return cli_usage("rules list", "unexpected argument '%s'", argv[optind]);
  json_t *p = json_object(), *res;
  if (o.ns) json_object_set_new(p, "namespace", json_string(o.ns));
  int rc = cli_call(c, "rules.list", p, &res);
  if (rc) return rc;
  output_list(stdout, json_object_get(res, "rules"), rule_cols, c->json);
  json_decref(res);
  return CLI_OK;
}

int cmd_rules_get(struct cli *c, int argc, char **argv) {
  struct rule_opts o;
  if (!rule_options("rules get", argc, argv, &o)) return CLI_USAGE;
  if (argc - optind != 1) return cli_usage("rules get", "expected one NAME");
  json_t *p = json_pack("{s:s}", "name", argv[optind]), *res;
  if (o.ns) json_object_set_new(p, "namespace", json_string(o.ns));
  int rc = cli_call(c, "rules.get", p, &res);
  if (rc) return rc;
  if (c->json) {
    output_json_line(stdout, res);
  } else { /* the YAML as it is, so `rules get X > x.yaml` round-trips */
    const char *y = json_string_value(json_object_get(res, "yaml"));
    fputs(y ? y : "", stdout);
    if (y && *y && y[strlen(y) - 1] != '\n') fputc('\n', stdout);
  }
  json_decref(res);
  return CLI_OK;
}

/* rules set / fp set: FILE → {name, yaml}. */
static int set_from_file(struct cli *c, const char *cmd, const char *method, int argc, char **argv) {
  struct rule_opts o;
  if (!rule_options(cmd, argc, argv, &o)) return CLI_USAGE;
  if (argc - optind != 1) return cli_usage(cmd, "expected one FILE (- for stdin)");
  const char *file = argv[optind];
  if (!strcmp(file, "-") && !o.name) return cli_usage(cmd, "--name is required when the rule comes from stdin");
  char *name = o.name ? vg_xstrdup(o.name) : name_of_file(file);
  char *text;
  size_t len;
  int rc = CLI_USAGE;
  if (!name_ok(cmd, name) || cli_read_file(cmd, file, VG_LIMIT_RULE_YAML_BYTES, &text, &len)) goto out;
  json_t *p = json_pack("{s:s, s:s%}", "name", name, "yaml", text, len);
  free(text);
  if (!strcmp(method, "rules.set")) {
    if (o.ns) json_object_set_new(p, "namespace", json_string(o.ns));
    if (o.disabled) json_object_set_new(p, "enabled", json_false());
    if (o.expire_on >= 0) json_object_set_new(p, "expire_on", json_integer(o.expire_on));
  }
  json_t *res;
  rc = cli_call(c, method, p, &res);
  if (rc) goto out;
  if (c->json) output_json_line(stdout, res);
  else fprintf(stderr, "%s: '%s' set\n", cmd, name);
  json_decref(res);
out:
  free(name);
  return rc;
}

int cmd_rules_set(struct cli *c, int argc, char **argv) { return set_from_file(c, "rules set", "rules.set", argc, argv); }

/* rules delete|enable|disable NAME, fp delete NAME, feeds delete NAME. */
static int by_name(struct cli *c, const char *cmd, const char *method, bool with_ns, int argc, char **argv) {
  struct rule_opts o;
  if (!rule_options(cmd, argc, argv, &o)) return CLI_USAGE;
  if (argc - optind != 1) return cli_usage(cmd, "expected one NAME");
  json_t *p = json_pack("{s:s}", "name", argv[optind]), *res;
  if (with_ns && o.ns) json_object_set_new(p, "namespace", json_string(o.ns));
  int rc = cli_call(c, method, p, &res);
  if (rc) return rc;
  if (c->json) output_json_line(stdout, res);
  else fprintf(stderr, "%s: '%s' done\n", cmd, argv[optind]);
  json_decref(res);
  return CLI_OK;
}

int cmd_rules_delete(struct cli *c, int argc, char **argv) {
  return by_name(c, "rules delete", "rules.delete", true, argc, argv);
}
int cmd_rules_enable(struct cli *c, int argc, char **argv) {
  return by_name(c, "rules enable", "rules.enable", true, argc, argv);
}
int cmd_rules_disable(struct cli *c, int argc, char **argv) {
  return by_name(c, "rules disable", "rules.disable", true, argc, argv);
}

int cmd_rules_test(struct cli *c, int argc, char **argv) {
  struct rule_opts o;
  if (!rule_options("rules test", argc, argv, &o)) return CLI_USAGE;
  if (argc - optind != 1 || !o.events) return cli_usage("rules test", "expected FILE --events FILE");
  char *yaml, *evtext;
  size_t ylen, elen;
  if (cli_read_file("rules test", argv[optind], VG_LIMIT_RULE_YAML_BYTES, &yaml, &ylen)) return CLI_USAGE;
  if (cli_read_file("rules test", o.events, VG_LIMIT_API_MSG_BYTES, &evtext, &elen)) {
    free(yaml);
    return CLI_USAGE;
  }
  json_t *events;
  struct vg_err e;
  vg_err_clear(&e);
  int r = events_file_parse(evtext, elen, o.events, &events, &e);
  free(evtext);
  if (r) {
    free(yaml);
    return cli_usage("rules test", "%s", e.msg);
  }
  json_t *res;
  size_t n = json_array_size(events);
  json_t *keep = json_incref(events);
  int rc = cli_call(c, "rules.test", json_pack("{s:s%, s:o}", "yaml", yaml, ylen, "events", events), &res);
  free(yaml);
  if (rc) {
    json_decref(keep);
    return rc;
  }
  json_t *matches = json_object_get(res, "matches"), *m;
  size_t i;
  if (c->json) {
    output_json_line(stdout, res);
  } else {
    /* The matched event's type and time beside each index. */
    json_array_foreach(matches, i, m) {
      json_t *ev = json_array_get(keep, (size_t)json_integer_value(json_object_get(m, "index")));
      json_object_set_new(m, "event_type", json_string(vg_event_get_type(ev) ? vg_event_get_type(ev) : "-"));
      json_object_set_new(m, "event_time", json_integer(vg_event_get_time(ev)));
    }
    static const struct output_col cols[] = {{"INDEX", "index", OUTPUT_TEXT},
                                             {"EVENT_TYPE", "event_type", OUTPUT_TEXT},
                                             {"TIME", "event_time", OUTPUT_TIME},
                                             {"ACTIONS", "actions", OUTPUT_TEXT},
                                             {NULL, NULL, 0}};
    output_list(stdout, matches, cols, false);
  }
  fprintf(stderr, "rules test: %zu of %zu events match (%lld ns evaluating)\n", json_array_size(matches), n,
          (long long)json_integer_value(json_object_get(res, "eval_ns")));
  rc = json_array_size(matches) ? CLI_OK : CLI_NOTHING;
  json_decref(res);
  json_decref(keep);
  return rc;
}

static int list_of(struct cli *c, const char *cmd, const char *method, const char *key,
                   const struct output_col *cols, int argc, char **argv) {
  struct rule_opts o;
  if (!rule_options(cmd, argc, argv, &o)) return CLI_USAGE;
  if (optind < argc) return cli_usage(cmd, "unexpected argument '%s'", argv[optind]);
  json_t *res;
  int rc = cli_call(c, method, json_object(), &res);
  if (rc) return rc;
  output_list(stdout, json_object_get(res, key), cols, c->json);
  json_decref(res);
  return CLI_OK;
}

int cmd_fp_list(struct cli *c, int argc, char **argv) {
  static const struct output_col cols[] = {
      {"NAME", "name", OUTPUT_TEXT}, {"UPDATED", "updated", OUTPUT_TIME}, {"YAML", "yaml", OUTPUT_TEXT}, {NULL, NULL, 0}};
  return list_of(c, "fp list", "fp.list", "fp", cols, argc, argv);
}
int cmd_fp_set(struct cli *c, int argc, char **argv) { return set_from_file(c, "fp set", "fp.set", argc, argv); }
int cmd_fp_delete(struct cli *c, int argc, char **argv) { return by_name(c, "fp delete", "fp.delete", false, argc, argv); }

int cmd_feeds_list(struct cli *c, int argc, char **argv) {
  static const struct output_col cols[] = {{"NAME", "name", OUTPUT_TEXT},
                                           {"FILE", "file", OUTPUT_TEXT},
                                           {"ENTRIES", "entries", OUTPUT_TEXT},
                                           {"ERROR", "error", OUTPUT_TEXT},
                                           {NULL, NULL, 0}};
  return list_of(c, "feeds list", "feeds.list", "feeds", cols, argc, argv);
}

int cmd_feeds_set(struct cli *c, int argc, char **argv) {
  struct rule_opts o;
  if (!rule_options("feeds set", argc, argv, &o)) return CLI_USAGE;
  if (argc - optind != 2) return cli_usage("feeds set", "expected NAME FILE (FILE under the server's <data_dir>/feeds/)");
  if (!name_ok("feeds set", argv[optind])) return CLI_USAGE;
  json_t *res;
  int rc = cli_call(c, "feeds.set", json_pack("{s:s, s:s}", "name", argv[optind], "file", argv[optind + 1]), &res);
  if (rc) return rc;
  if (c->json) output_json_line(stdout, res);
  else fprintf(stderr, "feeds set: '%s' loaded\n", argv[optind]);
  json_decref(res);
  return CLI_OK;
}

int cmd_feeds_delete(struct cli *c, int argc, char **argv) {
  return by_name(c, "feeds delete", "feeds.delete", false, argc, argv);
}
