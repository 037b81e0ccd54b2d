/* test_insight_search.c — insight.search, insight.export and insight.objects
 * through the API over events stored by the real ingest path (sensor_sim →
 * real vigild): filter + sensor selector + plain text, paging with cursors,
 * COUNT / GROUP BY, a syntax error naming its column, object counts, export
 * pages, and organisation isolation of every method. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "shared/alloc.h"
#include "shared/atom.h"
#include "shared/event.h"
#include "tests/harness/api_sim.h"
#include "tests/harness/harness.h"
#include "tests/harness/sensor_sim.h"

#define WEB_XYZ 7  /* .xyz lookups of web-01 */
#define DB_XYZ 3   /* .xyz lookups of db-01 */
#define OTHER 10   /* other lookups, each sensor */

static int64_t T;

static json_t *dns(int64_t t, const char *domain) {
  json_t *ev = vg_event_new("DNS_REQUEST", t);
  json_object_set_new(vg_event_payload(ev), "DOMAIN_NAME", json_string(domain));
  json_object_set_new(vg_event_payload(ev), "IP_ADDRESS", json_string("10.9.8.7"));
  return ev;
}

static void send_and_ack(struct sensor_sim *s, uint64_t first, json_t *evs) {
  size_t n = json_array_size(evs);
  ck_assert_int_eq(sensor_sim_send_events(s, first, evs), 0);
  json_decref(evs);
  json_t *a = sensor_sim_recv(s, "ack", 10000);
  ck_assert_ptr_nonnull(a);
  ck_assert_int_eq(json_integer_value(json_object_get(a, "seq")), (json_int_t)(first + n - 1));
  json_decref(a);
}

/* n lookups of <i>.evil.XYZ and OTHER of <i>.example.com, one ms apart;
 * plus one process event with a mixed-case marker in its command line. */
static void send_host(struct sensor_sim *s, int n, const char *marker) {
  json_t *b = json_array();
  for (int i = 0; i < n; i++) {
    char d[64];
    snprintf(d, sizeof(d), "h%d.Evil.XYZ", i);
    json_array_append_new(b, dns(T + i, i == 0 ? "evil.xyz" : d));
  }
  for (int i = 0; i < OTHER; i++) {
    char d[64];
    snprintf(d, sizeof(d), "n%d.example.com", i);
    json_array_append_new(b, dns(T + 100 + i, d));
  }
  json_t *p = vg_event_new("NEW_PROCESS", T + 200);
  json_object_set_new(vg_event_payload(p), "COMMAND_LINE", json_string(marker));
  json_object_set_new(vg_event_payload(p), "USER_NAME", json_string("alice"));
  json_array_append_new(b, p);
  send_and_ack(s, 1, b);
}

/* Every row of a search, following cursors; asserts no duplicate event id. */
static json_t *search_all(struct client *c, const char *method, json_t *params, int *calls) {
  json_t *all = json_array();
  json_t *cursor = NULL;
  for (*calls = 0; *calls < 1000; (*calls)++) {
    json_t *p = json_deep_copy(params);
    if (cursor) json_object_set_new(p, "cursor", cursor);
    json_t *r = result_of(c, method, p);
    if (strcmp(method, "insight.export") == 0) {
      const char *nd = json_string_value(json_object_get(r, "ndjson"));
      ck_assert_ptr_nonnull(nd);
      for (const char *l = nd; *l;) {
        const char *e = strchr(l, '\n');
        ck_assert_ptr_nonnull(e); /* every line ends with \n */
        json_t *row = json_loadb(l, (size_t)(e - l), 0, NULL);
        ck_assert_ptr_nonnull(row);
        json_array_append_new(all, row);
        l = e + 1;
      }
    } else {
      json_array_extend(all, json_object_get(r, "results"));
    }
    json_t *next = json_object_get(r, "next");
    cursor = json_is_string(next) ? json_incref(next) : NULL;
    ck_assert(json_is_true(json_object_get(r, "done")) == (cursor == NULL));
    json_decref(r);
    if (!cursor) break;
  }
  json_decref(params);
  size_t i, j;
  json_t *a, *b;
  json_array_foreach(all, i, a) {
    const char *ia = json_string_value(json_object_get(json_object_get(a, "routing"), "event_id"));
    if (!ia) continue;
    for (j = i + 1; j < json_array_size(all); j++) {
      b = json_array_get(all, j);
      const char *ib =
          json_string_value(json_object_get(json_object_get(b, "routing"), "event_id"));
      ck_assert_msg(!ib || strcmp(ia, ib) != 0, "event %s returned twice", ia);
    }
  }
  return all;
}

