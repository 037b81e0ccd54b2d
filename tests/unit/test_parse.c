/* test_parse.c — the sensor's pure parsers against fixture files
 * (tests/fixtures/sensor/) and against malformed input. */
#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sensor/parse.h"
#include "tests/harness/harness.h"

static char *fixture(const char *name, size_t *n) {
  char rel[256];
  snprintf(rel, sizeof rel, "tests/fixtures/sensor/%s", name);
  char *p = harness_source_path(rel), *s = harness_read_file(p, n);
  ck_assert_msg(s != NULL, "fixture %s", p);
  free(p);
  return s;
}

static struct parse_maps_entry maps[16];
static int nmaps;
static bool on_map(void *u, const struct parse_maps_entry *e) {
  (void)u;
  maps[nmaps++] = *e;
  return nmaps < 16;
}

START_TEST(maps_fixture) {
  size_t n;
  char *s = fixture("maps.txt", &n);
  struct vg_err e;
  nmaps = 0;
  ck_assert_int_eq(parse_maps(s, n, on_map, NULL, &e), 0);
  ck_assert_int_eq(nmaps, 7);
  ck_assert_uint_eq(maps[0].start, 0x55d0c0a00000ull);
  ck_assert_uint_eq(maps[1].offset, 0x2000);
  ck_assert_str_eq(maps[1].perms, "r-xp");
  ck_assert_uint_eq(maps[1].inode, 1835012);
  ck_assert_str_eq(maps[1].path, "/usr/bin/cat");
  ck_assert_str_eq(maps[2].path, "[heap]");
  ck_assert_str_eq(maps[3].path, "");
  ck_assert_str_eq(maps[4].path, "/usr/lib/x86_64-linux-gnu/libc.so.6 (deleted)");
  ck_assert_str_eq(maps[4].dev, "fd:00");
  ck_assert_uint_eq(maps[6].end, 0xffffffffff601000ull);
  free(s);
}
END_TEST

START_TEST(maps_bad) {
  struct parse_maps_entry m;
  struct vg_err e;
  const char *bad[] = {"", "zz-10 r-xp 0 08:01 1", "10-5 r-xp 0 08:01 1 /x", "10-20 rwqp 0 08:01 1",
                       "10-20 r-xp 0 0801 1", "10-20 r-xp 0 08:01 x", "10-20 r-xp", "10",
                       "11111111111111111-2 r-xp 0 08:01 1"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    ck_assert_msg(parse_maps_line(bad[i], strlen(bad[i]), &m, &e) == -VG_EPARSE, "accepted '%s'", bad[i]);
  parse_maps_line("10-5 r-xp 0 08:01 1 /x", 22, &m, &e);
  ck_assert_ptr_nonnull(strstr(e.msg, "end address below start"));
  const char *two = "10-20 r-xp 0 08:01 1 /ok\n10-20 bad\n";
  nmaps = 0;
  ck_assert_int_eq(parse_maps(two, strlen(two), on_map, NULL, &e), -VG_EPARSE);
  ck_assert_int_eq(e.line, 2);
}
END_TEST

static void lines(const char *s, size_t n, int family, struct parse_procnet_entry *out, int *count) {
  const char *p = s, *end = s + n;
  int k = 0;
  bool header = true;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t ln = nl ? (size_t)(nl - p) : (size_t)(end - p);
    if (!header) {
      struct vg_err e;
      ck_assert_msg(parse_procnet_line(p, ln, family, &out[k], &e) == 0, "%s", e.msg);
      k++;
    }
    header = false;
    p += ln + 1;
  }
  *count = k;
}

