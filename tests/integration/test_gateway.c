/* test_gateway.c — the real vigild's sensor gateway, driven by the test
 * sensor over real TLS: enrollment, mutual TLS (foreign CA refused), ingest
 * with acks, exactly-once storage of resent batches, routing owned by the
 * backend, malformed input, and kill -9 during ingest. Stored events are
 * read back from the store itself once vigild is stopped. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend/ca.h"
#include "backend/store.h"
#include "backend/store_events.h"
#include "backend/store_render.h"
#include "shared/alloc.h"
#include "shared/atom.h"
#include "shared/pki.h"
#include "shared/ws_client.h"
#include "tests/harness/sensor_sim.h"

/* Every stored event of oid, as seqs seen per sid (vigild must be stopped). */
struct scan {
  uint8_t sid[16];
  uint64_t count, max_seq;
  unsigned char seen[4096];
  int dup;
  json_t *last;
};

static int scan_cb(void *ctx, const struct store_rec *r) {
  struct scan *sc = ctx;
  if (memcmp(r->sid, sc->sid, 16) != 0) return 0;
  sc->count++;
  if (r->seq < sizeof(sc->seen)) {
    if (sc->seen[r->seq]) sc->dup = 1;
    sc->seen[r->seq] = 1;
  }
  if (r->seq > sc->max_seq) sc->max_seq = r->seq;
  json_decref(sc->last);
  struct vg_buf b;
  vg_buf_init(&b, VG_LIMIT_EVENT_BYTES * 2);
  ck_assert_int_eq(store_render(r, &b, NULL), 0);
  sc->last = json_loadb(b.data, b.len, 0, NULL);
  vg_buf_cleanup(&b);
  /* The event id is the one derived from (sid, seq): stable across resends. */
  char eid[VG_UUID_STR_LEN + 1];
  vg_atom_event_id(r->sid, r->seq, eid);
  ck_assert_str_eq(json_string_value(json_object_get(json_object_get(sc->last, "routing"),
                                                     "event_id")), eid);
  ck_assert(vg_atom_uuid_valid(eid));
  return 0;
}

static void scan_store(const struct harness_vigild *d, const struct sensor_sim *s,
                       struct scan *sc) {
  memset(sc, 0, sizeof(*sc));
  vg_atom_uuid_parse(s->id.sid, sc->sid);
  char *db = vg_xasprintf("%s/db", d->data_dir);
  struct store_opts o = {.path = db};
  struct vg_err e;
  struct store *st = store_open(&o, &e);
  ck_assert_msg(st != NULL, "store: %s", e.msg);
  uint8_t oid[16];
  vg_atom_uuid_parse(s->id.oid, oid);
  ck_assert_int_ge(store_events_scan(st, oid, 0, STORE_TIME_MAX_MS, scan_cb, sc, &e), 0);
  store_close(st);
  free(db);
}

static json_t *ack_for(struct sensor_sim *s, uint64_t seq) {
  for (;;) {
    json_t *a = sensor_sim_recv(s, "ack", 10000);
    if (!a) return NULL;
    if ((uint64_t)json_integer_value(json_object_get(a, "seq")) >= seq) return a;
    json_decref(a);
  }
}

