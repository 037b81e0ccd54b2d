/* outputs_send.c — one delivery to one output (file, syslog, webhook) on the
 * outputs' thread, and the validation of an output's configuration. Plain
 * blocking sockets (syslog) and libcurl (webhook, http_fetch.c) with
 * OUTPUTS_IO_TIMEOUT_MS timeouts: only the outputs' own thread waits on
 * them. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "backend/http_fetch.h"
#include "backend/outputs.h"
#include "shared/alloc.h"

#define SYSLOG_FACILITY 16        /* local0 */
#define SYSLOG_UDP_MAX 65000      /* larger messages fail over UDP */
#define WEBHOOK_REPLY_MAX (1 << 20) /* reply body bytes accepted (then ignored) */
#define HOST_BYTES 256
#define PORT_BYTES 8

/* ---- parsing ---- */

static int port_ok(const char *p) {
  if (!*p || strlen(p) > 5) return -1;
  long v = 0;
  for (const char *q = p; *q; q++) {
    if (*q < '0' || *q > '9') return -1;
    v = v * 10 + (*q - '0');
  }
  return v >= 1 && v <= 65535 ? 0 : -1;
}

int outputs_send_hostport(const char *s, char *host, size_t hostlen, char *port, size_t portlen) {
  const char *colon;
  size_t hl;
  if (s[0] == '[') {
    const char *end = strchr(s, ']');
    if (!end || end[1] != ':') return -1;
    hl = (size_t)(end - s - 1);
    s++;
    colon = end + 1;
  } else {
    colon = strrchr(s, ':');
    if (!colon || memchr(s, ':', (size_t)(colon - s))) return -1;
    hl = (size_t)(colon - s);
  }
  if (!hl || hl >= hostlen || strlen(colon + 1) >= portlen) return -1;
  for (size_t i = 0; i < hl; i++)
    if (s[i] <= ' ' || s[i] == '/' || s[i] == '@' || s[i] == 0x7f) return -1;
  memcpy(host, s, hl);
  host[hl] = '\0';
  snprintf(port, portlen, "%s", colon + 1);
  return port_ok(port);
}

int outputs_send_url(const char *url, char *host, size_t hostlen, char *port, size_t portlen,
                     const char **path) {
  bool tls = strncmp(url, "https://", 8) == 0;
  const char *pre = tls ? "https://" : "http://";
  if (strncmp(url, pre, strlen(pre))) return -1;
  const char *a = url + strlen(pre);
  size_t al = strcspn(a, "/?#");
  *path = a[al] == '/' ? a + al : "/";
  if (a[al] && a[al] != '/') return -1;
  for (const char *p = *path; *p; p++)
    if (*p <= ' ' || *p == 0x7f) return -1;
  char auth[HOST_BYTES + PORT_BYTES + 4];
  if (!al || al >= sizeof(auth)) return -1;
  memcpy(auth, a, al);
  auth[al] = '\0';
  bool has_port = auth[0] == '[' ? strstr(auth, "]:") != NULL : strchr(auth, ':') != NULL;
  if (has_port) return outputs_send_hostport(auth, host, hostlen, port, portlen);
  char tmp[sizeof(auth) + 4];
  snprintf(tmp, sizeof(tmp), "%s:%s", auth, tls ? "443" : "80");
  return outputs_send_hostport(tmp, host, hostlen, port, portlen);
}

int outputs_send_http_status(const char *buf, size_t len) {
  /* "HTTP/1.x NNN" */
  if (len < 12 || memcmp(buf, "HTTP/1.", 7) || buf[7] < '0' || buf[7] > '9' || buf[8] != ' ')
    return -1;
  int code = 0;
  for (int i = 9; i < 12; i++) {
    if (buf[i] < '0' || buf[i] > '9') return -1;
    code = code * 10 + (buf[i] - '0');
  }
  if (len > 12 && buf[12] != ' ' && buf[12] != '\r') return -1;
  return code >= 100 ? code : -1;
}

/* ---- validation ---- */

static const char *str(const json_t *cfg, const char *k) {
  return json_string_value(json_object_get(cfg, k));
}

