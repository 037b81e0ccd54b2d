/* test_api.c — the real vigild's client API over real TLS: authentication,
 * roles, organisation isolation on every method, malformed / unknown /
 * oversize messages while another client keeps working, the live stream and
 * the audit trail. Organisation B is made with `vigild --create-org`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/alloc.h"
#include "shared/limits.h"
#include "shared/ws_client.h"
#include "tests/harness/harness.h"
#include "tests/harness/api_sim.h"
#include "tests/harness/sensor_sim.h"

static void start(struct harness_vigild *d, struct creds *a) {
  ck_assert_int_eq(harness_vigild_start(d, NULL), 0);
  char *p = vg_xasprintf("%s/credentials.yaml", d->data_dir);
  read_creds(p, a);
  free(p);
}

START_TEST(t_auth_and_roles) {
  struct harness_vigild d;
  struct creds a;
  start(&d, &a);
  struct client adm, c;
  client_open(&adm, &d);
  /* Nothing before session.auth; wrong key refused. */
  EXPECT(&adm, "sensors.list", NULL, "EAUTH");
  EXPECT(&adm, "no.such.method", NULL, "EAUTH");
  EXPECT(&adm, "session.auth",
         json_pack("{s:s, s:s}", "oid", a.oid, "api_key",
                   "vk_0000000000000000000000000000000000000000000000000000000000000000"),
         "EAUTH");
  auth(&adm, a.oid, a.api_key, "admin");
  EXPECT(&adm, "session.auth", json_pack("{s:s, s:s}", "oid", a.oid, "api_key", a.api_key),
         "EINVAL");

  char *viewer = make_key(&adm, "viewer"), *analyst = make_key(&adm, "analyst");
  client_open(&c, &d);
  auth(&c, a.oid, viewer, "viewer");
  EXPECT(&c, "sensors.list", NULL, "ok");
  EXPECT(&c, "org.info", NULL, "ok");
  EXPECT(&c, "task.send",
         json_pack("{s:s, s:s}", "sid", "0f8e6b52-2c3d-4e5f-8a9b-0c1d2e3f4a5b", "command",
                   "os_processes"),
         "EPERM");
  EXPECT(&c, "keys.create", json_pack("{s:s, s:s}", "name", "x", "role", "admin"), "EPERM");
  EXPECT(&c, "stream.subscribe", NULL, "EPERM");
  EXPECT(&c, "audit.list", NULL, "EPERM");
  client_close(&c);

  client_open(&c, &d);
  auth(&c, a.oid, analyst, "analyst");
  EXPECT(&c, "stream.subscribe", NULL, "ok");
  EXPECT(&c, "keys.create", json_pack("{s:s, s:s}", "name", "x", "role", "admin"), "EPERM");
  EXPECT(&c, "installation_keys.list", NULL, "EPERM");
  EXPECT(&c, "sensors.delete", json_pack("{s:s}", "sid", "0f8e6b52-2c3d-4e5f-8a9b-0c1d2e3f4a5b"),
         "EPERM");
  client_close(&c);

  /* Three failed attempts close the session. */
  client_open(&c, &d);
  for (int i = 0; i < VG_LIMIT_API_AUTH_FAILURES; i++)
    EXPECT(&c, "session.auth", json_pack("{s:s, s:s}", "oid", a.oid, "api_key", "vk_x"), "EAUTH");
  char *m;
  size_t n;
  ck_assert_int_eq(vg_ws_client_recv(c.ws, 10000, &m, &n), -VG_EOFFLINE);
  ck_assert_int_eq(vg_ws_client_close_reason(c.ws, NULL, 0), 1008);
  client_close(&c);

  /* The audit trail has the state-changing calls, allowed and denied. */
  json_t *res = result_of(&adm, "audit.list", json_pack("{s:i}", "limit", 1000));
  json_t *recs = json_object_get(res, "records");
  int creates = 0, denied_task = 0;
  size_t i;
  json_t *r;
  json_array_foreach(recs, i, r) {
    const char *meth = json_string_value(json_object_get(r, "method"));
    const char *out = json_string_value(json_object_get(r, "outcome"));
    if (!strcmp(meth, "keys.create") && !strcmp(out, "ok")) creates++;
    if (!strcmp(meth, "task.send") && !strcmp(out, "EPERM")) denied_task++;
    char *txt = json_dumps(r, 0);
    ck_assert_msg(!strstr(txt, "vk_"), "secret in audit record: %s", txt);
    free(txt);
  }
  ck_assert_int_eq(creates, 2);
  ck_assert_int_eq(denied_task, 1);
  /* Paging: one record per page, newest first, walks the same records. */
  json_t *p1 = result_of(&adm, "audit.list", json_pack("{s:i}", "limit", 1));
  ck_assert_int_eq(json_array_size(json_object_get(p1, "records")), 1);
  ck_assert(json_is_string(json_object_get(p1, "next")));
  json_t *p2 = result_of(&adm, "audit.list",
                         json_pack("{s:i, s:O}", "limit", 1, "cursor", json_object_get(p1, "next")));
  ck_assert(!json_equal(json_array_get(json_object_get(p1, "records"), 0),
                        json_array_get(json_object_get(p2, "records"), 0)));
  ck_assert(json_equal(json_array_get(recs, 1), json_array_get(json_object_get(p2, "records"), 0)));
  json_decref(p1);
  json_decref(p2);
  json_decref(res);

  free(viewer);
  free(analyst);
  client_close(&adm);
  harness_vigild_cleanup(&d, false);
}
END_TEST

