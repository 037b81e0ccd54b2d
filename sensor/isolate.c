/* isolate.c — network isolation through one nftables table (isolate.h). */
#include "sensor/isolate.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <nftables/libnftables.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shared/alloc.h"

int isolate_ruleset(const char *const *addrs, size_t n, int port, struct vg_buf *out,
                    struct vg_err *err) {
  if (n == 0) return vg_err_fail(err, VG_EINVAL, "isolation: no backend address");
  if (n > ISOLATE_MAX_ADDRS)
    return vg_err_fail(err, VG_ELIMIT, "isolation: %zu backend addresses, the limit is %d", n, ISOLATE_MAX_ADDRS);
  if (port <= 0 || port > 65535) return vg_err_fail(err, VG_EINVAL, "isolation: bad backend port %d", port);
  vg_buf_reset(out);
  int rc = vg_buf_appendf(out,
                          "table inet " ISOLATE_TABLE "\n"
                          "delete table inet " ISOLATE_TABLE "\n"
                          "table inet " ISOLATE_TABLE " {\n");
  const char *chains[] = {"input", "output"};
  for (int c = 0; rc == 0 && c < 2; c++) {
    bool in = c == 0;
    rc |= vg_buf_appendf(out,
                         "  chain %s {\n    type filter hook %s priority %d; policy drop;\n"
                         "    %s \"lo\" accept\n",
                         chains[c], chains[c], ISOLATE_PRIORITY, in ? "iif" : "oif");
    for (size_t i = 0; rc == 0 && i < n; i++) {
      unsigned char tmp[16];
      bool v4 = inet_pton(AF_INET, addrs[i], tmp) == 1;
      if (!v4 && inet_pton(AF_INET6, addrs[i], tmp) != 1)
        return vg_err_fail(err, VG_EINVAL, "isolation: '%s' is not a numeric address", addrs[i]);
      if (in)
        rc |= vg_buf_appendf(out, "    %s saddr %s tcp sport %d tcp flags & (syn | ack) != syn accept\n",
                             v4 ? "ip" : "ip6", addrs[i], port);
      else
        rc |= vg_buf_appendf(out, "    %s daddr %s tcp dport %d accept\n", v4 ? "ip" : "ip6", addrs[i], port);
    }
    rc |= vg_buf_puts(out, "  }\n");
  }
  rc |= vg_buf_appendf(out, "  chain forward {\n    type filter hook forward priority %d; policy drop;\n  }\n}\n",
                       ISOLATE_PRIORITY);
  return rc ? vg_err_fail(err, VG_ELIMIT, "isolation: ruleset longer than %u bytes", ISOLATE_RULESET_MAX) : 0;
}

/* Run nft commands; 0 or -VG_EIO with libnftables' message. */
static int nft_run(const char *cmds, bool quiet_missing, struct vg_err *err) {
  struct nft_ctx *nft = nft_ctx_new(NFT_CTX_DEFAULT);
  if (!nft) return vg_err_fail(err, VG_EUNSUPPORTED, "nftables: cannot create a context");
  nft_ctx_buffer_output(nft);
  nft_ctx_buffer_error(nft);
  int rc = nft_run_cmd_from_buffer(nft, cmds);
  if (rc != 0) {
    const char *m = nft_ctx_get_error_buffer(nft);
    if (!quiet_missing) vg_err_fail(err, VG_EIO, "nftables: %.200s", m ? m : "failed");
  }
  nft_ctx_free(nft);
  return rc ? -VG_EIO : 0;
}

static char *state_path(const char *dir) {
  return vg_xasprintf("%s/%s", dir ? dir : ".", ISOLATE_STATE_FILE);
}

