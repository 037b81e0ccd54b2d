/* vigild_config.c — vigild's options table and loading order. */
#include "backend/vigild_config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "shared/alloc.h"

#define OFF(f) offsetof(struct vigild_config, f)

const struct vg_config_opt vigild_config_table[] = {
    {"data_dir", VG_CFG_STRING, "./vigil-data", 0, 0,
     "Directory for RocksDB, the CA and certificates, credentials.yaml and the installation key.",
     OFF(data_dir), NULL},
    {"sensor.listen", VG_CFG_STRING, "0.0.0.0:7443", 0, 0,
     "host:port of the sensor gateway (WebSocket over mutual TLS).", OFF(sensor_listen), NULL},
    {"api.listen", VG_CFG_STRING, "127.0.0.1:7444", 0, 0,
     "host:port of the client API (WebSocket over TLS).", OFF(api_listen), NULL},
    {"tls.server_names", VG_CFG_STRLIST, "", 0, 0,
     "Extra names (DNS or IP) for the server certificate, besides localhost, 127.0.0.1 and the "
     "host name.",
     OFF(server_names), NULL},
    {"log.file", VG_CFG_STRING, "", 0, 0, "Log file; empty logs to stderr. Reopened on SIGHUP.",
     OFF(log_file), NULL},
    {"log.level", VG_CFG_ENUM, "info", 0, 0, "Least severe level written.", OFF(log_level),
     "error|warn|info|debug|trace"},
    {"storage.retention", VG_CFG_DURATION, "365d", 86400, 3650LL * 86400,
     "How long telemetry is kept (1 day to 10 years).", OFF(retention), NULL},
    {NULL, 0, NULL, 0, 0, NULL, 0, NULL},
};

int vigild_config_split_listen(const char *s, char *host, size_t hostlen, int *port) {
  const char *colon = strrchr(s, ':');
  if (!colon || colon == s) return -VG_EINVAL;
  const char *h = s, *he = colon;
  if (*h == '[') {
    if (he[-1] != ']') return -VG_EINVAL;
    h++, he--;
  }
  size_t n = (size_t)(he - h);
  if (n == 0 || n >= hostlen) return -VG_EINVAL;
  char *end;
  long p = strtol(colon + 1, &end, 10);
  if (*end || end == colon + 1 || p < 0 || p > 65535) return -VG_EINVAL;
  memcpy(host, h, n);
  host[n] = '\0';
  *port = (int)p;
  return 0;
}

static int check_listen(const char *key, const char *v, struct vg_err *err) {
  char host[256];
  int port;
  if (vigild_config_split_listen(v, host, sizeof(host), &port))
    return vg_err_fail(err, VG_ERANGE, "%s: '%s' is not host:port (port 0-65535)", key, v);
  return 0;
}

int vigild_config_load(struct vigild_config *cfg, const char *path, char *const *sets, int n,
                       struct vg_err *err) {
  int r = vg_config_defaults(vigild_config_table, cfg, err);
  if (!r && path) r = vg_config_load_file(vigild_config_table, cfg, path, err);
  for (int i = 0; !r && i < n; i++) {
    const char *eq = strchr(sets[i], '=');
    if (!eq) return vg_err_fail(err, VG_EINVAL, "--set %s: expected key=value", sets[i]);
    char *key = vg_xstrndup(sets[i], (size_t)(eq - sets[i]));
    r = vg_config_set(vigild_config_table, cfg, key, eq + 1, err);
    free(key);
  }
  if (!r) r = check_listen("sensor.listen", cfg->sensor_listen, err);
  if (!r) r = check_listen("api.listen", cfg->api_listen, err);
  if (!r && !cfg->data_dir[0]) r = vg_err_fail(err, VG_EINVAL, "data_dir must not be empty");
  return r;
}

void vigild_config_cleanup(struct vigild_config *cfg) {
  vg_config_cleanup(vigild_config_table, cfg);
}
