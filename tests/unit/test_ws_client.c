/* test_ws_client.c — the WebSocket client against the lws test server: TLS
 * and mutual TLS (including a foreign-CA client certificate), large and
 * oversized messages, reconnect with back-off, queues, timeouts, shutdown. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "backend/ca.h"
#include "shared/alloc.h"
#include "shared/pki.h"
#include "shared/ws_client.h"
#include "tests/harness/harness.h"
#include "tests/harness/ws_test_server.h"

/* Two CAs: "good" (pinned by clients, trusted by the server) and "other". */
struct pki_set {
  char *dir, *ca, *srv_cert, *srv_key, *cli_cert, *cli_key;
};
static char *tmp;
static struct pki_set good, other;

static void make_pki(struct pki_set *p, const char *dir) {
  p->dir = vg_xstrdup(dir);
  mkdir(dir, 0700);
  struct ca *ca = ca_open(dir, NULL);
  ck_assert_ptr_nonnull(ca);
  ck_assert_int_eq(ca_ensure_server_cert(ca, dir, NULL, 0, NULL), 0);
  p->ca = vg_xstrdup(ca_cert_path(ca));
  p->srv_cert = vg_xasprintf("%s/server.pem", dir);
  p->srv_key = vg_xasprintf("%s/server.key", dir);
  char *key = NULL, *csr = NULL, *cert = NULL;
  ck_assert_int_eq(vg_pki_key_new(&key, NULL), 0);
  ck_assert_int_eq(vg_pki_csr_new(key, "sensor", &csr, NULL), 0);
  struct vg_cert_ids ids = {.sid = "0123456789abcdef0123456789abcdef",
                            .oid = "fedcba9876543210fedcba9876543210"};
  ck_assert_int_eq(ca_sign_sensor(ca, csr, &ids, 30, &cert, NULL), 0);
  p->cli_cert = vg_xasprintf("%s/client.pem", dir);
  p->cli_key = vg_xasprintf("%s/client.key", dir);
  ck_assert_int_eq(vg_pki_write_secret(p->cli_cert, cert, NULL), 0);
  ck_assert_int_eq(vg_pki_write_secret(p->cli_key, key, NULL), 0);
  free(key);
  free(csr);
  free(cert);
  ca_free(ca);
}

static void free_pki(struct pki_set *p) {
  free(p->dir), free(p->ca), free(p->srv_cert), free(p->srv_key), free(p->cli_cert), free(p->cli_key);
  memset(p, 0, sizeof(*p));
}

static void setup(void) {
  tmp = harness_mkdtemp("vigil-ws");
  char *d1 = vg_xasprintf("%s/good", tmp), *d2 = vg_xasprintf("%s/other", tmp);
  make_pki(&good, d1);
  make_pki(&other, d2);
  free(d1);
  free(d2);
}

static void teardown(void) {
  free_pki(&good);
  free_pki(&other);
  harness_rm_rf(tmp);
  free(tmp);
}

static struct ws_test_server *server(const struct pki_set *p, const char *client_ca, int port,
                                     size_t max) {
  struct ws_test_server_opts so = {.cert_file = p->srv_cert, .key_file = p->srv_key,
                                   .ca_file = client_ca, .port = port, .max_msg_bytes = max};
  struct ws_test_server *s = ws_test_server_start(&so);
  ck_assert_ptr_nonnull(s);
  return s;
}

/* Client options for port: pins the good CA, verifies "localhost" while
 * connecting to 127.0.0.1. */
static struct vg_ws_opts opts(int port) {
  struct vg_ws_opts o = {.host = "127.0.0.1", .server_name = "localhost", .port = port,
                         .path = "/", .subprotocol = "vigil-test", .ca_file = good.ca};
  return o;
}

static struct vg_ws_client *client(const struct vg_ws_opts *o) {
  struct vg_err e;
  struct vg_ws_client *c = vg_ws_client_create(o, &e);
  if (!c) fprintf(stderr, "create: %s\n", e.msg);
  ck_assert_ptr_nonnull(c);
  return c;
}

