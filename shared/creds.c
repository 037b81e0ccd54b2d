/* creds.c — credentials resolution (flags > environment > VIGIL_CREDS_FILE >
 * user file), the credentials file parser and the user file writer
 * (creds.h; the format is in docs/credentials.md). */
#include "shared/creds.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shared/alloc.h"
#include "shared/buf.h"
#include "shared/pki.h"
#include "shared/yaml_tree.h"

#define CREDS_FILE_BYTES (1u << 20) /* the largest credentials file read or written */

/* A whole credentials file: optional top-level credentials (the form vigild
 * writes), named environments and the default one. */
struct creds_file {
  char deflt[VG_CREDS_ENV_BYTES];
  bool has_top;
  struct vg_creds top;
  size_t n;
  struct vg_creds envs[VG_CREDS_MAX_ENVS];
};

static bool is_uuid(const char *s) {
  if (strlen(s) != 36) return false;
  for (int i = 0; i < 36; i++) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !strchr("0123456789abcdef", s[i]) || s[i] == '\0') return false;
  }
  return true;
}

static bool env_name_ok(const char *s) {
  size_t n = strlen(s);
  if (n == 0 || n >= VG_CREDS_ENV_BYTES) return false;
  for (size_t i = 0; i < n; i++)
    if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-", s[i]))
      return false;
  return true;
}

/* Why value is not acceptable for field (url, oid, api_key, ca), or NULL. */
static const char *field_problem(const char *field, const char *v, size_t cap) {
  if (strlen(v) >= cap) return "is too long";
  if (!strcmp(field, "url")) {
    if (strncmp(v, "wss://", 6) != 0) return "must be a wss:// URL (wss://host:port)";
    if (!v[6] || v[6] == '/' || v[6] == ':') return "has no host (wss://host:port)";
  } else if (!strcmp(field, "oid")) {
    if (!is_uuid(v)) return "must be a lower-case UUID";
  } else if (!strcmp(field, "api_key")) {
    if (!v[0]) return "is empty";
    for (const char *p = v; *p; p++)
      if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f)
        return "has a space or control character";
  } else if (!strcmp(field, "ca")) {
    if (!v[0]) return "is empty";
  }
  return NULL;
}

/* The slot of field in c and its size. */
static char *field_slot(struct vg_creds *c, const char *field, size_t *cap) {
  if (!strcmp(field, "url")) return *cap = sizeof c->url, c->url;
  if (!strcmp(field, "oid")) return *cap = sizeof c->oid, c->oid;
  if (!strcmp(field, "api_key")) return *cap = sizeof c->api_key, c->api_key;
  if (!strcmp(field, "ca")) return *cap = sizeof c->ca_file, c->ca_file;
  return NULL;
}

/* `ca` relative to the file's directory. */
static int resolve_ca(const struct vg_yaml_node *n, const char *file, struct vg_creds *c,
                      struct vg_err *err) {
  if (!c->ca_file[0] || c->ca_file[0] == '/') return 0;
  const char *slash = strrchr(file, '/');
  if (!slash) return 0;
  char tmp[sizeof c->ca_file];
  int w = snprintf(tmp, sizeof tmp, "%.*s/%s", (int)(slash - file), file, c->ca_file);
  if (w < 0 || (size_t)w >= sizeof tmp) return vg_yaml_fail(n, err, VG_EPARSE, "ca: path is too long");
  memcpy(c->ca_file, tmp, (size_t)w + 1);
  return 0;
}

/* One credentials mapping (url, oid, api_key, [ca]); with top, the other
 * top-level keys (default, environments) are allowed and skipped. */
