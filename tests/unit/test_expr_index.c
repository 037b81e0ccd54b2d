/* test_expr_index.c — the value index: which trees get a guard, that an
 * event not carrying a guarded value is not a candidate, and (differential)
 * that evaluating only the candidates gives exactly the results of
 * evaluating every tree, over rules of every indexable shape and near misses
 * (case, file name, numbers, arrays, not, and/or nesting, any-type rules). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/expr.h"
#include "shared/expr_index.h"
#include "shared/routing.h"
#include "tests/harness/harness.h"

static struct vg_expr *comp(const char *y) {
  struct vg_err err;
  vg_err_clear(&err);
  struct vg_expr *e = vg_expr_compile_text(y, strlen(y), "t.yaml", &err);
  ck_assert_msg(e, "%s: %s", y, err.msg);
  return e;
}

static json_t *ev(const char *type, const char *payload) {
  char s[2048];
  snprintf(s, sizeof(s),
           "{\"routing\": {\"event_type\": \"%s\", \"event_time\": 1000, \"sid\": "
           "\"09530d35-2df9-4fd2-845e-80a0c06efaa3\", \"hostname\": \"h\", \"plat\": 536870912, "
           "\"arch\": 1}, \"event\": %s}",
           type, payload);
  json_error_t je;
  json_t *j = json_loads(s, 0, &je);
  ck_assert_msg(j, "%s: %s", s, je.text);
  return j;
}

static const char *const rules[] = {
  /* 0 */ "op: is\nevent: DNS_REQUEST\npath: event/DOMAIN_NAME\nvalue: evil.example\n",
  /* 1 */ "op: is\nevent: DNS_REQUEST\npath: event/DOMAIN_NAME\nvalue: EVIL.example\ncase sensitive: false\n",
  /* 2 */ "op: ends with\nevent: NEW_PROCESS\npath: event/FILE_PATH\nvalue: /nc\n",
  /* 3 */ "op: ends with\nevent: NEW_PROCESS\npath: event/FILE_PATH\nvalue: /NCAT\ncase sensitive: false\n",
  /* 4 */ "op: starts with\nevent: NEW_PROCESS\npath: event/COMMAND_LINE\nvalue: curl -k\n",
  /* 5 */ "op: is\nevent: NEW_PROCESS\npath: event/FILE_PATH\nvalue: xmrig\nfile name: true\n",
  /* 6 */ "event: NEW_PROCESS\nop: or\nrules:\n  - op: is\n    path: event/FILE_PATH\n    value: /tmp/a\n"
          "  - op: ends with\n    path: event/COMMAND_LINE\n    value: --miner\n",
  /* 7 */ "event: NEW_PROCESS\nop: and\nrules:\n  - op: is linux\n  - op: is\n    path: event/USER_NAME\n"
          "    value: mallory\n",
  /* 8: or with an unindexable child: no guard */
  "event: NEW_PROCESS\nop: or\nrules:\n  - op: is\n    path: event/USER_NAME\n    value: eve\n"
  "  - op: contains\n    path: event/COMMAND_LINE\n    value: wget\n",
  /* 9: not: no guard */
  "op: is\nevent: NEW_PROCESS\npath: event/USER_NAME\nvalue: root\nnot: true\n",
  /* 10: numeric `is` stays unindexed (1 == 1.0) */
  "op: is\nevent: NEW_TCP4_CONNECTION\npath: event/DESTINATION/PORT\nvalue: 4444\n",
  /* 11: no event type: any type, indexed under "*" */
  "op: is\npath: event/DOMAIN_NAME\nvalue: any.example\n",
  /* 12: arrays are tested item by item */
  "op: is\nevent: NETWORK_SUMMARY\npath: event/IPS\nvalue: 10.9.9.9\n",
  /* 13: a regex: no guard */
  "op: matches\nevent: NEW_PROCESS\npath: event/COMMAND_LINE\nre: 'b[a]se64 -d'\n",
  /* 14: an and whose first child has no guard, second has */
  "event: DNS_REQUEST\nop: and\nrules:\n  - op: exists\n    path: event/DOMAIN_NAME\n"
  "  - op: ends with\n    path: event/DOMAIN_NAME\n    value: .onion\n    case sensitive: false\n",
  /* 15: an or of leaves with their own event types */
  "op: or\nrules:\n  - op: is\n    event: DNS_REQUEST\n    path: event/DOMAIN_NAME\n    value: two.example\n"
  "  - op: is\n    event: NEW_PROCESS\n    path: event/FILE_PATH\n    value: /two\n",
  /* 16: an empty ends-with value holds on every string */
  "op: ends with\nevent: NEW_PROCESS\npath: event/USER_NAME\nvalue: ''\n",
};
#define NRULES (sizeof(rules) / sizeof(rules[0]))