static void expect_echo(struct vg_ws_client *c, const char *text) {
  ck_assert_int_eq(vg_ws_client_send(c, text, strlen(text)), 0);
  char *m = NULL;
  size_t n = 0;
  ck_assert_int_eq(vg_ws_client_recv(c, 5000, &m, &n), 0);
  ck_assert_uint_eq(n, strlen(text));
  ck_assert_str_eq(m, text);
  free(m);
}

static long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

START_TEST(t_echo_and_server_close) {
  struct ws_test_server *s = server(&good, NULL, 0, 0);
  struct vg_ws_opts o = opts(ws_test_server_port(s));
  struct vg_ws_client *c = client(&o);
  ck_assert_int_eq(vg_ws_client_wait_open(c, 5000), 0);
  ck_assert(vg_ws_client_is_open(c));
  expect_echo(c, "hello");
  expect_echo(c, "");
  /* The server closes with a code and reason: recv reports offline (no
   * reconnect) and close_reason says why. */
  ck_assert_int_eq(vg_ws_client_send(c, "close:4001:go away", 18), 0);
  char *m = NULL;
  ck_assert_int_eq(vg_ws_client_recv(c, 5000, &m, NULL), -VG_EOFFLINE);
  char why[256];
  ck_assert_int_eq(vg_ws_client_close_reason(c, why, sizeof(why)), 4001);
  ck_assert_str_eq(why, "go away");
  ck_assert(!vg_ws_client_is_open(c));
  ck_assert_int_eq(vg_ws_client_send(c, "x", 1), -VG_EOFFLINE);
  vg_ws_client_free(c);
  ws_test_server_stop(s);
}
END_TEST

static char *pattern(size_t n) {
  char *p = vg_xmalloc(n + 1);
  for (size_t i = 0; i < n; i++) p[i] = (char)('a' + (i * 7 + i / 65536) % 26);
  p[n] = '\0';
  return p;
}

START_TEST(t_big_messages) {
  struct ws_test_server *s = server(&good, NULL, 0, 0);
  struct vg_ws_opts o = opts(ws_test_server_port(s));
  struct vg_ws_client *c = client(&o);
  ck_assert_int_eq(vg_ws_client_wait_open(c, 5000), 0);
  /* Every length encoding and mask phase of the client's own framing
   * (7-bit, 16-bit, 64-bit lengths; tails of 1..7 bytes after the 8-byte
   * masking; a last fragment of one byte), then 4 MiB both ways (echo),
   * then the maximum, 8 MiB, echoed. */
  size_t sizes[] = {1, 7, 125, 126, 127, 65535, 65536, 65537, 2 * 65536 + 3, 4u << 20,
                    VG_LIMIT_MSG_BYTES};
  for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
    char *big = pattern(sizes[k]);
    ck_assert_int_eq(vg_ws_client_send(c, big, sizes[k]), 0);
    char *m = NULL;
    size_t n = 0;
    ck_assert_int_eq(vg_ws_client_recv(c, 8000, &m, &n), 0);
    ck_assert_uint_eq(n, sizes[k]);
    ck_assert(memcmp(m, big, n) == 0);
    free(m);
    free(big);
  }
  /* A 4 MiB message the server makes (arrives in many fragments). */
  ck_assert_int_eq(vg_ws_client_send(c, "big:4194304", 11), 0);
  char *m = NULL;
  size_t n = 0;
  ck_assert_int_eq(vg_ws_client_recv(c, 8000, &m, &n), 0);
  ck_assert_uint_eq(n, 4194304);
  ck_assert_int_eq(m[0], 'x');
  ck_assert_int_eq(m[n - 1], 'x');
  ck_assert_int_eq(m[n], '\0');
  free(m);
  vg_ws_client_free(c);
  ws_test_server_stop(s);
}
END_TEST