static int parse_creds(const struct vg_yaml_node *m, const char *file, bool top,
                       struct vg_creds *c, bool *any, struct vg_err *err) {
  static const char *const fields[] = {"url", "oid", "api_key", "ca"};
  bool seen[4] = {false};
  *any = false;
  for (size_t i = 0; i < m->npairs; i++) {
    const struct vg_yaml_node *k = m->pairs[i].key, *v = m->pairs[i].value;
    if (top && (!strcmp(k->text, "default") || !strcmp(k->text, "environments"))) continue;
    int f = -1;
    for (int j = 0; j < 4; j++)
      if (!strcmp(k->text, fields[j])) f = j;
    if (f < 0)
      return vg_yaml_fail(k, err, VG_EPARSE, "unknown key '%.64s' (expected url, oid, api_key, ca%s)",
                          k->text, top ? ", default, environments" : "");
    if (v->kind != VG_YAML_SCALAR || vg_yaml_is_null(v))
      return vg_yaml_fail(v, err, VG_EPARSE, "%s: expected a string", fields[f]);
    size_t cap;
    char *slot = field_slot(c, fields[f], &cap);
    const char *why = strlen(v->text) != v->len ? "holds a NUL byte"
                                                : field_problem(fields[f], v->text, cap);
    if (why) return vg_yaml_fail(v, err, VG_EPARSE, "%s %s", fields[f], why);
    memcpy(slot, v->text, v->len + 1);
    seen[f] = true;
    *any = true;
  }
  if (!*any) return 0;
  for (int j = 0; j < 3; j++)
    if (!seen[j])
      return vg_yaml_fail(m, err, VG_EPARSE, "credentials without '%s' (url, oid and api_key are required)",
                          fields[j]);
  snprintf(c->source, sizeof c->source, "%s", file);
  return resolve_ca(m, file, c, err);
}

static int parse_file(const char *buf, size_t len, const char *file, struct creds_file *cf,
                      struct vg_err *err) {
  memset(cf, 0, sizeof(*cf));
  struct vg_yaml_doc *doc;
  int r = vg_yaml_parse(buf, len, file, &doc, err);
  if (r) return r;
  const struct vg_yaml_node *root = vg_yaml_root(doc);
  if (!root) goto out; /* empty file: no credentials */
  if (root->kind != VG_YAML_MAP) {
    r = vg_yaml_fail(root, err, VG_EPARSE, "expected a mapping (url, oid, api_key, ca or environments)");
    goto out;
  }
  bool any;
  if ((r = parse_creds(root, file, true, &cf->top, &any, err))) goto out;
  cf->has_top = any;
  const struct vg_yaml_node *d = vg_yaml_get(root, "default");
  if (d) {
    if (d->kind != VG_YAML_SCALAR || !env_name_ok(d->text)) {
      r = vg_yaml_fail(d, err, VG_EPARSE, "default: expected an environment name ([A-Za-z0-9_.-], 1-%d bytes)",
                       VG_CREDS_ENV_BYTES - 1);
      goto out;
    }
    snprintf(cf->deflt, sizeof cf->deflt, "%s", d->text);
  }
  const struct vg_yaml_node *envs = vg_yaml_get(root, "environments");
  if (envs && !vg_yaml_is_null(envs)) {
    if (envs->kind != VG_YAML_MAP) {
      r = vg_yaml_fail(envs, err, VG_EPARSE, "environments: expected a mapping of name: credentials");
      goto out;
    }
    if (envs->npairs > VG_CREDS_MAX_ENVS) {
      r = vg_yaml_fail(envs, err, VG_EPARSE, "environments: more than %d", VG_CREDS_MAX_ENVS);
      goto out;
    }
    for (size_t i = 0; i < envs->npairs; i++) {
      const struct vg_yaml_node *k = envs->pairs[i].key, *v = envs->pairs[i].value;
      if (!env_name_ok(k->text) || strlen(k->text) != k->len) {
        r = vg_yaml_fail(k, err, VG_EPARSE, "environment name '%.64s': use [A-Za-z0-9_.-], 1-%d bytes",
                         k->text, VG_CREDS_ENV_BYTES - 1);
        goto out;
      }
      if (v->kind != VG_YAML_MAP) {
        r = vg_yaml_fail(v, err, VG_EPARSE, "environment '%s': expected a mapping (url, oid, api_key, ca)",
                         k->text);
        goto out;
      }
      struct vg_creds *c = &cf->envs[cf->n];
      if ((r = parse_creds(v, file, false, c, &any, err))) goto out;
      if (!any) {
        r = vg_yaml_fail(v, err, VG_EPARSE, "environment '%s' is empty", k->text);
        goto out;
      }
      snprintf(c->env, sizeof c->env, "%s", k->text);
      cf->n++;
    }
  }
  if (cf->deflt[0]) {
    bool found = false;
    for (size_t i = 0; i < cf->n; i++) found |= !strcmp(cf->envs[i].env, cf->deflt);
    if (!found) r = vg_yaml_fail(d, err, VG_EPARSE, "default: no environment '%s'", cf->deflt);
  }
out:
  vg_yaml_free(doc);
  return r;
}

