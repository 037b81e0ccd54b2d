/* cmd_sensors.c — sensors list/get/delete/isolate/events and tag add/remove. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd_table.h"
#include "cli/output.h"

static const struct output_col sensor_cols[] = {
    {"SID", "sid", OUTPUT_TEXT},          {"HOSTNAME", "hostname", OUTPUT_TEXT},
    {"ONLINE", "online", OUTPUT_BOOL},    {"INT_IP", "int_ip", OUTPUT_TEXT},
    {"VERSION", "version", OUTPUT_TEXT},  {"LAST_CONNECT", "last_connect", OUTPUT_TIME},
    {"TAGS", "tags", OUTPUT_KEYS},        {NULL, NULL, 0}};

static const struct output_col sensor_record[] = {
    {"sid", "sid", OUTPUT_TEXT},
    {"hostname", "hostname", OUTPUT_TEXT},
    {"online", "online", OUTPUT_BOOL},
    {"isolated", "isolated", OUTPUT_BOOL},
    {"platform", "plat", OUTPUT_TEXT},
    {"arch", "arch", OUTPUT_TEXT},
    {"internal ip", "int_ip", OUTPUT_TEXT},
    {"external ip", "ext_ip", OUTPUT_TEXT},
    {"version", "version", OUTPUT_TEXT},
    {"collectors", "collectors", OUTPUT_TEXT},
    {"installation key", "iid", OUTPUT_TEXT},
    {"first seen", "first_seen", OUTPUT_TIME},
    {"last connect", "last_connect", OUTPUT_TIME},
    {"last disconnect", "last_disconnect", OUTPUT_TIME},
    {"tags", "tags", OUTPUT_TEXT},
    {"events", "selection", OUTPUT_TEXT},
    {NULL, NULL, 0}};

int cmd_sensors_list(struct cli *c, int argc, char **argv) {
  static const struct option opts[] = {
      {"tag", required_argument, NULL, 't'},      {"platform", required_argument, NULL, 'p'},
      {"online", no_argument, NULL, 'o'},         {"offline", no_argument, NULL, 'f'},
      {"hostname", required_argument, NULL, 'H'}, {"limit", required_argument, NULL, 'l'},
      {NULL, 0, NULL, 0}};
  json_t *p = json_object();
  long long limit = 0;
  int o;
  optind = 1;
  opterr = 0;
  while ((o = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
    switch (o) {
      case 't': json_object_set_new(p, "tag", json_string(optarg)); break;
      case 'p': json_object_set_new(p, "platform", json_string(optarg)); break;
      case 'o': json_object_set_new(p, "online", json_true()); break;
      case 'f': json_object_set_new(p, "online", json_false()); break;
      case 'H': json_object_set_new(p, "hostname", json_string(optarg)); break;
      case 'l':
        if ((limit = cli_number("sensors list", "--limit", optarg, 1, 1000000)) < 0) goto usage;
        break;
      default: cli_usage("sensors list", "unknown option %s", argv[optind - 1]); goto usage;
    }
  }
  if (optind < argc) {
    cli_usage("sensors list", "unexpected argument '%s'", argv[optind]);
    goto usage;
  }
  json_t *items;
  int rc = cli_call_list(c, "sensors.list", p, "sensors", (size_t)limit, &items);
  if (rc) return rc;
  output_list(stdout, items, sensor_cols, c->json);
  json_decref(items);
  return CLI_OK;
usage:
  json_decref(p);
  return CLI_USAGE;
}

/* A command taking exactly n positional arguments (no options). */
static bool positional(const char *name, int argc, int n) {
  if (argc == n + 1) return true;
  cli_usage(name, argc < n + 1 ? "missing argument" : "too many arguments");
  return false;
}

int cmd_sensors_get(struct cli *c, int argc, char **argv) {
  if (!positional("sensors get", argc, 1)) return CLI_USAGE;
  json_t *res;
  int rc = cli_call(c, "sensors.get", json_pack("{s:s}", "sid", argv[1]), &res);
  if (rc) return rc;
  output_record(stdout, res, sensor_record, c->json);
  json_decref(res);
  return CLI_OK;
}