START_TEST(procnet_fixture) {
  size_t n;
  char *s = fixture("proc_net_tcp.txt", &n);
  struct parse_procnet_entry v[4];
  int k;
  lines(s, n, AF_INET, v, &k);
  ck_assert_int_eq(k, 2);
  char a[INET6_ADDRSTRLEN];
  inet_ntop(AF_INET, v[0].local, a, sizeof a);
  ck_assert_str_eq(a, "127.0.0.1");
  ck_assert_int_eq(v[0].lport, 8080);
  ck_assert_str_eq(parse_procnet_state_name(v[0].state), "LISTEN");
  ck_assert_int_eq(v[0].uid, 1000);
  ck_assert_uint_eq(v[0].inode, 4242);
  inet_ntop(AF_INET, v[1].remote, a, sizeof a);
  ck_assert_str_eq(a, "172.216.184.93");
  ck_assert_int_eq(v[1].rport, 443);
  ck_assert_str_eq(parse_procnet_state_name(v[1].state), "ESTABLISHED");
  free(s);
  s = fixture("proc_net_tcp6.txt", &n);
  lines(s, n, AF_INET6, v, &k);
  ck_assert_int_eq(k, 1);
  inet_ntop(AF_INET6, v[0].local, a, sizeof a);
  ck_assert_str_eq(a, "::1");
  ck_assert_int_eq(v[0].lport, 53);
  ck_assert_uint_eq(v[0].inode, 31337);
  free(s);
  struct vg_err e;
  const char *hdr = "  sl  local_address rem_address   st tx_queue";
  ck_assert_int_eq(parse_procnet_line(hdr, strlen(hdr), AF_INET, v, &e), -VG_EPARSE);
  const char *shortaddr = "0: 0100007F:1F9 00000000:0000 0A 0:0 0:0 0 0 0 1";
  ck_assert_int_eq(parse_procnet_line(shortaddr, strlen(shortaddr), AF_INET, v, &e), -VG_EPARSE);
  ck_assert_ptr_nonnull(strstr(e.msg, "local address"));
  const char *v4as6 = "0: 0100007F:1F90 00000000:0000 0A 0:0 0:0 0 0 0 1";
  ck_assert_int_eq(parse_procnet_line(v4as6, strlen(v4as6), AF_INET6, v, &e), -VG_EPARSE);
  const char *noinode = "0: 0100007F:1F90 00000000:0000 0A 0:0 0:0 0 0 0";
  ck_assert_int_eq(parse_procnet_line(noinode, strlen(noinode), AF_INET, v, &e), -VG_EPARSE);
  ck_assert_ptr_nonnull(strstr(e.msg, "inode"));
}
END_TEST

START_TEST(stat_fixture) {
  size_t n;
  char *s = fixture("stat.txt", &n);
  struct parse_stat st;
  struct vg_err e;
  ck_assert_int_eq(parse_stat(s, n, &st, &e), 0);
  ck_assert_int_eq(st.pid, 4242);
  ck_assert_str_eq(st.comm, "evil) (name");
  ck_assert_int_eq(st.state, 'S');
  ck_assert_int_eq(st.ppid, 1);
  ck_assert_uint_eq(st.utime, 7);
  ck_assert_uint_eq(st.stime, 3);
  ck_assert_int_eq(st.threads, 2);
  ck_assert_uint_eq(st.starttime, 123456);
  ck_assert_uint_eq(st.rss_pages, 300);
  free(s);
  ck_assert_int_eq(parse_stat("12 (x) S 1 2", 12, &st, &e), -VG_EPARSE);
  ck_assert_int_eq(parse_stat("x (y) S 1", 9, &st, &e), -VG_EPARSE);
  ck_assert_int_eq(parse_stat("12 no comm", 10, &st, &e), -VG_EPARSE);
}
END_TEST

START_TEST(passwd_fixture) {
  size_t n;
  char *s = fixture("passwd.txt", &n);
  struct parse_passwd_entry u[8];
  int ok = 0, skipped = 0, bad = 0;
  for (char *line = strtok(s, "\n"); line; line = strtok(NULL, "\n")) {
    struct vg_err e;
    int rc = parse_passwd_line(line, strlen(line), &u[ok], &e);
    if (rc == 0) ok++;
    else if (rc == 1) skipped++;
    else {
      bad++;
      ck_assert_ptr_nonnull(strstr(e.msg, "uid"));
    }
  }
  ck_assert_int_eq(ok, 3);
  ck_assert_int_eq(skipped, 2);
  ck_assert_int_eq(bad, 1);
  ck_assert_str_eq(u[2].name, "alice");
  ck_assert_int_eq(u[2].uid, 1000);
  ck_assert_str_eq(u[2].gecos, "Alice Example,,,");
  ck_assert_str_eq(u[2].shell, "/bin/zsh");
  free(s);
  struct parse_passwd_entry x;
  ck_assert_int_eq(parse_passwd_line("a:b:1:2:c:d", 11, &x, NULL), -VG_EPARSE);
  ck_assert_int_eq(parse_passwd_line("a:b:1:2:c:d:e:f", 15, &x, NULL), -VG_EPARSE);
}
END_TEST

