/* test_collect_ebpf.c — the eBPF collectors against the real kernel, and
 * their fallbacks: a process that exits at once (/bin/true with a unique
 * argument, run by a shell) gets NEW_PROCESS with FILE_PATH, COMMAND_LINE
 * and its parent (pid, PARENT{}, routing/parent atom) and TERMINATE_PROCESS;
 * a TCP connection that lives 20 ms (far below sock_diag's 250 ms poll) is
 * reported with its pid, over IPv4 and IPv6; an accepted connection with
 * the pid of the (child) process that listens. The proc connector fallback is
 * run on the same process shape. eBPF cases skip (with a message) when not
 * root or when the kernel/build has no eBPF. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sensor/collect_net.h"
#include "sensor/collect_proc.h"
#include "shared/event.h"
#include "tests/harness/collect_sink.h"
#include "tests/harness/harness.h"

#define WAIT_MS 5000

static struct collect_sink sink;
static struct sensor_ctx ctx;

/* Start a collector; false (after printing why) when eBPF is unavailable. */
static bool start_or_skip(int (*start)(struct sensor_ctx *, void **, struct vg_err *), void **st,
                          const char *what) {
  if (geteuid() != 0) {
    fprintf(stderr, "SKIP %s: needs root\n", what);
    return false;
  }
  struct vg_err e;
  vg_err_clear(&e);
  int rc = start(&ctx, st, &e);
  if (rc == -VG_EUNSUPPORTED) {
    fprintf(stderr, "SKIP %s: %s\n", what, e.msg);
    return false;
  }
  ck_assert_msg(rc == 0, "%s: %s", what, e.msg);
  return true;
}

static const char *str(json_t *ev, const char *k) {
  return json_string_value(json_object_get(vg_event_payload(ev), k));
}
static json_int_t num(json_t *ev, const char *k) {
  return json_integer_value(json_object_get(vg_event_payload(ev), k));
}
static const char *rt(json_t *ev, const char *k) {
  return json_string_value(json_object_get(vg_event_routing(ev), k));
}

static bool ends_with(const char *s, const char *suffix) {
  size_t n = s ? strlen(s) : 0, k = strlen(suffix);
  return n >= k && strcmp(s + n - k, suffix) == 0;
}

struct pid_match {
  const char *type;
  pid_t pid;
};

static bool match_pid(json_t *ev, void *arg) {
  const struct pid_match *m = arg;
  const char *t = vg_event_get_type(ev);
  return t && strcmp(t, m->type) == 0 && num(ev, "PROCESS_ID") == m->pid;
}

/* ---- process */

