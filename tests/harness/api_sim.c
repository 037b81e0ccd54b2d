/* api_sim.c — the test API client. */
#include "tests/harness/api_sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/alloc.h"
#include "shared/ws_client.h"

void make_org(struct harness_vigild *d, const char *name, struct creds *out) {
  ck_assert_int_eq(harness_vigild_stop(d), 0);
  char *bin = harness_binary_path("backend/vigild");
  char *text = NULL;
  char *argv[] = {bin, "--data-dir", d->data_dir, "--create-org", (char *)name, NULL};
  ck_assert_int_eq(harness_run(argv, &text), 0);
  char *cp = strstr(text, "credentials: ");
  ck_assert_ptr_nonnull(cp);
  cp += strlen("credentials: ");
  cp[strcspn(cp, "\n")] = '\0';
  read_creds(cp, out);
  free(text);
  free(bin);
  ck_assert_int_eq(harness_vigild_restart(d, NULL), 0);
}

void read_creds(const char *path, struct creds *c) {
  char *s = harness_read_file(path, NULL);
  ck_assert_msg(s != NULL, "cannot read %s", path);
  memset(c, 0, sizeof(*c));
  for (char *line = strtok(s, "\n"); line; line = strtok(NULL, "\n")) {
    if (strncmp(line, "oid: ", 5) == 0) snprintf(c->oid, sizeof(c->oid), "%s", line + 5);
    if (strncmp(line, "api_key: ", 9) == 0)
      snprintf(c->api_key, sizeof(c->api_key), "%s", line + 9);
  }
  free(s);
  ck_assert(c->oid[0] && c->api_key[0]);
}

void vigild_creds(const struct harness_vigild *d, struct creds *c) {
  char *p = vg_xasprintf("%s/credentials.yaml", d->data_dir);
  read_creds(p, c);
  free(p);
}

void admin_open(struct client *c, const struct harness_vigild *d) {
  struct creds cr;
  vigild_creds(d, &cr);
  client_open(c, d);
  auth(c, cr.oid, cr.api_key, "admin");
}

void client_open(struct client *c, const struct harness_vigild *d) {
  char *ca = harness_vigild_ca_path(d);
  struct vg_ws_opts o = {.host = "localhost", .port = d->api_port, .subprotocol = "vigil-api.v1",
                         .ca_file = ca};
  struct vg_err e;
  c->ws = vg_ws_client_create(&o, &e);
  ck_assert_msg(c->ws != NULL, "ws: %s", e.msg);
  ck_assert_int_eq(vg_ws_client_wait_open(c->ws, 10000), 0);
  c->next_id = 1;
  c->pushes = json_array();
  free(ca);
}

void client_close(struct client *c) {
  vg_ws_client_free(c->ws);
  json_decref(c->pushes);
  memset(c, 0, sizeof(*c));
}

json_t *recv_json(struct client *c, int timeout_ms) {
  char *msg;
  size_t len;
  if (vg_ws_client_recv(c->ws, timeout_ms, &msg, &len)) return NULL;
  json_t *v = json_loadb(msg, len, 0, NULL);
  ck_assert_msg(v != NULL, "server sent non-JSON: %s", msg);
  free(msg);
  return v;
}

/* Send raw text, return the next response (pushes are kept aside). */
json_t *call_raw(struct client *c, const char *text) {
  ck_assert_int_eq(vg_ws_client_send(c->ws, text, strlen(text)), 0);
  for (;;) {
    json_t *v = recv_json(c, 10000);
    ck_assert_msg(v != NULL, "no response to %.200s", text);
    if (json_object_get(v, "sub")) {
      json_array_append_new(c->pushes, v);
      continue;
    }
    return v;
  }
}

/* Call method with params (stolen, may be NULL): the whole response. */
json_t *call(struct client *c, const char *method, json_t *params) {
  int64_t id = c->next_id++;
  json_t *req = json_pack("{s:I, s:s, s:o}", "id", (json_int_t)id, "method", method, "params",
                          params ? params : json_object());
  char *text = json_dumps(req, JSON_COMPACT);
  json_decref(req);
  json_t *resp = call_raw(c, text);
  free(text);
  ck_assert_int_eq(json_integer_value(json_object_get(resp, "id")), id);
  return resp;
}

const char *code_of(const json_t *resp) {
  json_t *e = json_object_get(resp, "error");
  return e ? json_string_value(json_object_get(e, "code")) : "ok";
}

/* A result member of a successful call (new reference). */
json_t *result_of(struct client *c, const char *method, json_t *params) {
  json_t *r = call(c, method, params);
  ck_assert_msg(strcmp(code_of(r), "ok") == 0, "%s failed: %s", method,
                json_dumps(r, JSON_COMPACT));
  json_t *res = json_incref(json_object_get(r, "result"));
  json_decref(r);
  return res;
}

void auth(struct client *c, const char *oid, const char *key, const char *role) {
  json_t *res = result_of(c, "session.auth", json_pack("{s:s, s:s}", "oid", oid, "api_key", key));
  ck_assert_str_eq(json_string_value(json_object_get(res, "role")), role);
  json_decref(res);
}

char *make_key(struct client *admin, const char *role) {
  json_t *res = result_of(admin, "keys.create", json_pack("{s:s, s:s}", "name", role, "role", role));
  char *k = vg_xstrdup(json_string_value(json_object_get(res, "api_key")));
  json_decref(res);
  return k;
}

json_t *next_push(struct client *c, int64_t sub, int timeout_ms) {
  size_t i;
  json_t *p;
  json_array_foreach(c->pushes, i, p) {
    if (json_integer_value(json_object_get(p, "sub")) == sub) {
      json_incref(p);
      json_array_remove(c->pushes, i);
      return p;
    }
  }
  for (;;) {
    json_t *v = recv_json(c, timeout_ms);
    if (!v) return NULL;
    if (json_integer_value(json_object_get(v, "sub")) == sub) return v;
    json_array_append_new(c->pushes, v);
  }
}
