/* vigild_config.h — vigild's configuration: one options table drives the
 * YAML file, --set overrides, --help-config and docs/operations.md. */
#ifndef VIGILD_CONFIG_H
#define VIGILD_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "shared/config.h"
#include "shared/err.h"

struct vigild_config {
  char *data_dir;        /* RocksDB, certificates, credentials */
  char *sensor_listen;   /* host:port of the sensor gateway (mTLS) */
  char *api_listen;      /* host:port of the client API (TLS) */
  struct vg_strlist server_names; /* extra SANs for the server certificate */
  char *log_file;        /* "" = stderr */
  char *log_level;       /* error|warn|info|debug|trace */
  int64_t retention;     /* seconds of telemetry kept */
  char *vt_api_key;      /* VirusTotal key, "" = the api/vt resource is off */
  char *vt_url;          /* VirusTotal v3 base URL */
  char *vt_ca_file;      /* "" = system CA store */
  int64_t vt_cache_ttl;  /* seconds an answer is reused */
  int64_t vt_rate_per_minute;
};

extern const struct vg_config_opt vigild_config_table[];

/* Defaults, then the file at path (NULL = none), then each "key=value" of
 * sets (n of them). 0 or negative with err filled. On failure cfg holds
 * whatever was set so far; call vigild_config_cleanup either way. */
int vigild_config_load(struct vigild_config *cfg, const char *path, char *const *sets, int n,
                       struct vg_err *err);
void vigild_config_cleanup(struct vigild_config *cfg);
/* Parse "host:port" / "[v6]:port"; 0 or -VG_EINVAL. host is at least 256 bytes. */
int vigild_config_split_listen(const char *s, char *host, size_t hostlen, int *port);

#endif
