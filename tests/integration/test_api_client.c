/* test_api_client.c — shared/api_client.c against the real vigild: connect
 * and authenticate with the credentials file vigild wrote (as-is), calls and
 * their error codes, pushes (stream events from a simulated sensor), a wrong
 * key, a wrong CA, an unreachable port, and reconnect after a daemon
 * restart. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "shared/alloc.h"
#include "shared/api_client.h"
#include "tests/harness/harness.h"
#include "tests/harness/sensor_sim.h"

static void creds_of(const struct harness_vigild *d, struct vg_creds *c) {
  char *p = vg_xasprintf("%s/credentials.yaml", d->data_dir);
  char *text = harness_read_file(p, NULL);
  struct vg_err e;
  ck_assert_msg(vg_creds_parse(text, strlen(text), p, NULL, c, &e) == 0, "%s", e.msg);
  /* The fixture binds loopback ports of its own; the file names the URL. */
  ck_assert_ptr_nonnull(strstr(c->url, "wss://localhost:"));
  free(text);
  free(p);
}

START_TEST(t_calls_and_errors) {
  struct harness_vigild d;
  ck_assert_int_eq(harness_vigild_start(&d, NULL), 0);
  struct vg_creds c;
  creds_of(&d, &c);
  struct vg_err e;
  struct vg_api *a = vg_api_connect(&c, false, 10000, &e);
  ck_assert_msg(a != NULL, "%s", e.msg);
  ck_assert(vg_api_online(a));
  json_t *res;
  ck_assert_int_eq(vg_api_call(a, "org.info", NULL, 10000, &res, &e), 0);
  ck_assert_str_eq(json_string_value(json_object_get(res, "oid")), c.oid);
  json_decref(res);
  /* Server errors come back as their codes with the server's message. */
  ck_assert_int_eq(vg_api_call(a, "sensors.get",
                               json_pack("{s:s}", "sid", "0f8e6b52-2c3d-4e5f-8a9b-0c1d2e3f4a5b"),
                               10000, &res, &e),
                   -VG_ENOTFOUND);
  ck_assert_ptr_null(res);
  ck_assert_ptr_nonnull(strstr(e.msg, "0f8e6b52"));
  ck_assert_int_eq(vg_api_call(a, "sensors.list", json_pack("{s:i}", "bogus", 1), 10000, &res, &e),
                   -VG_EUNKNOWN);
  ck_assert_int_eq(vg_api_call(a, "no.such", NULL, 10000, &res, &e), -VG_EUNKNOWN);

  /* Concurrent calls from several threads get their own answers: covered by
   * ids; here many calls in a row keep matching. */
  for (int i = 1; i <= 20; i++) {
    json_t *k;
    char name[32];
    snprintf(name, sizeof name, "k%d", i);
    ck_assert_int_eq(vg_api_call(a, "keys.create", json_pack("{s:s, s:s}", "name", name, "role", "viewer"),
                                 10000, &k, &e),
                     0);
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(k, "key"), "name")), name);
    json_decref(k);
  }

  /* Pushes: a stream subscription sees a simulated sensor's events. */
  ck_assert_int_eq(vg_api_call(a, "stream.subscribe", NULL, 10000, &res, &e), 0);
  json_int_t sub = json_integer_value(json_object_get(res, "sub"));
  json_decref(res);
  ck_assert_ptr_null(vg_api_next_push(a, 100));
  struct sensor_sim s;
  ck_assert_msg(sensor_sim_up(&s, &d, "push-host", &e) == 0, "sensor: %s", e.msg);
  ck_assert_int_eq(sensor_sim_send_batch(&s, 1, 3, NULL), 0);
  for (int i = 0; i < 3; i++) {
    json_t *p = vg_api_next_push(a, 10000);
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(json_integer_value(json_object_get(p, "sub")), sub);
    ck_assert_str_eq(json_string_value(json_object_get(
                         json_object_get(json_object_get(p, "event"), "routing"), "sid")),
                     s.id.sid);
    json_decref(p);
  }
  sensor_sim_cleanup(&s);
  vg_api_close(a);

  /* Wrong key: EAUTH with the server's message. */
  struct vg_creds bad = c;
  snprintf(bad.api_key, sizeof bad.api_key, "vk_wrong");
  ck_assert_ptr_null(vg_api_connect(&bad, false, 10000, &e));
  ck_assert_int_eq(e.code, VG_EAUTH);
  /* A CA that did not issue the server's certificate: ETLS. */
  bad = c;
  char *dir = harness_mkdtemp("api-client-ca");
  char *other = vg_xasprintf("%s/ca.pem", dir);
  char *argv[] = {"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                  "ec_paramgen_curve:P-256", "-nodes", "-keyout", "/dev/null", "-subj", "/CN=other",
                  "-days", "1", "-out", other, NULL};
  char *out;
  ck_assert_int_eq(harness_run(argv, &out), 0);
  free(out);
  snprintf(bad.ca_file, sizeof bad.ca_file, "%s", other);
  ck_assert_ptr_null(vg_api_connect(&bad, false, 10000, &e));
  ck_assert_msg(e.code == VG_ETLS || e.code == VG_EOFFLINE, "%d %s", e.code, e.msg);
  harness_rm_rf(dir);
  free(dir);
  free(other);
  /* No CA at all is refused before connecting. */
  bad = c;
  bad.ca_file[0] = '\0';
  ck_assert_ptr_null(vg_api_connect(&bad, false, 10000, &e));
  ck_assert_int_eq(e.code, VG_EINVAL);
  /* Nobody listening: EOFFLINE, promptly. */
  bad = c;
  snprintf(bad.url, sizeof bad.url, "wss://localhost:%d", harness_free_port());
  ck_assert_ptr_null(vg_api_connect(&bad, false, 10000, &e));
  ck_assert_int_eq(e.code, VG_EOFFLINE);
  harness_vigild_cleanup(&d, false);
}
END_TEST