static const struct {
  const char *type, *payload;
} events[] = {
  {"DNS_REQUEST", "{\"DOMAIN_NAME\": \"evil.example\"}"},
  {"DNS_REQUEST", "{\"DOMAIN_NAME\": \"Evil.Example\"}"},
  {"DNS_REQUEST", "{\"DOMAIN_NAME\": \"evil.example.org\"}"},
  {"DNS_REQUEST", "{\"DOMAIN_NAME\": \"any.example\"}"},
  {"DNS_REQUEST", "{\"DOMAIN_NAME\": \"abc.ONION\"}"},
  {"DNS_REQUEST", "{\"DOMAIN_NAME\": \"two.example\"}"},
  {"DNS_REQUEST", "{\"DOMAIN_NAME\": 7}"},
  {"NEW_PROCESS", "{\"FILE_PATH\": \"/usr/bin/nc\", \"USER_NAME\": \"root\"}"},
  {"NEW_PROCESS", "{\"FILE_PATH\": \"/usr/bin/NCat\", \"USER_NAME\": \"bob\"}"},
  {"NEW_PROCESS", "{\"FILE_PATH\": \"/usr/bin/ncx\", \"COMMAND_LINE\": \"curl -k x\"}"},
  {"NEW_PROCESS", "{\"FILE_PATH\": \"C:\\\\x\\\\xmrig\", \"USER_NAME\": \"eve\"}"},
  {"NEW_PROCESS", "{\"FILE_PATH\": \"/opt/xmrig\", \"COMMAND_LINE\": \"run --miner\"}"},
  {"NEW_PROCESS", "{\"FILE_PATH\": \"/tmp/a\", \"USER_NAME\": \"mallory\"}"},
  {"NEW_PROCESS", "{\"FILE_PATH\": \"/two\", \"COMMAND_LINE\": \"echo x | base64 -d\"}"},
  {"NEW_PROCESS", "{\"FILE_PATH\": \"/bin/sh\", \"COMMAND_LINE\": \"wget x\", \"USER_NAME\": \"\"}"},
  {"NEW_PROCESS", "{\"FILE_PATH\": \"/bin/sh\", \"COMMAND_LINE\": \"ls\", \"USER_NAME\": 5}"},
  {"NEW_TCP4_CONNECTION", "{\"DESTINATION\": {\"PORT\": 4444, \"IP_ADDRESS\": \"1.2.3.4\"}}"},
  {"NEW_TCP4_CONNECTION", "{\"DESTINATION\": {\"PORT\": 4444.0}, \"DOMAIN_NAME\": \"any.example\"}"},
  {"NETWORK_SUMMARY", "{\"IPS\": [\"10.0.0.1\", \"10.9.9.9\"]}"},
  {"NETWORK_SUMMARY", "{\"IPS\": [\"10.0.0.1\"]}"},
};
#define NEVENTS (sizeof(events) / sizeof(events[0]))

