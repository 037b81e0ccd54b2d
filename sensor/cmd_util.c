/* cmd_util.c — helpers every command handler shares (cmd_util.h). */
#include "sensor/cmd_util.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shared/alloc.h"
#include "shared/event.h"

const char *cmd_util_usage(const struct cmd_call *c) {
  const struct cmd *d = cmd_find(c->name);
  return d ? d->usage : "";
}

static struct cmd_opt *find_opt(struct cmd_opt *opts, size_t n, const char *arg) {
  for (size_t i = 0; i < n; i++) {
    if (arg[1] == '-') {
      if (opts[i].name_long && strcmp(arg + 2, opts[i].name_long) == 0) return &opts[i];
    } else if (opts[i].flag && arg[1] == opts[i].flag && arg[2] == '\0') {
      return &opts[i];
    }
  }
  return NULL;
}

int cmd_util_parse(struct cmd_call *c, int argc, char **argv, struct cmd_opt *opts,
                   size_t nopts, const char **pos, int *npos, int min_pos, int max_pos) {
  bool flags_done = false;
  *npos = 0;
  if (max_pos > CMD_MAX_POSITIONAL) max_pos = CMD_MAX_POSITIONAL;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    bool looks_flag = !flags_done && a[0] == '-' && a[1] != '\0' &&
                      !(a[1] >= '0' && a[1] <= '9'); /* "-1" is a value */
    if (looks_flag && strcmp(a, "--") == 0) {
      flags_done = true;
      continue;
    }
    if (looks_flag) {
      struct cmd_opt *o = find_opt(opts, nopts, a);
      if (!o)
        return cmd_error(c, -VG_EINVAL, "unknown flag %s; usage: %s", a, cmd_util_usage(c));
      if (o->seen && !o->repeat)
        return cmd_error(c, -VG_EINVAL, "flag %s given twice; usage: %s", a, cmd_util_usage(c));
      if (i + o->nvalues >= argc)
        return cmd_error(c, -VG_EMISSING, "flag %s needs %d value%s; usage: %s", a, o->nvalues,
                         o->nvalues == 1 ? "" : "s", cmd_util_usage(c));
      o->seen = true;
      for (int k = 0; k < o->nvalues; k++) o->value[k] = argv[++i];
      continue;
    }
    if (*npos >= max_pos)
      return cmd_error(c, -VG_EINVAL, "unexpected argument '%s'; usage: %s", a, cmd_util_usage(c));
    pos[(*npos)++] = a;
  }
  if (*npos < min_pos)
    return cmd_error(c, -VG_EMISSING, "missing argument%s; usage: %s", min_pos - *npos > 1 ? "s" : "",
                     cmd_util_usage(c));
  return 0;
}

int cmd_util_number(struct cmd_call *c, const char *what, const char *s, long long min,
                    long long max, long long *out) {
  char *end;
  errno = 0;
  long long v = strtoll(s, &end, 0);
  if (errno || end == s || *end || v < min || v > max)
    return cmd_error(c, -VG_EINVAL, "%s: '%s' is not a number in %lld..%lld", what, s, min, max);
  *out = v;
  return 0;
}

int cmd_util_target_pid(struct cmd_call *c, const struct cmd_opt *p, const struct cmd_opt *a,
                        pid_t *pid) {
  if (p->seen && a && a->seen)
    return cmd_error(c, -VG_EINVAL, "give -p PID or -a ATOM, not both; usage: %s", cmd_util_usage(c));
  if (p->seen) {
    long long v;
    int rc = cmd_util_number(c, "PID", p->value[0], 1, 4194304, &v);
    if (rc) return rc;
    *pid = (pid_t)v;
  } else if (a && a->seen) {
    if (!c->ctx->atom_pid)
      return cmd_error(c, -VG_EUNSUPPORTED, "-a ATOM: the process collector is not running");
    pid_t v = c->ctx->atom_pid(c->ctx->proc_user, a->value[0]);
    if (v <= 0) return cmd_error(c, -VG_ENOTFOUND, "atom %s: no running process", a->value[0]);
    *pid = v;
  } else {
    return cmd_error(c, -VG_EMISSING, "missing -p PID%s; usage: %s", a ? " or -a ATOM" : "",
                     cmd_util_usage(c));
  }
  char path[64];
  snprintf(path, sizeof path, "/proc/%d", (int)*pid);
  struct stat st;
  if (stat(path, &st) != 0) return cmd_error(c, -VG_ENOTFOUND, "pid %d: no such process", (int)*pid);
  return 0;
}

int cmd_util_errno(struct cmd_call *c, int e, const char *what) {
  int code = (e == ENOENT || e == ESRCH || e == ENOTDIR) ? -VG_ENOTFOUND
             : (e == EACCES || e == EPERM)                ? -VG_EPERM
             : (e == EINVAL || e == EISDIR)               ? -VG_EINVAL
                                                          : -VG_EIO;
  return cmd_error(c, code, "%s: %s", what, strerror(e));
}

void cmd_util_emit(struct cmd_call *c, const char *type, json_t *body) {
  json_t *ev = vg_event_new(type, vg_event_now_ms());
  if (!ev) {
    json_decref(body);
    return;
  }
  if (c->investigation_id && c->investigation_id[0])
    json_object_set_new(vg_event_routing(ev), "investigation_id", json_string(c->investigation_id));
  json_object_set_new(ev, "event", body);
  sensor_emit(c->ctx, ev);
}

void cmd_util_list_init(struct cmd_list *l, struct cmd_call *c, const char *key, size_t max) {
  memset(l, 0, sizeof *l);
  l->c = c;
  l->key = key;
  l->max = max;
  l->arr = json_array();
}

