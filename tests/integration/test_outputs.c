/* test_outputs.c — outputs end to end with the real vigild, a
 * protocol-level sensor and real peers inside the test: detections of a rule
 * reach a file output (JSON lines, rotated by size), a syslog UDP socket and
 * a syslog TCP listener (RFC 5424 shape, octet-counted over TCP), a tiny
 * HTTP server (webhook POST); the `output` action reaches its named output;
 * a filter that does not pass receives nothing; a dead webhook is retried
 * and counted as failed; organisation B's output never receives A's
 * detections; viewers read, admins change; outputs survive a restart; paths
 * outside <data_dir>/outputs/ are refused. A webhook over https (a
 * self-signed certificate trusted through ca_file) delivers; without
 * ca_file the certificate is refused and nothing arrives. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shared/alloc.h"
#include "tests/harness/api_sim.h"
#include "tests/harness/harness.h"
#include "tests/harness/http_stand_in.h"
#include "tests/harness/sensor_sim.h"

#define PEER_MSGS 8

/* A listener thread: accepts up to want connections, reads each until the
 * peer closes (syslog TCP) or a full HTTP request arrived (answers 200). */
struct peer {
  int lfd, port, want, got;
  bool http;
  char *msgs[PEER_MSGS];
  pthread_t th;
};

static int listen_on(int type, int *port) {
  int fd = socket(AF_INET, type, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
  if (type == SOCK_STREAM) ck_assert_int_eq(listen(fd, 8), 0);
  socklen_t l = sizeof(a);
  getsockname(fd, (struct sockaddr *)&a, &l);
  *port = ntohs(a.sin_port);
  return fd;
}

static bool http_complete(const char *b, size_t n) {
  const char *end = memmem(b, n, "\r\n\r\n", 4);
  if (!end) return false;
  const char *cl = strcasestr(b, "Content-Length:");
  if (!cl || cl > end) return true;
  long want = strtol(cl + 15, NULL, 10);
  return (long)(n - (size_t)(end + 4 - b)) >= want;
}

static void *peer_run(void *arg) {
  struct peer *p = arg;
  while (p->got < p->want) {
    struct pollfd pf = {.fd = p->lfd, .events = POLLIN};
    int pr = poll(&pf, 1, 30000);
    if (pr < 0 && errno == EINTR) continue;
    if (pr <= 0) break;
    int c = accept(p->lfd, NULL, NULL);
    if (c < 0) break;
    size_t cap = 1 << 16, n = 0;
    char *b = vg_xmalloc(cap + 1);
    for (;;) {
      struct pollfd cf = {.fd = c, .events = POLLIN};
      int cr = poll(&cf, 1, 10000);
      if (cr < 0 && errno == EINTR) continue;
      if (cr <= 0) break;
      ssize_t r = recv(c, b + n, cap - n, 0);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) {
        if (r < 0) fprintf(stderr, "peer recv: %s\n", strerror(errno));
        break;
      }
      n += (size_t)r;
      b[n] = '\0';
      if (p->http && http_complete(b, n)) {
        const char *ok = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        ck_assert_int_eq(send(c, ok, strlen(ok), MSG_NOSIGNAL), (ssize_t)strlen(ok));
        break;
      }
      if (n == cap) break;
    }
    b[n] = '\0';
    close(c);
    p->msgs[p->got++] = b;
  }
  return NULL;
}

static void peer_start(struct peer *p, bool http, int want) {
  memset(p, 0, sizeof(*p));
  p->http = http;
  p->want = want;
  p->lfd = listen_on(SOCK_STREAM, &p->port);
  ck_assert_int_eq(pthread_create(&p->th, NULL, peer_run, p), 0);
}

static void peer_stop(struct peer *p) {
  pthread_join(p->th, NULL);
  close(p->lfd);
}

static void peer_free(struct peer *p) {
  for (int i = 0; i < p->got; i++) free(p->msgs[i]);
}

/* An RFC 5424 message as vigild writes it: <PRI>1 TIMESTAMP HOST vigild -
 * detection [vigil@32473 oid=".." rule=".." cat=".." priority=".."] JSON. */