START_TEST(t_org_isolation) {
  struct harness_vigild d;
  struct creds a, b;
  start(&d, &a);
  /* A sensor of organisation A. */
  struct sensor_sim s;
  struct vg_err e;
  ck_assert_msg(sensor_sim_enroll(&s, &d, NULL, "a-host", &e) == 0, "enroll: %s", e.msg);
  /* Organisation B (offline command: stop, create, restart). */
  make_org(&d, "org-b", &b);
  ck_assert_str_ne(a.oid, b.oid);
  json_decref(sensor_sim_connect(&s, &d, NULL, NULL));
  const char *sid = s.id.sid;

  struct client ca, cb;
  client_open(&ca, &d);
  client_open(&cb, &d);
  auth(&ca, a.oid, a.api_key, "admin");
  /* B's key is not A's: the key belongs to one organisation. */
  EXPECT(&cb, "session.auth", json_pack("{s:s, s:s}", "oid", a.oid, "api_key", b.api_key), "EAUTH");
  auth(&cb, b.oid, b.api_key, "admin");

  json_t *la = result_of(&ca, "sensors.list", NULL);
  ck_assert_int_eq(json_array_size(json_object_get(la, "sensors")), 1);
  json_decref(la);
  json_t *lb = result_of(&cb, "sensors.list", NULL);
  ck_assert_int_eq(json_array_size(json_object_get(lb, "sensors")), 0);
  json_decref(lb);
  json_t *ob = result_of(&cb, "org.info", NULL);
  ck_assert_str_eq(json_string_value(json_object_get(ob, "oid")), b.oid);
  ck_assert_int_eq(json_integer_value(json_object_get(ob, "sensors")), 0);
  json_decref(ob);

  /* Every method that names a sensor: A's sid does not exist for B. */
  EXPECT(&cb, "sensors.get", json_pack("{s:s}", "sid", sid), "ENOTFOUND");
  EXPECT(&cb, "sensors.events.get", json_pack("{s:s}", "sid", sid), "ENOTFOUND");
  EXPECT(&cb, "sensors.events.set", json_pack("{s:s, s:[s]}", "sid", sid, "events", "NEW_PROCESS"),
         "ENOTFOUND");
  EXPECT(&cb, "sensors.tags.add", json_pack("{s:s, s:s}", "sid", sid, "tag", "x"), "ENOTFOUND");
  EXPECT(&cb, "sensors.tags.remove", json_pack("{s:s, s:s}", "sid", sid, "tag", "x"), "ENOTFOUND");
  EXPECT(&cb, "sensors.isolation.set", json_pack("{s:s, s:b}", "sid", sid, "isolated", 1),
         "ENOTFOUND");
  EXPECT(&cb, "task.send", json_pack("{s:s, s:s}", "sid", sid, "command", "os_processes"),
         "ENOTFOUND");
  EXPECT(&cb, "stream.subscribe", json_pack("{s:[s]}", "sids", sid), "ENOTFOUND");
  EXPECT(&cb, "sensors.delete", json_pack("{s:s}", "sid", sid), "ENOTFOUND");
  /* Keys and installation keys of A are invisible and untouchable for B. */
  json_t *ka = result_of(&ca, "keys.list", NULL);
  char a_key_id[32];
  snprintf(a_key_id, sizeof(a_key_id), "%s",
           json_string_value(json_object_get(json_array_get(json_object_get(ka, "keys"), 0), "key_id")));
  json_t *kb = result_of(&cb, "keys.list", NULL);
  size_t i;
  json_t *k;
  json_array_foreach(json_object_get(kb, "keys"), i, k)
      ck_assert_str_ne(json_string_value(json_object_get(k, "key_id")), a_key_id);
  EXPECT(&cb, "keys.revoke", json_pack("{s:s}", "key_id", a_key_id), "ENOTFOUND");
  json_decref(kb);
  json_decref(ka);
  EXPECT(&cb, "installation_keys.revoke", json_pack("{s:s}", "iid", s.id.iid), "ENOTFOUND");
  json_t *ia = result_of(&ca, "installation_keys.list", NULL);
  json_t *ib = result_of(&cb, "installation_keys.list", NULL);
  ck_assert_str_ne(json_string_value(json_object_get(
                       json_array_get(json_object_get(ia, "installation_keys"), 0), "iid")),
                   json_string_value(json_object_get(
                       json_array_get(json_object_get(ib, "installation_keys"), 0), "iid")));
  json_decref(ia);
  json_decref(ib);

  /* Live stream: A sees its sensor's events, B's catch-all sees nothing. */
  json_t *sa = result_of(&ca, "stream.subscribe", json_pack("{s:[s]}", "sids", sid));
  json_int_t sub_a = json_integer_value(json_object_get(sa, "sub"));
  json_decref(sa);
  json_decref(result_of(&cb, "stream.subscribe", NULL));
  json_decref(result_of(&ca, "sensors.tags.add", json_pack("{s:s, s:s}", "sid", sid, "tag", "a-only")));
  ck_assert_int_eq(sensor_sim_send_batch(&s, 1, 3, NULL), 0);
  int got = (int)json_array_size(ca.pushes);
  while (got < 3) {
    json_t *p = recv_json(&ca, 10000);
    ck_assert_msg(p != NULL, "stream: only %d events", got);
    ck_assert_int_eq(json_integer_value(json_object_get(p, "sub")), sub_a);
    json_t *rt = json_object_get(json_object_get(p, "event"), "routing");
    ck_assert_str_eq(json_string_value(json_object_get(rt, "sid")), sid);
    json_decref(p);
    got++;
  }
  EXPECT(&cb, "org.info", NULL, "ok"); /* a round trip after the events were pushed */
  ck_assert_int_eq(json_array_size(cb.pushes), 0);
  json_t *none = recv_json(&cb, 500);
  ck_assert_ptr_null(none);

  /* B's audit trail has none of A's calls. */
  json_t *ab = result_of(&cb, "audit.list", NULL);
  json_t *rec;
  json_array_foreach(json_object_get(ab, "records"), i, rec)
      ck_assert_str_ne(json_string_value(json_object_get(rec, "key_id")), a_key_id);
  json_decref(ab);
  json_t *aa = result_of(&ca, "audit.list", NULL);
  ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(aa, "records"), 0),
                                                     "method")),
                   "sensors.tags.add");
  json_decref(aa);

  client_close(&ca);
  client_close(&cb);
  sensor_sim_disconnect(&s);
  sensor_sim_cleanup(&s);
  harness_vigild_cleanup(&d, false);
}
END_TEST