/* The credentials of env (NULL = default rules) in cf. */
static int pick(const struct creds_file *cf, const char *file, const char *env, struct vg_creds *out,
                struct vg_err *err) {
  const char *want = env ? env : cf->deflt[0] ? cf->deflt : NULL;
  if (want) {
    for (size_t i = 0; i < cf->n; i++)
      if (!strcmp(cf->envs[i].env, want)) return *out = cf->envs[i], 0;
    return vg_err_fail(err, VG_ENOTFOUND, "%s: no environment '%s'", file, want);
  }
  if (cf->has_top) return *out = cf->top, 0;
  if (cf->n == 1) return *out = cf->envs[0], 0;
  if (cf->n > 1)
    return vg_err_fail(err, VG_ENOTFOUND,
                       "%s: %zu environments and no default: pick one with --env NAME or `vigilctl use NAME`",
                       file, cf->n);
  return vg_err_fail(err, VG_ENOTFOUND, "%s: no credentials in it (run `vigilctl login`)", file);
}

int vg_creds_parse(const char *buf, size_t len, const char *file, const char *env,
                   struct vg_creds *out, struct vg_err *err) {
  if (!file) file = "<credentials>";
  if (len > CREDS_FILE_BYTES)
    return vg_err_fail(err, VG_ELIMIT, "%s: larger than %u bytes", file, CREDS_FILE_BYTES);
  struct creds_file *cf = vg_xmalloc(sizeof(*cf));
  int r = parse_file(buf, len, file, cf, err);
  if (!r) {
    memset(out, 0, sizeof(*out));
    r = pick(cf, file, env, out, err);
  }
  if (r && err && r == -VG_EPARSE && err->code != VG_EPARSE) err->code = VG_EPARSE;
  memset(cf, 0, sizeof(*cf));
  free(cf);
  return r == -VG_ELIMIT ? -VG_EPARSE : r;
}

/* Read path (≤ CREDS_FILE_BYTES) refusing group/other access. *buf is heap;
 * -VG_ENOTFOUND when it does not exist (only with missing_ok). */
static int read_private(const char *path, bool missing_ok, char **buf, size_t *len,
                        struct vg_err *err) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT && missing_ok) return -VG_ENOTFOUND;
    return vg_err_fail(err, VG_EIO, "%s: %s", path, strerror(errno));
  }
  struct stat st;
  int r = 0;
  if (fstat(fd, &st) < 0) {
    r = vg_err_fail(err, VG_EIO, "%s: %s", path, strerror(errno));
  } else if (!S_ISREG(st.st_mode)) {
    r = vg_err_fail(err, VG_EIO, "%s: not a regular file", path);
  } else if (st.st_mode & 077) {
    r = vg_err_fail(err, VG_EPERM,
                    "%s: mode %04o lets group or others read it; it holds an API key: chmod 600 %s",
                    path, (unsigned)(st.st_mode & 07777), path);
  } else if (st.st_size > (off_t)CREDS_FILE_BYTES) {
    r = vg_err_fail(err, VG_EPARSE, "%s: larger than %u bytes", path, CREDS_FILE_BYTES);
  }
  if (r) {
    close(fd);
    return r;
  }
  char *b = vg_xmalloc(CREDS_FILE_BYTES + 1);
  size_t n = 0;
  for (;;) {
    ssize_t k = read(fd, b + n, CREDS_FILE_BYTES + 1 - n);
    if (k < 0 && errno == EINTR) continue;
    if (k < 0) {
      r = vg_err_fail(err, VG_EIO, "%s: %s", path, strerror(errno));
      break;
    }
    if (k == 0) break;
    n += (size_t)k;
    if (n > CREDS_FILE_BYTES) {
      r = vg_err_fail(err, VG_EPARSE, "%s: larger than %u bytes", path, CREDS_FILE_BYTES);
      break;
    }
  }
  close(fd);
  if (r) {
    free(b);
    return r;
  }
  b[n] = '\0';
  *buf = b;
  *len = n;
  return 0;
}