static int apply_addrs(const char *state_dir, const char *host, int port, json_t *addrs,
                       json_t **info, struct vg_err *err) {
  const char *v[ISOLATE_MAX_ADDRS];
  size_t n = 0, i;
  json_t *a;
  json_array_foreach(addrs, i, a) if (n < ISOLATE_MAX_ADDRS) v[n++] = json_string_value(a);
  struct vg_buf b;
  vg_buf_init(&b, ISOLATE_RULESET_MAX);
  int rc = isolate_ruleset(v, n, port, &b, err);
  if (rc == 0) rc = nft_run(vg_buf_cstr(&b), false, err);
  vg_buf_cleanup(&b);
  if (rc) return rc;
  json_t *st = json_pack("{s:s, s:i, s:O}", "BACKEND_HOST", host, "BACKEND_PORT", port,
                         "ALLOWED_ADDRESSES", addrs);
  char *path = state_path(state_dir), *tmp = vg_xasprintf("%s.tmp", path);
  if (json_dump_file(st, tmp, JSON_COMPACT) != 0 || rename(tmp, path) != 0) {
    rc = vg_err_fail(err, VG_EIO, "%s: cannot write the isolation state (%s); the table is applied",
                     path, strerror(errno));
    unlink(tmp);
  }
  free(tmp);
  free(path);
  if (info) *info = st;
  else json_decref(st);
  return rc;
}

/* Numeric addresses of host (deduplicated) appended to arr. */
static int resolve(const char *host, json_t *arr, struct vg_err *err) {
  struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res;
  int g = getaddrinfo(host, NULL, &hints, &res);
  if (g) return vg_err_fail(err, VG_ENOTFOUND, "isolation: backend %s does not resolve: %s", host, gai_strerror(g));
  for (struct addrinfo *a = res; a; a = a->ai_next) {
    char s[INET6_ADDRSTRLEN];
    if (a->ai_family == AF_INET)
      inet_ntop(AF_INET, &((struct sockaddr_in *)a->ai_addr)->sin_addr, s, sizeof s);
    else if (a->ai_family == AF_INET6)
      inet_ntop(AF_INET6, &((struct sockaddr_in6 *)a->ai_addr)->sin6_addr, s, sizeof s);
    else
      continue;
    bool dup = false;
    size_t i;
    json_t *x;
    json_array_foreach(arr, i, x) dup |= strcmp(json_string_value(x), s) == 0;
    if (!dup && json_array_size(arr) < ISOLATE_MAX_ADDRS) json_array_append_new(arr, json_string(s));
  }
  freeaddrinfo(res);
  return 0;
}

int isolate_apply(const char *state_dir, const char *host, int port, json_t **info,
                  struct vg_err *err) {
  if (!host || !host[0]) return vg_err_fail(err, VG_EINVAL, "isolation: no backend host configured");
  json_t *addrs = json_array();
  int rc = resolve(host, addrs, err);
  if (rc == 0) rc = apply_addrs(state_dir, host, port, addrs, info, err);
  json_decref(addrs);
  return rc;
}

int isolate_remove(const char *state_dir, bool *was, struct vg_err *err) {
  bool exists = nft_run("list table inet " ISOLATE_TABLE, true, NULL) == 0;
  if (was) *was = exists;
  int rc = exists ? nft_run("delete table inet " ISOLATE_TABLE, false, err) : 0;
  if (rc) return rc;
  char *path = state_path(state_dir);
  if (unlink(path) != 0 && errno != ENOENT)
    rc = vg_err_fail(err, VG_EIO, "%s: %s", path, strerror(errno));
  free(path);
  return rc;
}

static json_t *load_state(const char *state_dir) {
  char *path = state_path(state_dir);
  json_t *st = json_load_file(path, 0, NULL);
  free(path);
  if (st && !json_is_array(json_object_get(st, "ALLOWED_ADDRESSES"))) {
    json_decref(st);
    st = NULL;
  }
  return st;
}

bool isolate_active(const char *state_dir) {
  json_t *st = load_state(state_dir);
  json_decref(st);
  return st != NULL;
}

int isolate_reapply(const struct sensor_ctx *ctx, struct vg_err *err) {
  json_t *st = load_state(ctx->state_dir);
  if (!st) return 0;
  json_t *addrs = json_copy(json_object_get(st, "ALLOWED_ADDRESSES"));
  const char *host = ctx->backend_host && ctx->backend_host[0]
                         ? ctx->backend_host : json_string_value(json_object_get(st, "BACKEND_HOST"));
  int port = ctx->backend_port > 0 ? ctx->backend_port
                                   : (int)json_integer_value(json_object_get(st, "BACKEND_PORT"));
  if (host) resolve(host, addrs, NULL); /* best effort: DNS may be cut off */
  int rc = apply_addrs(ctx->state_dir, host ? host : "", port, addrs, NULL, err);
  json_decref(addrs);
  json_decref(st);
  return rc;
}
