/* pki.h — keys, certificate signing requests, PEM I/O and certificate
 * identity, shared by the sensor (which makes its key and CSR) and the backend
 * (which verifies CSRs and reads identities from client certificates).
 * Keys are EC P-256. All PEM strings are heap-allocated; the caller frees. */
#ifndef VIGIL_PKI_H
#define VIGIL_PKI_H

#include <stddef.h>

#include "shared/err.h"

/* A sensor's identity as its certificate carries it: CN = sid, O = oid. */
struct vg_cert_ids {
  char sid[40];
  char oid[40];
};

/* Fill err with what and OpenSSL's first queued error (then clear the
 * queue); returns -VG_ETLS. */
int vg_pki_tls_fail(struct vg_err *err, const char *what);

/* New EC P-256 private key as PKCS#8 PEM. 0 or -VG_ETLS. */
int vg_pki_key_new(char **key_pem, struct vg_err *err);

/* CSR for key_pem with subject CN=cn (the sensor proposes its host name; the
 * CA sets the real subject). 0 or -VG_ETLS. */
int vg_pki_csr_new(const char *key_pem, const char *cn, char **csr_pem, struct vg_err *err);

/* sid and oid from a certificate's subject (CN and O). 0, -VG_EPARSE. */
int vg_pki_cert_ids(const char *cert_pem, struct vg_cert_ids *ids, struct vg_err *err);

/* Write a PEM (or any secret) to path with mode 0600, atomically (tmp +
 * rename). 0 or -VG_EIO. */
int vg_pki_write_secret(const char *path, const char *data, struct vg_err *err);

/* Read a whole file (≤ 1 MiB) into a heap string. 0, -VG_EIO or -VG_ELIMIT. */
int vg_pki_read_file(const char *path, char **out, struct vg_err *err);

/* SHA-256 of data as 64 lowercase hex chars + NUL into out[65]. */
void vg_sha256_hex(const void *data, size_t n, char out[65]);

/* n random bytes rendered as 2n hex chars into out (2n+1 bytes). 0 or -VG_EIO. */
int vg_random_hex(char *out, size_t nbytes);

#endif