static struct parse_dpkg_pkg pk[8];
static int npk;
static bool on_pkg(void *u, const struct parse_dpkg_pkg *p) {
  (void)u;
  pk[npk++] = *p;
  return npk < 8;
}

START_TEST(dpkg_fixture) {
  size_t n;
  char *s = fixture("dpkg_status.txt", &n);
  struct vg_err e;
  npk = 0;
  ck_assert_int_eq(parse_dpkg(s, n, on_pkg, NULL, &e), 0);
  ck_assert_int_eq(npk, 3);
  ck_assert_str_eq(pk[0].name, "libc6");
  ck_assert_str_eq(pk[0].version, "2.36-9+deb12u4");
  ck_assert_str_eq(pk[0].arch, "amd64");
  ck_assert_str_eq(pk[0].status, "install ok installed");
  ck_assert_str_eq(pk[0].description, "GNU C Library: Shared libraries");
  ck_assert_str_eq(pk[1].status, "deinstall ok config-files");
  ck_assert_str_eq(pk[2].name, "vim"); /* last stanza without a trailing blank line */
  ck_assert_str_eq(pk[2].version, "2:9.0.1378-2");
  free(s);
  const char *bad = "Package: a\nno colon here\n";
  npk = 0;
  ck_assert_int_eq(parse_dpkg(bad, strlen(bad), on_pkg, NULL, &e), -VG_EPARSE);
  ck_assert_int_eq(e.line, 2);
  const char *cont = " leading continuation\n";
  ck_assert_int_eq(parse_dpkg(cont, strlen(cont), on_pkg, NULL, &e), -VG_EPARSE);
}
END_TEST

static char kv[16][2][128];
static int nkv;
static void on_kv(void *u, const char *k, const char *v) {
  (void)u;
  snprintf(kv[nkv][0], 128, "%s", k);
  snprintf(kv[nkv][1], 128, "%s", v);
  nkv++;
}
static void on_unit(void *u, const char *sec, const char *k, const char *v) {
  (void)u;
  snprintf(kv[nkv][0], 128, "%s.%s", sec, k);
  snprintf(kv[nkv][1], 128, "%s", v);
  nkv++;
}

START_TEST(kv_fixtures) {
  size_t n;
  char *s = fixture("os-release.txt", &n);
  struct vg_err e;
  nkv = 0;
  ck_assert_int_eq(parse_kv_osrelease(s, n, on_kv, NULL, &e), 0);
  ck_assert_int_eq(nkv, 6);
  ck_assert_str_eq(kv[0][1], "Debian GNU/Linux 12 (bookworm)");
  ck_assert_str_eq(kv[3][0], "ID");
  ck_assert_str_eq(kv[3][1], "debian");
  ck_assert_str_eq(kv[4][1], "single $quoted");
  ck_assert_str_eq(kv[5][1], "a \"b\" c");
  free(s);
  ck_assert_int_eq(parse_kv_osrelease("X=\"open\n", 8, on_kv, NULL, &e), -VG_EPARSE);
  ck_assert_int_eq(parse_kv_osrelease("no equals\n", 10, on_kv, NULL, &e), -VG_EPARSE);

  s = fixture("unit.service", &n);
  nkv = 0;
  ck_assert_int_eq(parse_kv_unit(s, n, on_unit, NULL, &e), 0);
  ck_assert_int_eq(nkv, 6);
  ck_assert_str_eq(kv[0][0], "Unit.Description");
  ck_assert_str_eq(kv[3][0], "Service.ExecStart");
  ck_assert_str_eq(kv[3][1], "/usr/sbin/exampled --config /etc/example.conf  --verbose");
  ck_assert_str_eq(kv[5][0], "Install.WantedBy");
  free(s);
  ck_assert_int_eq(parse_kv_unit("[Unit\n", 6, on_unit, NULL, &e), -VG_EPARSE);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("parse");
  TCase *tc = tcase_create("parse");
  tcase_add_test(tc, maps_fixture);
  tcase_add_test(tc, maps_bad);
  tcase_add_test(tc, procnet_fixture);
  tcase_add_test(tc, stat_fixture);
  tcase_add_test(tc, passwd_fixture);
  tcase_add_test(tc, dpkg_fixture);
  tcase_add_test(tc, kv_fixtures);
  suite_add_tcase(s, tc);
  return s;
}

VG_CHECK_MAIN(suite)
