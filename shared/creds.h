/* creds.h — where vigil (the console) and vigilctl find the API: URL,
 * organisation, API key and the CA certificate to trust.
 *
 * Resolution order (first complete source wins, field by field it does NOT
 * mix sources): 1. flags (--url --oid --api-key [--ca]); 2. the environment
 * VIGIL_URL + VIGIL_OID + VIGIL_API_KEY [+ VIGIL_CA]; 3. the file named by
 * VIGIL_CREDS_FILE (the credentials.yaml vigild writes on first start works
 * as-is); 4. ~/.config/vigil/credentials.yaml (or $XDG_CONFIG_HOME), which
 * holds named environments (`vigilctl login --env NAME`, `vigilctl use NAME`).
 * The environment of a file is --env NAME, else $VIGIL_ENV, else the file's
 * `default`, else its only one, else its top-level url/oid/api_key/ca.
 * Files must not be readable by group or others (refused with a clear error).
 * docs/credentials.md has the file format. */
#ifndef VIGIL_CREDS_H
#define VIGIL_CREDS_H

#include <stdbool.h>

#include "shared/err.h"
#include "shared/limits.h"

#define VG_CREDS_URL_BYTES 512
#define VG_CREDS_KEY_BYTES 256
#define VG_CREDS_ENV_BYTES 64
#define VG_CREDS_MAX_ENVS 64   /* environments in one credentials file */

struct vg_creds {
  char url[VG_CREDS_URL_BYTES];           /* wss://host:port */
  char oid[64];                           /* organisation id (UUID) */
  char api_key[VG_CREDS_KEY_BYTES];       /* secret: never logged */
  char ca_file[VG_LIMIT_FILE_PATH_BYTES]; /* PEM CA to pin; "" = none given */
  char env[VG_CREDS_ENV_BYTES];           /* environment name used, "" if none */
  char source[VG_LIMIT_FILE_PATH_BYTES];  /* "flags", "environment" or the file path */
};

/* What the command line gave; NULL fields were not given. */
struct vg_creds_flags {
  const char *url, *oid, *api_key, *ca_file;
  const char *env; /* --env NAME: pick that environment of the user file */
};

/* Resolve as above into *out. 0, or -VG_ENOTFOUND (no source complete: the
 * message says what to do), -VG_EPARSE (a file is malformed: file:line:col),
 * -VG_EPERM (a file is readable by others), -VG_EMISSING (a source was begun
 * but not completed, e.g. --url without --api-key: no silent fallback),
 * -VG_EIO (VIGIL_CREDS_FILE names a file that cannot be read). */
int vg_creds_resolve(const struct vg_creds_flags *flags, struct vg_creds *out,
                     struct vg_err *err);

/* Parse a credentials file's text (file names it in errors): the credentials
 * of environment env (NULL: the file's `default`, else its only environment,
 * else its top-level url/oid/api_key/ca) into *out; a relative `ca` is taken
 * relative to file's directory. 0, -VG_EPARSE (file:line:col), -VG_ENOTFOUND
 * (no such environment), -VG_ELIMIT. Extension for tests and fuzzing. */
int vg_creds_parse(const char *buf, size_t len, const char *file, const char *env,
                   struct vg_creds *out, struct vg_err *err);

/* The user file path (~/.config/vigil/credentials.yaml) into buf. */
int vg_creds_user_file(char *buf, size_t n, struct vg_err *err);

/* Write (create or replace) environment env in the user file, mode 0600,
 * atomically; with make_default it becomes the default environment. */
int vg_creds_save(const char *env, const struct vg_creds *c, bool make_default,
                  struct vg_err *err);
/* Make env the default environment of the user file. -VG_ENOTFOUND if absent. */
int vg_creds_use(const char *env, struct vg_err *err);

#endif