START_TEST(t_enroll_ingest_exactly_once) {
  struct harness_vigild d;
  ck_assert_int_eq(harness_vigild_start(&d, NULL), 0);
  struct sensor_sim s;
  struct vg_err e;
  ck_assert_msg(sensor_sim_enroll(&s, &d, NULL, "web-1", &e) == 0, "enroll: %s", e.msg);
  struct vg_cert_ids ids;
  ck_assert_int_eq(vg_pki_cert_ids(s.id.cert_pem, &ids, NULL), 0);
  ck_assert_str_eq(ids.sid, s.id.sid);
  json_t *w = sensor_sim_connect(&s, &d, NULL, NULL);
  ck_assert_ptr_nonnull(w);
  ck_assert_str_eq(json_string_value(json_object_get(w, "t")), "welcome");
  ck_assert_int_eq(json_integer_value(json_object_get(w, "acked")), 0);
  ck_assert_int_gt(json_array_size(json_object_get(w, "selection")), 10);
  json_decref(w);

  ck_assert_int_eq(sensor_sim_send_batch(&s, 1, 10, NULL), 0);
  json_t *a = ack_for(&s, 10);
  ck_assert_ptr_nonnull(a);
  ck_assert_int_eq(json_integer_value(json_object_get(a, "seq")), 10);
  json_decref(a);
  /* The same batch again (a sensor that missed the ack): acked, stored once. */
  ck_assert_int_eq(sensor_sim_send_batch(&s, 1, 10, NULL), 0);
  json_decref(ack_for(&s, 10));
  /* Routing the backend owns is not taken from the sensor's claim. */
  json_t *claims = json_pack("{s:s, s:s, s:s, s:[s], s:i}", "hostname", "evil",
                             "oid", "00000000-0000-4000-8000-000000000000", "ext_ip", "6.6.6.6",
                             "tags", "admin", "plat", 0x10000000);
  ck_assert_int_eq(sensor_sim_send_batch(&s, 11, 5, claims), 0);
  json_decref(claims);
  json_decref(ack_for(&s, 15));
  sensor_sim_disconnect(&s);
  ck_assert_int_eq(harness_vigild_stop(&d), 0);

  struct scan sc;
  scan_store(&d, &s, &sc);
  ck_assert_uint_eq(sc.count, 15);
  ck_assert(!sc.dup);
  for (int i = 1; i <= 15; i++) ck_assert_msg(sc.seen[i], "seq %d missing", i);
  json_t *rt = json_object_get(sc.last, "routing");
  ck_assert_str_eq(json_string_value(json_object_get(rt, "hostname")), "sim-host");
  ck_assert_str_eq(json_string_value(json_object_get(rt, "oid")), s.id.oid);
  ck_assert_str_eq(json_string_value(json_object_get(rt, "sid")), s.id.sid);
  ck_assert_str_ne(json_string_value(json_object_get(rt, "ext_ip")), "6.6.6.6");
  ck_assert_uint_eq(json_array_size(json_object_get(rt, "tags")), 0);
  ck_assert_int_eq(json_integer_value(json_object_get(rt, "plat")), 0x20000000); /* enrolled as linux */
  json_decref(sc.last);
  sensor_sim_cleanup(&s);
  harness_vigild_cleanup(&d, false);
}
END_TEST

START_TEST(t_bad_installation_key) {
  struct harness_vigild d;
  ck_assert_int_eq(harness_vigild_start(&d, NULL), 0);
  char *good = sensor_sim_install_key(&d);
  char *bad = vg_xstrdup(good);
  bad[strlen(bad) - 1] = bad[strlen(bad) - 1] == '0' ? '1' : '0';
  struct sensor_sim s;
  struct vg_err e;
  ck_assert_int_eq(sensor_sim_enroll(&s, &d, bad, "x", &e), -VG_EAUTH);
  ck_assert_int_eq(sensor_sim_enroll(&s, &d, "garbage", "x", &e), -VG_EAUTH);
  free(good);
  free(bad);
  harness_vigild_cleanup(&d, false);
}
END_TEST

START_TEST(t_foreign_ca_and_no_cert_refused) {
  struct harness_vigild d;
  ck_assert_int_eq(harness_vigild_start(&d, NULL), 0);
  struct sensor_sim s;
  ck_assert_int_eq(sensor_sim_enroll(&s, &d, NULL, "web-2", NULL), 0);
  /* A certificate with the right-looking identity from another CA. */
  char *evil_dir = harness_mkdtemp("evil-ca");
  struct ca *evil = ca_open(evil_dir, NULL);
  char *csr = NULL, *cert = NULL;
  ck_assert_int_eq(vg_pki_csr_new(s.id.key_pem, "evil", &csr, NULL), 0);
  struct vg_cert_ids ids;
  snprintf(ids.sid, sizeof(ids.sid), "%s", s.id.sid);
  snprintf(ids.oid, sizeof(ids.oid), "%s", s.id.oid);
  ck_assert_int_eq(ca_sign_sensor(evil, csr, &ids, 30, &cert, NULL), 0);
  char *evil_cert = vg_xasprintf("%s/evil.pem", evil_dir);
  harness_write_file(evil_cert, cert);
  struct sensor_sim rogue = s;
  rogue.ws = NULL;
  json_t *w = sensor_sim_connect(&rogue, &d, evil_cert, s.key_path);
  ck_assert_msg(w == NULL, "a foreign-CA certificate was accepted");
  ck_assert(!rogue.ws || !vg_ws_client_is_open(rogue.ws));
  sensor_sim_disconnect(&rogue);
  /* No certificate at all on the sensor protocol: refused with a reason. */
  char *ca = harness_vigild_ca_path(&d);
  struct vg_ws_opts o = {.host = "localhost", .port = d.sensor_port,
                         .subprotocol = "vigil-sensor.v1", .ca_file = ca};
  struct vg_ws_client *c = vg_ws_client_create(&o, NULL);
  if (vg_ws_client_wait_open(c, 5000) == 0) {
    char *msg = NULL;
    size_t len;
    ck_assert_int_eq(vg_ws_client_recv(c, 5000, &msg, &len), 0);
    ck_assert_msg(strstr(msg, "EAUTH") != NULL, "got %s", msg);
    free(msg);
  }
  vg_ws_client_free(c);
  /* The genuine sensor still works. */
  w = sensor_sim_connect(&s, &d, NULL, NULL);
  ck_assert_ptr_nonnull(w);
  ck_assert_str_eq(json_string_value(json_object_get(w, "t")), "welcome");
  json_decref(w);
  free(ca);
  free(evil_cert);
  free(csr);
  free(cert);
  ca_free(evil);
  harness_rm_rf(evil_dir);
  free(evil_dir);
  sensor_sim_cleanup(&s);
  harness_vigild_cleanup(&d, false);
}
END_TEST