START_TEST(t_over_limit) {
  struct ws_test_server *s = server(&good, NULL, 0, 64 << 10);
  struct vg_ws_opts o = opts(ws_test_server_port(s));
  o.max_msg_bytes = 1 << 20;
  struct vg_ws_client *c = client(&o);
  ck_assert_int_eq(vg_ws_client_wait_open(c, 5000), 0);
  /* Sender side: refused before queueing. */
  char *big = pattern((1 << 20) + 1);
  ck_assert_int_eq(vg_ws_client_send(c, big, (1 << 20) + 1), -VG_ELIMIT);
  /* Receiver side: the server sends 1 MiB + 1; the client closes with 1009
   * and recv reports ELIMIT, then offline. */
  ck_assert_int_eq(vg_ws_client_send(c, "big:1048577", 11), 0);
  char *m = NULL;
  ck_assert_int_eq(vg_ws_client_recv(c, 5000, &m, NULL), -VG_ELIMIT);
  ck_assert_int_eq(vg_ws_client_recv(c, 5000, &m, NULL), -VG_EOFFLINE);
  char why[256];
  ck_assert_int_eq(vg_ws_client_close_reason(c, why, sizeof(why)), 1009);
  ck_assert_ptr_nonnull(strstr(why, "exceeds"));
  long t0 = now_ms();
  while (ws_test_server_last_close(s, NULL, 0) != 1009 && now_ms() - t0 < 3000) usleep(10000);
  ck_assert_int_eq(ws_test_server_last_close(s, NULL, 0), 1009); /* the server saw our 1009 */
  vg_ws_client_free(c);

  /* The server's own limit (64 KiB): it closes with 1009 and we see it. */
  c = client(&o);
  ck_assert_int_eq(vg_ws_client_wait_open(c, 5000), 0);
  ck_assert_int_eq(vg_ws_client_send(c, big, 100 << 10), 0);
  ck_assert_int_eq(vg_ws_client_recv(c, 5000, &m, NULL), -VG_EOFFLINE);
  ck_assert_int_eq(vg_ws_client_close_reason(c, why, sizeof(why)), 1009);
  vg_ws_client_free(c);
  free(big);
  ws_test_server_stop(s);
}
END_TEST

START_TEST(t_mtls_valid_client_cert) {
  struct ws_test_server *s = server(&good, good.ca, 0, 0);
  struct vg_ws_opts o = opts(ws_test_server_port(s));
  o.cert_file = good.cli_cert;
  o.key_file = good.cli_key;
  struct vg_ws_client *c = client(&o);
  ck_assert_int_eq(vg_ws_client_wait_open(c, 5000), 0);
  expect_echo(c, "mutual");
  ck_assert_int_eq(ws_test_server_established(s), 1);
  vg_ws_client_free(c);
  ws_test_server_stop(s);
}
END_TEST

/* Fails if the server's LWS_CALLBACK_OPENSSL_PERFORM_CLIENT_CERT_VERIFICATION
 * returns 0 regardless of OpenSSL's verdict (lws 4.1 then accepts it). */
START_TEST(t_mtls_foreign_client_cert_refused) {
  struct ws_test_server *s = server(&good, good.ca, 0, 0);
  struct vg_ws_opts o = opts(ws_test_server_port(s));
  o.cert_file = other.cli_cert;
  o.key_file = other.cli_key;
  struct vg_ws_client *c = client(&o);
  ck_assert_int_eq(vg_ws_client_wait_open(c, 5000), -VG_EOFFLINE);
  char why[256];
  ck_assert_int_eq(vg_ws_client_close_reason(c, why, sizeof(why)), 0);
  fprintf(stderr, "foreign client cert refused: \"%s\"\n", why);
  ck_assert_str_ne(why, "");
  ck_assert_int_eq(ws_test_server_established(s), 0);
  vg_ws_client_free(c);

  /* No certificate at all: refused too. */
  o.cert_file = o.key_file = NULL;
  c = client(&o);
  ck_assert_int_eq(vg_ws_client_wait_open(c, 5000), -VG_EOFFLINE);
  ck_assert_int_eq(ws_test_server_established(s), 0);
  vg_ws_client_free(c);
  ws_test_server_stop(s);
}
END_TEST

