/* test_sensor_ops.c — what analysts do to sensors through the API, checked
 * at the sensor's end of the real gateway: a task round trip (replies pushed
 * to the client that asked, then a done notice), tasks to an offline sensor,
 * telemetry selection and isolation pushed live and re-applied on reconnect,
 * a deleted sensor locked out, tags with a TTL that expire by themselves and
 * travel in the routing of stored events. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shared/alloc.h"
#include "tests/harness/api_sim.h"
#include "tests/harness/sensor_sim.h"

struct rig {
  struct harness_vigild d;
  struct creds cr;
  struct client api;
  struct sensor_sim s;
};

static void rig_up(struct rig *r) {
  ck_assert_int_eq(harness_vigild_start(&r->d, NULL), 0);
  char *p = vg_xasprintf("%s/credentials.yaml", r->d.data_dir);
  read_creds(p, &r->cr);
  free(p);
  client_open(&r->api, &r->d);
  auth(&r->api, r->cr.oid, r->cr.api_key, "admin");
  ck_assert_int_eq(sensor_sim_enroll(&r->s, &r->d, NULL, "ops-host", NULL), 0);
  json_t *w = sensor_sim_connect(&r->s, &r->d, NULL, NULL);
  ck_assert_ptr_nonnull(w);
  json_decref(w);
}

static void rig_down(struct rig *r) {
  client_close(&r->api);
  sensor_sim_cleanup(&r->s);
  harness_vigild_cleanup(&r->d, false);
}

START_TEST(t_task_round_trip) {
  struct rig r;
  rig_up(&r);
  json_t *res = result_of(&r.api, "task.send",
                          json_pack("{s:s, s:s, s:i}", "sid", r.s.id.sid, "command",
                                    "os_version", "timeout", 60));
  int64_t sub = json_integer_value(json_object_get(res, "sub"));
  const char *inv = json_string_value(json_object_get(res, "investigation_id"));
  ck_assert_ptr_nonnull(inv);
  json_t *task = sensor_sim_answer_task(&r.s, 100, 10000);
  ck_assert_ptr_nonnull(task);
  ck_assert_str_eq(json_string_value(json_object_get(task, "command")), "os_version");
  ck_assert_str_eq(json_string_value(json_object_get(task, "investigation_id")), inv);
  const char *want[] = {"RECEIPT", "OS_VERSION_REP"};
  for (int i = 0; i < 2; i++) {
    json_t *p = next_push(&r.api, sub, 10000);
    ck_assert_msg(p != NULL, "reply %d not pushed", i);
    json_t *rt = json_object_get(json_object_get(p, "event"), "routing");
    ck_assert_str_eq(json_string_value(json_object_get(rt, "event_type")), want[i]);
    ck_assert_str_eq(json_string_value(json_object_get(rt, "investigation_id")), inv);
    ck_assert_str_eq(json_string_value(json_object_get(rt, "sid")), r.s.id.sid);
    json_decref(p);
  }
  /* The final reply (OS_VERSION_REP, no MORE) ends the task at once, long
   * before its 60 s deadline. */
  json_t *done = next_push(&r.api, sub, 5000);
  ck_assert_ptr_nonnull(done);
  ck_assert(json_is_true(json_object_get(done, "done")));
  ck_assert(json_is_false(json_object_get(done, "timeout")));
  ck_assert_int_eq(json_integer_value(json_object_get(done, "replies")), 2);
  json_decref(done);
  json_decref(task);
  json_decref(res);
  /* A task nobody answers is reported as timed out. */
  res = result_of(&r.api, "task.send", json_pack("{s:s, s:s, s:i}", "sid", r.s.id.sid,
                                                 "command", "os_processes", "timeout", 1));
  sub = json_integer_value(json_object_get(res, "sub"));
  done = next_push(&r.api, sub, 10000);
  ck_assert_ptr_nonnull(done);
  ck_assert(json_is_true(json_object_get(done, "timeout")));
  json_decref(done);
  json_decref(res);
  /* Offline: a clear error. */
  sensor_sim_disconnect(&r.s);
  usleep(300 * 1000);
  EXPECT(&r.api, "task.send", json_pack("{s:s, s:s}", "sid", r.s.id.sid, "command", "os_version"),
         "EOFFLINE");
  rig_down(&r);
}
END_TEST

START_TEST(t_task_queued_for_offline_sensor) {
  struct rig r;
  rig_up(&r);
  sensor_sim_disconnect(&r.s);
  usleep(300 * 1000);
  /* Queued with an expiry: delivered when the sensor comes back. */
  json_t *res = result_of(&r.api, "task.send",
                          json_pack("{s:s, s:s, s:i, s:i}", "sid", r.s.id.sid, "command",
                                    "os_version", "timeout", 2, "queue_ttl", 60));
  ck_assert(json_is_true(json_object_get(res, "queued")));
  int64_t sub = json_integer_value(json_object_get(res, "sub"));
  json_t *w = sensor_sim_connect(&r.s, &r.d, NULL, NULL);
  ck_assert_ptr_nonnull(w);
  json_decref(w);
  json_t *task = sensor_sim_answer_task(&r.s, 200, 10000);
  ck_assert_ptr_nonnull(task);
  ck_assert_str_eq(json_string_value(json_object_get(task, "investigation_id")),
                   json_string_value(json_object_get(res, "investigation_id")));
  json_t *p = next_push(&r.api, sub, 10000);
  ck_assert_ptr_nonnull(p);
  ck_assert_ptr_nonnull(json_object_get(p, "event"));
  json_decref(p);
  json_decref(task);
  json_decref(res);
  /* Never delivered: reported as expired. */
  sensor_sim_disconnect(&r.s);
  usleep(300 * 1000);
  res = result_of(&r.api, "task.send", json_pack("{s:s, s:s, s:i}", "sid", r.s.id.sid,
                                                 "command", "os_version", "queue_ttl", 1));
  sub = json_integer_value(json_object_get(res, "sub"));
  json_t *done = next_push(&r.api, sub, 10000);
  ck_assert_ptr_nonnull(done);
  ck_assert(json_is_true(json_object_get(done, "expired")));
  ck_assert(json_is_true(json_object_get(done, "timeout")));
  json_decref(done);
  json_decref(res);
  rig_down(&r);
}
END_TEST