static void list_flush(struct cmd_list *l, bool more, json_t *extra) {
  json_t *body = extra ? extra : json_object();
  json_object_set_new(body, l->key, l->arr);
  json_object_set_new(body, "PART", json_integer((json_int_t)++l->part));
  json_object_set_new(body, "MORE", json_boolean(more));
  if (!more) {
    json_object_set_new(body, "TOTAL", json_integer((json_int_t)l->total));
    json_object_set_new(body, "TRUNCATED", json_boolean(l->truncated));
  }
  cmd_reply(l->c, body);
  l->arr = more ? json_array() : NULL;
}

bool cmd_util_list_add(struct cmd_list *l, json_t *entry) {
  if (l->total >= l->max) {
    json_decref(entry);
    l->truncated = true;
    return false;
  }
  if (json_array_size(l->arr) >= CMD_LIST_PER_REPLY) list_flush(l, true, NULL);
  json_array_append_new(l->arr, entry);
  l->total++;
  return true;
}

void cmd_util_list_finish(struct cmd_list *l, json_t *extra) {
  list_flush(l, false, extra);
}

int cmd_util_read_file(const char *path, size_t max, char **buf, size_t *len, bool *truncated) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -errno;
  size_t cap = 4096, n = 0;
  char *b = vg_xmalloc(cap + 1);
  bool more = false;
  for (;;) {
    if (n == max) {
      char x;
      ssize_t r = read(fd, &x, 1);
      more = r > 0;
      break;
    }
    if (n == cap) {
      cap = cap * 2 > max ? max : cap * 2;
      b = vg_xrealloc(b, cap + 1);
    }
    ssize_t r = read(fd, b + n, cap - n);
    if (r < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      free(b);
      close(fd);
      return -e;
    }
    if (r == 0) break;
    n += (size_t)r;
  }
  close(fd);
  b[n] = '\0';
  *buf = b;
  *len = n;
  if (truncated) *truncated = more;
  return 0;
}

static void hexify(const unsigned char *d, unsigned n, char *out) {
  static const char hx[] = "0123456789abcdef";
  for (unsigned i = 0; i < n; i++) {
    out[2 * i] = hx[d[i] >> 4];
    out[2 * i + 1] = hx[d[i] & 15];
  }
  out[2 * n] = '\0';
}

int cmd_util_hash_file(const char *path, char sha256[65], char sha1[41], char md5[33],
                       uint64_t *size) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -errno;
  struct stat st;
  if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    close(fd);
    return -EISDIR;
  }
  EVP_MD_CTX *m[3] = {EVP_MD_CTX_new(), EVP_MD_CTX_new(), EVP_MD_CTX_new()};
  EVP_DigestInit_ex(m[0], EVP_sha256(), NULL);
  EVP_DigestInit_ex(m[1], EVP_sha1(), NULL);
  EVP_DigestInit_ex(m[2], EVP_md5(), NULL);
  enum { CHUNK = 1 << 16 };
  unsigned char *buf = vg_xmalloc(CHUNK);
  uint64_t total = 0;
  int rc = 0;
  for (;;) {
    ssize_t r = read(fd, buf, CHUNK);
    if (r < 0) {
      if (errno == EINTR) continue;
      rc = -errno;
      break;
    }
    if (r == 0) break;
    total += (uint64_t)r;
    for (int i = 0; i < 3; i++) EVP_DigestUpdate(m[i], buf, (size_t)r);
  }
  unsigned char d[EVP_MAX_MD_SIZE];
  unsigned dn;
  char *outs[3] = {sha256, sha1, md5};
  for (int i = 0; i < 3; i++) {
    EVP_DigestFinal_ex(m[i], d, &dn);
    if (outs[i] && rc == 0) hexify(d, dn, outs[i]);
    EVP_MD_CTX_free(m[i]);
  }
  free(buf);
  close(fd);
  if (size) *size = total;
  return rc;
}

void cmd_util_sha256(const void *p, size_t n, char out[65]) {
  unsigned char d[EVP_MAX_MD_SIZE];
  unsigned dn;
  EVP_Digest(p, n, d, &dn, EVP_sha256(), NULL);
  hexify(d, dn, out);
}

json_t *cmd_util_base64(const void *p, size_t n) {
  size_t outn = 4 * ((n + 2) / 3);
  char *out = vg_xmalloc(outn + 1);
  int w = n ? EVP_EncodeBlock((unsigned char *)out, p, (int)n) : 0;
  json_t *s = json_stringn(out, (size_t)w);
  free(out);
  return s;
}

unsigned char *cmd_util_unbase64(const char *s, size_t *n) {
  size_t len = strlen(s);
  char *clean = vg_xmalloc(len + 1);
  size_t k = 0;
  for (size_t i = 0; i < len; i++)
    if (s[i] != ' ' && s[i] != '\n' && s[i] != '\r' && s[i] != '\t') clean[k++] = s[i];
  clean[k] = '\0';
  if (k == 0 || k % 4) {
    free(clean);
    return NULL;
  }
  unsigned char *out = vg_xmalloc(k / 4 * 3 + 1);
  int w = EVP_DecodeBlock(out, (unsigned char *)clean, (int)k);
  if (w < 0) {
    free(clean);
    free(out);
    return NULL;
  }
  if (clean[k - 1] == '=') w--;
  if (clean[k - 2] == '=') w--;
  free(clean);
  out[w] = '\0';
  *n = (size_t)w;
  return out;
}

const char *cmd_util_user_name(uid_t uid, char *buf, size_t n) {
  struct passwd pw, *res = NULL;
  char tmp[1024];
  if (getpwuid_r(uid, &pw, tmp, sizeof tmp, &res) != 0 || !res) return NULL;
  snprintf(buf, n, "%s", res->pw_name);
  return buf;
}