static int load(const char *path, const char *env, struct vg_creds *out, struct vg_err *err) {
  char *buf;
  size_t len;
  int r = read_private(path, false, &buf, &len, err);
  if (r) return r;
  r = vg_creds_parse(buf, len, path, env, out, err);
  memset(buf, 0, len);
  free(buf);
  return r;
}

/* A source of three required values and an optional CA (flags or environment). */
static int from_values(const char *const names[4], const char *const vals[4], const char *source,
                       struct vg_creds *out, struct vg_err *err) {
  static const char *const fields[] = {"url", "oid", "api_key", "ca"};
  for (int i = 0; i < 3; i++)
    if (!vals[i] || !vals[i][0])
      return vg_err_fail(err, VG_EMISSING, "%s: %s, %s and %s go together; %s is missing", source,
                         names[0], names[1], names[2], names[i]);
  memset(out, 0, sizeof(*out));
  for (int i = 0; i < 4; i++) {
    if (!vals[i] || (i == 3 && !vals[i][0])) continue;
    size_t cap;
    char *slot = field_slot(out, fields[i], &cap);
    const char *why = field_problem(fields[i], vals[i], cap);
    if (why) return vg_err_fail(err, VG_EINVAL, "%s: %s %s", source, names[i], why);
    snprintf(slot, cap, "%s", vals[i]);
  }
  snprintf(out->source, sizeof out->source, "%s", source);
  return 0;
}

static const char *nonempty_env(const char *name) {
  const char *v = getenv(name);
  return v && v[0] ? v : NULL;
}

int vg_creds_user_file(char *buf, size_t n, struct vg_err *err) {
  const char *xdg = nonempty_env("XDG_CONFIG_HOME");
  const char *home = nonempty_env("HOME");
  if (!home) {
    struct passwd *pw = getpwuid(getuid());
    home = pw ? pw->pw_dir : NULL;
  }
  int w = xdg    ? snprintf(buf, n, "%s/vigil/credentials.yaml", xdg)
          : home ? snprintf(buf, n, "%s/.config/vigil/credentials.yaml", home)
                 : -1;
  if (w < 0) return vg_err_fail(err, VG_ENOTFOUND, "no HOME or XDG_CONFIG_HOME for the credentials file");
  if ((size_t)w >= n) return vg_err_fail(err, VG_ELIMIT, "credentials file path is too long");
  return 0;
}

