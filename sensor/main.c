/* main.c — vigil-sensor entry point: options, enrollment, then the runtime
 * in the foreground (docs/sensor.md). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sensor/cmd.h"
#include "sensor/collector.h"
#include "sensor/history.h"
#include "sensor/runtime.h"
#include "sensor/spool.h"
#include "sensor/state.h"
#include "shared/log.h"
#include "shared/version.h"

enum { OPT_ENROLL = 1000, OPT_BACKEND, OPT_CA, OPT_STATE, OPT_SPOOL, OPT_HISTORY, OPT_LEVEL,
       OPT_LOGFILE, OPT_HELP, OPT_VERSION, OPT_HELPCMD, OPT_COLLECTORS, OPT_NO_EBPF };

/* One table drives getopt and --help. */
static const struct opt_row {
  const char *name, *arg, *help;
  int id;
} opts[] = {
    {"enroll", "INSTALLATION_KEY", "enroll with vigild once (needs --backend and --ca), then exit",
     OPT_ENROLL},
    {"backend", "HOST:PORT", "vigild's sensor gateway (with --enroll)", OPT_BACKEND},
    {"ca", "CA.pem", "vigild's CA certificate, pinned (with --enroll)", OPT_CA},
    {"state-dir", "DIR", "identity, spool and state (default " STATE_DEFAULT_DIR ")", OPT_STATE},
    {"spool-max-mib", "N", "bound on the on-disk spool in MiB (default 256, minimum 1)",
     OPT_SPOOL},
    {"history-events", "N", "events kept in the local history ring (default 2048)", OPT_HISTORY},
    {"collectors", "LIST",
     "run only these collectors (comma-separated kinds proc,file,dns,net or names "
     "proc-ebpf,net-ebpf; default all)",
     OPT_COLLECTORS},
    {"no-ebpf", NULL, "never load eBPF: use the proc connector and sock_diag collectors",
     OPT_NO_EBPF},
    {"log-level", "LEVEL", "error, warn, info (default), debug, trace", OPT_LEVEL},
    {"log-file", "PATH", "log here instead of stderr (SIGHUP reopens)", OPT_LOGFILE},
    {"help-commands", NULL, "list the commands the sensor answers, and exit", OPT_HELPCMD},
    {"help", NULL, "show this help and exit", OPT_HELP},
    {"version", NULL, "show the version and exit", OPT_VERSION},
};
#define NOPTS (sizeof(opts) / sizeof(opts[0]))

static void usage(FILE *f) {
  fprintf(f, "usage: vigil-sensor [options]\n"
             "       vigil-sensor --enroll KEY --backend HOST:PORT --ca CA.pem [--state-dir DIR]\n\n"
             "The Vigil endpoint sensor: collects telemetry from this host's kernel\n"
             "interfaces and answers live commands from vigild. Runs in the foreground.\n\n");
  for (size_t i = 0; i < NOPTS; i++) {
    char left[64];
    snprintf(left, sizeof(left), "--%s%s%s", opts[i].name, opts[i].arg ? " " : "",
             opts[i].arg ? opts[i].arg : "");
    fprintf(f, "  %-32s %s\n", left, opts[i].help);
  }
}

static void help_commands(void) {
  size_t n;
  const struct cmd *t = cmd_table(&n);
  for (size_t i = 0; i < n; i++) printf("%-55s %s\n", t[i].usage, t[i].help);
}

static int parse_u64(const char *s, unsigned long long lo, unsigned long long hi,
                     unsigned long long *out) {
  char *end;
  if (!s || *s == '-') return -1;
  unsigned long long v = strtoull(s, &end, 10);
  if (*end || end == s || v < lo || v > hi) return -1;
  *out = v;
  return 0;
}

int main(int argc, char **argv) {
  struct option lo[NOPTS + 1];
  memset(lo, 0, sizeof(lo));
  for (size_t i = 0; i < NOPTS; i++)
    lo[i] = (struct option){opts[i].name, opts[i].arg ? required_argument : no_argument, NULL,
                            opts[i].id};
  const char *key = NULL, *backend = NULL, *ca = NULL, *dir = STATE_DEFAULT_DIR;
  struct runtime_opts ro = {.argv = argv};
  int c;
  unsigned long long v;
  while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
    switch (c) {
    case OPT_ENROLL: key = optarg; break;
    case OPT_BACKEND: backend = optarg; break;
    case OPT_CA: ca = optarg; break;
    case OPT_COLLECTORS: {
      const char *badp;
      size_t k;
      if (!collector_list_valid(optarg, &badp, &k)) {
        fprintf(stderr, "vigil-sensor: --collectors: unknown collector '%.*s'\n", (int)k, badp);
        return 2;
      }
      ro.collectors = optarg;
      break;
    }
    case OPT_NO_EBPF: ro.no_ebpf = true; break;
    case OPT_STATE: dir = optarg; break;
    case OPT_SPOOL:
      if (parse_u64(optarg, 1, 1ull << 20, &v)) goto bad;
      ro.spool_max_bytes = v << 20;
      break;
    case OPT_HISTORY:
      if (parse_u64(optarg, 1, HISTORY_MAX_EVENTS, &v)) goto bad;
      ro.history_events = (size_t)v;
      break;
    case OPT_LEVEL: {
      enum vg_log_level l;
      if (vg_log_level_parse(optarg, &l)) goto bad;
      vg_log_set_level(l);
      break;
    }
    case OPT_LOGFILE:
      if (vg_log_open(optarg)) {
        fprintf(stderr, "vigil-sensor: cannot open log file %s\n", optarg);
        return 1;
      }
      break;
    case OPT_HELP: usage(stdout); return 0;
    case OPT_VERSION: vg_version_print(stdout, "vigil-sensor"); return 0;
    case OPT_HELPCMD: help_commands(); return 0;
    default: goto bad;
    }
  }
  if (optind != argc) goto bad;
  ro.state_dir = dir;
  if (key) {
    if (!backend || !ca) {
      fprintf(stderr, "vigil-sensor: --enroll needs --backend HOST:PORT and --ca CA.pem\n");
      return 2;
    }
    const char *colon = strrchr(backend, ':');
    unsigned long long port;
    if (!colon || colon == backend || parse_u64(colon + 1, 1, 65535, &port)) {
      fprintf(stderr, "vigil-sensor: --backend: expected HOST:PORT, got '%s'\n", backend);
      return 2;
    }
    char *host = strndup(backend, (size_t)(colon - backend));
    if (host[0] == '[' && host[strlen(host) - 1] == ']') { /* [v6]:port */
      memmove(host, host + 1, strlen(host));
      host[strlen(host) - 1] = '\0';
    }
    struct vg_err err;
    vg_err_clear(&err);
    int r = state_enroll(dir, key, host, (int)port, ca, &err);
    free(host);
    if (r) {
      fprintf(stderr, "vigil-sensor: enrollment failed: %s\n", err.msg);
      return 1;
    }
    printf("enrolled; state in %s. Start the sensor with: vigil-sensor --state-dir %s\n", dir,
           dir);
    return 0;
  }
  return runtime_run(&ro);
bad:
  usage(stderr);
  return 2;
}
