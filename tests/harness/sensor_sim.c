/* sensor_sim.c — the test sensor (enroll, hello, batches, acks). */
#include "tests/harness/sensor_sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/alloc.h"
#include "shared/buf.h"
#include "shared/event.h"
#include "shared/platform.h"
#include "shared/proto.h"
#include "shared/ws_client.h"

char *sensor_sim_install_key(const struct harness_vigild *d) {
  char *p = vg_xasprintf("%s/installation-key", d->data_dir);
  char *k = harness_read_file(p, NULL);
  free(p);
  if (k) k[strcspn(k, "\n")] = '\0';
  return k;
}

int sensor_sim_enroll(struct sensor_sim *s, const struct harness_vigild *d, const char *key,
                      const char *hostname, struct vg_err *err) {
  memset(s, 0, sizeof(*s));
  char *k = key ? vg_xstrdup(key) : sensor_sim_install_key(d);
  char *ca = harness_vigild_ca_path(d);
  struct vg_enroll_req req = {.host = "localhost", .port = d->sensor_port, .ca_file = ca,
                              .install_key = k, .hostname = hostname,
                              .plat = 0x20000000, .arch = 2, .machine_id = "test-machine"};
  int r = vg_enroll(&req, &s->id, err);
  free(k);
  free(ca);
  if (r) return r;
  s->t0 = vg_event_now_ms() - 3600 * 1000;
  s->dir = harness_mkdtemp("sensor-sim");
  s->cert_path = vg_xasprintf("%s/cert.pem", s->dir);
  s->key_path = vg_xasprintf("%s/key.pem", s->dir);
  harness_write_file(s->cert_path, s->id.cert_pem);
  harness_write_file(s->key_path, s->id.key_pem);
  return 0;
}

json_t *sensor_sim_connect(struct sensor_sim *s, const struct harness_vigild *d,
                           const char *cert, const char *key) {
  char *ca = harness_vigild_ca_path(d);
  struct vg_ws_opts o = {.host = "localhost", .port = d->sensor_port,
                         .subprotocol = VG_PROTO_SENSOR, .ca_file = ca,
                         .cert_file = cert ? cert : s->cert_path,
                         .key_file = key ? key : s->key_path};
  s->ws = vg_ws_client_create(&o, NULL);
  free(ca);
  if (!s->ws || vg_ws_client_wait_open(s->ws, 10000)) return NULL;
  json_t *hello = json_pack("{s:s, s:i, s:s, s:I, s:I, s:s, s:s, s:[s], s:I}", "t", "hello", "v",
                            VG_PROTO_VERSION, "hostname", "sim-host", "plat",
                            (json_int_t)0x20000000, "arch", (json_int_t)2, "int_ip", "10.9.8.7",
                            "version", "test", "collectors", "proc", "next_seq", (json_int_t)1);
  struct vg_buf b;
  vg_buf_init(&b, 1 << 16);
  vg_proto_encode(hello, &b);
  json_decref(hello);
  vg_ws_client_send(s->ws, b.data, b.len);
  vg_buf_cleanup(&b);
  return sensor_sim_recv(s, "welcome", 10000);
}

int sensor_sim_send_batch(struct sensor_sim *s, uint64_t first, int n, const json_t *claims) {
  json_t *evs = json_array();
  for (int i = 0; i < n; i++) {
    json_t *ev = vg_event_new("NEW_PROCESS", s->t0 + (int64_t)first + i);
    json_t *p = vg_event_payload(ev);
    json_object_set_new(p, "FILE_PATH", json_string("/usr/bin/sleep"));
    json_object_set_new(p, "COMMAND_LINE", json_string("sleep 1"));
    json_object_set_new(p, "PROCESS_ID", json_integer(1000 + (json_int_t)(first + (uint64_t)i)));
    if (claims) json_object_update(vg_event_routing(ev), (json_t *)claims);
    json_array_append_new(evs, ev);
  }
  int r = sensor_sim_send_events(s, first, evs);
  json_decref(evs);
  return r;
}

int sensor_sim_send_events(struct sensor_sim *s, uint64_t first, const json_t *events) {
  struct vg_buf b;
  vg_buf_init(&b, VG_LIMIT_MSG_BYTES);
  int r = vg_proto_batch_encode(&b, first, events, NULL);
  if (!r) r = vg_ws_client_send(s->ws, b.data, b.len);
  vg_buf_cleanup(&b);
  return r;
}

json_t *sensor_sim_recv(struct sensor_sim *s, const char *t, int timeout_ms) {
  for (;;) {
    char *msg = NULL;
    size_t len = 0;
    if (!s->ws || vg_ws_client_recv(s->ws, timeout_ms, &msg, &len)) return NULL;
    json_t *m = json_loadb(msg, len, 0, NULL);
    free(msg);
    const char *type = json_string_value(json_object_get(m, "t"));
    if (type && (strcmp(type, t) == 0 || strcmp(type, "error") == 0)) return m;
    json_decref(m);
  }
}

json_t *sensor_sim_answer_task(struct sensor_sim *s, uint64_t first, int timeout_ms) {
  json_t *task = sensor_sim_recv(s, "task", timeout_ms);
  const char *inv = json_string_value(json_object_get(task, "investigation_id"));
  const char *cmd = json_string_value(json_object_get(task, "command"));
  if (!inv || !cmd) return task;
  char name[64];
  size_t n = strcspn(cmd, " ");
  snprintf(name, sizeof(name), "%.*s_REP", (int)(n < 40 ? n : 40), cmd);
  for (char *p = name; *p; p++)
    if (*p >= 'a' && *p <= 'z') *p = (char)(*p - 'a' + 'A');
  json_t *evs = json_array();
  const char *types[] = {"RECEIPT", name};
  for (int i = 0; i < 2; i++) {
    json_t *ev = vg_event_new(types[i], s->t0 + (int64_t)first + i);
    json_object_set_new(vg_event_routing(ev), "investigation_id", json_string(inv));
    json_object_set_new(vg_event_payload(ev), "ERROR", json_integer(0));
    json_array_append_new(evs, ev);
  }
  struct vg_buf b;
  vg_buf_init(&b, VG_LIMIT_MSG_BYTES);
  vg_proto_batch_encode(&b, first, evs, NULL);
  vg_ws_client_send(s->ws, b.data, b.len);
  vg_buf_cleanup(&b);
  json_decref(evs);
  return task;
}

void sensor_sim_disconnect(struct sensor_sim *s) {
  vg_ws_client_free(s->ws);
  s->ws = NULL;
}

void sensor_sim_cleanup(struct sensor_sim *s) {
  sensor_sim_disconnect(s);
  vg_enroll_result_cleanup(&s->id);
  harness_rm_rf(s->dir);
  free(s->dir);
  free(s->cert_path);
  free(s->key_path);
  memset(s, 0, sizeof(*s));
}

int sensor_sim_up(struct sensor_sim *s, const struct harness_vigild *d, const char *host,
                  struct vg_err *err) {
  int r = sensor_sim_enroll(s, d, NULL, host, err);
  if (r) return r;
  json_t *w = sensor_sim_connect(s, d, NULL, NULL);
  if (!w) return vg_err_fail(err, VG_EPROTO, "%s: connect: no welcome", host);
  json_decref(w);
  return 0;
}
