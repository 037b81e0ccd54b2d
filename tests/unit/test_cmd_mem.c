/* test_cmd_mem.c — mem_* commands on a real child process, net commands on
 * this host's real sockets and interfaces. */
#include <arpa/inet.h>
#include <check.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sensor/cmd_util.h"
#include "shared/event.h"
#include "tests/harness/harness.h"
#include "tests/harness/sensor_sink_test.h"

static struct sink_test t;
static void setup(void) { sink_test_init(&t, NULL); }
static void teardown(void) { sink_test_cleanup(&t); }

static const char *str(json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }
static long long num(json_t *o, const char *k) { return json_integer_value(json_object_get(o, k)); }

static void assert_error(int rc, long long want, const char *needle) {
  ck_assert_int_lt(rc, 0);
  ck_assert_uint_eq(sink_test_count(&t), 1);
  json_t *b = sink_test_body(&t, 0);
  ck_assert_int_eq(num(b, "ERROR"), want);
  ck_assert_msg(str(b, "ERROR_MESSAGE") && strstr(str(b, "ERROR_MESSAGE"), needle),
                "message '%s' lacks '%s'", str(b, "ERROR_MESSAGE"), needle);
}

static char secret[64];
/* A child that is not this (possibly sanitized) test binary: sh holding
 * marker as its $0 while it waits for a sleep. Waits until it has exec'd. */
static pid_t spawn_sh_holding(const char *marker) {
  pid_t pid = fork();
  if (pid == 0) {
    execl("/bin/sh", "sh", "-c", "sleep 30; true", marker, (char *)NULL);
    _exit(127);
  }
  char path[64], buf[256];
  snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
  for (int i = 0; i < 300; i++) {
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f) fclose(f);
    buf[n] = '\0';
    if (n > 3 && strcmp(buf, "sh") == 0) return pid;
    usleep(10000);
  }
  ck_abort_msg("child did not exec sh");
  return -1;
}

static void reap(pid_t pid) {
  kill(pid, SIGKILL);
  waitpid(pid, NULL, 0);
}

START_TEST(mem_commands) {
  snprintf(secret, sizeof secret, "VIGIL-PLANTED-%d-%ld", (int)getpid(), (long)random());
  pid_t pid = spawn_sh_holding(secret);
  char line[256];
  char absent[64]; /* made after the fork: not in the child */
  snprintf(absent, sizeof absent, "ABSENT-%ld-%ld", (long)random(), (long)random());
  snprintf(line, sizeof line, "mem_find_string -p %d %s %s", (int)pid, secret, absent);
  ck_assert_int_eq(sink_test_run(&t, line), 0);
  ck_assert_str_eq(sink_test_type(&t, 0), "MEM_FIND_STRING_REP");
  json_t *hits = json_copy(json_object_get(sink_test_body(&t, 0), "STRINGS")), *h;
  size_t i;
  ck_assert_uint_ge(json_array_size(hits), 1);
  json_array_foreach(hits, i, h) ck_assert_str_eq(str(h, "STRING"), secret); /* the other is absent */
  uint64_t addr = (uint64_t)num(json_array_get(hits, 0), "ADDRESS");

  /* mem_read at every reported address gives the string back */
  json_array_foreach(hits, i, h) {
    snprintf(line, sizeof line, "mem_read -p %d 0x%llx %zu", (int)pid, (unsigned long long)num(h, "ADDRESS"),
             strlen(secret));
    ck_assert_int_eq(sink_test_run(&t, line), 0);
    size_t n;
    unsigned char *d = cmd_util_unbase64(str(sink_test_body(&t, 0), "MEMORY_DUMP"), &n);
    ck_assert_uint_eq(n, strlen(secret));
    ck_assert_int_eq(memcmp(d, secret, n), 0);
    free(d);
  }

  snprintf(line, sizeof line, "mem_strings -p %d -m 20", (int)pid);
  ck_assert_int_eq(sink_test_run(&t, line), 0);
  bool found = false;
  for (size_t r = 0; r < sink_test_count(&t); r++) {
    ck_assert_str_eq(sink_test_type(&t, r), "MEM_STRINGS_REP");
    json_t *s;
    size_t k;
    json_array_foreach(json_object_get(sink_test_body(&t, r), "STRINGS"), k, s) {
      ck_assert_uint_ge(strlen(str(s, "STRING")), 20);
      found |= strcmp(str(s, "STRING"), secret) == 0;
    }
  }
  ck_assert(found);
  json_decref(hits);

  snprintf(line, sizeof line, "mem_map -p %d", (int)pid);
  ck_assert_int_eq(sink_test_run(&t, line), 0);
  ck_assert_str_eq(sink_test_type(&t, 0), "MEM_MAP_REP");
  bool heap = false, exe = false;
  char self[512];
  snprintf(line, sizeof line, "/proc/%d/exe", (int)pid);
  ssize_t k = readlink(line, self, sizeof self - 1);
  self[k] = '\0';
  json_t *m;
  json_array_foreach(json_object_get(sink_test_body(&t, 0), "MEMORY_MAP"), i, m) {
    uint64_t b = (uint64_t)num(m, "BASE_ADDRESS"), sz = (uint64_t)num(m, "MEMORY_SIZE");
    if (addr >= b && addr < b + sz) {
      heap = true; /* the region holding the string: writable (stack or heap) */
      ck_assert_str_eq(str(m, "PERMISSIONS"), "rw-p");
    }
    exe |= str(m, "FILE_PATH") && strcmp(str(m, "FILE_PATH"), self) == 0;
  }
  ck_assert(heap && exe);

  snprintf(line, sizeof line, "mem_read -p %d 0x10 16", (int)pid);
  assert_error(sink_test_run(&t, line), 87, "not readable");
  snprintf(line, sizeof line, "mem_read -p %d 0x1000 99999999", (int)pid);
  assert_error(sink_test_run(&t, line), 87, "SIZE");
  snprintf(line, sizeof line, "mem_find_string -p %d", (int)pid);
  assert_error(sink_test_run(&t, line), 87, "missing argument");
  assert_error(sink_test_run(&t, "mem_map"), 87, "missing -p PID");
  assert_error(sink_test_run(&t, "mem_map -p 4194001"), 2, "4194001");
  assert_error(sink_test_run(&t, "mem_strings -p 1 -q"), 87, "unknown flag -q");
  reap(pid);
}
END_TEST

