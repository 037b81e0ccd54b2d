/* main.c — vigild entry point: command-line options. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "backend/daemon.h"
#include "shared/alloc.h"
#include "shared/version.h"

static void usage(FILE *out) {
  fprintf(out,
          "usage: vigild [options]\n"
          "\n"
          "The Vigil backend. With no options it runs on embedded defaults with its\n"
          "data in ./vigil-data.\n"
          "\n"
          "  -c, --config FILE        YAML configuration file (see --help-config)\n"
          "  -d, --data-dir DIR       data directory (data_dir)\n"
          "      --sensor-listen H:P  sensor gateway address (sensor.listen)\n"
          "      --api-listen H:P     client API address (api.listen)\n"
          "      --log-file FILE      log to FILE instead of stderr (log.file)\n"
          "      --log-level LEVEL    error|warn|info|debug|trace (log.level)\n"
          "  -s, --set KEY=VALUE      set any configuration key\n"
          "      --create-org NAME    create an organisation with an admin key and an\n"
          "                           installation key (vigild must be stopped), exit\n"
          "      --help-config        list every configuration key and exit\n"
          "      --help-config-markdown  the same as a markdown table (docs/operations.md)\n"
          "  -h, --help               show this help and exit\n"
          "  -V, --version            show the version and exit\n"
          "\n"
          "Signals: SIGTERM/SIGINT stop cleanly, SIGHUP reloads the configuration.\n");
}

enum { OPT_SENSOR = 256, OPT_API, OPT_LOGFILE, OPT_LOGLEVEL, OPT_HELPCFG, OPT_HELPCFG_MD, OPT_CREATE_ORG };

int main(int argc, char **argv) {
  static const struct option opts[] = {
      {"config", required_argument, NULL, 'c'},
      {"data-dir", required_argument, NULL, 'd'},
      {"sensor-listen", required_argument, NULL, OPT_SENSOR},
      {"api-listen", required_argument, NULL, OPT_API},
      {"log-file", required_argument, NULL, OPT_LOGFILE},
      {"log-level", required_argument, NULL, OPT_LOGLEVEL},
      {"set", required_argument, NULL, 's'},
      {"create-org", required_argument, NULL, OPT_CREATE_ORG},
      {"help-config", no_argument, NULL, OPT_HELPCFG},
      {"help-config-markdown", no_argument, NULL, OPT_HELPCFG_MD},
      {"help", no_argument, NULL, 'h'},
      {"version", no_argument, NULL, 'V'},
      {NULL, 0, NULL, 0}};
  struct daemon_opts d = {0};
  d.sets = vg_xcalloc((size_t)argc + 1, sizeof(char *));
  int c, rc = 0;
  while ((c = getopt_long(argc, argv, "c:d:s:hV", opts, NULL)) != -1) {
    const char *key = NULL;
    switch (c) {
      case 'c': d.config_path = optarg; break;
      case 'd': key = "data_dir"; break;
      case OPT_SENSOR: key = "sensor.listen"; break;
      case OPT_API: key = "api.listen"; break;
      case OPT_LOGFILE: key = "log.file"; break;
      case OPT_LOGLEVEL: key = "log.level"; break;
      case 's': d.sets[d.nsets++] = vg_xstrdup(optarg); break;
      case OPT_CREATE_ORG: d.create_org = optarg; break;
      case OPT_HELPCFG: vg_config_help(vigild_config_table, stdout); goto out;
      case OPT_HELPCFG_MD: vg_config_markdown(vigild_config_table, stdout); goto out;
      case 'h': usage(stdout); goto out;
      case 'V': vg_version_print(stdout, "vigild"); goto out;
      default: usage(stderr); rc = 2; goto out;
    }
    if (key) d.sets[d.nsets++] = vg_xasprintf("%s=%s", key, optarg);
  }
  if (optind < argc) {
    fprintf(stderr, "vigild: unexpected argument '%s'\n", argv[optind]);
    usage(stderr);
    rc = 2;
    goto out;
  }
  rc = daemon_run(&d);
out:
  for (int i = 0; i < d.nsets; i++) free(d.sets[i]);
  free(d.sets);
  return rc;
}