/* `sh -c '/bin/true MARK; exit 0'`: the shell forks, true execs and exits at once. */
static void short_lived_case(int (*start)(struct sensor_ctx *, void **, struct vg_err *),
                             void (*stop)(void *), const char *what) {
  collect_sink_init(&sink, &ctx);
  void *st;
  if (!start_or_skip(start, &st, what)) {
    collect_sink_cleanup(&sink);
    return;
  }
  char mark[64], script[128], cmdline[128];
  snprintf(mark, sizeof mark, "vigil-ebpf-%d-%ld", (int)getpid(), (long)time(NULL));
  snprintf(script, sizeof script, "/bin/true %s; exit 0", mark);
  snprintf(cmdline, sizeof cmdline, "/bin/true %s", mark);
  pid_t sh = harness_fork();
  if (sh == 0) {
    execl("/bin/sh", "sh", "-c", script, (char *)NULL);
    _exit(127);
  }
  int status;
  ck_assert_int_eq(waitpid(sh, &status, 0), sh);
  ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);

  json_t *ev = collect_sink_wait(&sink, "NEW_PROCESS", "COMMAND_LINE", cmdline, WAIT_MS);
  ck_assert_msg(ev, "%s: no NEW_PROCESS for '%s'", what, cmdline);
  ck_assert_msg(ends_with(str(ev, "FILE_PATH"), "/bin/true"), "FILE_PATH %s", str(ev, "FILE_PATH"));
  ck_assert_int_eq(str(ev, "FILE_PATH")[0], '/');
  ck_assert_int_eq(num(ev, "PARENT_PROCESS_ID"), sh);
  json_t *parent = json_object_get(vg_event_payload(ev), "PARENT");
  ck_assert_msg(parent, "no PARENT{}");
  ck_assert_int_eq(json_integer_value(json_object_get(parent, "PROCESS_ID")), sh);
  ck_assert_int_eq(vg_event_validate(ev, NULL), 0);
  pid_t pid = (pid_t)num(ev, "PROCESS_ID");
  char atom[VG_ATOM_HEX_LEN + 1];
  snprintf(atom, sizeof atom, "%s", rt(ev, "this"));
  /* the shell's own NEW_PROCESS: its atom is the child's routing/parent */
  struct pid_match m = {"NEW_PROCESS", sh};
  json_t *shev = collect_sink_wait_fn(&sink, match_pid, &m, WAIT_MS);
  ck_assert_msg(shev, "no NEW_PROCESS for the shell %d", sh);
  ck_assert_str_eq(rt(ev, "parent"), rt(shev, "this"));
  json_decref(shev);
  json_decref(ev);
  m = (struct pid_match){"TERMINATE_PROCESS", pid};
  ev = collect_sink_wait_fn(&sink, match_pid, &m, WAIT_MS);
  ck_assert_msg(ev, "no TERMINATE_PROCESS for %d", pid);
  ck_assert_str_eq(rt(ev, "target"), atom);
  ck_assert_int_eq(num(ev, "PARENT_PROCESS_ID"), sh);
  ck_assert_int_eq(num(ev, "EXIT_CODE"), 0);
  json_decref(ev);
  stop(st);
  collect_sink_cleanup(&sink);
}

START_TEST(ebpf_short_lived_process_has_path_cmdline_parent_and_exit) {
  short_lived_case(collect_proc_ebpf_start, collect_proc_ebpf_stop, "proc-ebpf");
}
END_TEST

/* The fallback on a process that lives long enough for /proc reads. */
START_TEST(proc_connector_fallback_reports_exec_and_exit) {
  collect_sink_init(&sink, &ctx);
  void *st;
  struct vg_err e;
  vg_err_clear(&e);
  if (geteuid() != 0) {
    fprintf(stderr, "SKIP proc connector: needs root\n");
    collect_sink_cleanup(&sink);
    return;
  }
  ck_assert_msg(collect_proc_start(&ctx, &st, &e) == 0, "collect_proc_start: %s", e.msg);
  pid_t pid = harness_fork();
  if (pid == 0) {
    execl("/bin/sleep", "sleep", "0.3", (char *)NULL);
    _exit(127);
  }
  struct pid_match m = {"NEW_PROCESS", pid};
  json_t *ev = collect_sink_wait_fn(&sink, match_pid, &m, WAIT_MS);
  ck_assert_msg(ev, "no NEW_PROCESS for %d", pid);
  ck_assert_msg(ends_with(str(ev, "FILE_PATH"), "/sleep"), "FILE_PATH %s", str(ev, "FILE_PATH"));
  ck_assert_str_eq(str(ev, "COMMAND_LINE"), "sleep 0.3");
  json_decref(ev);
  int status;
  ck_assert_int_eq(waitpid(pid, &status, 0), pid);
  m.type = "TERMINATE_PROCESS";
  ev = collect_sink_wait_fn(&sink, match_pid, &m, WAIT_MS);
  ck_assert_msg(ev, "no TERMINATE_PROCESS for %d", pid);
  json_decref(ev);
  collect_proc_stop(st);
  collect_sink_cleanup(&sink);
}
END_TEST

/* ---- TCP */

