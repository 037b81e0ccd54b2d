/* daemon.h — vigild's process life: data dir, lock, pid file, logging, and
 * the signal loop (SIGTERM/SIGINT stop cleanly, SIGHUP reloads the config). */
#ifndef VIGILD_DAEMON_H
#define VIGILD_DAEMON_H

#include "backend/vigild_config.h"

struct daemon_opts {
  const char *config_path; /* NULL = no file, embedded defaults */
  char **sets;             /* "key=value" overrides from the command line */
  int nsets;
  const char *create_org;  /* set: create this organisation and exit */
};

/* Load the config, prepare the data dir and run until SIGTERM/SIGINT.
 * Returns the process exit code (0 clean stop, 1 start-up failure). */
int daemon_run(const struct daemon_opts *opts);

#endif
