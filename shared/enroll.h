/* enroll.h — a sensor's enrollment with vigild (docs/protocol.md): make a key
 * pair and a CSR, send them with the installation key over `vigil-enroll.v1`,
 * receive the certificate that is from then on the sensor's identity.
 * The private key never leaves the process. */
#ifndef VIGIL_ENROLL_H
#define VIGIL_ENROLL_H

#include <stdint.h>

#include "shared/atom.h"
#include "shared/err.h"

struct vg_enroll_req {
  const char *host;      /* gateway host (must match its certificate) */
  int port;
  const char *ca_file;   /* vigild's CA certificate (pinned) */
  const char *install_key;
  const char *hostname;  /* this host's name as the sensor reports it */
  uint32_t plat, arch;
  const char *machine_id;
  int timeout_ms;        /* 0 → 15000 */
};

struct vg_enroll_result {
  char sid[VG_UUID_STR_LEN + 1], oid[VG_UUID_STR_LEN + 1], iid[VG_UUID_STR_LEN + 1];
  char *cert_pem; /* heap; vg_enroll_result_cleanup frees */
  char *key_pem;
};

/* 0, or a negative code with err: -VG_EAUTH (key refused, the backend's
 * message), -VG_EOFFLINE / -VG_ETIMEOUT (no answer), -VG_EPROTO. */
int vg_enroll(const struct vg_enroll_req *req, struct vg_enroll_result *out,
              struct vg_err *err);
void vg_enroll_result_cleanup(struct vg_enroll_result *r);

#endif