int cmd_sensors_delete(struct cli *c, int argc, char **argv) {
  if (!positional("sensors delete", argc, 1)) return CLI_USAGE;
  json_t *res;
  int rc = cli_call(c, "sensors.delete", json_pack("{s:s}", "sid", argv[1]), &res);
  if (rc) return rc;
  if (c->json) output_json_line(stdout, res);
  else printf("deleted %s\n", argv[1]);
  json_decref(res);
  return CLI_OK;
}

int cmd_sensors_isolate(struct cli *c, int argc, char **argv) {
  if (!positional("sensors isolate", argc, 2)) return CLI_USAGE;
  bool on = !strcmp(argv[2], "on");
  if (!on && strcmp(argv[2], "off")) return cli_usage("sensors isolate", "say on or off, not '%s'", argv[2]);
  json_t *res;
  int rc = cli_call(c, "sensors.isolation.set", json_pack("{s:s, s:b}", "sid", argv[1], "isolated", on),
                    &res);
  if (rc) return rc;
  if (c->json) output_json_line(stdout, res);
  else printf("%s %s%s\n", argv[1], on ? "isolated" : "rejoined",
              json_is_true(json_object_get(res, "online")) ? "" : " (applied when it connects)");
  json_decref(res);
  return CLI_OK;
}

int cmd_sensors_selection(struct cli *c, int argc, char **argv) {
  if (argc != 2 && argc != 3) return cli_usage("sensors events", "expected SID [EVENT_TYPE,...]");
  json_t *res;
  int rc;
  if (argc == 2) {
    rc = cli_call(c, "sensors.events.get", json_pack("{s:s}", "sid", argv[1]), &res);
  } else {
    json_t *types = json_array();
    char *list = strdup(argv[2]), *save = NULL;
    for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save))
      json_array_append_new(types, json_string(t));
    free(list);
    rc = cli_call(c, "sensors.events.set", json_pack("{s:s, s:o}", "sid", argv[1], "events", types), &res);
  }
  if (rc) return rc;
  json_t *ev = json_object_get(res, "events");
  if (c->json) {
    output_json_line(stdout, res);
  } else {
    size_t i;
    json_t *t;
    json_array_foreach(ev, i, t) printf("%s\n", json_string_value(t));
  }
  json_decref(res);
  return CLI_OK;
}

/* tag add SID TAG [--ttl D] / tag remove SID TAG (argv[0] says which). */
int cmd_sensors_tag(struct cli *c, int argc, char **argv) {
  bool add = !strcmp(argv[0], "add");
  const char *name = add ? "tag add" : "tag remove";
  static const struct option opts[] = {{"ttl", required_argument, NULL, 't'}, {NULL, 0, NULL, 0}};
  long long ttl = -1;
  int o;
  optind = 1;
  opterr = 0;
  while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    if (o == 't' && add) {
      if ((ttl = cli_seconds(name, "--ttl", optarg, 10LL * 366 * 86400)) < 0) return CLI_USAGE;
    } else {
      return cli_usage(name, "unknown option %s", argv[optind - 1]);
    }
  }
  if (argc - optind != 2) return cli_usage(name, "expected SID TAG");
  json_t *p = json_pack("{s:s, s:s}", "sid", argv[optind], "tag", argv[optind + 1]);
  if (ttl >= 0) json_object_set_new(p, "ttl", json_integer(ttl));
  json_t *res;
  int rc = cli_call(c, add ? "sensors.tags.add" : "sensors.tags.remove", p, &res);
  if (rc) return rc;
  if (c->json) {
    output_json_line(stdout, res);
  } else {
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(res, "tags"), k, v) {
      char t[64];
      printf("%s\t%s\n", k, json_integer_value(v) ? output_time(json_integer_value(v), t, sizeof t) : "-");
    }
  }
  json_decref(res);
  return CLI_OK;
}
