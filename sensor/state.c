/* state.c — the state directory, enrollment and clone detection. */
#include "sensor/state.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shared/alloc.h"
#include "shared/buf.h"
#include "shared/enroll.h"
#include "shared/log.h"
#include "shared/pki.h"
#include "shared/platform.h"

#define COMP "state"

static char *read_small(const char *path) {
  char *s = NULL;
  if (vg_pki_read_file(path, &s, NULL)) return NULL;
  return s;
}

void state_host_machine_id(char out[65]) {
  struct vg_buf b;
  vg_buf_init(&b, 4096);
  const char *srcs[] = {"/etc/machine-id", "/sys/class/dmi/id/product_uuid"};
  for (size_t i = 0; i < 2; i++) {
    char *s = read_small(srcs[i]);
    if (s) {
      s[strcspn(s, "\n")] = '\0';
      vg_buf_puts(&b, s);
    }
    vg_buf_putc(&b, '\n');
    free(s);
  }
  vg_sha256_hex(b.data, b.len, out);
  vg_buf_cleanup(&b);
}

static char *in_dir(const char *dir, const char *name) {
  return vg_xasprintf("%s/%s", dir, name);
}

static void rm_spool(const char *dir) {
  char *sp = in_dir(dir, "spool");
  DIR *d = opendir(sp);
  if (d) {
    struct dirent *de;
    while ((de = readdir(d))) {
      if (de->d_name[0] == '.') continue;
      char *p = in_dir(sp, de->d_name);
      unlink(p);
      free(p);
    }
    closedir(d);
    rmdir(sp);
  }
  free(sp);
}

int state_enroll(const char *dir, const char *install_key, const char *host, int port,
                 const char *ca_file, struct vg_err *err) {
  if (mkdir(dir, 0700) != 0 && errno != EEXIST)
    return vg_err_fail(err, VG_EIO, "cannot create %s: %s", dir, strerror(errno));
  if (chmod(dir, 0700) != 0)
    return vg_err_fail(err, VG_EIO, "cannot chmod %s: %s", dir, strerror(errno));
  char *ca = NULL;
  int r = vg_pki_read_file(ca_file, &ca, err);
  if (r) return r;
  char hostname[256] = "";
  gethostname(hostname, sizeof(hostname) - 1);
  char mid[65];
  state_host_machine_id(mid);
  struct vg_enroll_req req = {.host = host, .port = port, .ca_file = ca_file,
                              .install_key = install_key, .hostname = hostname,
                              .plat = vg_platform_host(), .arch = vg_platform_host_arch(),
                              .machine_id = mid, .timeout_ms = STATE_ENROLL_TIMEOUT_MS};
  struct vg_enroll_result res;
  r = vg_enroll(&req, &res, err);
  char *p_key = in_dir(dir, "key.pem"), *p_cert = in_dir(dir, "cert.pem"),
       *p_ca = in_dir(dir, "ca.pem"), *p_id = in_dir(dir, "identity.json");
  if (r) goto done;
  json_t *id = json_pack("{s:s, s:s, s:s, s:s, s:i, s:s, s:s}", "sid", res.sid, "oid", res.oid,
                         "iid", res.iid, "backend_host", host, "backend_port", port,
                         "machine_id", mid, "install_key", install_key);
  char *text = json_dumps(id, JSON_INDENT(2));
  json_decref(id);
  rm_spool(dir);
  if (!(r = vg_pki_write_secret(p_key, res.key_pem, err)) &&
      !(r = vg_pki_write_secret(p_cert, res.cert_pem, err)) &&
      !(r = vg_pki_write_secret(p_ca, ca, err)))
    r = vg_pki_write_secret(p_id, text, err);
  free(text);
  if (!r) vg_info(COMP, "enrolled as sensor %s in organisation %s", res.sid, res.oid);
done:
  vg_enroll_result_cleanup(&res);
  free(ca);
  free(p_key);
  free(p_cert);
  free(p_ca);
  free(p_id);
  return r;
}

static int copy_uuid(const json_t *o, const char *k, char out[VG_UUID_STR_LEN + 1]) {
  const char *v = json_string_value(json_object_get(o, k));
  if (!v || !vg_atom_uuid_valid(v)) return -1;
  memcpy(out, v, VG_UUID_STR_LEN + 1);
  return 0;
}