int vg_creds_resolve(const struct vg_creds_flags *flags, struct vg_creds *out,
                     struct vg_err *err) {
  static const struct vg_creds_flags none;
  if (!flags) flags = &none;
  memset(out, 0, sizeof(*out));
  const char *env = flags->env && flags->env[0] ? flags->env : nonempty_env("VIGIL_ENV");
  if (env && !env_name_ok(env))
    return vg_err_fail(err, VG_EINVAL, "environment name '%.64s': use [A-Za-z0-9_.-], 1-%d bytes", env,
                       VG_CREDS_ENV_BYTES - 1);

  if (flags->url || flags->oid || flags->api_key || flags->ca_file) {
    static const char *const names[] = {"--url", "--oid", "--api-key", "--ca"};
    const char *vals[] = {flags->url, flags->oid, flags->api_key, flags->ca_file};
    return from_values(names, vals, "flags", out, err);
  }
  if (nonempty_env("VIGIL_URL") || nonempty_env("VIGIL_OID") || nonempty_env("VIGIL_API_KEY")) {
    static const char *const names[] = {"VIGIL_URL", "VIGIL_OID", "VIGIL_API_KEY", "VIGIL_CA"};
    const char *vals[] = {nonempty_env("VIGIL_URL"), nonempty_env("VIGIL_OID"),
                          nonempty_env("VIGIL_API_KEY"), nonempty_env("VIGIL_CA")};
    return from_values(names, vals, "environment", out, err);
  }
  const char *cf = nonempty_env("VIGIL_CREDS_FILE");
  if (cf) return load(cf, env, out, err);

  char path[VG_LIMIT_FILE_PATH_BYTES];
  int r = vg_creds_user_file(path, sizeof path, err);
  if (r) return r;
  if (access(path, F_OK) != 0)
    return vg_err_fail(err, VG_ENOTFOUND,
                       "no credentials: run `vigilctl login`, or set VIGIL_CREDS_FILE (vigild writes "
                       "<data-dir>/credentials.yaml), or VIGIL_URL, VIGIL_OID and VIGIL_API_KEY (%s does "
                       "not exist)",
                       path);
  return load(path, env, out, err);
}

/* The user file as a model: absent = empty. */
static int user_model(char *path, size_t n, struct creds_file *cf, struct vg_err *err) {
  int r = vg_creds_user_file(path, n, err);
  if (r) return r;
  char *buf;
  size_t len;
  memset(cf, 0, sizeof(*cf));
  r = read_private(path, true, &buf, &len, err);
  if (r == -VG_ENOTFOUND) return 0;
  if (r == -VG_EPERM) { /* we are about to rewrite it 0600 anyway: read it regardless */
    vg_err_clear(err);
    FILE *f = fopen(path, "rb");
    if (!f) return vg_err_fail(err, VG_EIO, "%s: %s", path, strerror(errno));
    buf = vg_xmalloc(CREDS_FILE_BYTES + 1);
    len = fread(buf, 1, CREDS_FILE_BYTES + 1, f);
    fclose(f);
    if (len > CREDS_FILE_BYTES) {
      free(buf);
      return vg_err_fail(err, VG_EPARSE, "%s: larger than %u bytes", path, CREDS_FILE_BYTES);
    }
    r = 0;
  }
  if (r) return r;
  r = parse_file(buf, len, path, cf, err);
  memset(buf, 0, len);
  free(buf);
  return r;
}

static void put_quoted(struct vg_buf *b, const char *s) {
  vg_buf_append(b, "\"", 1);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\') {
      char e[2] = {'\\', (char)*p};
      vg_buf_append(b, e, 2);
    } else if (*p < 0x20 || *p == 0x7f) {
      char e[8];
      int w = snprintf(e, sizeof e, "\\x%02x", *p);
      vg_buf_append(b, e, (size_t)w);
    } else {
      vg_buf_append(b, (const char *)p, 1);
    }
  }
  vg_buf_append(b, "\"\n", 2);
}

static void put_creds(struct vg_buf *b, const char *indent, const struct vg_creds *c) {
  const char *keys[] = {"url", "oid", "api_key", "ca"};
  const char *vals[] = {c->url, c->oid, c->api_key, c->ca_file};
  for (int i = 0; i < 4; i++) {
    if (!vals[i][0]) continue;
    vg_buf_append(b, indent, strlen(indent));
    vg_buf_append(b, keys[i], strlen(keys[i]));
    vg_buf_append(b, ": ", 2);
    put_quoted(b, vals[i]);
  }
}