START_TEST(t_selection_isolation_pushed_and_persistent) {
  struct rig r;
  rig_up(&r);
  json_decref(result_of(&r.api, "sensors.events.set",
                        json_pack("{s:s, s:[s,s]}", "sid", r.s.id.sid, "events", "NEW_PROCESS",
                                  "DNS_REQUEST")));
  json_t *sel = sensor_sim_recv(&r.s, "selection", 10000);
  ck_assert_ptr_nonnull(sel);
  ck_assert_uint_eq(json_array_size(json_object_get(sel, "events")), 2);
  json_decref(sel);
  json_decref(result_of(&r.api, "sensors.isolation.set",
                        json_pack("{s:s, s:b}", "sid", r.s.id.sid, "isolated", 1)));
  json_t *iso = sensor_sim_recv(&r.s, "isolation", 10000);
  ck_assert_ptr_nonnull(iso);
  ck_assert(json_is_true(json_object_get(iso, "isolated")));
  json_decref(iso);
  /* Reconnect: both come back in the welcome. */
  sensor_sim_disconnect(&r.s);
  json_t *w = sensor_sim_connect(&r.s, &r.d, NULL, NULL);
  ck_assert_ptr_nonnull(w);
  ck_assert(json_is_true(json_object_get(w, "isolated")));
  ck_assert_str_eq(json_string_value(json_array_get(json_object_get(w, "selection"), 0)),
                   "NEW_PROCESS");
  json_decref(w);
  rig_down(&r);
}
END_TEST

START_TEST(t_deleted_sensor_locked_out) {
  struct rig r;
  rig_up(&r);
  json_decref(result_of(&r.api, "sensors.delete", json_pack("{s:s}", "sid", r.s.id.sid)));
  json_t *e = sensor_sim_recv(&r.s, "error", 10000); /* the live session is closed */
  ck_assert_ptr_nonnull(e);
  json_decref(e);
  sensor_sim_disconnect(&r.s);
  json_t *w = sensor_sim_connect(&r.s, &r.d, NULL, NULL);
  ck_assert_msg(w == NULL || strcmp(json_string_value(json_object_get(w, "t")), "error") == 0,
                "a deleted sensor was welcomed");
  json_decref(w);
  EXPECT(&r.api, "sensors.get", json_pack("{s:s}", "sid", r.s.id.sid), "ENOTFOUND");
  rig_down(&r);
}
END_TEST

START_TEST(t_tag_ttl_and_routing) {
  struct rig r;
  rig_up(&r);
  json_decref(result_of(&r.api, "sensors.tags.add",
                        json_pack("{s:s, s:s, s:i}", "sid", r.s.id.sid, "tag", "temp", "ttl", 2)));
  json_decref(result_of(&r.api, "sensors.tags.add",
                        json_pack("{s:s, s:s}", "sid", r.s.id.sid, "tag", "web")));
  json_t *res = result_of(&r.api, "stream.subscribe", json_pack("{s:[s]}", "tags", "temp"));
  int64_t sub = json_integer_value(json_object_get(res, "sub"));
  json_decref(res);
  ck_assert_int_eq(sensor_sim_send_batch(&r.s, 1, 1, NULL), 0);
  json_t *p = next_push(&r.api, sub, 10000);
  ck_assert_ptr_nonnull(p);
  json_t *tags = json_object_get(json_object_get(json_object_get(p, "event"), "routing"), "tags");
  ck_assert_uint_eq(json_array_size(tags), 2);
  json_decref(p);
  /* The TTL runs out by itself (housekeeping runs every second). */
  int gone = 0;
  for (int i = 0; i < 50 && !gone; i++) {
    usleep(100 * 1000);
    json_t *s = result_of(&r.api, "sensors.get", json_pack("{s:s}", "sid", r.s.id.sid));
    json_t *t = json_object_get(json_object_get(s, "sensor") ? json_object_get(s, "sensor") : s,
                                "tags");
    gone = json_object_get(t, "temp") == NULL && json_object_get(t, "web") != NULL;
    json_decref(s);
  }
  ck_assert_msg(gone, "tag with a 2 s TTL still there after 5 s");
  rig_down(&r);
}
END_TEST

static Suite *ops_suite(void) {
  Suite *s = suite_create("sensor_ops");
  TCase *tc = tcase_create("ops");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, t_task_round_trip);
  tcase_add_test(tc, t_task_queued_for_offline_sensor);
  tcase_add_test(tc, t_selection_isolation_pushed_and_persistent);
  tcase_add_test(tc, t_deleted_sensor_locked_out);
  tcase_add_test(tc, t_tag_ttl_and_routing);
  suite_add_tcase(s, tc);
  return s;
}
VG_CHECK_MAIN(ops_suite)