START_TEST(t_bad_messages) {
  struct harness_vigild d;
  struct creds a;
  start(&d, &a);
  struct client bad, good;
  client_open(&bad, &d);
  client_open(&good, &d);
  auth(&good, a.oid, a.api_key, "admin");
  auth(&bad, a.oid, a.api_key, "admin");

  json_t *r = call_raw(&bad, "{\"id\":1,\"method\":");
  ck_assert_str_eq(code_of(r), "EPARSE");
  ck_assert(json_is_null(json_object_get(r, "id")));
  json_decref(r);
  EXPECT(&good, "org.info", NULL, "ok");
  r = call_raw(&bad, "[]");
  ck_assert_str_eq(code_of(r), "ETYPE");
  json_decref(r);
  r = call_raw(&bad, "{\"id\":5,\"method\":\"sensors.list\",\"params\":{\"bogus\":1}}");
  ck_assert_str_eq(code_of(r), "EUNKNOWN");
  ck_assert_int_eq(json_integer_value(json_object_get(r, "id")), 5);
  json_decref(r);
  EXPECT(&bad, "no.such.method", NULL, "EUNKNOWN");
  EXPECT(&bad, "sensors.get", json_pack("{s:s}", "sid", "not-a-uuid"), "EINVAL");
  EXPECT(&bad, "sensors.list", json_pack("{s:i}", "limit", 100000), "ERANGE");
  EXPECT(&good, "sensors.list", NULL, "ok");

  /* Oversize: the session is closed with 1009, the other one is unaffected. */
  size_t big = VG_LIMIT_API_MSG_BYTES + 16;
  char *s = vg_xmalloc(big + 1);
  memset(s, ' ', big);
  const char *head = "{\"id\":9,\"method\":\"org.info\",\"params\":{\"x\":\"";
  memcpy(s, head, strlen(head));
  s[big - 3] = '"';
  s[big - 2] = '}';
  s[big - 1] = '}';
  s[big] = '\0';
  ck_assert_int_eq(vg_ws_client_send(bad.ws, s, big), 0);
  free(s);
  char *m;
  size_t n;
  ck_assert_int_eq(vg_ws_client_recv(bad.ws, 10000, &m, &n), -VG_EOFFLINE);
  char reason[128];
  ck_assert_int_eq(vg_ws_client_close_reason(bad.ws, reason, sizeof(reason)), 1009);
  ck_assert_msg(strstr(reason, "exceeds") != NULL, "reason: %s", reason);
  EXPECT(&good, "org.info", NULL, "ok");
  EXPECT(&good, "keys.list", NULL, "ok");

  client_close(&bad);
  client_close(&good);
  ck_assert_int_eq(harness_vigild_stop(&d), 0);
  harness_vigild_cleanup(&d, false);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("api");
  TCase *tc = tcase_create("vigild");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, t_auth_and_roles);
  tcase_add_test(tc, t_org_isolation);
  tcase_add_test(tc, t_bad_messages);
  suite_add_tcase(s, tc);
  return s;
}

VG_CHECK_MAIN(suite)