static void short_conn_child(const struct sockaddr_storage *to, socklen_t len) {
  int fd = socket(to->ss_family, SOCK_STREAM, 0);
  if (connect(fd, (const struct sockaddr *)to, len) != 0) _exit(3);
  usleep(20 * 1000); /* lives 20 ms */
  close(fd);
  _exit(0);
}

struct conn_match {
  const char *type;
  int dport;
  pid_t pid;
};

static bool match_conn(json_t *ev, void *arg) {
  const struct conn_match *m = arg;
  const char *t = vg_event_get_type(ev);
  return t && strcmp(t, m->type) == 0 &&
         json_integer_value(json_object_get(json_object_get(vg_event_payload(ev), "DESTINATION"),
                                            "PORT")) == m->dport &&
         num(ev, "PROCESS_ID") == m->pid;
}

static void tcp_case(int family, const char *loop, const char *new_type, const char *term_type) {
  collect_sink_init(&sink, &ctx);
  void *st;
  if (!start_or_skip(collect_net_ebpf_start, &st, "net-ebpf")) {
    collect_sink_cleanup(&sink);
    return;
  }
  struct sockaddr_storage to;
  socklen_t len;
  memset(&to, 0, sizeof to);
  to.ss_family = (sa_family_t)family;
  if (family == AF_INET) {
    inet_pton(AF_INET, loop, &((struct sockaddr_in *)&to)->sin_addr);
    len = sizeof(struct sockaddr_in);
  } else {
    inet_pton(AF_INET6, loop, &((struct sockaddr_in6 *)&to)->sin6_addr);
    len = sizeof(struct sockaddr_in6);
  }
  int l = socket(family, SOCK_STREAM, 0);
  if (bind(l, (struct sockaddr *)&to, len) != 0) {
    ck_assert_int_eq(family, AF_INET6); /* no ::1 here: nothing to test */
    close(l);
    collect_net_stop(st);
    collect_sink_cleanup(&sink);
    return;
  }
  ck_assert_int_eq(listen(l, 4), 0);
  ck_assert_int_eq(getsockname(l, (struct sockaddr *)&to, &len), 0);
  int port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&to)->sin_port
                                     : ((struct sockaddr_in6 *)&to)->sin6_port);
  char atom[VG_ATOM_HEX_LEN + 1];
  pid_t pid = harness_fork();
  if (pid == 0) short_conn_child(&to, len);
  collect_sink_add_pid(&sink, pid, atom);
  int a = accept(l, NULL, NULL);
  ck_assert_int_ge(a, 0);
  int status;
  ck_assert_int_eq(waitpid(pid, &status, 0), pid);
  ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  close(a);
  struct conn_match m = {new_type, port, pid};
  json_t *ev = collect_sink_wait_fn(&sink, match_conn, &m, WAIT_MS);
  ck_assert_msg(ev, "no %s to port %d by pid %d", new_type, port, pid);
  json_t *b = vg_event_payload(ev);
  ck_assert(json_is_true(json_object_get(b, "IS_OUTGOING")));
  ck_assert_str_eq(json_string_value(json_object_get(json_object_get(b, "DESTINATION"), "IP_ADDRESS")), loop);
  ck_assert_int_gt(json_integer_value(json_object_get(json_object_get(b, "SOURCE"), "PORT")), 0);
  ck_assert_int_eq(json_integer_value(json_object_get(b, "STATE")), 1); /* TCP_ESTABLISHED */
  ck_assert_str_eq(json_string_value(json_object_get(b, "PROTOCOL")), "tcp");
  ck_assert_int_eq(vg_event_validate(ev, NULL), 0);
  json_decref(ev);
  m.type = term_type;
  ev = collect_sink_wait_fn(&sink, match_conn, &m, WAIT_MS);
  ck_assert_msg(ev, "no %s by pid %d", term_type, pid);
  ck_assert_str_eq(rt(ev, "parent"), atom);
  json_decref(ev);
  ck_assert_uint_eq(collect_sink_count(&sink, new_type, NULL, NULL) >= 1, 1);
  collect_net_stop(st);
  close(l);
  collect_sink_cleanup(&sink);
}