/* With reconnect, a restarted daemon is reached again and re-authenticated;
 * the reader is told its subscriptions ended. */
START_TEST(t_reconnect) {
  struct harness_vigild d;
  ck_assert_int_eq(harness_vigild_start(&d, NULL), 0);
  struct vg_creds c;
  creds_of(&d, &c);
  struct vg_err e;
  struct vg_api *a = vg_api_connect(&c, true, 10000, &e);
  ck_assert_msg(a != NULL, "%s", e.msg);
  json_t *res;
  ck_assert_int_eq(vg_api_call(a, "stream.subscribe", NULL, 10000, &res, &e), 0);
  json_decref(res);
  ck_assert_int_eq(harness_vigild_stop(&d), 0);
  json_t *p = vg_api_next_push(a, 10000);
  ck_assert_ptr_nonnull(p);
  ck_assert_str_eq(json_string_value(json_object_get(json_object_get(p, "error"), "code")), "EOFFLINE");
  json_decref(p);
  ck_assert(!vg_api_online(a));
  ck_assert_int_eq(vg_api_call(a, "org.info", NULL, 300, &res, &e), -VG_EOFFLINE);
  ck_assert_int_eq(harness_vigild_restart(&d, NULL), 0);
  ck_assert_int_eq(vg_api_call(a, "org.info", NULL, 40000, &res, &e), 0);
  ck_assert(vg_api_online(a));
  json_decref(res);
  vg_api_close(a);
  harness_vigild_cleanup(&d, false);
}
END_TEST

static Suite *api_client_suite(void) {
  Suite *s = suite_create("api_client");
  TCase *t = tcase_create("api_client");
  tcase_set_timeout(t, 120);
  tcase_add_test(t, t_calls_and_errors);
  tcase_add_test(t, t_reconnect);
  suite_add_tcase(s, t);
  return s;
}

VG_CHECK_MAIN(api_client_suite)
