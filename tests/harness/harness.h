/* harness.h — what every test program shares: a Check main, paths into the
 * source and build trees, temporary directories, and the vigild fixture that
 * starts the real daemon on loopback with a temporary data dir.
 *
 * Contract with vigild: it writes <data-dir>/vigild.pid once it is ready to
 * serve (listeners bound), and exits 0 on SIGTERM. */
#ifndef VIGIL_HARNESS_H
#define VIGIL_HARNESS_H

#include <check.h>
#include <stdbool.h>
#include <sys/types.h>

/* main() for a test program whose suite is built by fn(). */
#define VG_CHECK_MAIN(fn)                                  \
  int main(void) {                                         \
    SRunner *sr = srunner_create(fn());                    \
    srunner_run_all(sr, CK_ENV);                           \
    int failed = srunner_ntests_failed(sr);                \
    srunner_free(sr);                                      \
    return failed ? 1 : 0;                                 \
  }

/* $VIGIL_SOURCE_DIR/rel (or ./rel); a fresh string the caller frees. */
char *harness_source_path(const char *rel);
/* $VIGIL_BINARY_DIR/rel (or ./rel); a fresh string the caller frees. */
char *harness_binary_path(const char *rel);
/* Whole file into a NUL-terminated heap string (caller frees); NULL if unreadable. */
char *harness_read_file(const char *path, size_t *len);
/* Write s to path (mode 0600); 0 or -1. */
int harness_write_file(const char *path, const char *s);
/* mkdtemp under $TMPDIR (or /tmp); fresh string, caller frees. Aborts on failure. */
char *harness_mkdtemp(const char *prefix);
/* rm -rf dir (dir must be under a temporary directory the harness made). */
void harness_rm_rf(const char *dir);
/* A TCP port on 127.0.0.1 that was free a moment ago. */
int harness_free_port(void);

/* Run argv (argv[0] a path), capture stdout+stderr into *out (caller frees),
 * wait for it; returns the exit code, or 128+signal. */
int harness_run(char *const argv[], char **out);
/* fork(), aborting the test on failure. Tests fork through this rather than
 * assert on fork's result: a PASSING Check assertion in the child writes to
 * Check's pipe under a lock and mallocs, and another thread of the test (a
 * websocket client's) may have held either at the fork: the child hangs. */
pid_t harness_fork(void);

struct harness_vigild {
  char *data_dir;   /* temporary, removed by stop unless keep_logs */
  char *log_path;   /* <data_dir>/vigild.log */
  int sensor_port;  /* loopback ports chosen free at start */
  int api_port;
  pid_t pid;        /* 0 when not running */
};

/* Start the real vigild on loopback with a fresh data dir and free ports;
 * extra_args (NULL-terminated, may be NULL) are appended to its command line.
 * Waits up to 20 s for the pid file. 0 on success, -1 (with the log printed
 * to stderr) on failure. */
int harness_vigild_start(struct harness_vigild *d, const char *const *extra_args);
/* Restart a stopped daemon on the same data dir and ports. */
int harness_vigild_restart(struct harness_vigild *d, const char *const *extra_args);
/* SIGTERM and wait (SIGKILL after 15 s); returns the exit code (128+sig if killed). */
int harness_vigild_stop(struct harness_vigild *d);
/* SIGKILL and reap; the data dir stays for a restart. */
void harness_vigild_kill9(struct harness_vigild *d);
/* vigild's CA certificate in the fixture's data dir (heap, caller frees). */
char *harness_vigild_ca_path(const struct harness_vigild *d);
/* Stop if running, print the log to stderr if failed (or $VIGIL_KEEP_LOGS is
 * set, which also keeps the data dir), remove the data dir, free memory. */
void harness_vigild_cleanup(struct harness_vigild *d, bool failed);

/* The credentials vigild wrote in d's data dir (the default organisation's
 * admin): 0, or -1 with the reason on stderr. For programs that are not
 * Check tests (benchmarks); tests use api_sim.h. */
struct vg_creds;
int harness_vigild_creds(const struct harness_vigild *d, struct vg_creds *cr);

#endif
