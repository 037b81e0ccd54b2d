/* server.c — the libwebsockets context, its two vhosts and service thread. */
#include "backend/server.h"

#include <libwebsockets.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "backend/vigild_config.h"
#include "shared/alloc.h"
#include "shared/ws_tls.h"
#include "shared/limits.h"
#include "shared/log.h"

#define COMP "server"

struct server {
  struct lws_context *ctx;
  struct lws_vhost *sensor_vh, *api_vh;
  SSL_CTX *client_ctx[2]; /* given to lws so it does not load the system CAs */
  pthread_t thread;
  int started;
  atomic_int stop;
};

static void lws_log_bridge(int level, const char *line) {
  size_t n = strlen(line);
  while (n && (line[n - 1] == '\n' || line[n - 1] == '\r')) n--;
  vg_log(level == LLL_ERR ? VG_LOG_ERROR : level == LLL_WARN ? VG_LOG_WARN : VG_LOG_DEBUG, "lws",
         "%.*s", (int)n, line);
}

static struct lws_vhost *vhost_create(struct server *s, int idx, const struct server_opts *o,
                                      const char *name, const char *listen,
                                      const struct lws_protocols *protocols, int mtls,
                                      struct vg_err *err) {
  char host[256];
  int port;
  if (vigild_config_split_listen(listen, host, sizeof(host), &port))
    return vg_err_fail(err, VG_EINVAL, "%s listen address '%s'", name, listen), NULL;
  struct lws_context_creation_info info;
  memset(&info, 0, sizeof(info));
  info.vhost_name = name;
  info.port = port;
  info.iface = strcmp(host, "0.0.0.0") && strcmp(host, "::") ? host : NULL;
  info.protocols = protocols;
  info.ssl_cert_filepath = o->cert;
  info.ssl_private_key_filepath = o->key;
  info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT | LWS_SERVER_OPTION_FAIL_UPON_UNABLE_TO_BIND |
                 LWS_SERVER_OPTION_VALIDATE_UTF8;
  if (mtls) {
    /* Ask for a client certificate and verify it against our CA; enrollment
     * connections have none yet, so presence is checked per protocol. */
    info.ssl_ca_filepath = o->ca;
    info.options |= LWS_SERVER_OPTION_REQUIRE_VALID_OPENSSL_CLIENT_CERT |
                    LWS_SERVER_OPTION_PEER_CERT_NOT_REQUIRED;
  }
  /* Every vhost also gets a client TLS context; ours trusts only our CA. */
  s->client_ctx[idx] = vg_ws_tls_client_ctx(o->ca, NULL, NULL, err);
  if (!s->client_ctx[idx]) return NULL;
  info.provided_client_ssl_ctx = s->client_ctx[idx];
  struct lws_vhost *vh = lws_create_vhost(s->ctx, &info);
  if (!vh) vg_err_fail(err, VG_EIO, "cannot listen on %s for the %s", listen, name);
  return vh;
}

struct server *server_create(const struct server_opts *o, struct vg_err *err) {
  lws_set_log_level(LLL_ERR | LLL_WARN, lws_log_bridge);
  struct server *s = vg_xcalloc(1, sizeof(*s));
  struct lws_context_creation_info info;
  memset(&info, 0, sizeof(info));
  info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT | LWS_SERVER_OPTION_EXPLICIT_VHOSTS;
  info.user = o->user;
  info.pt_serv_buf_size = 64 * 1024;
  info.ka_time = 60;
  info.ka_probes = 3;
  info.ka_interval = 10;
  info.timeout_secs = 30;
  s->ctx = lws_create_context(&info);
  if (!s->ctx) {
    vg_err_fail(err, VG_EINTERNAL, "libwebsockets context");
    free(s);
    return NULL;
  }
  s->sensor_vh = vhost_create(s, 0, o, "sensor gateway", o->sensor_listen, o->sensor_protocols, 1, err);
  if (s->sensor_vh)
    s->api_vh = vhost_create(s, 1, o, "API", o->api_listen, o->api_protocols, 0, err);
  if (!s->sensor_vh || !s->api_vh) {
    server_free(s);
    return NULL;
  }
  return s;
}

static void *service_main(void *arg) {
  struct server *s = arg;
  pthread_setname_np(pthread_self(), "vigild-service");
  while (!atomic_load(&s->stop))
    if (lws_service(s->ctx, 0) < 0) break;
  return NULL;
}

int server_start(struct server *s) {
  if (pthread_create(&s->thread, NULL, service_main, s)) return -VG_EINTERNAL;
  s->started = 1;
  return 0;
}

void server_wake(struct server *s) {
  if (s && s->ctx) lws_cancel_service(s->ctx);
}

void server_free(struct server *s) {
  if (!s) return;
  if (s->started) {
    atomic_store(&s->stop, 1);
    lws_cancel_service(s->ctx);
    pthread_join(s->thread, NULL);
  }
  if (s->ctx) lws_context_destroy(s->ctx);
  SSL_CTX_free(s->client_ctx[0]);
  SSL_CTX_free(s->client_ctx[1]);
  free(s);
}

int server_sensor_port(const struct server *s) { return lws_get_vhost_listen_port(s->sensor_vh); }
int server_api_port(const struct server *s) { return lws_get_vhost_listen_port(s->api_vh); }
