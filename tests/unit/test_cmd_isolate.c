/* test_cmd_isolate.c — segregate_network / rejoin_network inside a real
 * network namespace joined to the host by a veth pair, with real TCP servers
 * outside it; nftables is the kernel's. */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sensor/isolate.h"
#include "tests/harness/harness.h"
#include "tests/harness/sensor_sink_test.h"

static char ns[32], vh[16], vn[16], host_ip[32], ns_ip[32];

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...) {
  char cmd[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(cmd, sizeof cmd, fmt, ap);
  va_end(ap);
  char *argv[] = {"/bin/sh", "-c", cmd, NULL}, *out = NULL;
  int rc = harness_run(argv, &out);
  if (rc) fprintf(stderr, "isolate test: '%s' -> %d: %s\n", cmd, rc, out ? out : "");
  free(out);
  return rc;
}

static char *capture(const char *cmd) {
  char *argv[] = {"/bin/sh", "-c", (char *)cmd, NULL}, *out = NULL;
  ck_assert_int_eq(harness_run(argv, &out), 0);
  return out;
}

/* Unchecked fixture (runs in the runner, before the fork): names; teardown
 * removes the namespace (and with it the veth pair) even if the test failed. */
static void names(void) {
  int id = (int)(getpid() % 200) + 20;
  snprintf(ns, sizeof ns, "vgiso%d", (int)getpid());
  snprintf(vh, sizeof vh, "vgh%d", (int)getpid() % 100000);
  snprintf(vn, sizeof vn, "vgn%d", (int)getpid() % 100000);
  snprintf(host_ip, sizeof host_ip, "10.199.%d.1", id);
  snprintf(ns_ip, sizeof ns_ip, "10.199.%d.2", id);
}
static void cleanup(void) {
  char cmd[128];
  snprintf(cmd, sizeof cmd, "ip netns del %s 2>/dev/null; ip link del %s 2>/dev/null; true", ns, vh);
  if (system(cmd)) { /* best effort */ }
}

static int listener(const char *ip, int *port) {
  int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
  setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {.sin_family = AF_INET};
  inet_pton(AF_INET, ip, &a.sin_addr);
  ck_assert_int_eq(bind(s, (struct sockaddr *)&a, sizeof a), 0);
  ck_assert_int_eq(listen(s, 64), 0);
  socklen_t al = sizeof a;
  getsockname(s, (struct sockaddr *)&a, &al);
  *port = ntohs(a.sin_port);
  return s;
}

/* A TCP connect to ip:port completes within 700 ms: the fd, else -1. */
static int connect_to(const char *ip, int port) {
  int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  inet_pton(AF_INET, ip, &a.sin_addr);
  if (connect(s, (struct sockaddr *)&a, sizeof a) != 0 && errno != EINPROGRESS) goto fail;
  struct pollfd p = {.fd = s, .events = POLLOUT};
  if (poll(&p, 1, 700) != 1) goto fail;
  int err = 0;
  socklen_t el = sizeof err;
  getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &el);
  if (err) goto fail;
  return s;
fail:
  close(s);
  return -1;
}
static bool reachable(const char *ip, int port) {
  int s = connect_to(ip, port);
  if (s >= 0) close(s);
  return s >= 0;
}

