/* cmd_login.c — login (store credentials after checking them), use (pick
 * the default environment), whoami. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli/cmd_table.h"
#include "cli/output.h"

/* One line from stdin after prompting on stderr; no echo for secrets on a
 * terminal. false at end of input. */
static bool ask(const char *prompt, bool secret, char *buf, size_t n) {
  fprintf(stderr, "%s: ", prompt);
  fflush(stderr);
  struct termios old, quiet;
  bool tty = secret && isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
  if (tty) {
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)ECHO;
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  bool ok = fgets(buf, (int)n, stdin) != NULL;
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSANOW, &old);
    fputc('\n', stderr);
  }
  if (ok) buf[strcspn(buf, "\r\n")] = '\0';
  return ok;
}

int cmd_login(struct cli *c, int argc, char **argv) {
  static const struct option opts[] = {{"no-default", no_argument, NULL, 'D'}, {NULL, 0, NULL, 0}};
  bool no_default = false;
  int o;
  optind = 1;
  opterr = 0;
  while ((o = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
    if (o == 'D') no_default = true;
    else return cli_usage("login", "unknown option %s", argv[optind - 1]);
  }
  if (optind < argc) return cli_usage("login", "unexpected argument '%s'", argv[optind]);
  struct vg_creds cr;
  memset(&cr, 0, sizeof cr);
  const char *given[] = {c->flags.url, c->flags.oid, c->flags.api_key};
  char *slots[] = {cr.url, cr.oid, cr.api_key};
  size_t caps[] = {sizeof cr.url, sizeof cr.oid, sizeof cr.api_key};
  const char *prompts[] = {"API URL (wss://host:7444)", "Organisation id", "API key"};
  for (int i = 0; i < 3; i++) {
    if (given[i]) {
      snprintf(slots[i], caps[i], "%s", given[i]);
    } else if (!ask(prompts[i], i == 2, slots[i], caps[i]) || !slots[i][0]) {
      return cli_fail(CLI_USAGE, "login: %s not given", prompts[i]);
    }
  }
  if (c->flags.ca_file) {
    if (!realpath(c->flags.ca_file, cr.ca_file))
      return cli_fail(CLI_USAGE, "login: --ca %s: no such file", c->flags.ca_file);
  } else if (!c->flags.url) {
    char ca[VG_LIMIT_FILE_PATH_BYTES];
    if (ask("CA certificate file (vigild's <data-dir>/tls/ca.pem)", false, ca, sizeof ca) && ca[0] &&
        !realpath(ca, cr.ca_file))
      return cli_fail(CLI_USAGE, "login: %s: no such file", ca);
  }
  /* Check them: the flags path validates values the same way. */
  struct vg_creds_flags f = {.url = cr.url, .oid = cr.oid, .api_key = cr.api_key,
                             .ca_file = cr.ca_file[0] ? cr.ca_file : NULL};
  struct vg_err e;
  vg_err_clear(&e);
  struct vg_creds chk;
  if (vg_creds_resolve(&f, &chk, &e)) return cli_fail(CLI_USAGE, "login: %s", e.msg);
  struct vg_api *a = vg_api_connect(&chk, false, c->api_timeout_ms, &e);
  if (!a) return cli_fail(CLI_CONNECT, "login: not saved: %s", e.msg);
  json_t *s = vg_api_session(a);
  const char *env = c->flags.env ? c->flags.env : "default";
  int r = vg_creds_save(env, &cr, !no_default, &e);
  char path[VG_LIMIT_FILE_PATH_BYTES];
  vg_creds_user_file(path, sizeof path, NULL);
  if (!r)
    fprintf(stderr, "vigilctl: logged in to %s as %s (key %s); environment '%s' saved in %s\n", cr.oid,
            json_string_value(json_object_get(s, "role")), json_string_value(json_object_get(s, "key_id")),
            env, path);
  json_decref(s);
  vg_api_close(a);
  memset(&cr, 0, sizeof cr);
  return r ? cli_fail(CLI_CREDS, "login: %s", e.msg) : CLI_OK;
}

int cmd_login_use(struct cli *c, int argc, char **argv) {
  (void)c;
  if (argc != 2) return cli_usage("use", "expected one environment name");
  struct vg_err e;
  vg_err_clear(&e);
  int r = vg_creds_use(argv[1], &e);
  if (r) return cli_fail(r == -VG_ENOTFOUND ? CLI_NOTHING : CLI_CREDS, "use: %s", e.msg);
  fprintf(stderr, "vigilctl: environment '%s' is the default\n", argv[1]);
  return CLI_OK;
}

int cmd_login_whoami(struct cli *c, int argc, char **argv) {
  (void)argv;
  if (argc != 1) return cli_usage("whoami", "takes no arguments");
  json_t *org;
  int rc = cli_call(c, "org.info", NULL, &org);
  if (rc) return rc;
  json_t *s = vg_api_session(c->api);
  json_t *me = json_pack("{s:s, s:O?, s:O?, s:O?, s:O?, s:O?, s:s, s:s, s:s}", "url", c->creds.url, "oid",
                         json_object_get(org, "oid"), "organisation", json_object_get(org, "name"),
                         "role", json_object_get(s, "role"), "key_id", json_object_get(s, "key_id"),
                         "sensors", json_object_get(org, "sensors"), "env", c->creds.env, "source",
                         c->creds.source, "online", "");
  json_object_set(me, "online", json_object_get(org, "online"));
  static const struct output_col cols[] = {
      {"organisation", "organisation", OUTPUT_TEXT}, {"oid", "oid", OUTPUT_TEXT},
      {"role", "role", OUTPUT_TEXT},                 {"key", "key_id", OUTPUT_TEXT},
      {"url", "url", OUTPUT_TEXT},                   {"sensors", "sensors", OUTPUT_TEXT},
      {"online", "online", OUTPUT_TEXT},             {"environment", "env", OUTPUT_TEXT},
      {"credentials", "source", OUTPUT_TEXT},        {NULL, NULL, 0}};
  output_record(stdout, me, cols, c->json);
  json_decref(me);
  json_decref(s);
  json_decref(org);
  return CLI_OK;
}