START_TEST(t_untrusted_server_refused) {
  /* The server's certificate is from the other CA: not the pinned one. */
  struct ws_test_server *s = server(&other, NULL, 0, 0);
  struct vg_ws_opts o = opts(ws_test_server_port(s));
  struct vg_ws_client *c = client(&o);
  ck_assert_int_eq(vg_ws_client_wait_open(c, 5000), -VG_EOFFLINE);
  char why[256];
  vg_ws_client_close_reason(c, why, sizeof(why));
  fprintf(stderr, "untrusted server refused: \"%s\"\n", why);
  ck_assert_str_ne(why, "");
  ck_assert_int_eq(ws_test_server_established(s), 0);
  vg_ws_client_free(c);
  ws_test_server_stop(s);

  /* Right CA, wrong name. */
  s = server(&good, NULL, 0, 0);
  o = opts(ws_test_server_port(s));
  o.server_name = "not-this-host.example";
  c = client(&o);
  ck_assert_int_eq(vg_ws_client_wait_open(c, 5000), -VG_EOFFLINE);
  ck_assert_int_eq(ws_test_server_established(s), 0);
  vg_ws_client_free(c);
  ws_test_server_stop(s);
}
END_TEST

/* A plain TCP listener that accepts and closes at once, noting when. */
struct raw_listener {
  int fd;
  atomic_bool stop;
  long at[64];
  atomic_int n;
  pthread_t t;
};

static int listen_on(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                          .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
  ck_assert_int_eq(listen(fd, 16), 0);
  return fd;
}

static void *raw_accept_loop(void *arg) {
  struct raw_listener *l = arg;
  while (!atomic_load(&l->stop)) {
    struct timeval tv = {0, 20000};
    fd_set rf;
    FD_ZERO(&rf);
    FD_SET(l->fd, &rf);
    if (select(l->fd + 1, &rf, NULL, NULL, &tv) <= 0) continue;
    int a = accept(l->fd, NULL, NULL);
    if (a < 0) continue;
    int i = atomic_load(&l->n);
    if (i < 64) l->at[i] = now_ms(), atomic_store(&l->n, i + 1);
    close(a);
  }
  return NULL;
}

START_TEST(t_reconnect_with_backoff) {
  struct ws_test_server *s = server(&good, NULL, 0, 0);
  int port = ws_test_server_port(s);
  struct vg_ws_opts o = opts(port);
  o.reconnect = true;
  o.backoff_min_ms = 50;
  o.backoff_max_ms = 800;
  struct vg_ws_client *c = client(&o);
  ck_assert_int_eq(vg_ws_client_wait_open(c, 5000), 0);
  expect_echo(c, "before");
  ws_test_server_stop(s);

  /* While the server is down, attempts hit a listener that hangs up. */
  struct raw_listener l = {.fd = listen_on(port)};
  atomic_init(&l.stop, false);
  atomic_init(&l.n, 0);
  pthread_create(&l.t, NULL, raw_accept_loop, &l);
  long t0 = now_ms();
  while (vg_ws_client_is_open(c) && now_ms() - t0 < 2000) usleep(5000);
  ck_assert(!vg_ws_client_is_open(c));
  char *m = NULL;
  ck_assert_int_eq(vg_ws_client_recv(c, 0, &m, NULL), -VG_ETIMEOUT); /* not EOFFLINE */
  ck_assert_int_eq(vg_ws_client_send(c, "queued while offline", 20), 0);
  usleep(1700 * 1000);
  atomic_store(&l.stop, true);
  pthread_join(l.t, NULL);
  close(l.fd);
  int n = atomic_load(&l.n);
  ck_assert_int_ge(n, 3);
  long first = l.at[1] - l.at[0], lastgap = l.at[n - 1] - l.at[n - 2];
  fprintf(stderr, "reconnect attempts %d, gaps:", n);
  for (int i = 1; i < n; i++) fprintf(stderr, " %ld", l.at[i] - l.at[i - 1]);
  fprintf(stderr, " ms\n");
  ck_assert_int_ge(lastgap, first * 3 / 2); /* back-off grew */
  ck_assert_int_le(lastgap, 800 * 12 / 10 + 200); /* and is capped */
  char why[256];
  vg_ws_client_close_reason(c, why, sizeof(why));
  ck_assert_str_ne(why, "");

  /* Server back on the same port: the client reconnects by itself, the
   * message queued while offline goes out, and traffic flows again. */
  s = server(&good, NULL, port, 0);
  ck_assert_int_eq(vg_ws_client_wait_open(c, 5000), 0);
  ck_assert_int_eq(vg_ws_client_recv(c, 5000, &m, NULL), 0);
  ck_assert_str_eq(m, "queued while offline");
  free(m);
  expect_echo(c, "after");
  vg_ws_client_free(c);
  ws_test_server_stop(s);
}
END_TEST