/* Rows of the sensor sid (both simulated sensors say hostname "sim-host"). */
static size_t count_host(json_t *rows, const char *host) {
  size_t i, n = 0;
  json_t *r;
  json_array_foreach(rows, i, r) {
    const char *h = json_string_value(json_object_get(json_object_get(r, "routing"), "sid"));
    n += h && strcmp(h, host) == 0;
  }
  return n;
}

START_TEST(t_search) {
  struct harness_vigild d;
  ck_assert_int_eq(harness_vigild_start(&d, NULL), 0);
  struct creds a;
  vigild_creds(&d, &a);
  struct sensor_sim web, db;
  struct vg_err e;
  ck_assert_msg(sensor_sim_enroll(&web, &d, NULL, "web-01", &e) == 0, "enroll: %s", e.msg);
  ck_assert_msg(sensor_sim_enroll(&db, &d, NULL, "db-01", &e) == 0, "enroll: %s", e.msg);
  json_decref(sensor_sim_connect(&web, &d, NULL, NULL));
  json_decref(sensor_sim_connect(&db, &d, NULL, NULL));
  T = vg_event_now_ms() - 5000;
  send_host(&web, WEB_XYZ, "curl http://MiXeD-Marker/x");
  send_host(&db, DB_XYZ, "psql -c select");

  struct client c;
  admin_open(&c, &d);
  json_decref(result_of(&c, "sensors.tags.add", json_pack("{s:s, s:s}", "sid", db.id.sid, "tag", "vip")));
  char *vkey = make_key(&c, "viewer");
  client_close(&c);
  client_open(&c, &d);
  auth(&c, a.oid, vkey, "viewer"); /* searching is a read */
  free(vkey);

  /* The query without projection, pages of 2: exactly web-01's
   * .xyz lookups, in pages, each once. */
  int calls;
  char *q1 = vg_xasprintf("-1h | hostname contains \"SIM\" and sid == \"%s\" | DNS_REQUEST | "
                          "event/DOMAIN_NAME ends with \".xyz\"", web.id.sid);
  json_t *rows = search_all(&c, "insight.search", json_pack("{s:s, s:i}", "query", q1, "limit", 2),
                            &calls);
  free(q1);
  ck_assert_uint_eq(json_array_size(rows), WEB_XYZ);
  ck_assert_uint_eq(count_host(rows, web.id.sid), WEB_XYZ);
  ck_assert_int_ge(calls, WEB_XYZ / 2);
  json_decref(rows);
  /* '…' keeps case: no domain ends with lower-case ".XYZ"… except none */
  rows = search_all(&c, "insight.search", json_pack("{s:s}", "query",
      "-1h | * | DNS_REQUEST | event/DOMAIN_NAME ends with '.xyz'"), &calls);
  ck_assert_uint_eq(json_array_size(rows), 2); /* the two "evil.xyz" */
  json_decref(rows);
  /* Structured params: tag selector, type list, filter, plain text. */
  rows = search_all(&c, "insight.search", json_pack("{s:I, s:I, s:[s], s:s, s:s}", "from",
      (json_int_t)(T - 1000), "to", (json_int_t)(T + 60000), "types", "DNS_REQUEST", "sensors",
      "is tagged \"vip\"", "filter", "event/DOMAIN_NAME contains \"evil\" and not event/DOMAIN_NAME == \"evil.xyz\""), &calls);
  ck_assert_uint_eq(json_array_size(rows), DB_XYZ - 1);
  ck_assert_uint_eq(count_host(rows, db.id.sid), DB_XYZ - 1);
  json_decref(rows);
  rows = search_all(&c, "insight.search", json_pack("{s:s, s:s}", "query", "-1h | * | * | *",
                                                      "text", "mixed-MARKER"), &calls);
  ck_assert_uint_eq(json_array_size(rows), 1);
  ck_assert_uint_eq(count_host(rows, web.id.sid), 1);
  json_decref(rows);
  rows = search_all(&c, "insight.search", json_pack("{s:s, s:s}", "query", "-1h | * | * | *",
                                                      "text", "no such text anywhere"), &calls);
  ck_assert_uint_eq(json_array_size(rows), 0);
  json_decref(rows);

  /* Projection: COUNT per host, ordered, and COUNT_UNIQUE. */
  rows = search_all(&c, "insight.search", json_pack("{s:s}", "query",
      "-1h | * | DNS_REQUEST | event/DOMAIN_NAME ends with \".xyz\" | routing/sid as host "
      "COUNT(routing/event_id) as n COUNT_UNIQUE(event/DOMAIN_NAME) as u GROUP BY(host) "
      "ORDER BY(n desc)"), &calls);
  ck_assert_uint_eq(json_array_size(rows), 2);
  json_t *r0 = json_array_get(rows, 0), *r1 = json_array_get(rows, 1);
  ck_assert_str_eq(json_string_value(json_object_get(r0, "host")), web.id.sid);
  ck_assert_int_eq(json_integer_value(json_object_get(r0, "n")), WEB_XYZ);
  ck_assert_int_eq(json_integer_value(json_object_get(r0, "u")), WEB_XYZ);
  ck_assert_str_eq(json_string_value(json_object_get(r1, "host")), db.id.sid);
  ck_assert_int_eq(json_integer_value(json_object_get(r1, "n")), DB_XYZ);
  json_decref(rows);
  /* Plain projection with LIMIT. */
  rows = search_all(&c, "insight.search", json_pack("{s:s, s:i}", "query",
      "-1h | * | DNS_REQUEST | * | event/DOMAIN_NAME as d LIMIT 5", "limit", 2), &calls);
  ck_assert_uint_eq(json_array_size(rows), 5);
  ck_assert(json_is_string(json_object_get(json_array_get(rows, 0), "d")));
  json_decref(rows);

  /* A syntax error names the column. */
  json_t *resp = call(&c, "insight.search", json_pack("{s:s}", "query",
                                                      "-24h | * | DNS_REQUEST | event/X bogus 1"));
  ck_assert_str_eq(code_of(resp), "EPARSE");
  const char *msg = json_string_value(json_object_get(json_object_get(resp, "error"), "message"));
  ck_assert_msg(msg && strstr(msg, ":1:34:") && strstr(msg, "operator"), "%s",
                json_dumps(resp, JSON_COMPACT));
  json_decref(resp);

  /* Objects: where was evil.xyz seen (case-insensitive, both sensors). */
  json_t *o = result_of(&c, "insight.objects", json_pack("{s:s, s:s}", "type", "domain",
                                                         "value", "EVIL.xyz"));
  ck_assert_int_eq(json_integer_value(json_object_get(o, "total")), 2);
  ck_assert_int_eq(json_array_size(json_object_get(o, "sensors")), 2);
  ck_assert_int_eq(json_integer_value(json_object_get(o, "first_seen")), T);
  json_t *cnt = json_object_get(o, "counts");
  ck_assert_int_eq(json_integer_value(json_object_get(cnt, "7d")), 2);
  ck_assert_int_eq(json_integer_value(json_object_get(cnt, "30d")), 2);
  ck_assert_int_le(json_integer_value(json_object_get(cnt, "1d")), 2);
  json_decref(o);
  o = result_of(&c, "insight.objects", json_pack("{s:s, s:s}", "type", "ip", "value", "10.9.8.7"));
  ck_assert_int_eq(json_integer_value(json_object_get(o, "total")), 2 * OTHER + WEB_XYZ + DB_XYZ);
  json_decref(o);
  o = result_of(&c, "insight.objects", json_pack("{s:s, s:s}", "type", "user_name", "value", "alice"));
  ck_assert_int_eq(json_integer_value(json_object_get(o, "total")), 2);
  json_decref(o);
  o = result_of(&c, "insight.objects", json_pack("{s:s, s:s}", "type", "user_name", "value", "ALICE"));
  ck_assert_int_eq(json_integer_value(json_object_get(o, "total")), 0); /* names keep case */
  json_decref(o);
  EXPECT(&c, "insight.objects", json_pack("{s:s, s:s}", "type", "colour", "value", "x"), "EINVAL");
  /* A connection's addresses are objects too: they sit in its SOURCE and
   * DESTINATION objects, not at the payload's top level. */
  json_t *conn = vg_event_new("NEW_TCP4_CONNECTION", T + 300);
  json_object_set_new(vg_event_payload(conn), "SOURCE",
                      json_pack("{s:s, s:i}", "IP_ADDRESS", "10.0.0.5", "PORT", 40001));
  json_object_set_new(vg_event_payload(conn), "DESTINATION",
                      json_pack("{s:s, s:i}", "IP_ADDRESS", "203.0.113.77", "PORT", 443));
  send_and_ack(&web, (uint64_t)(WEB_XYZ + OTHER + 2), json_pack("[o]", conn));
  o = result_of(&c, "insight.objects", json_pack("{s:s, s:s}", "type", "ip", "value", "203.0.113.77"));
  ck_assert_int_eq(json_integer_value(json_object_get(o, "total")), 1);
  ck_assert_int_eq(json_integer_value(json_object_get(o, "first_seen")), T + 300);
  json_decref(o);
  o = result_of(&c, "insight.objects", json_pack("{s:s, s:s}", "type", "ip", "value", "10.0.0.5"));
  ck_assert_int_eq(json_integer_value(json_object_get(o, "total")), 1);
  json_decref(o);

  /* Export: NDJSON pages, every DNS event once. */
  rows = search_all(&c, "insight.export", json_pack("{s:s, s:i}", "query",
                                                   "-1h | * | DNS_REQUEST | *", "limit", 4), &calls);
  ck_assert_uint_eq(json_array_size(rows), 2 * OTHER + WEB_XYZ + DB_XYZ);
  ck_assert_int_ge(calls, (2 * OTHER + WEB_XYZ + DB_XYZ) / 4);
  json_decref(rows);
  /* An aggregation in progress: its cursor (kept server-side) */
  json_t *agg = result_of(&c, "insight.search", json_pack("{s:s}", "query",
      "-1h | * | * | * | routing/hostname as h COUNT() as n GROUP BY(h)"));
  ck_assert(json_is_true(json_object_get(agg, "done")));
  json_decref(agg);
  client_close(&c);

  /* Organisation B sees none of it. */
  sensor_sim_disconnect(&web);
  sensor_sim_disconnect(&db);
  struct creds b;
  make_org(&d, "org-b", &b);
  client_open(&c, &d);
  auth(&c, b.oid, b.api_key, "admin");
  rows = search_all(&c, "insight.search", json_pack("{s:s}", "query", "* | * | * | *"), &calls);
  ck_assert_uint_eq(json_array_size(rows), 0);
  json_decref(rows);
  rows = search_all(&c, "insight.search", json_pack("{s:s}", "query",
      "* | * | * | * | routing/hostname as h COUNT() as n GROUP BY(h)"), &calls);
  ck_assert_uint_eq(json_array_size(rows), 0);
  json_decref(rows);
  rows = search_all(&c, "insight.export", json_pack("{s:s}", "query", "* | * | * | *"), &calls);
  ck_assert_uint_eq(json_array_size(rows), 0);
  json_decref(rows);
  o = result_of(&c, "insight.objects", json_pack("{s:s, s:s}", "type", "domain", "value", "evil.xyz"));
  ck_assert_int_eq(json_integer_value(json_object_get(o, "total")), 0);
  ck_assert_int_eq(json_array_size(json_object_get(o, "sensors")), 0);
  json_decref(o);
  client_close(&c);
  sensor_sim_cleanup(&web);
  sensor_sim_cleanup(&db);
  harness_vigild_cleanup(&d, false);
}
END_TEST

static Suite *insight_search_suite(void) {
  Suite *s = suite_create("insight_search");
  TCase *tc = tcase_create("api");
  tcase_set_timeout(tc, 240);
  tcase_add_test(tc, t_search);
  suite_add_tcase(s, tc);
  return s;
}

VG_CHECK_MAIN(insight_search_suite)
