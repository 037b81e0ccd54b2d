/* test_query.c — the Insight query language: sections, filter operators
 * compiled to the expression engine (evaluated on real events), projections,
 * prefilter literals, and errors that name the column. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "shared/expr.h"
#include "shared/path.h"
#include "shared/query.h"
#include "shared/routing.h"
#include "tests/harness/harness.h"

#define NOW 1700000000000LL

static const char *dns_ev =
    "{\"routing\":{\"event_type\":\"DNS_REQUEST\",\"event_time\":1699999990000,"
    "\"hostname\":\"web-01.corp\",\"plat\":536870912,\"tags\":[\"vip\"],"
    "\"sid\":\"09530d35-2df9-4fd2-845e-80a0c06efaa3\"},"
    "\"event\":{\"DOMAIN_NAME\":\"Evil.XYZ\",\"IP_ADDRESS\":\"10.1.2.3\",\"PORT\":53}}";

static struct vg_query *parse_ok(const char *text) {
  struct vg_err e = {0};
  struct vg_query *q = vg_query_parse(text, strlen(text), NOW, &e);
  ck_assert_msg(q != NULL, "%s: %d:%d %s", text, e.line, e.col, e.msg);
  return q;
}

static int parse_err_col(const char *text, char *msg, size_t cap) {
  struct vg_err e = {0};
  struct vg_query *q = vg_query_parse(text, strlen(text), NOW, &e);
  ck_assert_msg(q == NULL, "parsed but should not: %s", text);
  ck_assert_int_ne(e.code, 0);
  if (msg) snprintf(msg, cap, "%s", e.msg);
  return e.col;
}

static bool eval(const struct vg_expr *x, const char *ev_text) {
  json_t *ev = json_loads(ev_text, 0, NULL);
  ck_assert_ptr_nonnull(ev);
  struct vg_routing r;
  ck_assert_int_eq(vg_routing_get(ev, &r, NULL), 0);
  bool m = vg_expr_eval(x, ev, &r, NULL, NULL, NULL);
  json_decref(ev);
  return m;
}

/* The filter of "* | * | * | <f>" evaluated on dns_ev. */
static bool filter_holds(const char *f) {
  char text[1024];
  snprintf(text, sizeof(text), "-1h | * | * | %s", f);
  struct vg_query *q = parse_ok(text);
  ck_assert_ptr_nonnull(q->filter);
  bool m = eval(q->filter, dns_ev);
  vg_query_free(q);
  return m;
}

START_TEST(t_issue_example) {
  struct vg_query *q = parse_ok(
      "-24h | hostname contains \"web\" | DNS_REQUEST | event/DOMAIN_NAME ends with \".xyz\" | "
      "routing/hostname as host COUNT(routing/event_id) as n GROUP BY(host)");
  ck_assert_int_eq(q->t1 - q->t0, 86400000LL + 1);
  ck_assert_int_eq(q->ntypes, 1);
  ck_assert_str_eq(q->types[0], "DNS_REQUEST");
  ck_assert(eval(q->sensors, dns_ev));
  ck_assert(eval(q->filter, dns_ev));
  ck_assert_int_eq(q->ncols, 2);
  ck_assert_str_eq(q->cols[0].name, "host");
  ck_assert_str_eq(q->cols[1].name, "n");
  ck_assert_int_eq(q->cols[1].agg, VG_QAGG_COUNT);
  ck_assert(q->aggregate);
  ck_assert_int_eq(q->ngroup, 1);
  ck_assert_int_eq(q->group[0], 0);
  ck_assert_int_eq(q->nlits, 1);
  ck_assert_str_eq(q->lits[0], ".xyz");
  vg_query_free(q);
}
END_TEST