static int need(const json_t *cfg, const char *k, const char *type, struct vg_err *err) {
  const char *v = str(cfg, k);
  if (!v || !*v) return vg_err_fail(err, VG_EINVAL, "params.%s: required for type %s", k, type);
  if (strlen(v) > OUTPUTS_FIELD_BYTES)
    return vg_err_fail(err, VG_EINVAL, "params.%s: longer than %d bytes", k, OUTPUTS_FIELD_BYTES);
  return 0;
}

static int only(const json_t *cfg, const char *const *allowed, struct vg_err *err) {
  const char *k;
  json_t *v;
  json_object_foreach((json_t *)cfg, k, v) {
    bool ok = false;
    for (const char *const *a = allowed; *a && !ok; a++) ok = strcmp(*a, k) == 0;
    if (!ok)
      return vg_err_fail(err, VG_EINVAL, "params.%s: not a field of a %s output", k,
                         str(cfg, "type"));
  }
  return 0;
}

int outputs_send_validate(json_t *cfg, struct vg_err *err) {
  const char *type = str(cfg, "type");
  char h[HOST_BYTES], p[PORT_BYTES];
  int r;
  if (!type) return vg_err_fail(err, VG_EINVAL, "params.type: file, syslog or webhook");
  if (strcmp(type, "file") == 0) {
    static const char *const f[] = {"name", "type", "categories", "min_priority", "path",
                                    "max_bytes", "keep", NULL};
    if ((r = only(cfg, f, err)) || (r = need(cfg, "path", type, err))) return r;
    const char *path = str(cfg, "path");
    /* A file name directly under <data_dir>/outputs/: the API must not
     * write anywhere else on the host. */
    if (strchr(path, '/') || strcmp(path, ".") == 0 || strcmp(path, "..") == 0)
      return vg_err_fail(err, VG_EINVAL,
                         "params.path: a file name under <data_dir>/outputs/ (no '/', not . or ..)");
    json_int_t mb = json_integer_value(json_object_get(cfg, "max_bytes"));
    json_int_t keep = json_integer_value(json_object_get(cfg, "keep"));
    if (!json_object_get(cfg, "max_bytes")) mb = OUTPUTS_FILE_MAX_BYTES_DEFAULT;
    if (!json_object_get(cfg, "keep")) keep = OUTPUTS_FILE_KEEP_DEFAULT;
    if (mb < OUTPUTS_FILE_MIN_BYTES)
      return vg_err_fail(err, VG_EINVAL, "params.max_bytes: at least %d", OUTPUTS_FILE_MIN_BYTES);
    if (keep < 1 || keep > OUTPUTS_FILE_KEEP_MAX)
      return vg_err_fail(err, VG_EINVAL, "params.keep: 1..%d", OUTPUTS_FILE_KEEP_MAX);
    json_object_set_new(cfg, "max_bytes", json_integer(mb));
    json_object_set_new(cfg, "keep", json_integer(keep));
    return 0;
  }
  if (strcmp(type, "syslog") == 0) {
    static const char *const f[] = {"name", "type", "categories", "min_priority", "dest",
                                    "transport", NULL};
    if ((r = only(cfg, f, err)) || (r = need(cfg, "dest", type, err))) return r;
    if (outputs_send_hostport(str(cfg, "dest"), h, sizeof(h), p, sizeof(p)))
      return vg_err_fail(err, VG_EINVAL, "params.dest: host:port or [v6]:port, port 1..65535");
    const char *tr = str(cfg, "transport");
    if (!tr) json_object_set_new(cfg, "transport", json_string(tr = "udp"));
    if (strcmp(tr, "udp") && strcmp(tr, "tcp"))
      return vg_err_fail(err, VG_EINVAL, "params.transport: udp or tcp");
    return 0;
  }
  if (strcmp(type, "webhook") == 0) {
    static const char *const f[] = {"name", "type", "categories", "min_priority", "url",
                                    "ca_file", NULL};
    const char *path;
    if ((r = only(cfg, f, err)) || (r = need(cfg, "url", type, err))) return r;
    if (outputs_send_url(str(cfg, "url"), h, sizeof(h), p, sizeof(p), &path))
      return vg_err_fail(err, VG_EINVAL, "params.url: http[s]://host[:port][/path]");
    if (json_object_get(cfg, "ca_file")) {
      if ((r = need(cfg, "ca_file", type, err))) return r;
      const char *ca = str(cfg, "ca_file");
      struct stat st;
      if (strncmp(str(cfg, "url"), "https://", 8))
        return vg_err_fail(err, VG_EINVAL, "params.ca_file: only for an https:// url");
      if (ca[0] != '/' || stat(ca, &st) < 0 || !S_ISREG(st.st_mode))
        return vg_err_fail(err, VG_EINVAL, "params.ca_file: an absolute path to a PEM file");
    }
    return 0;
  }
  return vg_err_fail(err, VG_EINVAL, "params.type: file, syslog or webhook, not \"%s\"", type);
}

