/* test_rules.c — detection & response end to end with the real vigild and a
 * protocol-level sensor: a rule set through the API matches events the
 * sensor sends; the detection is stored (detections.list), pushed to a
 * subscriber, suppressed past max_count; the task reaches the sensor; the
 * tag shows on sensors.get; isolation is set and pushed to the sensor;
 * organisation B sees none of it; a viewer cannot set rules; a syntax error
 * names line:col and the key; feeds.lookup finds a value in A's feed only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shared/alloc.h"
#include "tests/harness/api_sim.h"
#include "tests/harness/harness.h"
#include "tests/harness/sensor_sim.h"

static const char *rule_yaml =
    "detect:\n"
    "  event: NEW_PROCESS\n"
    "  op: ends with\n"
    "  path: event/FILE_PATH\n"
    "  value: /sleep\n"
    "respond:\n"
    "  - action: report\n"
    "    name: sleep on {{ .routing.hostname }}\n"
    "    priority: 2\n"
    "    suppression:\n"
    "      max_count: 2\n"
    "      period: 1h\n"
    "  - action: task\n"
    "    command: os_version\n"
    "    suppression:\n"
    "      max_count: 1\n"
    "      period: 1h\n"
    "  - action: add tag\n"
    "    tag: seen-sleep\n"
    "    ttl: 3600\n"
    "  - action: isolate network\n";

static json_t *detections(struct client *c) {
  json_t *res = result_of(c, "detections.list", NULL);
  json_t *d = json_incref(json_object_get(res, "detections"));
  json_decref(res);
  return d;
}

START_TEST(t_rules_end_to_end) {
  struct harness_vigild d;
  struct creds a, b;
  ck_assert_int_eq(harness_vigild_start(&d, NULL), 0);
  vigild_creds(&d, &a);
  struct sensor_sim s;
  struct vg_err e;
  ck_assert_msg(sensor_sim_enroll(&s, &d, NULL, "a-host", &e) == 0, "enroll: %s", e.msg);
  /* Organisation B. */
  make_org(&d, "org-b", &b);
  json_t *w = sensor_sim_connect(&s, &d, NULL, NULL);
  ck_assert_ptr_nonnull(w);
  json_decref(w);

  struct client ca, cb, cv;
  client_open(&ca, &d);
  client_open(&cb, &d);
  client_open(&cv, &d);
  auth(&ca, a.oid, a.api_key, "admin");
  auth(&cb, b.oid, b.api_key, "admin");
  char *viewer = make_key(&ca, "viewer");
  auth(&cv, a.oid, viewer, "viewer");
  free(viewer);

  /* A syntax error names the rule, line:col and the key. */
  json_t *r = call(&ca, "rules.set",
                   json_pack("{s:s, s:s}", "name", "bad", "yaml",
                             "detect:\n  op: is\n  path: event/X\n  vaule: 1\n"));
  ck_assert_str_eq(code_of(r), "EUNKNOWN");
  const char *msg = json_string_value(json_object_get(json_object_get(r, "error"), "message"));
  ck_assert_msg(msg && strstr(msg, "general/bad:4:3") && strstr(msg, "vaule"), "message: %s", msg);
  json_decref(r);
  /* A viewer reads rules but cannot set them. */
  EXPECT(&cv, "rules.set", json_pack("{s:s, s:s}", "name", "x", "yaml", rule_yaml), "EPERM");
  EXPECT(&cv, "rules.list", NULL, "ok");

  json_t *set = result_of(&ca, "rules.set", json_pack("{s:s, s:s}", "name", "sleepers", "yaml", rule_yaml));
  ck_assert(json_is_true(json_object_get(set, "enabled")));
  json_decref(set);
  json_t *sub = result_of(&ca, "detections.subscribe", NULL);
  int64_t sub_id = json_integer_value(json_object_get(sub, "sub"));
  json_decref(sub);

  /* Three matching events (NEW_PROCESS /usr/bin/sleep). */
  ck_assert_int_eq(sensor_sim_send_batch(&s, 1, 3, NULL), 0);
  json_t *task = sensor_sim_recv(&s, "task", 10000);
  ck_assert_ptr_nonnull(task);
  ck_assert_str_eq(json_string_value(json_object_get(task, "command")), "os_version");
  json_decref(task);
  json_t *iso = sensor_sim_recv(&s, "isolation", 10000);
  ck_assert_ptr_nonnull(iso);
  ck_assert(json_is_true(json_object_get(iso, "isolated")));
  json_decref(iso);

  json_t *push = next_push(&ca, sub_id, 10000);
  ck_assert_ptr_nonnull(push);
  json_t *det = json_object_get(push, "detection");
  ck_assert_str_eq(json_string_value(json_object_get(det, "cat")), "sleep on sim-host");
  ck_assert_int_eq(json_integer_value(json_object_get(det, "priority")), 2);
  ck_assert_str_eq(json_string_value(json_object_get(json_object_get(det, "routing"), "sid")), s.id.sid);
  json_decref(push);

  /* Suppression: three matches, two reports. */
  json_t *dl = NULL;
  for (int i = 0; i < 50; i++) {
    json_decref(dl);
    dl = detections(&ca);
    if (json_array_size(dl) >= 2) break;
    usleep(100000);
  }
  /* The hook thread evaluates asynchronously: wait for the third match. */
  json_t *rule = NULL, *stats = NULL;
  for (int i = 0; i < 100; i++) {
    json_decref(rule);
    rule = result_of(&ca, "rules.get", json_pack("{s:s}", "name", "sleepers"));
    stats = json_object_get(rule, "stats");
    if (json_integer_value(json_object_get(stats, "matches")) >= 3) break;
    usleep(100000);
  }
  ck_assert_int_eq(json_integer_value(json_object_get(stats, "matches")), 3);
  ck_assert_int_ge(json_integer_value(json_object_get(stats, "evaluations")), 3);
  json_decref(rule);
  json_decref(dl);
  dl = detections(&ca);
  ck_assert_int_eq(json_array_size(dl), 2);
  json_decref(dl);

  /* Tag and isolation on the sensor record. */
  json_t *rec = result_of(&ca, "sensors.get", json_pack("{s:s}", "sid", s.id.sid));
  ck_assert_ptr_nonnull(json_object_get(json_object_get(rec, "tags"), "seen-sleep"));
  ck_assert(json_is_true(json_object_get(rec, "isolated")));
  json_decref(rec);

  /* Organisation B sees and changes nothing of A's. */
  json_t *bl = result_of(&cb, "rules.list", NULL);
  ck_assert_int_eq(json_array_size(json_object_get(bl, "rules")), 0);
  json_decref(bl);
  EXPECT(&cb, "rules.get", json_pack("{s:s}", "name", "sleepers"), "ENOTFOUND");
  EXPECT(&cb, "rules.delete", json_pack("{s:s}", "name", "sleepers"), "ENOTFOUND");
  EXPECT(&cb, "rules.disable", json_pack("{s:s}", "name", "sleepers"), "ENOTFOUND");
  json_t *bd = detections(&cb);
  ck_assert_int_eq(json_array_size(bd), 0);
  json_decref(bd);

  /* rules.test: no side effects, reports which events match. */
  json_t *evs = json_pack("[{s:{s:s, s:I}, s:{s:s}}, {s:{s:s, s:I}, s:{s:s}}]", "routing",
                          "event_type", "NEW_PROCESS", "event_time", (json_int_t)1, "event",
                          "FILE_PATH", "/bin/sleep", "routing", "event_type", "NEW_PROCESS",
                          "event_time", (json_int_t)2, "event", "FILE_PATH", "/bin/ls");
  json_t *t = result_of(&ca, "rules.test", json_pack("{s:s, s:o}", "yaml", rule_yaml, "events", evs));
  ck_assert_int_eq(json_array_size(json_object_get(t, "matches")), 1);
  ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(json_object_get(t, "matches"), 0), "index")), 0);
  json_decref(t);

  /* Disabled: no more evaluations. */
  json_decref(result_of(&ca, "rules.disable", json_pack("{s:s}", "name", "sleepers")));
  ck_assert_int_eq(sensor_sim_send_batch(&s, 4, 1, NULL), 0);
  usleep(500000);
  rule = result_of(&ca, "rules.get", json_pack("{s:s}", "name", "sleepers"));
  ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(rule, "stats"), "matches")), 3);
  json_decref(rule);

  /* rules.replay: the stored rule over the stored events (four sleeps), one
   * event per call, resumed with the cursor; the organisation and the sensor
   * give the same matches; no responses (detections unchanged). */
  const char *scopes[] = {NULL, s.id.sid};
  for (int sc = 0; sc < 2; sc++) {
    int64_t nmatch = 0, nscan = 0, calls = 0;
    json_t *cursor = json_null();
    do {
      json_t *q = json_pack("{s:s, s:I, s:I, s:I, s:O}", "name", "sleepers", "from", (json_int_t)0,
                            "to", (json_int_t)4102444800000LL, "limit", (json_int_t)1, "cursor",
                            cursor);
      if (json_is_null(cursor)) json_object_del(q, "cursor");
      if (scopes[sc]) json_object_set_new(q, "sid", json_string(scopes[sc]));
      json_t *rp = result_of(&ca, "rules.replay", q);
      ck_assert_ptr_nonnull(rp);
      ck_assert_int_le(json_integer_value(json_object_get(rp, "events_scanned")), 1);
      nscan += json_integer_value(json_object_get(rp, "events_scanned"));
      nmatch += (int64_t)json_array_size(json_object_get(rp, "matches"));
      json_t *m0 = json_array_get(json_object_get(rp, "matches"), 0);
      if (m0) {
        const char *fp = json_string_value(json_object_get(json_object_get(json_object_get(m0, "event"), "event"), "FILE_PATH"));
        ck_assert_msg(fp && strstr(fp, "sleep"), "matched %s", fp ? fp : "(null)");
      }
      json_decref(cursor);
      cursor = json_incref(json_object_get(rp, "next"));
      json_decref(rp);
      ck_assert_int_lt(++calls, 1000);
    } while (!json_is_null(cursor));
    json_decref(cursor);
    ck_assert_int_eq(nmatch, 4);
    ck_assert_int_ge(nscan, 4);
  }
  json_t *rp = result_of(&ca, "rules.replay",
                         json_pack("{s:s, s:I, s:I}", "yaml",
                                   "detect:\n  event: NEW_PROCESS\n  op: ends with\n  path: event/FILE_PATH\n  value: /nothing\n",
                                   "from", (json_int_t)0, "to", (json_int_t)4102444800000LL));
  ck_assert_int_eq(json_array_size(json_object_get(rp, "matches")), 0);
  ck_assert_int_ge(json_integer_value(json_object_get(rp, "events_scanned")), 4);
  ck_assert(json_is_null(json_object_get(rp, "next")));
  json_decref(rp);
  dl = detections(&ca);
  ck_assert_int_eq(json_array_size(dl), 2);
  json_decref(dl);
  EXPECT(&ca, "rules.replay", json_pack("{s:s, s:I, s:I, s:s}", "name", "sleepers", "from", (json_int_t)0,
                                        "to", (json_int_t)10, "cursor", "garbage"), "EINVAL");

  /* Embedded tests: passing tests let rules.set through; a failing one
   * rejects the rule naming the case; rules.test reports failures. */
  const char *tested =
      "detect:\n  event: NEW_PROCESS\n  op: ends with\n  path: event/FILE_PATH\n  value: /nc\n"
      "tests:\n  match:\n    - - routing: {event_type: NEW_PROCESS, event_time: 1}\n"
      "        event: {FILE_PATH: /usr/bin/nc}\n"
      "  non_match:\n    - - routing: {event_type: NEW_PROCESS, event_time: 1}\n"
      "        event: {FILE_PATH: %s}\n";
  char *good = vg_xasprintf(tested, "/usr/bin/ls"), *bad = vg_xasprintf(tested, "/bin/nc");
  EXPECT(&ca, "rules.set", json_pack("{s:s, s:s}", "name", "tested", "yaml", good), "ok");
  r = call(&ca, "rules.set", json_pack("{s:s, s:s}", "name", "tested2", "yaml", bad));
  ck_assert_str_eq(code_of(r), "EINVAL");
  msg = json_string_value(json_object_get(json_object_get(r, "error"), "message"));
  ck_assert_msg(msg && strstr(msg, "tests.non_match[0]") && strstr(msg, "matched"), "message: %s", msg);
  json_decref(r);
  EXPECT(&ca, "rules.get", json_pack("{s:s}", "name", "tested2"), "ENOTFOUND");
  t = result_of(&ca, "rules.test", json_pack("{s:s}", "yaml", bad));
  json_t *tt = json_object_get(t, "tests");
  ck_assert_int_eq(json_integer_value(json_object_get(tt, "run")), 2);
  ck_assert_int_eq(json_array_size(json_object_get(tt, "failures")), 1);
  json_decref(t);
  free(good);
  free(bad);

  /* feeds.lookup: which of the organisation's feeds hold each value (a
   * viewer may ask); organisation B has no feed and gets no hit. */
  char *fdir = vg_xasprintf("%s/feeds", d.data_dir);
  mkdir(fdir, 0700);
  char *fpath = vg_xasprintf("%s/bad.txt", fdir);
  FILE *ff = fopen(fpath, "w");
  ck_assert_ptr_nonnull(ff);
  fputs("# test feed\n"
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
        "evil.example\n", ff);
  fclose(ff);
  EXPECT(&ca, "feeds.set", json_pack("{s:s, s:s}", "name", "badhashes", "file", "bad.txt"), "ok");
  const char *hit = "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855";
  json_t *lk = result_of(&cv, "feeds.lookup",
                         json_pack("{s:[s,s]}", "values", hit, "0000000000000000000000000000000000000000000000000000000000000000"));
  json_t *hits = json_object_get(lk, "hits");
  ck_assert_int_eq(json_array_size(hits), 1);
  ck_assert_str_eq(json_string_value(json_object_get(json_array_get(hits, 0), "value")), hit);
  ck_assert_str_eq(json_string_value(json_object_get(json_array_get(hits, 0), "feed")), "badhashes");
  json_decref(lk);
  lk = result_of(&cb, "feeds.lookup", json_pack("{s:[s]}", "values", hit));
  ck_assert_int_eq(json_array_size(json_object_get(lk, "hits")), 0);
  json_decref(lk);
  EXPECT(&cv, "feeds.lookup", json_pack("{s:[i]}", "values", 1), "ETYPE");
  EXPECT(&cv, "feeds.lookup", NULL, "EMISSING");
  free(fpath);
  free(fdir);

  client_close(&ca);
  client_close(&cb);
  client_close(&cv);
  sensor_sim_disconnect(&s);
  sensor_sim_cleanup(&s);
  harness_vigild_cleanup(&d, false);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("rules");
  TCase *tc = tcase_create("e2e");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, t_rules_end_to_end);
  suite_add_tcase(s, tc);
  return s;
}

VG_CHECK_MAIN(suite)
