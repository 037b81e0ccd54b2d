/* cmd_wizard.c — wizard: the IOC wizard as flags (cli/wizard.c builds the
 * rule, shared/rule.c emits its YAML and loads it back as a check); prints
 * the YAML, and with --apply stores it (rules.set). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd_table.h"
#include "cli/output.h"
#include "cli/wizard.h"
#include "shared/alloc.h"
#include "shared/rule.h"

/* "a,b" or one value per option: each through add. */
static int each(const char *s, struct wizard *w, int kind, struct vg_err *e,
                int (*add)(struct wizard *, int, const char *, struct vg_err *)) {
  char *list = vg_xstrdup(s), *save = NULL;
  int r = 0;
  for (char *t = strtok_r(list, ",", &save); t && !r; t = strtok_r(NULL, ",", &save)) r = add(w, kind, t, e);
  free(list);
  return r;
}
static int add_ioc(struct wizard *w, int kind, const char *v, struct vg_err *e) {
  return wizard_add_ioc(w, (enum wizard_ioc)kind, v, e);
}
static int add_platform(struct wizard *w, int kind, const char *v, struct vg_err *e) {
  (void)kind;
  return wizard_add_platform(w, v, e);
}
static int add_response(struct wizard *w, int kind, const char *v, struct vg_err *e) {
  (void)kind;
  return wizard_add_response(w, v, e);
}

int cmd_wizard(struct cli *c, int argc, char **argv) {
  static const struct option opts[] = {{"domain", required_argument, NULL, 'd'},
                                       {"ip", required_argument, NULL, 'i'},
                                       {"hash", required_argument, NULL, 'h'},
                                       {"path-suffix", required_argument, NULL, 'p'},
                                       {"platform", required_argument, NULL, 'P'},
                                       {"respond", required_argument, NULL, 'r'},
                                       {"name", required_argument, NULL, 'n'},
                                       {"priority", required_argument, NULL, 'y'},
                                       {"apply", no_argument, NULL, 'a'},
                                       {NULL, 0, NULL, 0}};
  struct wizard w;
  wizard_init(&w);
  struct vg_err e;
  vg_err_clear(&e);
  bool apply = false;
  int o, r = 0, rc = CLI_USAGE;
  optind = 1;
  opterr = 0;
  while (!r && (o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    switch (o) {
      case 'd': r = each(optarg, &w, WIZARD_DOMAIN, &e, add_ioc); break;
      case 'i': r = each(optarg, &w, WIZARD_IP, &e, add_ioc); break;
      case 'h': r = each(optarg, &w, WIZARD_HASH, &e, add_ioc); break;
      case 'p': r = wizard_add_ioc(&w, WIZARD_PATH_SUFFIX, optarg, &e); break; /* paths may hold ',' */
      case 'P': r = each(optarg, &w, 0, &e, add_platform); break;
      case 'r': r = each(optarg, &w, 0, &e, add_response); break;
      case 'n': w.name = optarg; break;
      case 'y': {
        long long p = cli_number("wizard", "--priority", optarg, 0, 10);
        if (p < 0) goto out;
        w.priority = (int)p;
        break;
      }
      case 'a': apply = true; break;
      default: cli_usage("wizard", "unknown option %s", argv[optind - 1]); goto out;
    }
  }
  if (r) {
    cli_usage("wizard", "%s", e.msg);
    goto out;
  }
  if (optind < argc) {
    cli_usage("wizard", "unexpected argument '%s'", argv[optind]);
    goto out;
  }
  if (w.name && (strlen(w.name) > VG_LIMIT_RULE_NAME_BYTES || strchr(w.name, '/'))) {
    cli_usage("wizard", "--name: 1-%d bytes, no '/'", VG_LIMIT_RULE_NAME_BYTES);
    goto out;
  }
  json_t *rule = wizard_rule(&w, &e);
  if (!rule) {
    cli_usage("wizard", "%s", e.msg);
    goto out;
  }
  char *yaml = vg_rule_emit(rule);
  json_decref(rule);
  /* What we print must be what the engine loads. */
  struct vg_rule *check;
  if (vg_rule_load(yaml, strlen(yaml), w.name, &check, &e)) {
    rc = cli_fail(CLI_API, "wizard: the emitted rule does not load (a bug): %s", e.msg);
    free(yaml);
    goto out;
  }
  vg_rule_free(check);
  json_t *res = NULL;
  if (apply) {
    rc = cli_call(c, "rules.set", json_pack("{s:s, s:s}", "name", w.name, "yaml", yaml), &res);
    if (rc) {
      free(yaml);
      goto out;
    }
  }
  if (c->json) {
    json_t *j = res ? json_incref(res) : json_pack("{s:s, s:s}", "name", w.name, "yaml", yaml);
    output_json_line(stdout, j);
    json_decref(j);
  } else {
    fputs(yaml, stdout);
  }
  if (apply && !c->json) fprintf(stderr, "wizard: rule '%s' set\n", w.name);
  json_decref(res);
  free(yaml);
  rc = CLI_OK;
out:
  wizard_cleanup(&w);
  return rc;
}