START_TEST(t_send_queue_full) {
  int port = harness_free_port(); /* nothing listens: never opens */
  struct vg_ws_opts o = opts(port);
  o.reconnect = true;
  o.send_queue_msgs = 4;
  struct vg_ws_client *c = client(&o);
  for (int i = 0; i < 4; i++) ck_assert_int_eq(vg_ws_client_send(c, "m", 1), 0);
  ck_assert_int_eq(vg_ws_client_send(c, "m", 1), -VG_EBUSY);
  ck_assert_int_eq(vg_ws_client_wait_open(c, 100), -VG_ETIMEOUT);
  vg_ws_client_free(c);
  /* Without reconnect an unopened client refuses to queue. */
  o.reconnect = false;
  c = client(&o);
  ck_assert_int_eq(vg_ws_client_send(c, "m", 1), -VG_EOFFLINE);
  ck_assert_int_eq(vg_ws_client_wait_open(c, 5000), -VG_EOFFLINE);
  char why[256];
  vg_ws_client_close_reason(c, why, sizeof(why));
  ck_assert_str_ne(why, "");
  vg_ws_client_free(c);
}
END_TEST

START_TEST(t_recv_timeout_and_backpressure) {
  struct ws_test_server *s = server(&good, NULL, 0, 0);
  struct vg_ws_opts o = opts(ws_test_server_port(s));
  o.recv_queue_msgs = 2;
  struct vg_ws_client *c = client(&o);
  ck_assert_int_eq(vg_ws_client_wait_open(c, 5000), 0);
  char *m = NULL;
  ck_assert_int_eq(vg_ws_client_recv(c, 0, &m, NULL), -VG_ETIMEOUT);
  long t0 = now_ms();
  ck_assert_int_eq(vg_ws_client_recv(c, 200, &m, NULL), -VG_ETIMEOUT);
  long dt = now_ms() - t0;
  ck_assert_int_ge(dt, 190);
  ck_assert_int_lt(dt, 1500);
  /* 20 replies into a 2-message receive queue: reading pauses, nothing is
   * dropped, order holds. */
  char buf[32];
  for (int i = 0; i < 20; i++) {
    snprintf(buf, sizeof(buf), "msg-%d", i);
    ck_assert_int_eq(vg_ws_client_send(c, buf, strlen(buf)), 0);
  }
  usleep(300 * 1000);
  for (int i = 0; i < 20; i++) {
    snprintf(buf, sizeof(buf), "msg-%d", i);
    ck_assert_int_eq(vg_ws_client_recv(c, 5000, &m, NULL), 0);
    ck_assert_str_eq(m, buf);
    free(m);
  }
  vg_ws_client_free(c);
  ws_test_server_stop(s);
}
END_TEST

struct cb_state {
  atomic_int opens, msgs, closes;
  char last[64];
};

static void cb_open(struct vg_ws_client *c, void *u) {
  struct cb_state *st = u;
  atomic_fetch_add(&st->opens, 1);
  vg_ws_client_send(c, "from on_open", 12); /* allowed on the service thread */
}
static void cb_msg(struct vg_ws_client *c, const char *msg, size_t len, void *u) {
  (void)c;
  struct cb_state *st = u;
  snprintf(st->last, sizeof(st->last), "%.*s", (int)len, msg);
  atomic_fetch_add(&st->msgs, 1);
}
static void cb_close(struct vg_ws_client *c, int code, const char *reason, void *u) {
  (void)c, (void)code, (void)reason;
  atomic_fetch_add(&((struct cb_state *)u)->closes, 1);
}