/* ---- file ---- */

static int send_file(const json_t *cfg, const char *data_dir, const char *line, char *eb,
                     size_t el) {
  char *dir = vg_xasprintf("%s/outputs", data_dir);
  char *path = vg_xasprintf("%s/%s", dir, str(cfg, "path"));
  int rc = -1;
  if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
    snprintf(eb, el, "%s: %s", dir, strerror(errno));
    goto out;
  }
  int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    snprintf(eb, el, "%s: %s", path, strerror(errno));
    goto out;
  }
  size_t len = strlen(line);
  struct stat st;
  int64_t max = json_integer_value(json_object_get(cfg, "max_bytes"));
  if (fstat(fd, &st) == 0 && st.st_size > 0 && (int64_t)(st.st_size + (off_t)len + 1) > max) {
    close(fd);
    int keep = (int)json_integer_value(json_object_get(cfg, "keep"));
    for (int i = keep - 1; i >= 1; i--) {
      char *a = vg_xasprintf("%s.%d", path, i), *b = vg_xasprintf("%s.%d", path, i + 1);
      rename(a, b); /* absent is fine */
      free(a);
      free(b);
    }
    char *one = vg_xasprintf("%s.1", path);
    int r = rename(path, one);
    free(one);
    if (r < 0) {
      snprintf(eb, el, "rotate %s: %s", path, strerror(errno));
      goto out;
    }
    fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
      snprintf(eb, el, "%s: %s", path, strerror(errno));
      goto out;
    }
  }
  char *l = vg_xasprintf("%s\n", line);
  ssize_t w = write(fd, l, len + 1);
  if (w == (ssize_t)(len + 1)) rc = 0;
  else snprintf(eb, el, "write %s: %s", path, w < 0 ? strerror(errno) : "short write");
  free(l);
  close(fd);
out:
  free(path);
  free(dir);
  return rc;
}

/* ---- sockets ---- */

static int dial(const char *host, const char *port, int socktype, char *eb, size_t el) {
  struct addrinfo hints = {.ai_socktype = socktype}, *ai = NULL;
  int g = getaddrinfo(host, port, &hints, &ai);
  if (g) {
    snprintf(eb, el, "%s:%s: %s", host, port, gai_strerror(g));
    return -1;
  }
  int fd = -1;
  for (struct addrinfo *a = ai; a; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    struct timeval tv = {.tv_sec = OUTPUTS_IO_TIMEOUT_MS / 1000,
                         .tv_usec = (OUTPUTS_IO_TIMEOUT_MS % 1000) * 1000};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)); /* also bounds connect() */
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    if (connect(fd, a->ai_addr, a->ai_addrlen) == 0) break;
    snprintf(eb, el, "connect %s:%s: %s", host, port, strerror(errno));
    close(fd);
    fd = -1;
  }
  freeaddrinfo(ai);
  return fd;
}

static int send_all(int fd, const char *b, size_t n, char *eb, size_t el) {
  while (n) {
    ssize_t w = send(fd, b, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      snprintf(eb, el, "send: %s", w < 0 ? strerror(errno) : "closed");
      return -1;
    }
    b += w;
    n -= (size_t)w;
  }
  return 0;
}

/* ---- syslog ---- */

/* An SD-PARAM value: '"', '\' and ']' escaped (RFC 5424 §6.3.3). */
static void sd_value(char *out, size_t outlen, const char *v) {
  size_t o = 0;
  for (; v && *v && o + 3 < outlen; v++) {
    if (*v == '"' || *v == '\\' || *v == ']') out[o++] = '\\';
    out[o++] = *v;
  }
  out[o] = '\0';
}