static void assert_syslog(const char *m, const char *oid) {
  int pri = -1, n = 0;
  ck_assert_msg(sscanf(m, "<%d>1 %n", &pri, &n) == 1 && n > 0, "header: %.80s", m);
  ck_assert_int_eq(pri, 16 * 8 + 4); /* local0, priority 2 → warning */
  const char *ts = m + n;
  ck_assert_msg(strlen(ts) > 25 && ts[4] == '-' && ts[7] == '-' && ts[10] == 'T' &&
                    ts[13] == ':' && ts[16] == ':' && ts[19] == '.' && ts[23] == 'Z' &&
                    ts[24] == ' ',
                "timestamp: %.30s", ts);
  const char *host = ts + 25;
  const char *sp = strchr(host, ' ');
  ck_assert_ptr_nonnull(sp);
  ck_assert_msg(sp > host, "empty hostname");
  char *want = vg_xasprintf(" vigild - detection [vigil@32473 oid=\"%s\" rule=\"sleepers\" "
                            "cat=\"sleep on sim-host\" priority=\"2\"] ",
                            oid);
  ck_assert_msg(strncmp(sp, want, strlen(want)) == 0, "after host: %.200s", sp);
  json_t *j = json_loads(sp + strlen(want), 0, NULL);
  ck_assert_msg(j != NULL, "message is not JSON: %.100s", sp + strlen(want));
  ck_assert_str_eq(json_string_value(json_object_get(j, "cat")), "sleep on sim-host");
  json_decref(j);
  free(want);
}

static json_t *find_output(json_t *list, const char *name) {
  size_t i;
  json_t *o;
  json_array_foreach(json_object_get(list, "outputs"), i, o) {
    if (strcmp(json_string_value(json_object_get(o, "name")), name) == 0) return o;
  }
  return NULL;
}

static int64_t stat_of(struct client *c, const char *name, const char *key) {
  json_t *l = result_of(c, "outputs.list", NULL);
  json_t *o = find_output(l, name);
  int64_t v = o ? json_integer_value(json_object_get(json_object_get(o, "stats"), key)) : -1;
  json_decref(l);
  return v;
}

static char **read_lines(const char *path, size_t *n) {
  *n = 0;
  FILE *f = fopen(path, "r");
  if (!f) return NULL;
  char **v = NULL, *line = NULL;
  size_t cap = 0;
  while (getline(&line, &cap, f) > 0) {
    v = vg_xreallocarray(v, *n + 1, sizeof(*v));
    v[(*n)++] = vg_xstrdup(line);
  }
  free(line);
  fclose(f);
  return v;
}

static void free_lines(char **v, size_t n) {
  for (size_t i = 0; i < n; i++) free(v[i]);
  free(v);
}

static const char *rule_yaml =
    "detect:\n"
    "  event: NEW_PROCESS\n"
    "  op: ends with\n"
    "  path: event/FILE_PATH\n"
    "  value: /sleep\n"
    "respond:\n"
    "  - action: report\n"
    "    name: sleep on {{ .routing.hostname }}\n"
    "    priority: 2\n"
    "  - action: output\n"
    "    name: named\n";