START_TEST(guards) {
  struct vg_expr_index *x = vg_expr_index_new();
  struct vg_expr *e[NRULES];
  for (size_t i = 0; i < NRULES; i++) {
    e[i] = comp(rules[i]);
    vg_expr_index_add(x, (uint32_t)i, e[i]);
  }
  size_t trees, guarded;
  vg_expr_index_stats(x, &trees, &guarded);
  ck_assert_uint_eq(trees, NRULES);
  /* unguarded: 8 (or with contains), 9 (not), 10 (number), 13 (regex) */
  ck_assert_uint_eq(guarded, NRULES - 4);
  ck_assert_uint_eq(vg_expr_index_span(x), NRULES);
  ck_assert(vg_expr_index_covers(x, "DNS_REQUEST"));
  ck_assert(vg_expr_index_covers(x, "FILE_DELETE")); /* rule 11 has no type */

  /* a DNS event carrying no indexed value: only rule 9 (`not` inverts its
   * event filter too, so it may hold on any type) is a candidate */
  json_t *j = ev("DNS_REQUEST", "{\"DOMAIN_NAME\": \"benign.example\"}");
  struct vg_routing r;
  ck_assert_int_eq(vg_routing_get(j, &r, NULL), 0);
  uint32_t out[NRULES];
  size_t n0 = vg_expr_index_candidates(x, j, &r, out, NRULES);
  ck_assert_msg(n0 == 1 && out[0] == 9, "%zu candidates, first %u", n0, out[0]);
  json_decref(j);
  /* a NEW_PROCESS event: the unguarded NEW_PROCESS rules 8, 9, 13 always,
   * plus 2 (ends with /nc) and 16 (empty suffix) for this one, ascending */
  j = ev("NEW_PROCESS", "{\"FILE_PATH\": \"/bin/nc\", \"USER_NAME\": \"x\"}");
  ck_assert_int_eq(vg_routing_get(j, &r, NULL), 0);
  size_t n = vg_expr_index_candidates(x, j, &r, out, NRULES);
  uint32_t want[] = {2, 8, 9, 13, 16};
  ck_assert_uint_eq(n, 5);
  for (size_t i = 0; i < n; i++) ck_assert_uint_eq(out[i], want[i]);
  json_decref(j);
  vg_expr_index_free(x);
  for (size_t i = 0; i < NRULES; i++) vg_expr_free(e[i]);
}
END_TEST

/* Every event: the ids that hold when evaluated among the candidates equal
 * the ids that hold when every tree is evaluated. */
START_TEST(same_as_full) {
  struct vg_expr_index *x = vg_expr_index_new();
  struct vg_expr *e[NRULES];
  for (size_t i = 0; i < NRULES; i++) {
    e[i] = comp(rules[i]);
    vg_expr_index_add(x, (uint32_t)i, e[i]);
  }
  size_t total_full = 0;
  for (size_t k = 0; k < NEVENTS; k++) {
    json_t *j = ev(events[k].type, events[k].payload);
    struct vg_routing r;
    ck_assert_int_eq(vg_routing_get(j, &r, NULL), 0);
    bool full[NRULES] = {0}, idx[NRULES] = {0};
    for (size_t i = 0; i < NRULES; i++) total_full += full[i] = vg_expr_eval(e[i], j, &r, NULL, NULL, NULL);
    uint32_t out[NRULES];
    size_t n = vg_expr_index_candidates(x, j, &r, out, NRULES);
    for (size_t c = 0; c < n; c++) {
      if (c) ck_assert_uint_lt(out[c - 1], out[c]);
      idx[out[c]] = vg_expr_eval(e[out[c]], j, &r, NULL, NULL, NULL);
    }
    for (size_t i = 0; i < NRULES; i++)
      ck_assert_msg(full[i] == idx[i], "event %zu rule %zu: full %d indexed %d", k, i, full[i],
                    idx[i]);
    json_decref(j);
  }
  /* the cases are not vacuous: most rules hold somewhere */
  ck_assert_uint_ge(total_full, 20);
  vg_expr_index_free(x);
  for (size_t i = 0; i < NRULES; i++) vg_expr_free(e[i]);
}
END_TEST

/* 1,000 IOC rules on one path: one probe finds the one that holds. */
START_TEST(many_iocs) {
  struct vg_expr_index *x = vg_expr_index_new();
  struct vg_expr *e[1000];
  for (int i = 0; i < 1000; i++) {
    char y[256];
    snprintf(y, sizeof(y), "op: is\nevent: DNS_REQUEST\npath: event/DOMAIN_NAME\nvalue: ioc%d.example\n", i);
    e[i] = comp(y);
    vg_expr_index_add(x, (uint32_t)i, e[i]);
  }
  json_t *j = ev("DNS_REQUEST", "{\"DOMAIN_NAME\": \"ioc517.example\"}");
  struct vg_routing r;
  ck_assert_int_eq(vg_routing_get(j, &r, NULL), 0);
  uint32_t out[1000];
  ck_assert_uint_eq(vg_expr_index_candidates(x, j, &r, out, 1000), 1);
  ck_assert_uint_eq(out[0], 517);
  json_decref(j);
  vg_expr_index_free(x);
  for (int i = 0; i < 1000; i++) vg_expr_free(e[i]);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("expr_index");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, guards);
  tcase_add_test(tc, same_as_full);
  tcase_add_test(tc, many_iocs);
  suite_add_tcase(s, tc);
  return s;
}

VG_CHECK_MAIN(suite)
