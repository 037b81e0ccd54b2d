/* ws_tls.h — the OpenSSL client context behind the WebSocket client. Built
 * here rather than by libwebsockets because lws 4.1 also loads the system CA
 * store into client contexts it makes: ours trusts exactly one CA file
 * (pinning), presents an optional client certificate, and needs TLS >= 1.2. */
#ifndef VIGIL_WS_TLS_H
#define VIGIL_WS_TLS_H

#include <openssl/ssl.h>

#include "shared/err.h"

/* New client SSL_CTX trusting only ca_file (NULL: trusts nothing), with
 * cert_file + key_file as client certificate when both are non-NULL. The
 * caller frees it with SSL_CTX_free (after the lws context using it is
 * destroyed). NULL with err (ETLS, naming the file and OpenSSL's reason). */
SSL_CTX *vg_ws_tls_client_ctx(const char *ca_file, const char *cert_file, const char *key_file,
                              struct vg_err *err);

#endif
