/* test_collect_net.c — the DNS and network collectors against the real
 * kernel: a child's DNS query to a tiny resolver on loopback gives one
 * DNS_REQUEST with name, type, answer and the child's pid; a child's TCP
 * connection to a local listener gives NEW_/TERMINATE_TCP4_CONNECTION (and
 * TCP6 on ::1) with its pid and ports, then NETWORK_SUMMARY. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sensor/collect_dns.h"
#include "sensor/collect_net.h"
#include "shared/event.h"
#include "tests/harness/harness.h"
#include "tests/harness/collect_sink.h"

#define WAIT_MS 5000

static struct collect_sink sink;
static struct sensor_ctx ctx;

/* ---- DNS */

static struct sockaddr_in resolver;
static int resolver_fd = -1;

static void *resolver_thread(void *arg) {
  (void)arg;
  uint8_t q[512];
  struct sockaddr_in from;
  socklen_t fl = sizeof from;
  ssize_t n = recvfrom(resolver_fd, q, sizeof q, 0, (struct sockaddr *)&from, &fl);
  if (n < 12) return NULL;
  uint8_t r[600];
  memcpy(r, q, (size_t)n);
  r[2] |= 0x80; /* QR */
  r[3] = 0x80;  /* RA, rcode 0 */
  r[7] = 1;     /* ANCOUNT */
  static const uint8_t ans[] = {0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 1, 2, 3};
  memcpy(r + n, ans, sizeof ans);
  sendto(resolver_fd, r, (size_t)n + sizeof ans, 0, (struct sockaddr *)&from, fl);
  return NULL;
}

static void child_query(void) {
  static const uint8_t q[] = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
                              10, 'v', 'i', 'g', 'i', 'l', '-', 't', 'e', 's', 't',
                              7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0, 0, 1, 0, 1};
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (sendto(fd, q, sizeof q, 0, (struct sockaddr *)&resolver, sizeof resolver) != sizeof q) _exit(3);
  struct pollfd pf = {.fd = fd, .events = POLLIN};
  uint8_t r[600];
  if (poll(&pf, 1, 3000) != 1 || recv(fd, r, sizeof r, 0) < 12) _exit(4);
  /* Attribution reads the socket table after the packet: a process that
   * exits within microseconds of its answer is gone by then (a documented
   * gap of capture-based attribution). Real clients use the answer. */
  usleep(200 * 1000);
  _exit(0);
}

/* Fork fn in a child registered with an atom first; go[1] to start. */
static pid_t spawn(void (*fn)(int), int arg, char atom[VG_ATOM_HEX_LEN + 1]) {
  int p[2];
  ck_assert_int_eq(pipe(p), 0);
  pid_t pid = harness_fork();
  if (pid == 0) {
    char c;
    close(p[1]);
    if (read(p[0], &c, 1) != 1) _exit(2);
    fn(arg);
    _exit(0);
  }
  close(p[0]);
  collect_sink_add_pid(&sink, pid, atom);
  ck_assert_int_eq(write(p[1], "g", 1), 1);
  close(p[1]);
  return pid;
}

static void reap(pid_t pid) {
  int st;
  ck_assert_int_eq(waitpid(pid, &st, 0), pid);
  ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %d", st);
}

static void query_fn(int unused) {
  (void)unused;
  child_query();
}