START_TEST(ebpf_tcp4_connection_of_20ms_has_its_pid) {
  tcp_case(AF_INET, "127.0.0.1", "NEW_TCP4_CONNECTION", "TERMINATE_TCP4_CONNECTION");
}
END_TEST

START_TEST(ebpf_tcp6_connection_of_20ms_has_its_pid) {
  tcp_case(AF_INET6, "::1", "NEW_TCP6_CONNECTION", "TERMINATE_TCP6_CONNECTION");
}
END_TEST

/* The accepted side: a child listens and accepts; its NEW_TCP4_CONNECTION
 * (IS_OUTGOING false) carries the child's pid although the kernel's
 * passive ESTABLISHED runs in softirq, where no process is current. */
START_TEST(ebpf_accepted_connection_has_the_listening_childs_pid) {
  collect_sink_init(&sink, &ctx);
  void *st;
  if (!start_or_skip(collect_net_ebpf_start, &st, "net-ebpf")) {
    collect_sink_cleanup(&sink);
    return;
  }
  int portp[2], holdp[2];
  ck_assert_int_eq(pipe(portp), 0);
  ck_assert_int_eq(pipe(holdp), 0);
  pid_t child = harness_fork();
  if (child == 0) {
    close(portp[0]);
    close(holdp[1]);
    struct sockaddr_in a = {.sin_family = AF_INET};
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    socklen_t al = sizeof a;
    int l = socket(AF_INET, SOCK_STREAM, 0);
    if (l < 0 || bind(l, (struct sockaddr *)&a, al) || listen(l, 4) ||
        getsockname(l, (struct sockaddr *)&a, &al))
      _exit(3);
    int port = ntohs(a.sin_port);
    if (write(portp[1], &port, sizeof port) != sizeof port) _exit(4);
    int c = accept(l, NULL, NULL);
    char x;
    if (read(holdp[0], &x, 1) < 0) _exit(5); /* until the test is done (EOF) */
    close(c);
    close(l);
    _exit(c >= 0 ? 0 : 6);
  }
  close(portp[1]);
  close(holdp[0]);
  int port = 0;
  ck_assert_int_eq(read(portp[0], &port, sizeof port), (ssize_t)sizeof port);
  close(portp[0]);
  struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ck_assert_int_eq(connect(fd, (struct sockaddr *)&to, sizeof to), 0);
  struct conn_match m = {"NEW_TCP4_CONNECTION", port, child};
  json_t *ev = collect_sink_wait_fn(&sink, match_conn, &m, WAIT_MS);
  ck_assert_msg(ev, "no NEW_TCP4_CONNECTION to port %d with the listening child's pid %d", port,
                (int)child);
  json_t *b = vg_event_payload(ev);
  ck_assert(json_is_false(json_object_get(b, "IS_OUTGOING")));
  ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(b, "DESTINATION"), "PORT")),
                   port);
  ck_assert_int_eq(vg_event_validate(ev, NULL), 0);
  json_decref(ev);
  close(fd);
  close(holdp[1]);
  int status;
  ck_assert_int_eq(waitpid(child, &status, 0), child);
  ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  collect_net_stop(st);
  collect_sink_cleanup(&sink);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("collect_ebpf");
  TCase *tc = tcase_create("kernel");
  tcase_set_timeout(tc, 20);
  tcase_add_test(tc, ebpf_short_lived_process_has_path_cmdline_parent_and_exit);
  tcase_add_test(tc, proc_connector_fallback_reports_exec_and_exit);
  tcase_add_test(tc, ebpf_tcp4_connection_of_20ms_has_its_pid);
  tcase_add_test(tc, ebpf_tcp6_connection_of_20ms_has_its_pid);
  tcase_add_test(tc, ebpf_accepted_connection_has_the_listening_childs_pid);
  suite_add_tcase(s, tc);
  return s;
}

VG_CHECK_MAIN(suite)
