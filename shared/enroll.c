/* enroll.c — the enrollment exchange (sensor side). */
#include "shared/enroll.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "shared/alloc.h"
#include "shared/buf.h"
#include "shared/err.h"
#include "shared/pki.h"
#include "shared/proto.h"
#include "shared/ws_client.h"

void vg_enroll_result_cleanup(struct vg_enroll_result *r) {
  if (!r) return;
  free(r->cert_pem);
  if (r->key_pem) memset(r->key_pem, 0, strlen(r->key_pem));
  free(r->key_pem);
  r->cert_pem = r->key_pem = NULL;
}

static int copy_id(const json_t *m, const char *k, char out[VG_UUID_STR_LEN + 1]) {
  const char *v = json_string_value(json_object_get(m, k));
  if (!v || !vg_atom_uuid_valid(v)) return -1;
  memcpy(out, v, VG_UUID_STR_LEN + 1);
  return 0;
}

int vg_enroll(const struct vg_enroll_req *req, struct vg_enroll_result *out,
              struct vg_err *err) {
  memset(out, 0, sizeof(*out));
  int timeout = req->timeout_ms > 0 ? req->timeout_ms : 15000;
  char *csr = NULL, *msg = NULL;
  struct vg_ws_client *c = NULL;
  json_t *m = NULL;
  int r = vg_pki_key_new(&out->key_pem, err);
  if (!r) r = vg_pki_csr_new(out->key_pem, req->hostname ? req->hostname : "sensor", &csr, err);
  if (r) goto done;
  struct vg_ws_opts o = {.host = req->host, .port = req->port, .subprotocol = VG_PROTO_ENROLL,
                         .ca_file = req->ca_file, .max_msg_bytes = VG_LIMIT_PROTO_CTRL_BYTES};
  c = vg_ws_client_create(&o, err);
  if (!c) {
    r = -VG_EINVAL;
    goto done;
  }
  if ((r = vg_ws_client_wait_open(c, timeout))) {
    char why[256];
    vg_ws_client_close_reason(c, why, sizeof(why));
    r = vg_err_fail(err, VG_EOFFLINE, "cannot reach %s:%d: %s", req->host, req->port, why);
    goto done;
  }
  json_t *e = json_pack("{s:s, s:i, s:s, s:s, s:s, s:I, s:I, s:s}", "t", "enroll", "v",
                        VG_PROTO_VERSION, "key", req->install_key ? req->install_key : "", "csr",
                        csr, "hostname", req->hostname ? req->hostname : "", "plat",
                        (json_int_t)req->plat, "arch", (json_int_t)req->arch, "machine_id",
                        req->machine_id ? req->machine_id : "");
  struct vg_buf b;
  vg_buf_init(&b, VG_LIMIT_PROTO_CTRL_BYTES);
  r = vg_proto_encode(e, &b);
  json_decref(e);
  if (!r) r = vg_ws_client_send(c, b.data, b.len);
  vg_buf_cleanup(&b);
  size_t len = 0;
  if (!r) r = vg_ws_client_recv(c, timeout, &msg, &len);
  if (r) {
    r = vg_err_fail(err, r == -VG_ETIMEOUT ? VG_ETIMEOUT : VG_EOFFLINE, "no enrollment answer");
    goto done;
  }
  m = vg_proto_parse(msg, len, err);
  const char *t = m ? json_string_value(json_object_get(m, "t")) : NULL;
  if (t && strcmp(t, "error") == 0) {
    const char *code = json_string_value(json_object_get(m, "code"));
    r = vg_err_fail(err, code && strcmp(code, "EAUTH") == 0 ? VG_EAUTH : VG_EPROTO,
                    "enrollment refused: %s", json_string_value(json_object_get(m, "message")));
    goto done;
  }
  const char *cert = json_string_value(json_object_get(m, "cert"));
  if (!t || strcmp(t, "enrolled") != 0 || !cert || copy_id(m, "sid", out->sid) ||
      copy_id(m, "oid", out->oid) || copy_id(m, "iid", out->iid)) {
    r = vg_err_fail(err, VG_EPROTO, "unexpected enrollment answer");
    goto done;
  }
  out->cert_pem = vg_xstrdup(cert);
  r = 0;
done:
  json_decref(m);
  free(msg);
  free(csr);
  vg_ws_client_free(c);
  if (r) vg_enroll_result_cleanup(out);
  return r;
}
