/* cmd_proc.c — os_processes, os_kill_process, os_suspend, os_resume. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sensor/cmd_util.h"
#include "sensor/cmds.h"
#include "sensor/parse.h"
#include "shared/alloc.h"

json_t *cmd_proc_describe(const struct sensor_ctx *ctx, pid_t pid) {
  char path[64], *buf;
  size_t n;
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  if (cmd_util_read_file(path, PARSE_MAX_LINE, &buf, &n, NULL)) return NULL;
  struct parse_stat st;
  int rc = parse_stat(buf, n, &st, NULL);
  free(buf);
  if (rc) return NULL;
  long tick = sysconf(_SC_CLK_TCK), page = sysconf(_SC_PAGESIZE);
  json_t *o = json_pack("{s:i, s:i, s:s, s:s, s:I, s:I, s:I, s:I}", "PROCESS_ID", st.pid,
                        "PARENT_PROCESS_ID", st.ppid, "PROCESS_NAME", st.comm, "STATE",
                        (char[]){st.state, 0}, "THREADS", (json_int_t)st.threads, "MEMORY_USAGE",
                        (json_int_t)(st.rss_pages * (uint64_t)page), "USER_TIME",
                        (json_int_t)(st.utime * 1000 / (uint64_t)tick), "KERNEL_TIME",
                        (json_int_t)(st.stime * 1000 / (uint64_t)tick));
  /* start time: boot time + starttime ticks */
  struct timespec now, up;
  clock_gettime(CLOCK_REALTIME, &now);
  clock_gettime(CLOCK_BOOTTIME, &up);
  int64_t boot_ms = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000 -
                    ((int64_t)up.tv_sec * 1000 + up.tv_nsec / 1000000);
  json_object_set_new(o, "TIMESTAMP", json_integer(boot_ms + (int64_t)(st.starttime * 1000 / (uint64_t)tick)));
  char exe[VG_LIMIT_FILE_PATH_BYTES];
  snprintf(path, sizeof path, "/proc/%d/exe", (int)pid);
  ssize_t k = readlink(path, exe, sizeof exe - 1);
  if (k > 0) {
    exe[k] = '\0';
    json_object_set_new(o, "FILE_PATH", json_string(exe));
  }
  snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
  if (cmd_util_read_file(path, CMD_PROC_MAX_CMDLINE, &buf, &n, NULL) == 0) {
    while (n && buf[n - 1] == '\0') n--;
    for (size_t i = 0; i < n; i++)
      if (buf[i] == '\0') buf[i] = ' ';
    buf[n] = '\0';
    json_t *s = json_stringn(buf, n);
    if (!s) { /* not UTF-8: keep printable ASCII */
      for (size_t i = 0; i < n; i++)
        if ((unsigned char)buf[i] >= 0x80 || !isprint((unsigned char)buf[i])) buf[i] = '?';
      s = json_stringn(buf, n);
    }
    json_object_set_new(o, "COMMAND_LINE", s);
    free(buf);
  }
  snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
  if (cmd_util_read_file(path, 16384, &buf, &n, NULL) == 0) {
    char *u = strstr(buf, "\nUid:");
    if (u) {
      long uid = strtol(u + 5, NULL, 10);
      json_object_set_new(o, "USER_ID", json_integer(uid));
      char name[256];
      if (cmd_util_user_name((uid_t)uid, name, sizeof name))
        json_object_set_new(o, "USER_NAME", json_string(name));
    }
    free(buf);
  }
  char atom[VG_ATOM_HEX_LEN + 1];
  if (ctx->proc_atom && ctx->proc_atom(ctx->proc_user, pid, atom))
    json_object_set_new(o, "THIS_ATOM", json_string(atom));
  return o;
}

int cmd_proc_list(struct cmd_call *c, int argc, char **argv) {
  struct cmd_opt opts[] = {{.flag = 'p', .name_long = "pid", .nvalues = 1},
                           {.name_long = "is-no-modules"}};
  const char *pos[1];
  int npos;
  int rc = cmd_util_parse(c, argc, argv, opts, 2, pos, &npos, 0, 0);
  if (rc) return rc;
  struct cmd_list l;
  if (opts[0].seen) {
    pid_t pid;
    if ((rc = cmd_util_target_pid(c, &opts[0], NULL, &pid))) return rc;
    json_t *o = cmd_proc_describe(c->ctx, pid);
    if (!o) return cmd_error(c, -VG_ENOTFOUND, "pid %d: no such process", (int)pid);
    cmd_util_list_init(&l, c, "PROCESSES", 1);
    cmd_util_list_add(&l, o);
    cmd_util_list_finish(&l, NULL);
    return 0;
  }
  DIR *d = opendir("/proc");
  if (!d) return cmd_util_errno(c, errno, "/proc");
  cmd_util_list_init(&l, c, "PROCESSES", CMD_PROC_MAX_LIST);
  struct dirent *de;
  while ((de = readdir(d))) {
    char *end;
    long pid = strtol(de->d_name, &end, 10);
    if (*end || pid <= 0) continue;
    json_t *o = cmd_proc_describe(c->ctx, (pid_t)pid);
    if (o && !cmd_util_list_add(&l, o)) break;
  }
  closedir(d);
  cmd_util_list_finish(&l, NULL);
  return 0;
}

static int signal_cmd(struct cmd_call *c, int argc, char **argv, int sig) {
  struct cmd_opt opts[] = {{.flag = 'p', .name_long = "pid", .nvalues = 1},
                           {.flag = 'a', .name_long = "atom", .nvalues = 1}};
  const char *pos[1];
  int npos;
  int rc = cmd_util_parse(c, argc, argv, opts, 2, pos, &npos, 0, 0);
  if (rc) return rc;
  pid_t pid;
  if ((rc = cmd_util_target_pid(c, &opts[0], &opts[1], &pid))) return rc;
  if (pid == c->ctx->self_pid || pid == 1)
    return cmd_error(c, -VG_EPERM, "pid %d: refusing to signal %s", (int)pid,
                     pid == 1 ? "init" : "the sensor itself");
  if (kill(pid, sig) != 0) {
    char what[32];
    snprintf(what, sizeof what, "pid %d", (int)pid);
    return cmd_util_errno(c, errno, what);
  }
  json_t *o = json_pack("{s:i}", "PROCESS_ID", (int)pid);
  if (opts[1].seen) json_object_set_new(o, "THIS_ATOM", json_string(opts[1].value[0]));
  cmd_reply(c, o);
  return 0;
}

int cmd_proc_kill(struct cmd_call *c, int argc, char **argv) { return signal_cmd(c, argc, argv, SIGKILL); }
int cmd_proc_suspend(struct cmd_call *c, int argc, char **argv) { return signal_cmd(c, argc, argv, SIGSTOP); }
int cmd_proc_resume(struct cmd_call *c, int argc, char **argv) { return signal_cmd(c, argc, argv, SIGCONT); }
