/* sensor_overhead_peers.c — the monitors bench_sensor_overhead measures:
 * vigil-sensor (enrolled beforehand) and auditd, the peer, with either an
 * execve rule or a watch on the file loop's directory. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/sensor_overhead.h"

int sensor_overhead_run_quiet(char *const argv[]) {
  char *out = NULL;
  int rc = harness_run(argv, &out);
  free(out);
  return rc;
}

pid_t sensor_overhead_sensor_start(const struct sensor_overhead_env *env, const char *collectors) {
  pid_t sp = fork();
  if (sp == 0) {
    char *a[9] = {env->bin, "--state-dir", env->state, "--log-file", env->log};
    int n = 5;
    if (collectors) {
      a[n++] = "--collectors";
      a[n++] = (char *)collectors;
    }
    if (env->no_ebpf) a[n++] = "--no-ebpf";
    a[n] = NULL;
    execv(env->bin, a);
    _exit(127);
  }
  return sp;
}

pid_t sensor_overhead_auditd_start(const char *watch_dir) {
  if (access("/usr/sbin/auditd", X_OK) != 0) {
    printf("auditd: not installed (scripts/install-deps installs it): skipped\n");
    return 0;
  }
  pid_t p = fork();
  if (p == 0) {
    int fd = open("/dev/null", O_WRONLY);
    dup2(fd, 1);
    dup2(fd, 2);
    char *argv[] = {"/usr/sbin/auditd", "-n", NULL};
    execv(argv[0], argv);
    _exit(127);
  }
  sensor_overhead_msleep(1500);
  int st;
  if (waitpid(p, &st, WNOHANG) == p) {
    printf("auditd: could not start here (another audit daemon, or no kernel audit): skipped\n");
    return 0;
  }
  char *rule[] = {"/usr/sbin/auditctl", "-a", "always,exit", "-F", "arch=b64", "-S", "execve",
                  "-k", "vigil-bench", NULL};
  char *watch[] = {"/usr/sbin/auditctl", "-w", (char *)watch_dir, "-p", "wa", "-k",
                   "vigil-bench-file", NULL};
  if (sensor_overhead_run_quiet(watch_dir ? watch : rule) != 0) {
    printf("auditd: auditctl refused the %s: skipped\n",
           watch_dir ? "directory watch" : "execve rule");
    kill(p, SIGTERM);
    waitpid(p, NULL, 0);
    return 0;
  }
  return p;
}

void sensor_overhead_auditd_stop(pid_t p) {
  char *del[] = {"/usr/sbin/auditctl", "-D", NULL};
  sensor_overhead_run_quiet(del);
  kill(p, SIGTERM);
  waitpid(p, NULL, 0);
}
