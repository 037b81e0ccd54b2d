/* cmd_keys.c — keys and installation-keys: list, create (the secret is
 * printed once), revoke. */
#include <getopt.h>
#include <string.h>

#include "cli/cmd_table.h"
#include "cli/output.h"

static const struct output_col key_cols[] = {{"KEY_ID", "key_id", OUTPUT_TEXT},
                                             {"NAME", "name", OUTPUT_TEXT},
                                             {"ROLE", "role", OUTPUT_TEXT},
                                             {"CREATED", "created", OUTPUT_TIME},
                                             {NULL, NULL, 0}};
static const struct output_col ikey_cols[] = {{"IID", "iid", OUTPUT_TEXT},
                                              {"NAME", "name", OUTPUT_TEXT},
                                              {"CREATED", "created", OUTPUT_TIME},
                                              {"TAGS", "tags", OUTPUT_TEXT},
                                              {NULL, NULL, 0}};

static int list(struct cli *c, const char *name, int argc, const char *method, const char *key,
                const struct output_col *cols) {
  if (argc != 1) return cli_usage(name, "takes no arguments");
  json_t *res;
  int rc = cli_call(c, method, NULL, &res);
  if (rc) return rc;
  output_list(stdout, json_object_get(res, key), cols, c->json);
  json_decref(res);
  return CLI_OK;
}

int cmd_keys_list(struct cli *c, int argc, char **argv) {
  (void)argv;
  return list(c, "keys list", argc, "keys.list", "keys", key_cols);
}

int cmd_keys_inst_list(struct cli *c, int argc, char **argv) {
  (void)argv;
  return list(c, "installation-keys list", argc, "installation_keys.list", "installation_keys", ikey_cols);
}

int cmd_keys_create(struct cli *c, int argc, char **argv) {
  static const struct option opts[] = {{"role", required_argument, NULL, 'r'}, {NULL, 0, NULL, 0}};
  const char *role = NULL;
  int o;
  optind = 1;
  opterr = 0;
  while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    if (o == 'r') role = optarg;
    else return cli_usage("keys create", "unknown option %s", argv[optind - 1]);
  }
  if (argc - optind != 1 || !role) return cli_usage("keys create", "expected NAME --role ROLE");
  json_t *res;
  int rc = cli_call(c, "keys.create", json_pack("{s:s, s:s}", "name", argv[optind], "role", role), &res);
  if (rc) return rc;
  if (c->json) {
    output_json_line(stdout, res);
  } else {
    json_t *k = json_object_get(res, "key");
    printf("key_id   %s\nname     %s\nrole     %s\napi_key  %s\n", json_string_value(json_object_get(k, "key_id")),
           json_string_value(json_object_get(k, "name")), json_string_value(json_object_get(k, "role")),
           json_string_value(json_object_get(res, "api_key")));
    fprintf(stderr, "vigilctl: the api_key is shown only now\n");
  }
  json_decref(res);
  return CLI_OK;
}

int cmd_keys_inst_create(struct cli *c, int argc, char **argv) {
  if (argc != 2) return cli_usage("installation-keys create", "expected NAME");
  json_t *res;
  int rc = cli_call(c, "installation_keys.create", json_pack("{s:s}", "name", argv[1]), &res);
  if (rc) return rc;
  if (c->json) {
    output_json_line(stdout, res);
  } else {
    json_t *k = json_object_get(res, "installation_key");
    printf("iid   %s\nname  %s\nkey   %s\n", json_string_value(json_object_get(k, "iid")),
           json_string_value(json_object_get(k, "name")), json_string_value(json_object_get(res, "key")));
    fprintf(stderr, "vigilctl: the key is shown only now\n");
  }
  json_decref(res);
  return CLI_OK;
}

static int revoke(struct cli *c, const char *name, int argc, char **argv, const char *method,
                  const char *member) {
  if (argc != 2) return cli_usage(name, "expected one id");
  json_t *res;
  int rc = cli_call(c, method, json_pack("{s:s}", member, argv[1]), &res);
  if (rc) return rc;
  if (c->json) output_json_line(stdout, res);
  else printf("revoked %s\n", argv[1]);
  json_decref(res);
  return CLI_OK;
}

int cmd_keys_revoke(struct cli *c, int argc, char **argv) {
  return revoke(c, "keys revoke", argc, argv, "keys.revoke", "key_id");
}

int cmd_keys_inst_revoke(struct cli *c, int argc, char **argv) {
  return revoke(c, "installation-keys revoke", argc, argv, "installation_keys.revoke", "iid");
}
