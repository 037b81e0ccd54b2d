/* sensor_sim.h — a protocol-level sensor for integration tests: it enrolls
 * through shared/enroll.c and speaks `vigil-sensor.v1` through the real
 * websocket client, so tests drive the real vigild as a sensor would,
 * without the real sensor's collectors. */
#ifndef VIGIL_SENSOR_SIM_H
#define VIGIL_SENSOR_SIM_H

#include <jansson.h>
#include <stdint.h>

#include "shared/enroll.h"
#include "tests/harness/harness.h"

struct sensor_sim {
  struct vg_enroll_result id;
  char *dir;                /* temporary: cert.pem, key.pem */
  char *cert_path, *key_path;
  struct vg_ws_client *ws;
  int64_t t0;               /* event i of seq q has time t0 + q: a resent batch is identical */
};

/* The installation key vigild wrote on first start (heap, caller frees). */
char *sensor_sim_install_key(const struct harness_vigild *d);
/* Enroll against d with key (NULL = the first-start key). 0 or negative. */
int sensor_sim_enroll(struct sensor_sim *s, const struct harness_vigild *d, const char *key,
                      const char *hostname, struct vg_err *err);
/* Connect with the sensor's certificate (or cert/key given), send hello and
 * wait for welcome, returned as a new reference (NULL on failure). */
json_t *sensor_sim_connect(struct sensor_sim *s, const struct harness_vigild *d,
                           const char *cert, const char *key);
/* Enroll with the default installation key as host, connect and take the
 * welcome: the sensor is online. 0, or negative with err. */
int sensor_sim_up(struct sensor_sim *s, const struct harness_vigild *d, const char *host,
                  struct vg_err *err);
/* Send events [first, first+n) of a batch; each event a NEW_PROCESS at time
 * t0 + seq whose routing also claims the fields of claims (may be NULL). */
int sensor_sim_send_batch(struct sensor_sim *s, uint64_t first, int n, const json_t *claims);
/* Send events (a JSON array of envelopes, not stolen) as one batch at seq
 * first, as they are. 0 or negative. */
int sensor_sim_send_events(struct sensor_sim *s, uint64_t first, const json_t *events);
/* Next message of type t (others skipped), within timeout_ms; new ref or NULL. */
json_t *sensor_sim_recv(struct sensor_sim *s, const char *t, int timeout_ms);
/* Wait for a task and answer it as a sensor does: a RECEIPT, then one
 * <COMMAND>_REP event (OS_VERSION_REP for os_version…), both carrying the
 * task's investigation id, in one batch at seq first. Returns the task
 * message (new reference) or NULL. */
json_t *sensor_sim_answer_task(struct sensor_sim *s, uint64_t first, int timeout_ms);
void sensor_sim_disconnect(struct sensor_sim *s);
void sensor_sim_cleanup(struct sensor_sim *s);

#endif
