/* vigild_config.c — vigild's options table and loading order. */
#include "backend/vigild_config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "shared/alloc.h"

#define OFF(f) offsetof(struct vigild_config, f)

static const char *const log_levels[] = {"error", "warn", "info", "debug", "trace", NULL};

const struct vg_config_opt vigild_config_table[] = {
    {.key = "data_dir", .type = VG_CONFIG_STRING, .def = "./vigil-data", .min = 1, .max = 4096,
     .help = "Directory for RocksDB, the CA and certificates, credentials.yaml and the "
             "installation key.",
     .offset = OFF(data_dir)},
    {.key = "sensor.listen", .type = VG_CONFIG_STRING, .def = "0.0.0.0:7443",
     .help = "host:port of the sensor gateway (WebSocket over mutual TLS).",
     .offset = OFF(sensor_listen)},
    {.key = "api.listen", .type = VG_CONFIG_STRING, .def = "127.0.0.1:7444",
     .help = "host:port of the client API (WebSocket over TLS).", .offset = OFF(api_listen)},
    {.key = "tls.server_names", .type = VG_CONFIG_LIST, .def = "", .min = 0, .max = 64,
     .help = "Extra names (DNS or IP) for the server certificate, besides localhost, 127.0.0.1 "
             "and the host name.",
     .offset = OFF(server_names)},
    {.key = "log.file", .type = VG_CONFIG_STRING, .def = "",
     .help = "Log file; empty logs to stderr. Reopened on SIGHUP.", .offset = OFF(log_file)},
    {.key = "log.level", .type = VG_CONFIG_ENUM, .def = "info", .values = log_levels,
     .help = "Least severe level written.", .offset = OFF(log_level)},
    {.key = "storage.retention", .type = VG_CONFIG_DURATION, .def = "365d", .min = 86400,
     .max = 3650LL * 86400, .help = "How long telemetry is kept (1 day to 10 years).",
     .offset = OFF(retention)},
    {.key = "virustotal.api_key", .type = VG_CONFIG_STRING, .def = "", .min = 0, .max = 256,
     .help = "VirusTotal API key (x-apikey); empty turns the api/vt lookup resource off. One "
             "key for every organisation; never logged.",
     .offset = OFF(vt_api_key)},
    {.key = "virustotal.url", .type = VG_CONFIG_STRING, .def = "https://www.virustotal.com/api/v3",
     .min = 1, .max = 1024,
     .help = "Base URL of the VirusTotal v3 API (http:// or https://); reports are GET "
             "<url>/files/<hash>.",
     .offset = OFF(vt_url)},
    {.key = "virustotal.ca_file", .type = VG_CONFIG_STRING, .def = "", .min = 0, .max = 4096,
     .help = "PEM file of the CA that signs virustotal.url's certificate; empty uses the "
             "system's CA store.",
     .offset = OFF(vt_ca_file)},
    {.key = "virustotal.cache_ttl", .type = VG_CONFIG_DURATION, .def = "24h", .min = 60,
     .max = 90LL * 86400,
     .help = "How long a VirusTotal answer (report or not found) is reused before it is asked "
             "again.",
     .offset = OFF(vt_cache_ttl)},
    {.key = "virustotal.rate_per_minute", .type = VG_CONFIG_INT, .def = "4", .min = 1,
     .max = 10000,
     .help = "Requests a minute to VirusTotal (the public API allows 4); misses wait in a "
             "queue.",
     .offset = OFF(vt_rate_per_minute)},
    {0},
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
  int r = path ? vg_config_load_file(vigild_config_table, cfg, path, err)
               : vg_config_defaults(vigild_config_table, cfg, err);
  for (int i = 0; !r && i < n; i++) r = vg_config_set_arg(vigild_config_table, cfg, sets[i], err);
  if (!r) r = check_listen("sensor.listen", cfg->sensor_listen, err);
  if (!r) r = check_listen("api.listen", cfg->api_listen, err);
  if (!r && !cfg->data_dir[0]) r = vg_err_fail(err, VG_EINVAL, "data_dir must not be empty");
  if (!r && strncmp(cfg->vt_url, "http://", 7) && strncmp(cfg->vt_url, "https://", 8))
    r = vg_err_fail(err, VG_EINVAL, "virustotal.url: '%s' is not an http:// or https:// URL",
                    cfg->vt_url);
  return r;
}

void vigild_config_cleanup(struct vigild_config *cfg) {
  vg_config_cleanup(vigild_config_table, cfg);
}