START_TEST(t_callbacks) {
  struct ws_test_server *s = server(&good, NULL, 0, 0);
  struct vg_ws_opts o = opts(ws_test_server_port(s));
  struct cb_state st = {0};
  o.cb = (struct vg_ws_callbacks){cb_open, cb_msg, cb_close};
  o.user = &st;
  struct vg_ws_client *c = client(&o);
  long t0 = now_ms();
  while (atomic_load(&st.msgs) == 0 && now_ms() - t0 < 5000) usleep(5000);
  ck_assert_int_eq(atomic_load(&st.opens), 1);
  ck_assert_str_eq(st.last, "from on_open");
  char *m;
  ck_assert_int_eq(vg_ws_client_recv(c, 0, &m, NULL), -VG_EINVAL);
  ck_assert_int_eq(vg_ws_client_send(c, "close:1000:done", 15), 0);
  t0 = now_ms();
  while (atomic_load(&st.closes) == 0 && now_ms() - t0 < 5000) usleep(5000);
  ck_assert_int_eq(atomic_load(&st.closes), 1);
  vg_ws_client_free(c);
  ws_test_server_stop(s);
}
END_TEST

START_TEST(t_free_while_connecting) {
  /* A listener that never accepts: TCP connects, TLS never answers. */
  int port = harness_free_port();
  int fd = listen_on(port);
  struct vg_ws_opts o = opts(port);
  struct vg_ws_client *c = client(&o);
  usleep(100 * 1000);
  ck_assert(!vg_ws_client_is_open(c));
  long t0 = now_ms();
  vg_ws_client_free(c);
  ck_assert_int_lt(now_ms() - t0, 1000);
  /* And while waiting out a back-off. */
  o = opts(harness_free_port());
  o.reconnect = true;
  o.backoff_min_ms = 5000;
  c = client(&o);
  usleep(100 * 1000);
  t0 = now_ms();
  vg_ws_client_free(c);
  ck_assert_int_lt(now_ms() - t0, 1000);
  close(fd);
  vg_ws_client_free(NULL);
}
END_TEST

START_TEST(t_bad_options) {
  struct vg_err e;
  struct vg_ws_opts o = opts(443);
  o.ca_file = NULL;
  ck_assert_ptr_null(vg_ws_client_create(&o, &e));
  ck_assert_int_eq(e.code, VG_EINVAL);
  o = opts(443);
  o.cert_file = good.cli_cert; /* key missing */
  ck_assert_ptr_null(vg_ws_client_create(&o, &e));
  ck_assert_int_eq(e.code, VG_EINVAL);
  o = opts(443);
  o.ca_file = "/nonexistent/ca.pem";
  ck_assert_ptr_null(vg_ws_client_create(&o, &e));
  ck_assert_int_eq(e.code, VG_EIO);
  o = opts(443);
  o.ca_file = good.cli_key; /* readable, but not a certificate */
  ck_assert_ptr_null(vg_ws_client_create(&o, &e));
  ck_assert_int_eq(e.code, VG_ETLS);
  o = opts(443);
  o.cert_file = good.cli_cert;
  o.key_file = other.cli_key; /* does not match the certificate */
  ck_assert_ptr_null(vg_ws_client_create(&o, &e));
  ck_assert_int_eq(e.code, VG_ETLS);
  o = opts(0);
  ck_assert_ptr_null(vg_ws_client_create(&o, &e));
  o = opts(443);
  o.max_msg_bytes = VG_LIMIT_MSG_BYTES + 1;
  ck_assert_ptr_null(vg_ws_client_create(&o, &e));
}
END_TEST

static Suite *ws_client_suite(void) {
  Suite *s = suite_create("ws_client");
  TCase *tc = tcase_create("ws_client");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 20);
  tcase_add_test(tc, t_echo_and_server_close);
  tcase_add_test(tc, t_big_messages);
  tcase_add_test(tc, t_over_limit);
  tcase_add_test(tc, t_mtls_valid_client_cert);
  tcase_add_test(tc, t_mtls_foreign_client_cert_refused);
  tcase_add_test(tc, t_untrusted_server_refused);
  tcase_add_test(tc, t_reconnect_with_backoff);
  tcase_add_test(tc, t_send_queue_full);
  tcase_add_test(tc, t_recv_timeout_and_backpressure);
  tcase_add_test(tc, t_callbacks);
  tcase_add_test(tc, t_free_while_connecting);
  tcase_add_test(tc, t_bad_options);
  suite_add_tcase(s, tc);
  return s;
}
VG_CHECK_MAIN(ws_client_suite)