START_TEST(dns_query_from_a_child_gives_one_dns_request) {
  collect_sink_init(&sink, &ctx);
  resolver_fd = socket(AF_INET, SOCK_DGRAM, 0);
  int bound = -1;
  for (int last = 77; last < 90 && bound != 0; last++) { /* port 53 on a spare loopback address */
    memset(&resolver, 0, sizeof resolver);
    resolver.sin_family = AF_INET;
    resolver.sin_port = htons(53);
    resolver.sin_addr.s_addr = htonl(0x7f000000u | (uint32_t)last);
    bound = bind(resolver_fd, (struct sockaddr *)&resolver, sizeof resolver);
  }
  ck_assert_msg(bound == 0, "no loopback address with port 53 free");
  void *st;
  struct vg_err e;
  vg_err_clear(&e);
  ck_assert_msg(collect_dns_start(&ctx, &st, &e) == 0, "collect_dns_start: %s", e.msg);
  pthread_t t;
  pthread_create(&t, NULL, resolver_thread, NULL);
  char atom[VG_ATOM_HEX_LEN + 1];
  pid_t pid = spawn(query_fn, 0, atom);
  reap(pid);
  pthread_join(t, NULL);
  json_t *ev = collect_sink_wait(&sink, "DNS_REQUEST", "DOMAIN_NAME", "vigil-test.example", WAIT_MS);
  ck_assert_msg(ev, "no DNS_REQUEST");
  json_t *b = vg_event_payload(ev);
  ck_assert_int_eq(json_integer_value(json_object_get(b, "DNS_TYPE")), 1);
  ck_assert_int_eq(json_integer_value(json_object_get(b, "MESSAGE_ID")), 0x1234);
  ck_assert_str_eq(json_string_value(json_object_get(b, "IP_ADDRESS")), "10.1.2.3");
  ck_assert_int_eq(json_integer_value(json_object_get(b, "PROCESS_ID")), pid);
  ck_assert_str_eq(json_string_value(json_object_get(vg_event_routing(ev), "parent")), atom);
  ck_assert_int_eq(vg_event_validate(ev, NULL), 0);
  json_decref(ev);
  usleep(300 * 1000); /* a loopback duplicate would have arrived by now */
  ck_assert_uint_eq(collect_sink_count(&sink, "DNS_REQUEST", "DOMAIN_NAME", "vigil-test.example"), 1);
  collect_dns_stop(st);
  close(resolver_fd);
  collect_sink_cleanup(&sink);
}
END_TEST

/* ---- TCP */

static struct sockaddr_storage target;
static socklen_t target_len;
static int hold_fd[2]; /* the child closes its connection when this pipe says so */

static void connect_fn(int family) {
  int fd = socket(family, SOCK_STREAM, 0);
  if (connect(fd, (struct sockaddr *)&target, target_len) != 0) _exit(3);
  char c;
  close(hold_fd[1]);
  if (read(hold_fd[0], &c, 1) < 0) _exit(4);
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
  json_t *b = vg_event_payload(ev);
  return t && strcmp(t, m->type) == 0 &&
         json_integer_value(json_object_get(json_object_get(b, "DESTINATION"), "PORT")) == m->dport &&
         json_integer_value(json_object_get(b, "PROCESS_ID")) == m->pid;
}

static bool match_self(json_t *ev, void *arg) {
  (void)arg;
  return json_integer_value(json_object_get(vg_event_payload(ev), "PROCESS_ID")) == getpid();
}

/* a NETWORK_SUMMARY for the given pid: the collector sees the whole host, and
 * other tests' processes exit with network activity of their own */
static bool match_summary(json_t *ev, void *arg) {
  const pid_t *pid = arg;
  const char *t = vg_event_get_type(ev);
  json_t *proc = json_object_get(vg_event_payload(ev), "PROCESS");
  return t && strcmp(t, "NETWORK_SUMMARY") == 0 &&
         json_integer_value(json_object_get(proc, "PROCESS_ID")) == *pid;
}