static int write_model(const char *path, const struct creds_file *cf, struct vg_err *err) {
  char dir[VG_LIMIT_FILE_PATH_BYTES];
  snprintf(dir, sizeof dir, "%s", path);
  for (char *p = dir + 1; *p; p++) { /* mkdir -p the parents, private */
    if (*p != '/') continue;
    *p = '\0';
    if (mkdir(dir, 0700) < 0 && errno != EEXIST)
      return vg_err_fail(err, VG_EIO, "%s: %s", dir, strerror(errno));
    *p = '/';
  }
  struct vg_buf b;
  vg_buf_init(&b, CREDS_FILE_BYTES);
  const char *head = "# Vigil credentials (vigilctl login). Private: mode 0600. docs/credentials.md\n";
  vg_buf_append(&b, head, strlen(head));
  if (cf->has_top) put_creds(&b, "", &cf->top);
  if (cf->deflt[0]) {
    vg_buf_append(&b, "default: ", 9);
    put_quoted(&b, cf->deflt);
  }
  if (cf->n) vg_buf_append(&b, "environments:\n", 14);
  for (size_t i = 0; i < cf->n; i++) {
    vg_buf_append(&b, "  ", 2);
    put_quoted(&b, cf->envs[i].env);
    b.len--; /* the key's newline becomes ':' */
    vg_buf_append(&b, ":\n", 2);
    put_creds(&b, "    ", &cf->envs[i]);
  }
  int r = b.len >= b.max ? vg_err_fail(err, VG_ELIMIT, "%s: over %u bytes", path, CREDS_FILE_BYTES)
                         : vg_pki_write_secret(path, vg_buf_cstr(&b), err);
  memset(b.data, 0, b.len);
  vg_buf_cleanup(&b);
  return r;
}

int vg_creds_save(const char *env, const struct vg_creds *c, bool make_default,
                  struct vg_err *err) {
  if (!env || !env_name_ok(env))
    return vg_err_fail(err, VG_EINVAL, "environment name '%.64s': use [A-Za-z0-9_.-], 1-%d bytes",
                       env ? env : "", VG_CREDS_ENV_BYTES - 1);
  static const char *const fields[] = {"url", "oid", "api_key", "ca"};
  struct vg_creds tmp = *c;
  for (int i = 0; i < 4; i++) {
    size_t cap;
    const char *v = field_slot(&tmp, fields[i], &cap);
    const char *why = i == 3 && !v[0] ? NULL : field_problem(fields[i], v, cap);
    if (why) return vg_err_fail(err, VG_EINVAL, "%s %s", fields[i], why);
  }
  char path[VG_LIMIT_FILE_PATH_BYTES];
  struct creds_file *cf = vg_xmalloc(sizeof(*cf));
  int r = user_model(path, sizeof path, cf, err);
  if (r) goto out;
  size_t i = 0;
  while (i < cf->n && strcmp(cf->envs[i].env, env) != 0) i++;
  if (i == cf->n) {
    if (cf->n == VG_CREDS_MAX_ENVS) {
      r = vg_err_fail(err, VG_ELIMIT, "%s: already %d environments", path, VG_CREDS_MAX_ENVS);
      goto out;
    }
    cf->n++;
  }
  cf->envs[i] = *c;
  snprintf(cf->envs[i].env, sizeof cf->envs[i].env, "%s", env);
  if (make_default || !cf->deflt[0]) snprintf(cf->deflt, sizeof cf->deflt, "%s", env);
  r = write_model(path, cf, err);
out:
  memset(cf, 0, sizeof(*cf));
  free(cf);
  return r;
}

int vg_creds_use(const char *env, struct vg_err *err) {
  char path[VG_LIMIT_FILE_PATH_BYTES];
  struct creds_file *cf = vg_xmalloc(sizeof(*cf));
  int r = user_model(path, sizeof path, cf, err);
  if (!r) {
    bool found = false;
    for (size_t i = 0; i < cf->n; i++) found |= !strcmp(cf->envs[i].env, env);
    if (!found)
      r = vg_err_fail(err, VG_ENOTFOUND, "%s: no environment '%.64s' (vigilctl login --env NAME adds one)",
                      path, env);
  }
  if (!r) {
    snprintf(cf->deflt, sizeof cf->deflt, "%s", env);
    r = write_model(path, cf, err);
  }
  memset(cf, 0, sizeof(*cf));
  free(cf);
  return r;
}
