/* procstat.h — what the benchmarks read of a process from /proc: its CPU
 * time and its memory (bench_ingest, bench_sensor_overhead). */
#ifndef VIGIL_BENCH_PROCSTAT_H
#define VIGIL_BENCH_PROCSTAT_H

#include <sys/types.h>

/* utime + stime of pid (every thread) in seconds; 0 if unreadable. */
double procstat_cpu_s(pid_t pid);
/* A /proc/PID/status figure in MiB: "VmHWM" (peak RSS, start-up included)
 * or "VmRSS" (resident now); 0 if unreadable. */
double procstat_status_mib(pid_t pid, const char *field);

#endif