static json_t *find_socket(const char *proto, int port) {
  for (size_t r = 0; r < sink_test_count(&t); r++) {
    json_t *e;
    size_t i;
    json_array_foreach(json_object_get(sink_test_body(&t, r), "NETWORK_ACTIVITY"), i, e) {
      if (strcmp(str(e, "PROTOCOL"), proto) == 0 &&
          num(json_object_get(e, "SOURCE"), "PORT") == port)
        return e;
    }
  }
  return NULL;
}

START_TEST(netstat_listening) {
  int s = socket(AF_INET, SOCK_STREAM, 0), u = socket(AF_INET6, SOCK_DGRAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  ck_assert_int_eq(bind(s, (struct sockaddr *)&a, sizeof a), 0);
  ck_assert_int_eq(listen(s, 4), 0);
  socklen_t al = sizeof a;
  getsockname(s, (struct sockaddr *)&a, &al);
  struct sockaddr_in6 b = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
  ck_assert_int_eq(bind(u, (struct sockaddr *)&b, sizeof b), 0);
  al = sizeof b;
  getsockname(u, (struct sockaddr *)&b, &al);

  ck_assert_int_eq(sink_test_run(&t, "netstat"), 0);
  ck_assert_str_eq(sink_test_type(&t, 0), "NETSTAT_REP");
  json_t *e = find_socket("TCP4", ntohs(a.sin_port));
  ck_assert_ptr_nonnull(e);
  ck_assert_str_eq(str(e, "STATE"), "LISTEN");
  ck_assert_str_eq(str(json_object_get(e, "SOURCE"), "IP_ADDRESS"), "127.0.0.1");
  ck_assert_int_eq(num(e, "PROCESS_ID"), getpid());
  e = find_socket("UDP6", ntohs(b.sin6_port));
  ck_assert_ptr_nonnull(e);
  ck_assert_str_eq(str(json_object_get(e, "SOURCE"), "IP_ADDRESS"), "::1");
  ck_assert_int_eq(num(e, "PROCESS_ID"), getpid());
  close(s);
  close(u);
  assert_error(sink_test_run(&t, "netstat -x"), 87, "unknown flag -x");
}
END_TEST

START_TEST(dns_and_ifaces) {
  ck_assert_int_eq(sink_test_run(&t, "dns_resolve localhost"), 0);
  ck_assert_str_eq(sink_test_type(&t, 0), "DNS_RESOLVE_REP");
  json_t *v4 = json_object_get(sink_test_body(&t, 0), "IPV4"), *x;
  size_t i;
  bool lo = false;
  json_array_foreach(v4, i, x) lo |= strcmp(json_string_value(x), "127.0.0.1") == 0;
  ck_assert(lo);
  assert_error(sink_test_run(&t, "dns_resolve no-such-host.invalid"), 2, "no-such-host.invalid");
  assert_error(sink_test_run(&t, "dns_resolve"), 87, "usage: dns_resolve NAME");

  ck_assert_int_eq(sink_test_run(&t, "pcap_ifaces"), 0);
  ck_assert_str_eq(sink_test_type(&t, 0), "PCAP_LIST_INTERFACES_REP");
  json_t *ifs = json_object_get(sink_test_body(&t, 0), "INTERFACES"), *f;
  bool found = false;
  json_array_foreach(ifs, i, f) if (strcmp(str(f, "NAME"), "lo") == 0) {
    found = true;
    ck_assert(json_is_true(json_object_get(f, "IS_LOOPBACK")));
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(f, "IPV4"), 0)), "127.0.0.1");
  }
  ck_assert(found);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("cmd_mem");
  TCase *tc = tcase_create("mem");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, mem_commands);
  tcase_add_test(tc, netstat_listening);
  tcase_add_test(tc, dns_and_ifaces);
  suite_add_tcase(s, tc);
  return s;
}

VG_CHECK_MAIN(suite)