START_TEST(t_outputs_end_to_end) {
  struct harness_vigild d;
  struct creds a, b;
  ck_assert_int_eq(harness_vigild_start(&d, NULL), 0);
  vigild_creds(&d, &a);
  struct sensor_sim s;
  struct vg_err e;
  ck_assert_msg(sensor_sim_enroll(&s, &d, NULL, "a-host", &e) == 0, "enroll: %s", e.msg);
  make_org(&d, "org-b", &b);
  json_t *w = sensor_sim_connect(&s, &d, NULL, NULL);
  ck_assert_ptr_nonnull(w);
  json_decref(w);

  struct client ca, cb, cv;
  client_open(&ca, &d);
  client_open(&cb, &d);
  client_open(&cv, &d);
  auth(&ca, a.oid, a.api_key, "admin");
  auth(&cb, b.oid, b.api_key, "admin");
  char *viewer = make_key(&ca, "viewer");
  auth(&cv, a.oid, viewer, "viewer");
  free(viewer);

  /* Peers. */
  int uport;
  int ufd = listen_on(SOCK_DGRAM, &uport);
  struct peer tcp, http;
  peer_start(&tcp, false, 3);
  peer_start(&http, true, 3);
  int dead_port;
  close(listen_on(SOCK_STREAM, &dead_port)); /* nothing listens there */

  /* Refusals: viewers, paths outside outputs/, bad fields. */
  EXPECT(&cv, "outputs.set", json_pack("{s:s, s:s, s:s}", "name", "x", "type", "file", "path", "x"), "EPERM");
  EXPECT(&cv, "outputs.list", NULL, "ok");
  EXPECT(&ca, "outputs.set", json_pack("{s:s, s:s, s:s}", "name", "x", "type", "file", "path", "../x"), "EINVAL");
  EXPECT(&ca, "outputs.set", json_pack("{s:s, s:s, s:s}", "name", "x", "type", "file", "path", "/etc/x"), "EINVAL");
  EXPECT(&ca, "outputs.set", json_pack("{s:s, s:s, s:s}", "name", "x", "type", "file", "path", ".."), "EINVAL");
  EXPECT(&ca, "outputs.set", json_pack("{s:s, s:s, s:s}", "name", "x", "type", "syslog", "dest", "nohost"), "EINVAL");
  EXPECT(&ca, "outputs.set", json_pack("{s:s, s:s, s:s}", "name", "x", "type", "syslog", "dest", "h:99999"), "EINVAL");
  EXPECT(&ca, "outputs.set", json_pack("{s:s, s:s, s:s}", "name", "x", "type", "webhook", "url", "ftp://h/"), "EINVAL");
  EXPECT(&ca, "outputs.set", json_pack("{s:s, s:s, s:s}", "name", "x", "type", "file", "url", "http://h/"), "EINVAL");
  EXPECT(&ca, "outputs.set", json_pack("{s:s, s:s}", "name", "x", "type", "pigeon"), "EINVAL");

  /* Org A's outputs. */
  char dest[64], url[128];
#define SET(params) EXPECT(&ca, "outputs.set", params, "ok")
  SET(json_pack("{s:s, s:s, s:s}", "name", "all", "type", "file", "path", "all.jsonl"));
  SET(json_pack("{s:s, s:s, s:s, s:I, s:I}", "name", "small", "type", "file", "path", "small.jsonl",
                "max_bytes", (json_int_t)300, "keep", (json_int_t)1));
  SET(json_pack("{s:s, s:s, s:s, s:I}", "name", "high", "type", "file", "path", "high.jsonl",
                "min_priority", (json_int_t)5));
  SET(json_pack("{s:s, s:s, s:s, s:[s]}", "name", "bycat", "type", "file", "path", "bycat.jsonl",
                "categories", "sleep on sim-host"));
  SET(json_pack("{s:s, s:s, s:s, s:[s]}", "name", "othercat", "type", "file", "path", "other.jsonl",
                "categories", "something else"));
  SET(json_pack("{s:s, s:s, s:s, s:I}", "name", "named", "type", "file", "path", "named.jsonl",
                "min_priority", (json_int_t)100)); /* the filter does not apply to the action */
  snprintf(dest, sizeof(dest), "127.0.0.1:%d", uport);
  SET(json_pack("{s:s, s:s, s:s}", "name", "sys-udp", "type", "syslog", "dest", dest));
  snprintf(dest, sizeof(dest), "127.0.0.1:%d", tcp.port);
  SET(json_pack("{s:s, s:s, s:s, s:s}", "name", "sys-tcp", "type", "syslog", "dest", dest, "transport", "tcp"));
  snprintf(url, sizeof(url), "http://127.0.0.1:%d/hook", http.port);
  SET(json_pack("{s:s, s:s, s:s}", "name", "hook", "type", "webhook", "url", url));
  snprintf(url, sizeof(url), "http://127.0.0.1:%d/dead", dead_port);
  SET(json_pack("{s:s, s:s, s:s}", "name", "dead", "type", "webhook", "url", url));
  /* Org B's. */
  EXPECT(&cb, "outputs.set", json_pack("{s:s, s:s, s:s}", "name", "b", "type", "file", "path", "b.jsonl"), "ok");

  json_decref(result_of(&ca, "rules.set", json_pack("{s:s, s:s}", "name", "sleepers", "yaml", rule_yaml)));
  ck_assert_int_eq(sensor_sim_send_batch(&s, 1, 3, NULL), 0);

  /* The file: three JSON lines, A's detections. */
  char *all = vg_xasprintf("%s/outputs/all.jsonl", d.data_dir);
  size_t n = 0;
  char **lines = NULL;
  for (int i = 0; i < 100 && n < 3; i++) {
    free_lines(lines, n);
    usleep(100000);
    lines = read_lines(all, &n);
  }
  ck_assert_int_eq(n, 3);
  for (size_t i = 0; i < n; i++) {
    json_t *j = json_loads(lines[i], 0, NULL);
    ck_assert_msg(j != NULL, "line %zu not JSON", i);
    ck_assert_str_eq(json_string_value(json_object_get(j, "cat")), "sleep on sim-host");
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "routing"), "oid")), a.oid);
    json_decref(j);
  }
  free_lines(lines, n);
  free(all);

  /* Syslog over UDP: three datagrams. */
  for (int i = 0; i < 3; i++) {
    struct pollfd pf = {.fd = ufd, .events = POLLIN};
    ck_assert_int_eq(poll(&pf, 1, 10000), 1);
    char buf[65536];
    ssize_t r = recv(ufd, buf, sizeof(buf) - 1, 0);
    ck_assert_int_gt(r, 0);
    buf[r] = '\0';
    assert_syslog(buf, a.oid);
  }
  close(ufd);
  /* Syslog over TCP: octet-counted frames. */
  peer_stop(&tcp);
  ck_assert_int_eq(tcp.got, 3);
  for (int i = 0; i < tcp.got; i++) {
    char *sp = NULL;
    long len = strtol(tcp.msgs[i], &sp, 10);
    ck_assert_msg(sp && *sp == ' ' && len == (long)strlen(sp + 1), "frame %ld vs %zu: %.40s", len, strlen(sp + 1), tcp.msgs[i]);
    assert_syslog(sp + 1, a.oid);
  }
  peer_free(&tcp);
  /* The webhook: POSTs of JSON. */
  peer_stop(&http);
  ck_assert_int_eq(http.got, 3);
  for (int i = 0; i < http.got; i++) {
    const char *m = http.msgs[i];
    ck_assert_msg(strncmp(m, "POST /hook HTTP/1.1\r\n", 21) == 0, "request: %.60s", m);
    ck_assert_ptr_nonnull(strcasestr(m, "\r\nContent-Type: application/json\r\n"));
    json_t *j = json_loads(strstr(m, "\r\n\r\n") + 4, 0, NULL);
    ck_assert_ptr_nonnull(j);
    ck_assert_str_eq(json_string_value(json_object_get(j, "rule")), "sleepers");
    json_decref(j);
  }
  peer_free(&http);

  /* Filters; the named output got the matching events from the action. */
  for (int i = 0; i < 100 && stat_of(&ca, "named", "sent") < 3; i++) usleep(100000);
  ck_assert_int_eq(stat_of(&ca, "named", "sent"), 3);
  char *p = vg_xasprintf("%s/outputs/named.jsonl", d.data_dir);
  lines = read_lines(p, &n);
  ck_assert_int_eq(n, 3);
  json_t *j = json_loads(lines[0], 0, NULL);
  const char *fp = json_string_value(json_object_get(json_object_get(j, "event"), "FILE_PATH"));
  ck_assert_msg(fp && strstr(fp, "/sleep"), "named output event: %s", lines[0]);
  json_decref(j);
  free_lines(lines, n);
  free(p);
  for (int i = 0; i < 100 && stat_of(&ca, "bycat", "sent") < 3; i++) usleep(100000);
  ck_assert_int_eq(stat_of(&ca, "bycat", "sent"), 3);
  ck_assert_int_eq(stat_of(&ca, "high", "sent"), 0);
  ck_assert_int_eq(stat_of(&ca, "othercat", "sent"), 0);
  struct stat st;
  p = vg_xasprintf("%s/outputs/high.jsonl", d.data_dir);
  ck_assert_int_ne(stat(p, &st), 0);
  free(p);
  ck_assert_int_eq(stat_of(&ca, "sys-udp", "sent"), 3);
  ck_assert_int_eq(stat_of(&ca, "hook", "sent"), 3);

  /* Rotation: each line is larger than 300 bytes; keep 1. */
  for (int i = 0; i < 100 && stat_of(&ca, "small", "sent") < 3; i++) usleep(100000);
  p = vg_xasprintf("%s/outputs/small.jsonl", d.data_dir);
  lines = read_lines(p, &n);
  ck_assert_int_eq(n, 1);
  free_lines(lines, n);
  char *p1 = vg_xasprintf("%s.1", p), *p2 = vg_xasprintf("%s.2", p);
  lines = read_lines(p1, &n);
  ck_assert_int_eq(n, 1);
  free_lines(lines, n);
  ck_assert_int_ne(stat(p2, &st), 0);
  free(p);
  free(p1);
  free(p2);

  /* The dead webhook: retried with back-off, then counted as failed. */
  for (int i = 0; i < 200 && stat_of(&ca, "dead", "failed") < 3; i++) usleep(100000);
  ck_assert_int_eq(stat_of(&ca, "dead", "failed"), 3);
  ck_assert_int_ge(stat_of(&ca, "dead", "retries"), 3 * 4);
  ck_assert_int_eq(stat_of(&ca, "dead", "sent"), 0);
  json_t *l = result_of(&ca, "outputs.list", NULL);
  const char *le = json_string_value(json_object_get(json_object_get(find_output(l, "dead"), "stats"), "last_error"));
  ck_assert_msg(le && strstr(le, "connect"), "last_error: %s", le ? le : "(null)");
  json_decref(l);

  /* Organisation B: its output got nothing of A's; A's outputs are not B's. */
  p = vg_xasprintf("%s/outputs/b.jsonl", d.data_dir);
  ck_assert_int_ne(stat(p, &st), 0);
  free(p);
  ck_assert_int_eq(stat_of(&cb, "b", "sent"), 0);
  ck_assert_int_eq(stat_of(&cb, "all", "sent"), -1);
  EXPECT(&cb, "outputs.delete", json_pack("{s:s}", "name", "all"), "ENOTFOUND");

  /* Delete; the rest survives a restart. */
  EXPECT(&ca, "outputs.delete", json_pack("{s:s}", "name", "dead"), "ok");
  EXPECT(&ca, "outputs.delete", json_pack("{s:s}", "name", "dead"), "ENOTFOUND");
  client_close(&ca);
  client_close(&cb);
  client_close(&cv);
  ck_assert_int_eq(harness_vigild_restart(&d, NULL), 0);
  admin_open(&ca, &d);
  l = result_of(&ca, "outputs.list", NULL);
  ck_assert_int_eq(json_array_size(json_object_get(l, "outputs")), 9);
  ck_assert_ptr_null(find_output(l, "dead"));
  json_t *sm = find_output(l, "small");
  ck_assert_int_eq(json_integer_value(json_object_get(sm, "max_bytes")), 300);
  json_decref(l);
  /* The changes are audited. */
  l = result_of(&ca, "audit.list", NULL);
  char *dump = json_dumps(l, JSON_COMPACT);
  ck_assert_ptr_nonnull(strstr(dump, "outputs.set"));
  ck_assert_ptr_nonnull(strstr(dump, "outputs.delete"));
  free(dump);
  json_decref(l);
  client_close(&ca);

  sensor_sim_disconnect(&s);
  sensor_sim_cleanup(&s);
  harness_vigild_cleanup(&d, false);
}
END_TEST

