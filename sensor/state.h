/* state.h — the sensor's state directory (mode 0700): its identity and
 * everything that must survive a restart.
 *
 *   identity.json  {"sid","oid","iid","backend_host","backend_port",
 *                   "machine_id","install_key"}            (0600)
 *   key.pem        the private key (never leaves the host) (0600)
 *   cert.pem       the certificate vigild's CA issued
 *   ca.pem         vigild's CA (pinned)
 *   selection.json the last event selection the backend pushed
 *   isolated       "1" while the backend wants the host isolated
 *   spool/         the event spool (spool.h); its newest segment's name
 *                  carries the sequence counter
 *
 * Clone detection: machine_id is the SHA-256 of /etc/machine-id and the
 * DMI product UUID (/sys/class/dmi/id/product_uuid, unique per VM instance
 * on every hypervisor that sets it). A state dir whose recorded machine_id
 * differs from this host's was copied from another machine: the sensor
 * re-enrolls with the stored installation key (new key pair, new sid) and
 * starts an empty spool instead of sharing the other sensor's identity. */
#ifndef VIGIL_SENSOR_STATE_H
#define VIGIL_SENSOR_STATE_H

#include "shared/atom.h"
#include "shared/err.h"

#define STATE_DEFAULT_DIR "/var/lib/vigil-sensor"
#define STATE_ENROLL_TIMEOUT_MS 15000

struct sensor_state {
  char *dir;
  char sid[VG_UUID_STR_LEN + 1], oid[VG_UUID_STR_LEN + 1], iid[VG_UUID_STR_LEN + 1];
  char *backend_host;
  int backend_port;
  char machine_id[65]; /* as recorded */
  char *install_key;
  char *key_path, *cert_path, *ca_path, *spool_dir; /* inside dir */
};

/* This host's machine id (see above) into out[65]. */
void state_host_machine_id(char out[65]);

/* Enroll: make dir (0700), copy the CA, enroll with install_key against
 * host:port, write the identity. Wipes an old spool. 0 or negative + err. */
int state_enroll(const char *dir, const char *install_key, const char *host, int port,
                 const char *ca_file, struct vg_err *err);

/* Load the state in dir into st (state_cleanup frees). -VG_ENOTFOUND when
 * the sensor is not enrolled there; other codes with err. */
int state_load(const char *dir, struct sensor_state *st, struct vg_err *err);

/* If st was recorded on another machine, re-enroll (state_enroll with the
 * stored key, backend and CA) and reload st. *cloned says whether it did.
 * 0 or negative + err. */
int state_check_clone(struct sensor_state *st, int *cloned, struct vg_err *err);

/* A small file in the state dir (atomic replace, 0600); read returns a heap
 * string or NULL. */
int state_write_file(const struct sensor_state *st, const char *name, const char *data);
char *state_read_file(const struct sensor_state *st, const char *name);

void state_cleanup(struct sensor_state *st);

#endif