START_TEST(t_malformed_batch_isolated) {
  struct harness_vigild d;
  ck_assert_int_eq(harness_vigild_start(&d, NULL), 0);
  struct sensor_sim bad, good;
  ck_assert_int_eq(sensor_sim_enroll(&bad, &d, NULL, "bad", NULL), 0);
  ck_assert_int_eq(sensor_sim_enroll(&good, &d, NULL, "good", NULL), 0);
  json_decref(sensor_sim_connect(&bad, &d, NULL, NULL));
  json_decref(sensor_sim_connect(&good, &d, NULL, NULL));
  const char *junk[] = {"{\"t\":\"batch\",\"first\":1,\"events\":[{]}",
                        "{\"t\":\"batch\",\"first\":1,\"events\":[{\"routing\":{},\"event\":{}}]}"};
  for (int i = 0; i < 2; i++) {
    if (i == 1) {
      sensor_sim_disconnect(&bad);
      json_decref(sensor_sim_connect(&bad, &d, NULL, NULL));
    }
    vg_ws_client_send(bad.ws, junk[i], strlen(junk[i]));
    json_t *err = sensor_sim_recv(&bad, "error", 10000);
    ck_assert_ptr_nonnull(err);
    ck_assert_str_eq(json_string_value(json_object_get(err, "t")), "error");
    json_decref(err);
  }
  ck_assert_int_eq(sensor_sim_send_batch(&good, 1, 3, NULL), 0);
  json_t *a = ack_for(&good, 3);
  ck_assert_ptr_nonnull(a);
  json_decref(a);
  sensor_sim_cleanup(&bad);
  sensor_sim_cleanup(&good);
  harness_vigild_cleanup(&d, false);
}
END_TEST

START_TEST(t_kill9_keeps_every_acked_event) {
  struct harness_vigild d;
  ck_assert_int_eq(harness_vigild_start(&d, NULL), 0);
  struct sensor_sim s;
  ck_assert_int_eq(sensor_sim_enroll(&s, &d, NULL, "crashy", NULL), 0);
  json_decref(sensor_sim_connect(&s, &d, NULL, NULL));
  uint64_t acked = 0;
  for (int b = 0; b < 30; b++) ck_assert_int_eq(sensor_sim_send_batch(&s, 1 + b * 100, 100, NULL), 0);
  /* Read a few acks, then crash the daemon while batches are in flight. */
  for (int i = 0; i < 5; i++) {
    json_t *a = sensor_sim_recv(&s, "ack", 10000);
    ck_assert_ptr_nonnull(a);
    acked = (uint64_t)json_integer_value(json_object_get(a, "seq"));
    json_decref(a);
  }
  harness_vigild_kill9(&d);
  sensor_sim_disconnect(&s);
  ck_assert_int_eq(harness_vigild_restart(&d, NULL), 0);
  json_t *w = sensor_sim_connect(&s, &d, NULL, NULL);
  ck_assert_ptr_nonnull(w);
  ck_assert_int_ge(json_integer_value(json_object_get(w, "acked")), 0);
  json_decref(w);
  sensor_sim_disconnect(&s);
  ck_assert_int_eq(harness_vigild_stop(&d), 0);
  struct scan sc;
  scan_store(&d, &s, &sc);
  ck_assert(!sc.dup);
  for (uint64_t q = 1; q <= acked; q++) ck_assert_msg(sc.seen[q], "acked seq %lu lost", (unsigned long)q);
  json_decref(sc.last);
  sensor_sim_cleanup(&s);
  harness_vigild_cleanup(&d, false);
}
END_TEST

static Suite *gateway_suite(void) {
  Suite *s = suite_create("gateway");
  TCase *tc = tcase_create("gateway");
  tcase_set_timeout(tc, 90);
  tcase_add_test(tc, t_enroll_ingest_exactly_once);
  tcase_add_test(tc, t_bad_installation_key);
  tcase_add_test(tc, t_foreign_ca_and_no_cert_refused);
  tcase_add_test(tc, t_malformed_batch_isolated);
  tcase_add_test(tc, t_kill9_keeps_every_acked_event);
  suite_add_tcase(s, tc);
  return s;
}
VG_CHECK_MAIN(gateway_suite)