static void tcp_case(int family, const char *new_type, const char *term_type, const char *loop) {
  collect_sink_init(&sink, &ctx);
  int l = socket(family, SOCK_STREAM, 0);
  ck_assert_int_ge(l, 0);
  memset(&target, 0, sizeof target);
  if (family == AF_INET) {
    struct sockaddr_in *a = (struct sockaddr_in *)&target;
    a->sin_family = AF_INET;
    inet_pton(AF_INET, loop, &a->sin_addr);
    target_len = sizeof *a;
  } else {
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)&target;
    a->sin6_family = AF_INET6;
    inet_pton(AF_INET6, loop, &a->sin6_addr);
    target_len = sizeof *a;
  }
  if (bind(l, (struct sockaddr *)&target, target_len) != 0) {
    ck_assert_int_eq(family, AF_INET6); /* no ::1 here: nothing to test */
    close(l);
    collect_sink_cleanup(&sink);
    return;
  }
  ck_assert_int_eq(listen(l, 4), 0);
  ck_assert_int_eq(getsockname(l, (struct sockaddr *)&target, &target_len), 0);
  int port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&target)->sin_port
                                     : ((struct sockaddr_in6 *)&target)->sin6_port);
  void *st;
  struct vg_err e;
  vg_err_clear(&e);
  ck_assert_msg(collect_net_start(&ctx, &st, &e) == 0, "collect_net_start: %s", e.msg);
  usleep(100 * 1000); /* the first snapshot is the baseline */
  ck_assert_int_eq(pipe(hold_fd), 0);
  char atom[VG_ATOM_HEX_LEN + 1];
  pid_t pid = spawn(connect_fn, family, atom);
  close(hold_fd[0]);
  int a = accept(l, NULL, NULL);
  ck_assert_int_ge(a, 0);
  struct conn_match m = {new_type, port, pid};
  json_t *ev = collect_sink_wait_fn(&sink, match_conn, &m, WAIT_MS);
  ck_assert_msg(ev, "no %s to port %d by pid %d", new_type, port, pid);
  json_t *b = vg_event_payload(ev);
  ck_assert(json_is_true(json_object_get(b, "IS_OUTGOING")));
  ck_assert_str_eq(json_string_value(json_object_get(json_object_get(b, "DESTINATION"), "IP_ADDRESS")), loop);
  ck_assert_int_gt(json_integer_value(json_object_get(json_object_get(b, "SOURCE"), "PORT")), 0);
  ck_assert_str_eq(json_string_value(json_object_get(vg_event_routing(ev), "parent")), atom);
  ck_assert_int_eq(vg_event_validate(ev, NULL), 0);
  json_decref(ev);
  ck_assert_int_eq(write(hold_fd[1], "c", 1), 1); /* close it */
  close(hold_fd[1]);
  reap(pid);
  m.type = term_type;
  ev = collect_sink_wait_fn(&sink, match_conn, &m, WAIT_MS);
  ck_assert_msg(ev, "no %s", term_type);
  json_decref(ev);
  ev = collect_sink_wait_fn(&sink, match_summary, &pid, WAIT_MS);
  ck_assert_msg(ev, "no NETWORK_SUMMARY for pid %d after it exited", pid);
  json_t *proc = json_object_get(vg_event_payload(ev), "PROCESS");
  ck_assert_uint_eq(json_array_size(json_object_get(proc, "NETWORK_ACTIVITY")), 1);
  json_decref(ev);
  /* our own end of it (accepted by this process) is never reported */
  ck_assert_ptr_null(collect_sink_wait_fn(&sink, match_self, NULL, 0));
  collect_net_stop(st);
  close(a);
  close(l);
  collect_sink_cleanup(&sink);
}

START_TEST(tcp4_connection_by_a_child) {
  tcp_case(AF_INET, "NEW_TCP4_CONNECTION", "TERMINATE_TCP4_CONNECTION", "127.0.0.1");
}
END_TEST

START_TEST(tcp6_connection_by_a_child) {
  tcp_case(AF_INET6, "NEW_TCP6_CONNECTION", "TERMINATE_TCP6_CONNECTION", "::1");
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("collect_net");
  TCase *tc = tcase_create("kernel");
  tcase_add_test(tc, dns_query_from_a_child_gives_one_dns_request);
  tcase_add_test(tc, tcp4_connection_by_a_child);
  tcase_add_test(tc, tcp6_connection_by_a_child);
  suite_add_tcase(s, tc);
  return s;
}

VG_CHECK_MAIN(suite)
