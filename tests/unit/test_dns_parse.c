/* test_dns_parse.c — the DNS capture parsers against fixture packets
 * (tests/data/dns): a UDP/IPv4 answer with a CNAME chain and compression,
 * a TCP/IPv6 query, and hostile messages (pointer loop, forward pointer,
 * truncated label, two questions) rejected with a message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sensor/dns_parse.h"
#include "tests/harness/harness.h"

static uint8_t *fixture(const char *name, size_t *len) {
  char rel[128];
  snprintf(rel, sizeof rel, "tests/data/dns/%s", name);
  char *path = harness_source_path(rel);
  char *s = harness_read_file(path, len);
  free(path);
  ck_assert_msg(s, "fixture %s", name);
  return (uint8_t *)s;
}

START_TEST(udp4_response_with_cname_chain) {
  size_t len;
  uint8_t *b = fixture("response_cname.bin", &len);
  struct dns_packet p;
  struct dns_msg m;
  struct vg_err e;
  ck_assert_int_eq(dns_parse_ip(b, len, 0x0800, &p, &e), 0);
  ck_assert_int_eq(p.sport, 53);
  ck_assert_int_eq(p.dport, 40000);
  ck_assert_int_eq(dns_parse_msg(p.payload, p.len, &m, &e), 0);
  ck_assert(m.is_response);
  ck_assert_int_eq(m.id, 0xbeef);
  ck_assert_str_eq(m.qname, "www.example.com");
  ck_assert_int_eq(m.qtype, 1);
  ck_assert_uint_eq(m.nanswers, 3);
  ck_assert_int_eq(m.answers[0].type, 5);
  ck_assert_str_eq(m.answers[0].value, "edge.example.net");
  ck_assert_str_eq(m.answers[1].value, "93.184.216.34");
  ck_assert_str_eq(m.answers[2].value, "2606:2800::1");
  /* every truncation of it is refused, never read past */
  for (size_t cut = 0; cut < p.len; cut++) {
    uint8_t *copy = malloc(cut ? cut : 1);
    memcpy(copy, p.payload, cut);
    ck_assert_int_eq(dns_parse_msg(copy, cut, &m, NULL), -VG_EPARSE);
    free(copy);
  }
  free(b);
}
END_TEST

START_TEST(tcp6_query) {
  size_t len;
  uint8_t *b = fixture("query_tcp6.bin", &len);
  struct dns_packet p;
  struct dns_msg m;
  ck_assert_int_eq(dns_parse_ip(b, len, 0x86DD, &p, NULL), 0);
  ck_assert_int_eq(p.dport, 53);
  ck_assert_int_eq(dns_parse_msg(p.payload, p.len, &m, NULL), 0);
  ck_assert(!m.is_response);
  ck_assert_str_eq(m.qname, "vigil.io");
  ck_assert_int_eq(m.qtype, 28);
  ck_assert_int_eq(dns_parse_ip(b, len - 1, 0x86DD, &p, NULL), -VG_EPARSE);
  ck_assert_int_eq(dns_parse_ip(b, len, 0x0806, &p, NULL), -VG_EUNSUPPORTED);
  free(b);
}
END_TEST

START_TEST(hostile_messages_rejected) {
  static const struct {
    const char *file, *msg;
  } cases[] = {{"bad_loop.msg", "pointer"},
               {"bad_forward.msg", "pointer"},
               {"bad_truncated.msg", "label"},
               {"bad_two_questions.msg", "question count"}};
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    size_t len;
    uint8_t *b = fixture(cases[i].file, &len);
    struct dns_msg m;
    struct vg_err e;
    vg_err_clear(&e);
    ck_assert_int_eq(dns_parse_msg(b, len, &m, &e), -VG_EPARSE);
    ck_assert_msg(strstr(e.msg, cases[i].msg) && strstr(e.msg, "at byte"), "%s: %s", cases[i].file, e.msg);
    free(b);
  }
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("dns_parse");
  TCase *tc = tcase_create("fixtures");
  tcase_add_test(tc, udp4_response_with_cname_chain);
  tcase_add_test(tc, tcp6_query);
  tcase_add_test(tc, hostile_messages_rejected);
  suite_add_tcase(s, tc);
  return s;
}

VG_CHECK_MAIN(suite)
