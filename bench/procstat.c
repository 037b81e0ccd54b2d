/* procstat.c — /proc figures for the benchmarks (procstat.h). */
#include "bench/procstat.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

double procstat_cpu_s(pid_t pid) {
  char p[64], buf[4096];
  snprintf(p, sizeof(p), "/proc/%d/stat", (int)pid);
  FILE *fp = fopen(p, "r");
  if (!fp) return 0;
  size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
  fclose(fp);
  buf[n] = '\0';
  const char *s = strrchr(buf, ')'); /* the command name may hold spaces */
  unsigned long long ut = 0, st = 0;
  if (!s || sscanf(s + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
    return 0;
  return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

double procstat_status_mib(pid_t pid, const char *field) {
  char p[64], line[256], fmt[64];
  snprintf(p, sizeof(p), "/proc/%d/status", (int)pid);
  snprintf(fmt, sizeof(fmt), "%s: %%lu kB", field);
  FILE *fp = fopen(p, "r");
  double v = 0;
  while (fp && fgets(line, sizeof(line), fp)) {
    unsigned long kb;
    if (sscanf(line, fmt, &kb) == 1) v = kb / 1024.0;
  }
  if (fp) fclose(fp);
  return v;
}