START_TEST(t_operators) {
  ck_assert(filter_holds("event/DOMAIN_NAME == \"evil.xyz\""));
  ck_assert(!filter_holds("event/DOMAIN_NAME == 'evil.xyz'")); /* '…' keeps case */
  ck_assert(filter_holds("event/DOMAIN_NAME == 'Evil.XYZ'"));
  ck_assert(filter_holds("event/DOMAIN_NAME != \"good.com\""));
  ck_assert(!filter_holds("event/DOMAIN_NAME != \"EVIL.xyz\""));
  ck_assert(filter_holds("event/DOMAIN_NAME contains \"vil\""));
  ck_assert(filter_holds("event/DOMAIN_NAME starts with \"evil\""));
  ck_assert(!filter_holds("event/DOMAIN_NAME starts with 'evil'"));
  ck_assert(filter_holds("event/DOMAIN_NAME matches \"^e.*z$\""));
  ck_assert(!filter_holds("event/DOMAIN_NAME matches '^e.*z$'"));
  ck_assert(filter_holds("event/IP_ADDRESS cidr 10.0.0.0/8"));
  ck_assert(!filter_holds("event/IP_ADDRESS cidr 192.168.0.0/16"));
  ck_assert(filter_holds("event/PORT > 52 and event/PORT < 54"));
  ck_assert(!filter_holds("event/PORT > 53"));
  ck_assert(filter_holds("is tagged \"vip\" and is platform \"linux\""));
  ck_assert(!filter_holds("is tagged \"other\""));
  ck_assert(filter_holds("tag == vip and platform != windows"));
  ck_assert(filter_holds("not event/PORT > 60"));
  ck_assert(!filter_holds("not (event/PORT > 50 and hostname contains \"web\")"));
  ck_assert(filter_holds("event/PORT == 1 or (event/PORT == 53 AND event/IP_ADDRESS exists)"));
  ck_assert(filter_holds("event/NOPE == 1 or event/PORT == 1 or event/PORT == 53"));
  ck_assert(!filter_holds("event/NOPE exists"));
}
END_TEST

START_TEST(t_sections) {
  struct vg_query *q = parse_ok("1000..2000 | * | NEW_PROCESS, DNS_REQUEST FILE_CREATE | *");
  ck_assert_int_eq(q->t0, 1000);
  ck_assert_int_eq(q->t1, 2000);
  ck_assert_ptr_null(q->sensors);
  ck_assert_ptr_null(q->filter);
  ck_assert_int_eq(q->ntypes, 3);
  ck_assert_int_eq(q->ncols, 0);
  vg_query_free(q);
  q = parse_ok("2023-11-14T00:00:00Z..2023-11-15 | sid == \"09530d35-2df9-4fd2-845e-80a0c06efaa3\" "
               "| * | *");
  ck_assert_int_eq(q->t0, 1699920000000LL);
  ck_assert_int_eq(q->t1, 1700006400000LL);
  ck_assert(eval(q->sensors, dns_ev));
  vg_query_free(q);
  q = parse_ok("-2d | * | * | * | event/DOMAIN_NAME routing/hostname as h ORDER BY(h desc) LIMIT 5");
  ck_assert_int_eq(q->t0, NOW - 2 * 86400000LL);
  ck_assert(!q->aggregate);
  ck_assert_str_eq(q->cols[0].name, "event/DOMAIN_NAME");
  ck_assert_int_eq(q->norder, 1);
  ck_assert_int_eq(q->order[0].col, 1);
  ck_assert(q->order[0].desc);
  ck_assert_int_eq(q->limit, 5);
  vg_query_free(q);
  q = parse_ok("-1h | * | * | * | COUNT() COUNT_UNIQUE(event/DOMAIN_NAME) as d");
  ck_assert(q->aggregate);
  ck_assert_str_eq(q->cols[0].name, "COUNT()");
  ck_assert_ptr_null(q->cols[0].path);
  ck_assert_int_eq(q->cols[1].agg, VG_QAGG_COUNT_UNIQUE);
  vg_query_free(q);
  /* literals: only from and-chains, never from or / not / numbers / routing */
  q = parse_ok("-1h | * | * | event/A contains \"abc\" and (event/B == 'X1' or event/C == 'y') "
               "and not event/D contains \"no\" and event/E == 5 and hostname contains \"h\" "
               "and (event/F ends with \"fff\" and event/G starts with \"gg\")");
  ck_assert_int_eq(q->nlits, 3);
  ck_assert_str_eq(q->lits[0], "abc");
  ck_assert_str_eq(q->lits[1], "fff");
  ck_assert_str_eq(q->lits[2], "gg");
  vg_query_free(q);
}
END_TEST

