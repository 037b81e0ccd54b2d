/* bootstrap.c — certificates, store, first-start organisation and keys. */
#include "backend/bootstrap.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "backend/auth.h"
#include "backend/ca.h"
#include "backend/orgs.h"
#include "backend/registry.h"
#include "backend/store.h"
#include "backend/vigild.h"
#include "backend/vigild_config.h"
#include "shared/alloc.h"
#include "shared/log.h"
#include "shared/pki.h"

#define COMP "bootstrap"

/* The URL clients use: the API listener, with a wildcard host as localhost. */
static char *api_url(const struct vigild_config *cfg) {
  char host[256];
  int port = 7444;
  vigild_config_split_listen(cfg->api_listen, host, sizeof(host), &port);
  const char *h = host;
  if (!strcmp(host, "0.0.0.0") || !strcmp(host, "::") || !strcmp(host, "127.0.0.1"))
    h = "localhost";
  return strchr(h, ':') ? vg_xasprintf("wss://[%s]:%d", h, port)
                        : vg_xasprintf("wss://%s:%d", h, port);
}

static int write_org_files(struct vigild *vd, const struct vigild_config *cfg, const char *oid,
                           const char *creds_path, const char *key_path, struct vg_err *err) {
  char api_key[AUTH_API_KEY_LEN + 1], ikey[AUTH_INSTALL_KEY_LEN + 1];
  int r = auth_key_create(vd->store, oid, "bootstrap admin", AUTH_ADMIN, api_key, NULL, err);
  if (!r) r = auth_install_key_create(vd->store, oid, "default", ikey, NULL, err);
  if (r) return r;
  char *url = api_url(cfg);
  char *creds = vg_xasprintf(
      "# Vigil credentials, written by vigild. Keep this file private (mode 0600).\n"
      "# vigil and vigilctl read it through VIGIL_CREDS_FILE.\n"
      "url: %s\noid: %s\napi_key: %s\nca: %s\n",
      url, oid, api_key, vd->ca_path);
  char *ik = vg_xasprintf("%s\n", ikey);
  r = vg_pki_write_secret(creds_path, creds, err);
  if (!r) r = vg_pki_write_secret(key_path, ik, err);
  memset(creds, 0, strlen(creds));
  memset(ik, 0, strlen(ik));
  free(creds);
  free(ik);
  free(url);
  return r;
}

static int first_start(struct vigild *vd, const struct vigild_config *cfg, const char *dir,
                       struct vg_err *err) {
  json_t *orgs = orgs_list(vd->store, err);
  if (!orgs) return -VG_EDB;
  size_t n = json_array_size(orgs);
  json_decref(orgs);
  if (n) return 0;
  char oid[VG_UUID_STR_LEN + 1];
  int r = orgs_create(vd->store, "default", oid, err);
  char *creds = vg_xasprintf("%s/credentials.yaml", dir);
  char *key = vg_xasprintf("%s/installation-key", dir);
  if (!r) r = write_org_files(vd, cfg, oid, creds, key, err);
  if (!r) {
    vg_info(COMP, "first start: organisation %s created", oid);
    vg_info(COMP, "credentials for vigil/vigilctl: %s", creds);
    vg_info(COMP, "installation key for sensors: %s", key);
    printf("vigild: credentials: %s\nvigild: installation key: %s\n", creds, key);
    fflush(stdout);
  }
  free(creds);
  free(key);
  return r;
}

int bootstrap_open(struct vigild *vd, const struct vigild_config *cfg, struct vg_err *err) {
  char dir[PATH_MAX];
  if (!realpath(cfg->data_dir, dir))
    return vg_err_fail(err, VG_EIO, "%s: %s", cfg->data_dir, strerror(errno));
  char *tls = vg_xasprintf("%s/tls", dir);
  int r = 0;
  if (mkdir(tls, 0700) < 0 && errno != EEXIST)
    r = vg_err_fail(err, VG_EIO, "%s: %s", tls, strerror(errno));
  if (!r) vd->ca = ca_open(tls, err);
  if (!vd->ca) r = r ? r : -VG_ETLS;
  if (!r) {
    vd->ca_path = vg_xstrdup(ca_cert_path(vd->ca));
    vd->cert_path = vg_xasprintf("%s/server.pem", tls);
    vd->key_path = vg_xasprintf("%s/server.key", tls);
    r = ca_ensure_server_cert(vd->ca, tls, (const char *const *)cfg->server_names.v,
                              (int)cfg->server_names.n, err);
  }
  free(tls);
  if (r) return r;
  char *db = vg_xasprintf("%s/db", dir);
  struct store_opts so = {.path = db, .retention_s = cfg->retention};
  vd->store = store_open(&so, err);
  free(db);
  if (!vd->store) return -VG_EDB;
  r = first_start(vd, cfg, dir, err);
  if (r) return r;
  vd->reg = registry_open(vd->store, err);
  return vd->reg ? 0 : -VG_EDB;
}

void bootstrap_cleanup(struct vigild *vd) {
  registry_free(vd->reg);
  store_close(vd->store);
  ca_free(vd->ca);
  free(vd->ca_path);
  free(vd->cert_path);
  free(vd->key_path);
  vd->reg = NULL;
  vd->store = NULL;
  vd->ca = NULL;
  vd->ca_path = vd->cert_path = vd->key_path = NULL;
}

int bootstrap_create_org(struct vigild *vd, const struct vigild_config *cfg, const char *name,
                         struct vg_err *err) {
  char dir[PATH_MAX], oid[VG_UUID_STR_LEN + 1];
  if (!realpath(cfg->data_dir, dir))
    return vg_err_fail(err, VG_EIO, "%s: %s", cfg->data_dir, strerror(errno));
  int r = orgs_create(vd->store, name, oid, err);
  if (r) return r;
  char *creds = vg_xasprintf("%s/credentials-%s.yaml", dir, oid);
  char *key = vg_xasprintf("%s/installation-key-%s", dir, oid);
  r = write_org_files(vd, cfg, oid, creds, key, err);
  if (!r) printf("organisation %s (%s)\ncredentials: %s\ninstallation key: %s\n", name, oid,
                 creds, key);
  free(creds);
  free(key);
  return r;
}
