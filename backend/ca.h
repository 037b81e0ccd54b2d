/* ca.h — vigild's certificate authority: created on first start, it issues
 * the server certificate (gateway and API) and signs sensors' CSRs. A sensor
 * certificate's subject is set by the CA — CN = sid, O = oid — never taken
 * from the CSR, so the certificate is the sensor's only identity. */
#ifndef VIGILD_CA_H
#define VIGILD_CA_H

#include "shared/err.h"
#include "shared/pki.h"

struct ca;

/* Load dir/ca.key + dir/ca.pem, or create them (0600) when absent. */
struct ca *ca_open(const char *dir, struct vg_err *err);
void ca_free(struct ca *ca);

/* Path of the CA certificate (owned by ca). */
const char *ca_cert_path(const struct ca *ca);

/* Ensure dir/server.key + dir/server.pem exist and cover every name in names
 * (DNS names or IP literals; localhost, 127.0.0.1 and ::1 are always added).
 * A certificate that lacks a name is reissued. */
int ca_ensure_server_cert(struct ca *ca, const char *dir, const char *const *names, int n,
                          struct vg_err *err);

/* Verify csr_pem's self-signature and issue a client certificate for
 * (sid, oid), valid for days. *cert_pem is heap-allocated. */
int ca_sign_sensor(struct ca *ca, const char *csr_pem, const struct vg_cert_ids *ids, int days,
                   char **cert_pem, struct vg_err *err);

#endif