int state_load(const char *dir, struct sensor_state *st, struct vg_err *err) {
  memset(st, 0, sizeof(*st));
  char *p_id = in_dir(dir, "identity.json");
  if (access(p_id, F_OK) != 0) {
    free(p_id);
    return vg_err_fail(err, VG_ENOTFOUND,
                       "%s: not enrolled (run vigil-sensor --enroll KEY --backend HOST:PORT --ca "
                       "CA.pem first)",
                       dir);
  }
  json_error_t je;
  json_t *id = json_load_file(p_id, 0, &je);
  int r = 0;
  if (!id) {
    r = vg_err_set(err, VG_EPARSE, p_id, je.line, je.column, "%s", je.text);
    goto done;
  }
  const char *host = json_string_value(json_object_get(id, "backend_host"));
  const char *mid = json_string_value(json_object_get(id, "machine_id"));
  const char *key = json_string_value(json_object_get(id, "install_key"));
  json_int_t port = json_integer_value(json_object_get(id, "backend_port"));
  if (copy_uuid(id, "sid", st->sid) || copy_uuid(id, "oid", st->oid) ||
      copy_uuid(id, "iid", st->iid) || !host || !mid || !key || port < 1 || port > 65535) {
    r = vg_err_fail(err, VG_ESCHEMA, "%s: incomplete identity (sid, oid, iid, backend_host, "
                    "backend_port, machine_id, install_key)", p_id);
    goto done;
  }
  st->dir = vg_xstrdup(dir);
  st->backend_host = vg_xstrdup(host);
  st->backend_port = (int)port;
  snprintf(st->machine_id, sizeof(st->machine_id), "%s", mid);
  st->install_key = vg_xstrdup(key);
  st->key_path = in_dir(dir, "key.pem");
  st->cert_path = in_dir(dir, "cert.pem");
  st->ca_path = in_dir(dir, "ca.pem");
  st->spool_dir = in_dir(dir, "spool");
done:
  json_decref(id);
  free(p_id);
  return r;
}

int state_check_clone(struct sensor_state *st, int *cloned, struct vg_err *err) {
  char mid[65];
  state_host_machine_id(mid);
  *cloned = 0;
  if (strcmp(mid, st->machine_id) == 0) return 0;
  vg_warn(COMP, "state in %s was recorded on another machine (sensor %s): re-enrolling", st->dir,
          st->sid);
  char *dir = vg_xstrdup(st->dir), *key = vg_xstrdup(st->install_key),
       *host = vg_xstrdup(st->backend_host);
  char *ca = in_dir(dir, "ca.pem.clone");
  char *old_ca = vg_xstrdup(st->ca_path);
  int port = st->backend_port;
  int r = rename(old_ca, ca) == 0 ? 0 : vg_err_fail(err, VG_EIO, "%s: %s", old_ca, strerror(errno));
  if (!r) r = state_enroll(dir, key, host, port, ca, err);
  if (r) { /* keep the CA where it was for the next try */
    if (rename(ca, old_ca) != 0) vg_warn(COMP, "restore %s: %s", old_ca, strerror(errno));
  } else {
    unlink(ca);
    const char *machine_local[] = {"isolated", "selection.json"};
    for (size_t i = 0; i < 2; i++) {
      char *p = in_dir(dir, machine_local[i]);
      unlink(p);
      free(p);
    }
  }
  if (!r) {
    state_cleanup(st);
    r = state_load(dir, st, err);
    *cloned = r == 0;
  }
  free(dir);
  free(key);
  free(host);
  free(ca);
  free(old_ca);
  return r;
}

int state_write_file(const struct sensor_state *st, const char *name, const char *data) {
  char *p = in_dir(st->dir, name);
  int r = vg_pki_write_secret(p, data, NULL);
  free(p);
  return r;
}

char *state_read_file(const struct sensor_state *st, const char *name) {
  char *p = in_dir(st->dir, name);
  char *s = read_small(p);
  free(p);
  return s;
}

void state_cleanup(struct sensor_state *st) {
  if (!st) return;
  free(st->dir);
  free(st->backend_host);
  if (st->install_key) memset(st->install_key, 0, strlen(st->install_key));
  free(st->install_key);
  free(st->key_path);
  free(st->cert_path);
  free(st->ca_path);
  free(st->spool_dir);
  memset(st, 0, sizeof(*st));
}
