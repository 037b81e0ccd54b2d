/* ws_tls.c — pinned OpenSSL client contexts for the WebSocket client. */
#include "shared/ws_tls.h"

#include <openssl/err.h>

static int tls_fail(struct vg_err *err, const char *what, const char *path) {
  char reason[160];
  unsigned long e = ERR_peek_last_error();
  ERR_error_string_n(e, reason, sizeof(reason));
  ERR_clear_error();
  return vg_err_fail(err, VG_ETLS, "ws: %s '%s': %s", what, path, e ? reason : "failed");
}

SSL_CTX *vg_ws_tls_client_ctx(const char *ca_file, const char *cert_file, const char *key_file,
                              struct vg_err *err) {
  SSL_CTX *x = SSL_CTX_new(TLS_client_method());
  if (!x) {
    tls_fail(err, "cannot create TLS context", "-");
    return NULL;
  }
  SSL_CTX_set_min_proto_version(x, TLS1_2_VERSION);
  SSL_CTX_set_verify(x, SSL_VERIFY_PEER, NULL);
  if (ca_file && SSL_CTX_load_verify_file(x, ca_file) != 1) {
    tls_fail(err, "cannot load CA file", ca_file);
    goto fail;
  }
  if (cert_file && key_file) {
    if (SSL_CTX_use_certificate_chain_file(x, cert_file) != 1) {
      tls_fail(err, "cannot load client certificate", cert_file);
      goto fail;
    }
    if (SSL_CTX_use_PrivateKey_file(x, key_file, SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(x) != 1) {
      tls_fail(err, "client key unusable or does not match the certificate", key_file);
      goto fail;
    }
  }
  return x;
fail:
  SSL_CTX_free(x);
  return NULL;
}