START_TEST(segregate_and_rejoin) {
  if (sh("ip netns add %s", ns) != 0) {
    fprintf(stderr, "SKIP segregate_and_rejoin: cannot create a network namespace here\n");
    return;
  }
  ck_assert_int_eq(sh("ip link add %s type veth peer name %s netns %s", vh, vn, ns), 0);
  ck_assert_int_eq(sh("ip addr add %s/24 dev %s && ip link set %s up", host_ip, vh, vh), 0);
  ck_assert_int_eq(sh("ip -n %s addr add %s/24 dev %s && ip -n %s link set %s up && ip -n %s link set lo up",
                      ns, ns_ip, vn, ns, vn, ns), 0);
  int backend_port, other_port;
  int backend = listener(host_ip, &backend_port), other = listener(host_ip, &other_port);

  char nspath[64];
  snprintf(nspath, sizeof nspath, "/var/run/netns/%s", ns);
  int nsfd = open(nspath, O_RDONLY | O_CLOEXEC);
  ck_assert_int_ge(nsfd, 0);
  ck_assert_int_eq(setns(nsfd, CLONE_NEWNET), 0); /* this test process now lives in ns */
  close(nsfd);
  int lo_port, lo = listener("127.0.0.1", &lo_port);

  /* someone else's table, which must survive untouched */
  ck_assert_int_eq(sh("nft add table inet other && nft add chain inet other c "
                      "'{ type filter hook input priority 0; policy accept; }' && "
                      "nft add rule inet other c tcp dport 9 counter accept"), 0);
  char *before = capture("nft list ruleset");

  int est = connect_to(host_ip, backend_port); /* a backend connection made before isolating */
  ck_assert_int_ge(est, 0);
  int srv = accept(backend, NULL, NULL);
  ck_assert_int_ge(srv, 0);
  ck_assert(reachable(host_ip, other_port));

  char *state = harness_mkdtemp("isolate");
  struct sink_test t;
  sink_test_init(&t, state);
  t.ctx.backend_host = host_ip;
  t.ctx.backend_port = backend_port;
  ck_assert_int_eq(sink_test_run(&t, "segregate_network"), 0);
  ck_assert_str_eq(sink_test_type(&t, 0), "SEGREGATE_NETWORK");
  json_t *b = sink_test_body(&t, 0);
  ck_assert_int_eq(json_integer_value(json_object_get(b, "ERROR")), 0);
  ck_assert(json_is_true(json_object_get(b, "IS_SEGREGATED")));
  ck_assert_str_eq(json_string_value(json_array_get(json_object_get(b, "ALLOWED_ADDRESSES"), 0)), host_ip);
  ck_assert(isolate_active(state));

  ck_assert(!reachable(host_ip, other_port));    /* other traffic: blocked */
  ck_assert(reachable(host_ip, backend_port));   /* the backend: open */
  ck_assert(reachable("127.0.0.1", lo_port));    /* loopback: open */
  ck_assert_int_eq(write(srv, "ping", 4), 4);    /* the live connection keeps flowing */
  struct pollfd p = {.fd = est, .events = POLLIN};
  ck_assert_int_eq(poll(&p, 1, 1000), 1);
  char buf[8];
  ck_assert_int_eq(read(est, buf, sizeof buf), 4);
  ck_assert_int_eq(write(est, "pong", 4), 4);
  p.fd = srv;
  ck_assert_int_eq(poll(&p, 1, 1000), 1);

  /* the table gone (a reboot), the sensor restarts: isolate_reapply restores it */
  ck_assert_int_eq(sh("nft delete table inet " ISOLATE_TABLE), 0);
  ck_assert(reachable(host_ip, other_port));
  struct vg_err e;
  ck_assert_int_eq(isolate_reapply(&t.ctx, &e), 0);
  ck_assert(!reachable(host_ip, other_port));
  ck_assert(reachable(host_ip, backend_port));

  ck_assert_int_eq(sink_test_run(&t, "rejoin_network"), 0);
  ck_assert_str_eq(sink_test_type(&t, 0), "REJOIN_NETWORK");
  ck_assert(json_is_true(json_object_get(sink_test_body(&t, 0), "WAS_SEGREGATED")));
  char *after = capture("nft list ruleset");
  ck_assert_str_eq(before, after); /* exactly what was there */
  ck_assert(reachable(host_ip, other_port));
  ck_assert(!isolate_active(state));
  ck_assert_int_eq(isolate_reapply(&t.ctx, &e), 0); /* not isolated: nothing applied */
  char *again = capture("nft list ruleset");
  ck_assert_str_eq(before, again);

  ck_assert_int_eq(sink_test_run(&t, "rejoin_network"), 0);
  ck_assert(json_is_false(json_object_get(sink_test_body(&t, 0), "WAS_SEGREGATED")));

  /* an unresolvable backend: refused before anything is applied */
  t.ctx.backend_host = "no-such-backend.invalid";
  ck_assert_int_lt(sink_test_run(&t, "segregate_network"), 0);
  ck_assert_int_eq(json_integer_value(json_object_get(sink_test_body(&t, 0), "ERROR")), 2);
  char *still = capture("nft list ruleset");
  ck_assert_str_eq(before, still);

  free(before);
  free(after);
  free(again);
  free(still);
  close(est);
  close(srv);
  close(lo);
  close(backend);
  close(other);
  sink_test_cleanup(&t);
  harness_rm_rf(state);
  free(state);
}
END_TEST

START_TEST(ruleset_text) {
  struct vg_buf b;
  vg_buf_init(&b, ISOLATE_RULESET_MAX);
  const char *ok[] = {"192.0.2.7", "2001:db8::1"};
  struct vg_err e;
  ck_assert_int_eq(isolate_ruleset(ok, 2, 7443, &b, &e), 0);
  const char *s = vg_buf_cstr(&b);
  ck_assert_ptr_nonnull(strstr(s, "ip daddr 192.0.2.7 tcp dport 7443 accept"));
  ck_assert_ptr_nonnull(strstr(s, "ip6 saddr 2001:db8::1 tcp sport 7443 tcp flags & (syn | ack) != syn accept"));
  ck_assert_ptr_nonnull(strstr(s, "policy drop"));
  const char *bad[] = {"1.2.3.4; flush ruleset"};
  ck_assert_int_eq(isolate_ruleset(bad, 1, 7443, &b, &e), -VG_EINVAL);
  ck_assert_ptr_nonnull(strstr(e.msg, "not a numeric address"));
  ck_assert_int_eq(isolate_ruleset(ok, 0, 7443, &b, &e), -VG_EINVAL);
  ck_assert_int_eq(isolate_ruleset(ok, 1, 70000, &b, &e), -VG_EINVAL);
  vg_buf_cleanup(&b);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("cmd_isolate");
  TCase *tc = tcase_create("isolate");
  tcase_add_unchecked_fixture(tc, names, cleanup);
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, segregate_and_rejoin);
  tcase_add_test(tc, ruleset_text);
  suite_add_tcase(s, tc);
  return s;
}

VG_CHECK_MAIN(suite)