/* The https stand-in's handler: keeps each POST body. */
struct hook_state {
  pthread_mutex_t lock;
  int n;
  char *bodies[PEER_MSGS];
  char path[64];
};

static void hook_handle(void *ctx, const struct http_stand_in_req *rq, struct http_stand_in_reply *out) {
  struct hook_state *h = ctx;
  pthread_mutex_lock(&h->lock);
  if (h->n < PEER_MSGS && strcmp(rq->method, "POST") == 0 &&
      strcasestr(rq->headers, "Content-Type: application/json\r\n")) {
    h->bodies[h->n++] = vg_xasprintf("%.*s", (int)rq->body_len, rq->body);
    snprintf(h->path, sizeof(h->path), "%.60s", rq->path);
  }
  pthread_mutex_unlock(&h->lock);
  out->status = 200;
  out->body = vg_xstrdup("{\"ok\":true}");
}

START_TEST(t_outputs_webhook_https) {
  char *dir = harness_mkdtemp("https");
  ck_assert_int_eq(http_stand_in_cert(dir), 0);
  char *crt = vg_xasprintf("%s/stand-in.crt", dir), *key = vg_xasprintf("%s/stand-in.key", dir);
  struct hook_state hs = {.lock = PTHREAD_MUTEX_INITIALIZER};
  struct http_stand_in srv;
  ck_assert_int_eq(http_stand_in_start(&srv, crt, key, hook_handle, &hs), 0);

  struct harness_vigild d;
  ck_assert_int_eq(harness_vigild_start(&d, NULL), 0);
  struct sensor_sim s;
  struct vg_err e;
  ck_assert_msg(sensor_sim_up(&s, &d, "a-host", &e) == 0, "sensor: %s", e.msg);
  struct client ca;
  admin_open(&ca, &d);

  char url[128], plain[128];
  snprintf(url, sizeof(url), "https://127.0.0.1:%d/tls-hook", srv.port);
  snprintf(plain, sizeof(plain), "http://127.0.0.1:%d/tls-hook", srv.port);
  /* ca_file: only for https, an absolute path to a file. */
  EXPECT(&ca, "outputs.set", json_pack("{s:s, s:s, s:s, s:s}", "name", "x", "type", "webhook", "url", plain, "ca_file", crt), "EINVAL");
  EXPECT(&ca, "outputs.set", json_pack("{s:s, s:s, s:s, s:s}", "name", "x", "type", "webhook", "url", url, "ca_file", "stand-in.crt"), "EINVAL");
  EXPECT(&ca, "outputs.set", json_pack("{s:s, s:s, s:s, s:s}", "name", "x", "type", "webhook", "url", url, "ca_file", dir), "EINVAL");
  EXPECT(&ca, "outputs.set", json_pack("{s:s, s:s, s:s, s:s}", "name", "tls", "type", "webhook", "url", url, "ca_file", crt), "ok");
  EXPECT(&ca, "outputs.set", json_pack("{s:s, s:s, s:s}", "name", "untrusted", "type", "webhook", "url", url), "ok");

  json_decref(result_of(&ca, "rules.set", json_pack("{s:s, s:s}", "name", "sleepers", "yaml", rule_yaml)));
  ck_assert_int_eq(sensor_sim_send_batch(&s, 1, 2, NULL), 0);

  for (int i = 0; i < 100 && stat_of(&ca, "tls", "sent") < 2; i++) usleep(100000);
  ck_assert_int_eq(stat_of(&ca, "tls", "sent"), 2);
  pthread_mutex_lock(&hs.lock);
  ck_assert_int_eq(hs.n, 2);
  ck_assert_str_eq(hs.path, "/tls-hook");
  for (int i = 0; i < hs.n; i++) {
    json_t *j = json_loads(hs.bodies[i], 0, NULL);
    ck_assert_msg(j != NULL, "body not JSON: %.80s", hs.bodies[i]);
    ck_assert_str_eq(json_string_value(json_object_get(j, "rule")), "sleepers");
    json_decref(j);
  }
  pthread_mutex_unlock(&hs.lock);
  /* Without ca_file the self-signed certificate is refused: failed after
   * the retries, no request reached the server beyond the trusted two. */
  for (int i = 0; i < 200 && stat_of(&ca, "untrusted", "failed") < 2; i++) usleep(100000);
  ck_assert_int_eq(stat_of(&ca, "untrusted", "failed"), 2);
  ck_assert_int_eq(stat_of(&ca, "untrusted", "sent"), 0);
  json_t *l = result_of(&ca, "outputs.list", NULL);
  const char *le = json_string_value(json_object_get(json_object_get(find_output(l, "untrusted"), "stats"), "last_error"));
  ck_assert_msg(le && (strcasestr(le, "certificate") || strcasestr(le, "SSL")), "last_error: %s", le ? le : "(null)");
  json_decref(l);
  ck_assert_int_eq(http_stand_in_requests(&srv), 2);

  client_close(&ca);
  sensor_sim_disconnect(&s);
  sensor_sim_cleanup(&s);
  harness_vigild_cleanup(&d, false);
  http_stand_in_stop(&srv);
  for (int i = 0; i < hs.n; i++) free(hs.bodies[i]);
  harness_rm_rf(dir);
  free(dir);
  free(crt);
  free(key);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("outputs");
  TCase *tc = tcase_create("e2e");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, t_outputs_end_to_end);
  tcase_add_test(tc, t_outputs_webhook_https);
  suite_add_tcase(s, tc);
  return s;
}

VG_CHECK_MAIN(suite)
