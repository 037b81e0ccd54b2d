/* sensor_overhead.h — the parts of bench_sensor_overhead (bench/sensor_overhead.c,
 * which runs both loops, and its file mode): the timed loops and the sensor's
 * spool read as it grows (sensor_overhead_loops.c), the monitors it measures
 * (sensor_overhead_peers.c), and the file mode, which counts what vigild
 * stored (sensor_overhead_files.c). */
#ifndef VIGIL_BENCH_SENSOR_OVERHEAD_H
#define VIGIL_BENCH_SENSOR_OVERHEAD_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "tests/harness/harness.h"

#define SENSOR_OVERHEAD_MAX_RUNS 15
#define SENSOR_OVERHEAD_MAX_JOBS 8

/* What every mode measures with: a real vigild on loopback, a sensor
 * enrolled to it (state dir), and the loop's directory. */
struct sensor_overhead_env {
  struct harness_vigild d;
  char *dir;   /* the file loop runs here (auditd watches it in the file mode) */
  char *state; /* the sensor's --state-dir (its spool: state/spool) */
  char *log;   /* the sensor's --log-file */
  char *bin;   /* vigil-sensor */
  bool no_ebpf;
};

/* sensor_overhead.c */
/* The median of v[0..n) (sorts v). */
double sensor_overhead_median(double *v, int n);
/* How many times needle occurs in the file at path (0 if unreadable). */
int sensor_overhead_count(const char *path, const char *needle);

/* sensor_overhead_loops.c */
double sensor_overhead_now_s(void);
void sensor_overhead_msleep(int ms);
/* Before the exec loops: their marker argument (from our pid), and live_s:
 * NULL = each exec is of /bin/true, one at a time; else of `sleep live_s`,
 * all started at once (--live). */
void sensor_overhead_loops_init(const char *live_s);
/* execs per second of jobs loops in parallel, n execs in all */
double sensor_overhead_exec_loops(int n, int jobs);
/* Wait for the --live sleepers the loops started (no-op without --live). */
void sensor_overhead_reap_live(void);
/* create/write 4 KiB/close/unlink of dir/bench.dat n times: files per second */
double sensor_overhead_file_loop(const char *dir, int n);

/* The sensor's spool read as it grows: records are only appended to the
 * newest segment (<first seq>.seg). Counts the NEW_PROCESS records of the
 * exec loop (COMMAND_LINE with its marker). Zero it and set dir. */
struct sensor_overhead_tail {
  char *dir;
  char seg[64];
  int fd; /* open on seg: its end stays readable after the sensor deletes it (acked) */
  off_t off;
  uint64_t last;
  uint64_t marked;
};
void sensor_overhead_tail_close(struct sensor_overhead_tail *t);

/* How the sensor kept up with one exec loop: the loop's NEW_PROCESS
 * events found in the spool, all events spooled meanwhile (the host's
 * other activity included), and when the last of the loop's came. */
struct sensor_overhead_drain {
  uint64_t execs, events;
  double busy_s; /* loop start → last NEW_PROCESS of the loop spooled */
  double lag_s;  /* loop end → the same */
};
/* The exec loops (execs per second) while the sensor runs, then until
 * their NEW_PROCESS are spooled (or stop coming): *dr. */
double sensor_overhead_exec_drain(int n, int jobs, struct sensor_overhead_tail *t,
                                  struct sensor_overhead_drain *dr);
/* The drain rate: the sensor stopped (SIGSTOP) while n execs run, then
 * timed from SIGCONT until their NEW_PROCESS are spooled. NEW_PROCESS per
 * second; *got gets how many came. */
double sensor_overhead_burst_drain(pid_t sensor, int n, int jobs, struct sensor_overhead_tail *t,
                                   uint64_t *got);

/* sensor_overhead_peers.c */
/* Run argv, its output discarded; its exit status. */
int sensor_overhead_run_quiet(char *const argv[]);
/* Start env's enrolled sensor (--collectors collectors unless NULL: its
 * defaults; --no-ebpf if env->no_ebpf); its pid. */
pid_t sensor_overhead_sensor_start(const struct sensor_overhead_env *env, const char *collectors);
/* Start auditd in the foreground with one rule: watch_dir NULL = an execve
 * rule, else a watch on watch_dir for writes and attribute changes
 * (-w DIR -p wa). Its pid, or 0 (skipped, the reason printed). */
pid_t sensor_overhead_auditd_start(const char *watch_dir);
/* Delete the rules and stop auditd p. */
void sensor_overhead_auditd_stop(pid_t p);

/* sensor_overhead_files.c */
/* The file mode: the file loop with no monitor, with the sensor's fanotify
 * collector (proc,file), with an auditd directory watch; then the file events
 * vigild stored. Prints its table and figures; stops env->d. 0. */
int sensor_overhead_files_run(struct sensor_overhead_env *env, int files, int runs);

#endif