START_TEST(t_errors_name_the_column) {
  char m[256];
  /*                 0        1         2         3         4
   *                 1234567890123456789012345678901234567890 */
  ck_assert_int_eq(parse_err_col("-24h | * | DNS_REQUEST | event/X bogus 1", m, sizeof(m)), 34);
  ck_assert_msg(strstr(m, "operator"), "%s", m);
  ck_assert_int_eq(parse_err_col("-24h | * | dns request | *", m, sizeof(m)), 12);
  ck_assert_int_eq(parse_err_col("-24x | * | * | *", m, sizeof(m)), 1);
  ck_assert_int_eq(parse_err_col("-24h | * | *", m, sizeof(m)), 13);
  ck_assert_msg(strstr(m, "filter"), "%s", m);
  ck_assert_int_eq(parse_err_col("-24h | * | * | (event/A == 1", m, sizeof(m)), 16);
  ck_assert_int_eq(parse_err_col("-24h | * | * | event/A == \"x", m, sizeof(m)), 27);
  ck_assert_int_eq(parse_err_col("-24h | * | * | event/A matches \"(\"", m, sizeof(m)), 32);
  ck_assert_int_eq(parse_err_col("-24h | * | * | event/A cidr 10.0.0.0/99", m, sizeof(m)), 29);
  ck_assert_int_eq(parse_err_col("-24h | * | * | foo == 1", m, sizeof(m)), 16);
  ck_assert_int_eq(parse_err_col("-24h | * | * | * | event/A COUNT()", m, sizeof(m)), 20);
  ck_assert_msg(strstr(m, "GROUP BY"), "%s", m);
  ck_assert_int_eq(parse_err_col("-24h | * | * | * | event/A GROUP BY(b)", m, sizeof(m)), 37);
  ck_assert_int_eq(parse_err_col("-24h | * | * | * | event/A LIMIT 0", m, sizeof(m)), 34);
  ck_assert_int_eq(parse_err_col("-24h | * | * | event/A == 1 event/B == 2", m, sizeof(m)), 29);
  ck_assert_int_eq(parse_err_col("-24h | * | * | * | event/A | x", m, sizeof(m)), 28);
  ck_assert_int_eq(parse_err_col("-24h | * | * | event//A == 1", m, sizeof(m)) > 16, 1);
}
END_TEST

START_TEST(t_limits) {
  char *big = malloc(VG_LIMIT_QUERY_BYTES + 2);
  memset(big, ' ', VG_LIMIT_QUERY_BYTES + 1);
  big[VG_LIMIT_QUERY_BYTES + 1] = '\0';
  struct vg_err e = {0};
  ck_assert_ptr_null(vg_query_parse(big, strlen(big), NOW, &e));
  ck_assert_int_eq(e.code, VG_ELIMIT);
  /* nesting past the engine's depth */
  size_t o = 0;
  o += (size_t)snprintf(big + o, 64, "-1h | * | * | ");
  for (int i = 0; i < 40; i++) big[o++] = '(';
  big[o] = '\0';
  ck_assert_ptr_null(vg_query_parse(big, strlen(big), NOW, &e));
  ck_assert_int_eq(e.code, VG_ELIMIT);
  free(big);
}
END_TEST

static Suite *query_suite(void) {
  Suite *s = suite_create("query");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, t_issue_example);
  tcase_add_test(tc, t_operators);
  tcase_add_test(tc, t_sections);
  tcase_add_test(tc, t_errors_name_the_column);
  tcase_add_test(tc, t_limits);
  suite_add_tcase(s, tc);
  return s;
}

VG_CHECK_MAIN(query_suite)
