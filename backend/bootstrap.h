/* bootstrap.h — what vigild needs before it serves: the CA and server
 * certificate (data_dir/tls/), the store (data_dir/db/), and on the very
 * first start the default organisation with an admin API key and an
 * installation key, written for the clients:
 *
 *   data_dir/credentials.yaml   url, oid, api_key, ca (mode 0600) — what
 *                               vigil and vigilctl read through VIGIL_CREDS_FILE
 *   data_dir/installation-key   the installation key (mode 0600)
 *
 * A second start reuses everything. */
#ifndef VIGILD_BOOTSTRAP_H
#define VIGILD_BOOTSTRAP_H

#include "shared/err.h"

struct vigild;
struct vigild_config;

/* Fill vd->ca, ca_path, cert_path, key_path, store and reg. On failure
 * whatever was opened stays in vd for bootstrap_cleanup. */
int bootstrap_open(struct vigild *vd, const struct vigild_config *cfg, struct vg_err *err);
void bootstrap_cleanup(struct vigild *vd);

/* Create another organisation (offline: vigild --create-org NAME) with an
 * admin key and an installation key, written to
 * data_dir/credentials-<oid>.yaml and data_dir/installation-key-<oid>;
 * prints both paths on stdout. */
int bootstrap_create_org(struct vigild *vd, const struct vigild_config *cfg, const char *name,
                         struct vg_err *err);

#endif