char *outputs_send_syslog_line(const char *oid, const json_t *rec, const char *line) {
  json_int_t pri = json_integer_value(json_object_get(rec, "priority"));
  int sev = pri >= 4 ? 2 : 6 - (int)(pri < 0 ? 0 : pri); /* 0 info .. 4+ crit */
  int64_t ms = json_integer_value(json_object_get(rec, "gen_time"));
  if (ms <= 0) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
  }
  time_t secs = (time_t)(ms / 1000);
  struct tm tm;
  gmtime_r(&secs, &tm);
  char stamp[40], host[256];
  strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
  if (gethostname(host, sizeof(host)) < 0 || !host[0]) snprintf(host, sizeof(host), "-");
  host[255] = '\0';
  for (char *h = host; *h; h++)
    if (*h <= ' ' || *h > '~') *h = '_';
  char rule[512], cat[512];
  const char *r = json_string_value(json_object_get(rec, "rule"));
  sd_value(rule, sizeof(rule), r ? r : json_string_value(json_object_get(rec, "source")));
  sd_value(cat, sizeof(cat), json_string_value(json_object_get(rec, "cat")));
  return vg_xasprintf("<%d>1 %s.%03dZ %.255s vigild - detection [vigil@32473 oid=\"%s\" rule=\"%s\" "
                      "cat=\"%s\" priority=\"%" PRId64 "\"] %s",
                      SYSLOG_FACILITY * 8 + sev, stamp, (int)(ms % 1000), host, oid, rule, cat,
                      (int64_t)pri, line);
}

static int send_syslog(const json_t *cfg, const char *oid, const json_t *rec, const char *line,
                       char *eb, size_t el) {
  char host[HOST_BYTES], port[PORT_BYTES];
  if (outputs_send_hostport(str(cfg, "dest"), host, sizeof(host), port, sizeof(port))) {
    snprintf(eb, el, "bad dest");
    return -1;
  }
  bool tcp = strcmp(str(cfg, "transport"), "tcp") == 0;
  char *msg = outputs_send_syslog_line(oid, rec, line);
  size_t n = strlen(msg);
  int rc = -1;
  if (!tcp && n > SYSLOG_UDP_MAX) {
    snprintf(eb, el, "message of %zu bytes is too large for UDP", n);
    free(msg);
    return -1;
  }
  int fd = dial(host, port, tcp ? SOCK_STREAM : SOCK_DGRAM, eb, el);
  if (fd >= 0) {
    if (tcp) { /* octet counting (RFC 6587 §3.4.1) */
      char pre[24];
      int pl = snprintf(pre, sizeof(pre), "%zu ", n);
      rc = send_all(fd, pre, (size_t)pl, eb, el) || send_all(fd, msg, n, eb, el) ? -1 : 0;
    } else {
      rc = send_all(fd, msg, n, eb, el);
    }
    close(fd);
  }
  free(msg);
  return rc;
}

/* ---- webhook ---- */

static int send_webhook(const json_t *cfg, const char *line, char *eb, size_t el) {
  const char *url = str(cfg, "url");
  struct http_req req = {.method = "POST",
                         .url = url,
                         .headers = {"Content-Type: application/json"},
                         .body = line,
                         .body_len = strlen(line),
                         .ca_file = str(cfg, "ca_file"),
                         .timeout_ms = OUTPUTS_IO_TIMEOUT_MS,
                         .max_body = WEBHOOK_REPLY_MAX};
  struct http_resp resp;
  struct vg_err err;
  vg_err_clear(&err);
  if (http_fetch(&req, &resp, &err)) {
    snprintf(eb, el, "%s", err.msg);
    return -1;
  }
  int rc = resp.status >= 200 && resp.status < 300 ? 0 : -1;
  if (rc) snprintf(eb, el, "%s: HTTP %ld", url, resp.status);
  http_resp_free(&resp);
  return rc;
}

int outputs_send(const json_t *cfg, const char *data_dir, const char *oid, const json_t *rec,
                 const char *line, char *eb, size_t el) {
  const char *type = str(cfg, "type");
  eb[0] = '\0';
  if (strcmp(type, "file") == 0) return send_file(cfg, data_dir, line, eb, el);
  if (strcmp(type, "syslog") == 0) return send_syslog(cfg, oid, rec, line, eb, el);
  if (strcmp(type, "webhook") == 0) return send_webhook(cfg, line, eb, el);
  snprintf(eb, el, "unknown type %s", type);
  return -1;
}
