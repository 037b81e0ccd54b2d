/* test_sensor_telemetry.c — issue 4's acceptance through the REAL vigil-sensor
 * (all collectors, temporary --state-dir) connected to the REAL vigild; every
 * assertion reads what vigild stored (insight.timeline) or the task replies
 * it relayed (task.send):
 *   dns      a child's query to a tiny resolver on 127.0.0.x:53 → DNS_REQUEST
 *            with the name, the answer, the child's pid and atom;
 *   tcp      a child holding a connection to a local listener →
 *            NEW_TCP4_CONNECTION with its pid, atom and both ports;
 *   document a .sh written → NEW_DOCUMENT with path and sha256; deleted, then
 *            doc_cache_get (-f and -s) returns its exact bytes;
 *   file_get a 1.3 MiB random file fetched in 128 KiB chunks, two requests
 *            (-o), reassembled byte for byte;
 *   kill     os_kill_process -p and -a kill (SIGKILL seen by waitpid); pid 1
 *            is refused;
 *   netns    the sensor inside a network namespace (veth to vigild in the
 *            root namespace): segregate_network blocks a second server on the
 *            same address but keeps the backend link (a task round trip, and
 *            a reconnection after a sensor restart), rejoin_network restores
 *            reachability and the exact nftables ruleset.
 * The outage and process-tree parts of the issue are in test_sensor.c.
 * Actors are this binary re-executed (`--child MODE ...`), so each has its
 * own NEW_PROCESS and atom. Root only (exit 77, skipped, otherwise). */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "shared/alloc.h"
#include "shared/atom.h"
#include "shared/pki.h"
#include "tests/harness/api_sim.h"
#include "tests/harness/sensor_sim.h"

#define WAIT_MS 20000           /* an event stored, a sensor online */
#define PROBE_MS 1500           /* a connect attempt from the namespace */
#define DOC_BYTES 5000          /* the script written (one doc_cache_get chunk) */
#define FILE_BYTES ((1u << 20) + 300000u) /* > file_get's default 1 MiB: two requests */
#define SKIP_CODE 77            /* ctest SKIP_RETURN_CODE */

static char self_exe[PATH_MAX];

/* ---- small helpers */

static void msleep(int ms) {
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *ev_type(const json_t *ev) {
  return json_string_value(json_object_get(json_object_get(ev, "routing"), "event_type"));
}
static const char *rt_s(const json_t *ev, const char *k) {
  return json_string_value(json_object_get(json_object_get(ev, "routing"), k));
}
static json_t *body(const json_t *ev) { return json_object_get(ev, "event"); }
static const char *body_s(const json_t *ev, const char *k) {
  return json_string_value(json_object_get(body(ev), k));
}
static json_int_t body_i(const json_t *ev, const char *k) {
  return json_integer_value(json_object_get(body(ev), k));
}
static json_int_t sub_i(const json_t *ev, const char *obj, const char *k) {
  return json_integer_value(json_object_get(json_object_get(body(ev), obj), k));
}
static const char *sub_s(const json_t *ev, const char *obj, const char *k) {
  return json_string_value(json_object_get(json_object_get(body(ev), obj), k));
}

/* Decoded base64 (heap) and its length; NULL if not base64. */
static unsigned char *unb64(const char *s, size_t *n) {
  size_t len = s ? strlen(s) : 0;
  if (len % 4) return NULL;
  unsigned char *out = vg_xmalloc(len / 4 * 3 + 1);
  int r = EVP_DecodeBlock(out, (const unsigned char *)s, (int)len);
  if (r < 0) {
    free(out);
    return NULL;
  }
  size_t pad = len && s[len - 1] == '=' ? (len > 1 && s[len - 2] == '=' ? 2 : 1) : 0;
  *n = (size_t)r - pad;
  return out;
}

static int run_quiet(char *const argv[], char **out) {
  char *o = NULL;
  int rc = harness_run(argv, &o);
  if (out) *out = o;
  else free(o);
  return rc;
}

/* ---- the real sensor */

struct sensor_proc {
  char *dir, *state, *log;
  char sid[64];
  pid_t pid;
};

static void sensor_enroll(struct sensor_proc *s, const struct harness_vigild *d,
                          const char *backend_host) {
  memset(s, 0, sizeof(*s));
  s->dir = harness_mkdtemp("telemetry-sensor");
  s->state = vg_xasprintf("%s/state", s->dir);
  s->log = vg_xasprintf("%s/sensor.log", s->dir);
  char *bin = harness_binary_path("sensor/vigil-sensor");
  char *key = sensor_sim_install_key(d), *ca = harness_vigild_ca_path(d);
  char *backend = vg_xasprintf("%s:%d", backend_host, d->sensor_port);
  char *argv[] = {bin, "--enroll", key, "--backend", backend, "--ca", ca, "--state-dir", s->state,
                  NULL};
  char *out = NULL;
  int rc = run_quiet(argv, &out);
  ck_assert_msg(rc == 0, "enroll against %s: %s", backend, out);
  free(out);
  free(bin);
  free(key);
  free(ca);
  free(backend);
  char *p = vg_xasprintf("%s/identity.json", s->state);
  json_t *id = json_load_file(p, 0, NULL);
  ck_assert_msg(id != NULL, "no %s", p);
  snprintf(s->sid, sizeof(s->sid), "%s", json_string_value(json_object_get(id, "sid")));
  json_decref(id);
  free(p);
}

/* Start it with collectors; inside network namespace netns (a name under
 * /run/netns) when netns is not NULL. */
static void sensor_start(struct sensor_proc *s, const char *collectors, const char *netns) {
  char *bin = harness_binary_path("sensor/vigil-sensor");
  char *nspath = netns ? vg_xasprintf("/run/netns/%s", netns) : NULL;
  pid_t pid = harness_fork();
  if (pid == 0) {
    if (nspath) {
      int fd = open(nspath, O_RDONLY | O_CLOEXEC);
      if (fd < 0 || setns(fd, CLONE_NEWNET) != 0) _exit(126);
    }
    char *argv[] = {bin, "--state-dir", s->state, "--log-file", s->log, "--log-level", "debug",
                    "--collectors", (char *)collectors, NULL};
    execv(bin, argv);
    _exit(127);
  }
  free(nspath);
  free(bin);
  s->pid = pid;
}

static void sensor_log_tail(const struct sensor_proc *s) {
  size_t n = 0;
  char *l = harness_read_file(s->log, &n);
  const size_t keep = 6000;
  fprintf(stderr, "---- sensor log %s (last %zu bytes) ----\n%s\n---- end ----\n", s->log, keep,
          l ? (n > keep ? l + n - keep : l) : "(none)");
  free(l);
}

/* SIGTERM and wait; its state dir and log stay for a restart. */
static void sensor_stop_only(struct sensor_proc *s) {
  if (!s->pid) return;
  kill(s->pid, SIGTERM);
  waitpid(s->pid, NULL, 0);
  s->pid = 0;
}

static void sensor_cleanup(struct sensor_proc *s) {
  if (s->pid) {
    kill(s->pid, SIGTERM);
    waitpid(s->pid, NULL, 0);
    s->pid = 0;
  }
  if (getenv("VIGIL_KEEP_LOGS")) sensor_log_tail(s);
  else if (s->dir) harness_rm_rf(s->dir);
  free(s->dir);
  free(s->state);
  free(s->log);
  memset(s, 0, sizeof(*s));
}

/* ---- vigild's API */

static bool is_online(struct client *c, const char *sid) {
  json_t *r = result_of(c, "sensors.get", json_pack("{s:s}", "sid", sid));
  bool on = json_is_true(json_object_get(r, "online"));
  json_decref(r);
  return on;
}

static void wait_online(struct client *c, const struct sensor_proc *s, int ms) {
  for (int64_t t0 = mono_ms(); mono_ms() - t0 < ms; msleep(100))
    if (is_online(c, s->sid)) return;
  sensor_log_tail(s);
  ck_abort_msg("sensor %s never came online", s->sid);
}

typedef bool (*match_fn)(const json_t *ev, const void *arg);

/* The first stored event of type (event time ≥ from) that match accepts,
 * read back through insight.timeline, polled until WAIT_MS; new reference
 * or NULL. */
static json_t *stored(struct client *c, const char *sid, int64_t from, const char *type,
                      match_fn match, const void *arg) {
  for (int64_t t0 = mono_ms(); mono_ms() - t0 < WAIT_MS; msleep(200)) {
    json_t *cursor = NULL;
    do {
      json_t *p = json_pack("{s:s, s:I, s:s, s:i, s:[s]}", "sid", sid, "from", (json_int_t)from,
                            "direction", "forward", "limit", 1000, "types", type);
      if (cursor) json_object_set_new(p, "cursor", cursor);
      json_t *r = result_of(c, "insight.timeline", p);
      size_t i;
      json_t *ev;
      json_array_foreach(json_object_get(r, "events"), i, ev) {
        if (strcmp(ev_type(ev), type) == 0 && match(ev, arg)) {
          json_incref(ev);
          json_decref(r);
          return ev;
        }
      }
      json_t *next = json_object_get(r, "next");
      cursor = json_is_string(next) ? json_incref(next) : NULL;
      json_decref(r);
    } while (cursor);
  }
  return NULL;
}

static bool match_any(const json_t *ev, const void *arg) {
  (void)ev;
  (void)arg;
  return true;
}

static bool match_pid(const json_t *ev, const void *arg) {
  return body_i(ev, "PROCESS_ID") == *(const pid_t *)arg;
}

/* The NEW_PROCESS of pid (its exec), stored. */
static json_t *new_process(struct client *c, const struct sensor_proc *s, int64_t from, pid_t pid) {
  json_t *ev = stored(c, s->sid, from, "NEW_PROCESS", match_pid, &pid);
  if (!ev) sensor_log_tail(s);
  ck_assert_msg(ev != NULL, "no NEW_PROCESS stored for pid %d", (int)pid);
  ck_assert(vg_atom_valid(rt_s(ev, "this")));
  return ev;
}

/* task.send cmd; every pushed event up to the done notice (not included),
 * which must not be a timeout. New reference. */
static json_t *task(struct client *c, const char *sid, const char *cmd) {
  json_t *r = result_of(c, "task.send", json_pack("{s:s, s:s, s:i}", "sid", sid, "command", cmd,
                                                  "timeout", 30));
  int64_t sub = json_integer_value(json_object_get(r, "sub"));
  char inv[128];
  snprintf(inv, sizeof(inv), "%s", json_string_value(json_object_get(r, "investigation_id")));
  json_decref(r);
  json_t *all = json_array();
  for (;;) {
    json_t *p = next_push(c, sub, 40000);
    ck_assert_msg(p != NULL, "%s: no reply", cmd);
    if (json_object_get(p, "done")) {
      ck_assert_msg(!json_is_true(json_object_get(p, "timeout")), "%s: timed out: %s", cmd,
                    json_dumps(p, JSON_COMPACT));
      json_decref(p);
      return all;
    }
    json_t *ev = json_object_get(p, "event");
    ck_assert_str_eq(rt_s(ev, "investigation_id"), inv);
    json_array_append(all, ev);
    json_decref(p);
  }
}

/* The replies of type among a task's events (new array). */
static json_t *of_type(const json_t *all, const char *type) {
  json_t *out = json_array();
  size_t i;
  json_t *ev;
  json_array_foreach(all, i, ev) if (strcmp(ev_type(ev), type) == 0) json_array_append(out, ev);
  return out;
}

/* The one reply of type, without ERROR (new reference). */
static json_t *one_reply(const json_t *all, const char *type, const char *cmd) {
  json_t *v = of_type(all, type);
  ck_assert_msg(json_array_size(v) == 1, "%s: %zu %s replies in %s", cmd, json_array_size(v), type,
                json_dumps(all, JSON_COMPACT));
  json_t *ev = json_incref(json_array_get(v, 0));
  json_decref(v);
  ck_assert_msg(body_i(ev, "ERROR") == 0, "%s: %s", cmd, body_s(ev, "ERROR_MESSAGE"));
  return ev;
}

/* ---- the actors: this binary re-executed */

/* A query for name (type A) to ip:53; exits 0 once answered. */
static int child_dns(const char *ip, const char *name) {
  uint8_t q[512] = {0};
  size_t n = 12;
  uint16_t id = (uint16_t)getpid();
  q[0] = (uint8_t)(id >> 8);
  q[1] = (uint8_t)id;
  q[2] = 0x01; /* RD */
  q[5] = 1;    /* QDCOUNT */
  for (const char *p = name; *p;) {
    size_t k = strcspn(p, ".");
    if (k == 0 || k > 63 || n + k + 6 > sizeof q) return 2;
    q[n++] = (uint8_t)k;
    memcpy(q + n, p, k);
    n += k;
    p += k + (p[k] == '.');
  }
  q[n++] = 0;
  q[n++] = 0, q[n++] = 1; /* A */
  q[n++] = 0, q[n++] = 1; /* IN */
  struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(53)};
  if (inet_pton(AF_INET, ip, &to.sin_addr) != 1) return 2;
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (sendto(fd, q, n, 0, (struct sockaddr *)&to, sizeof to) != (ssize_t)n) return 3;
  struct pollfd pf = {.fd = fd, .events = POLLIN};
  uint8_t r[600];
  if (poll(&pf, 1, 5000) != 1 || recv(fd, r, sizeof r, 0) < 12) return 4;
  msleep(300); /* attribution reads the socket table: stay a moment, as real clients do */
  return 0;
}

/* Connect to ip:port and hold the connection until stdin closes. */
static int child_tcp(const char *ip, const char *port) {
  struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)strtol(port, NULL, 10))};
  if (inet_pton(AF_INET, ip, &to.sin_addr) != 1) return 2;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (connect(fd, (struct sockaddr *)&to, sizeof to) != 0) return 3;
  char b;
  while (read(0, &b, 1) > 0) {
  }
  close(fd);
  return 0;
}

static int child_main(int argc, char **argv) {
  if (argc == 5 && strcmp(argv[2], "dns") == 0) return child_dns(argv[3], argv[4]);
  if (argc == 5 && strcmp(argv[2], "tcp") == 0) return child_tcp(argv[3], argv[4]);
  fprintf(stderr, "test_sensor_telemetry: bad --child arguments\n");
  return 2;
}

/* Run this binary as `--child a b c`; stdin from *hold's read end when hold
 * is not NULL (the caller closes hold[1] to release it). */
static pid_t spawn_child(const char *a, const char *b, const char *c, int hold[2]) {
  if (hold) ck_assert_int_eq(pipe(hold), 0);
  pid_t pid = harness_fork();
  if (pid == 0) {
    if (hold) {
      dup2(hold[0], 0);
      close(hold[0]);
      close(hold[1]);
    }
    char *argv[] = {self_exe, "--child", (char *)a, (char *)b, (char *)c, NULL};
    execv(self_exe, argv);
    _exit(127);
  }
  if (hold) close(hold[0]);
  return pid;
}

static int reap(pid_t pid) {
  int st = 0;
  ck_assert_int_eq(waitpid(pid, &st, 0), pid);
  return st;
}

/* ---- fixture 1: vigild on loopback, the sensor with every collector */

static struct harness_vigild lo_d;
static struct sensor_proc lo_s;

static void lo_setup(void) {
  ck_assert_int_eq(harness_vigild_start(&lo_d, NULL), 0);
  sensor_enroll(&lo_s, &lo_d, "localhost");
  sensor_start(&lo_s, "proc,file,dns,net", NULL);
  struct client c;
  admin_open(&c, &lo_d);
  wait_online(&c, &lo_s, WAIT_MS);
  /* only what the tests read: the file collector sees the whole machine */
  json_decref(result_of(&c, "sensors.events.set",
                        json_pack("{s:s, s:[s, s, s, s, s, s]}", "sid", lo_s.sid, "events",
                                  "NEW_PROCESS", "TERMINATE_PROCESS", "DNS_REQUEST",
                                  "NEW_TCP4_CONNECTION", "TERMINATE_TCP4_CONNECTION",
                                  "NEW_DOCUMENT")));
  client_close(&c);
}

static void lo_teardown(void) {
  sensor_cleanup(&lo_s);
  harness_vigild_cleanup(&lo_d, getenv("VIGIL_KEEP_LOGS") != NULL);
}

/* ---- dns */

static int resolver_fd = -1;
static volatile int resolver_stop;

/* Answers every A query with 10.1.2.3 until resolver_stop. */
static void *resolver_thread(void *arg) {
  (void)arg;
  while (!resolver_stop) {
    struct pollfd pf = {.fd = resolver_fd, .events = POLLIN};
    if (poll(&pf, 1, 100) != 1) continue;
    uint8_t r[600];
    struct sockaddr_in from;
    socklen_t fl = sizeof from;
    ssize_t n = recvfrom(resolver_fd, r, 512, 0, (struct sockaddr *)&from, &fl);
    if (n < 12) continue;
    static const uint8_t ans[] = {0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 1, 2, 3};
    r[2] |= 0x80; /* QR */
    r[3] = 0x80;  /* RA, rcode 0 */
    r[7] = 1;     /* ANCOUNT */
    memcpy(r + n, ans, sizeof ans);
    sendto(resolver_fd, r, (size_t)n + sizeof ans, 0, (struct sockaddr *)&from, fl);
  }
  return NULL;
}

static bool match_name(const json_t *ev, const void *arg) {
  const char *n = body_s(ev, "DOMAIN_NAME");
  return n && strcmp(n, arg) == 0;
}

START_TEST(dns_query_gives_dns_request_with_its_process) {
  struct client c;
  admin_open(&c, &lo_d);
  int64_t t0 = now_ms() - 2000;
  /* the DNS collector's filter is port 53: a spare loopback address */
  resolver_fd = socket(AF_INET, SOCK_DGRAM, 0);
  char ip[32] = "";
  for (int last = 100; last < 130 && !ip[0]; last++) {
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(53),
                            .sin_addr.s_addr = htonl(0x7f000000u | (uint32_t)last)};
    if (bind(resolver_fd, (struct sockaddr *)&a, sizeof a) == 0)
      snprintf(ip, sizeof(ip), "127.0.0.%d", last);
  }
  ck_assert_msg(ip[0], "no loopback address with port 53 free");
  pthread_t th;
  ck_assert_int_eq(pthread_create(&th, NULL, resolver_thread, NULL), 0);
  char name[128];
  snprintf(name, sizeof(name), "e2e-%d-%lld.vigil-test.example", (int)getpid(), (long long)t0);
  pid_t pid = spawn_child("dns", ip, name, NULL);
  int st = reap(pid);
  resolver_stop = 1;
  pthread_join(th, NULL);
  close(resolver_fd);
  ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "dns child: status %d", st);

  json_t *ev = stored(&c, lo_s.sid, t0, "DNS_REQUEST", match_name, name);
  if (!ev) sensor_log_tail(&lo_s);
  ck_assert_msg(ev != NULL, "no DNS_REQUEST for %s stored", name);
  ck_assert_int_eq(body_i(ev, "DNS_TYPE"), 1);
  ck_assert_int_eq(body_i(ev, "MESSAGE_ID"), (uint16_t)pid);
  ck_assert_int_eq(body_i(ev, "DNS_RCODE"), 0);
  ck_assert_str_eq(body_s(ev, "IP_ADDRESS"), "10.1.2.3");
  ck_assert_str_eq(body_s(ev, "PROTOCOL"), "udp");
  ck_assert_str_eq(sub_s(ev, "SERVER", "IP_ADDRESS"), ip);
  ck_assert_int_eq(sub_i(ev, "SERVER", "PORT"), 53);
  /* the process that asked: pid, and the atom of its NEW_PROCESS */
  ck_assert_int_eq(body_i(ev, "PROCESS_ID"), pid);
  json_t *np = new_process(&c, &lo_s, t0, pid);
  ck_assert_str_eq(rt_s(ev, "parent"), rt_s(np, "this"));
  ck_assert_str_eq(rt_s(ev, "sid"), lo_s.sid);
  json_decref(np);
  json_decref(ev);
  client_close(&c);
}
END_TEST

/* ---- tcp */

struct conn_match {
  pid_t pid;
  int dport;
};

static bool match_conn(const json_t *ev, const void *arg) {
  const struct conn_match *m = arg;
  return body_i(ev, "PROCESS_ID") == m->pid && sub_i(ev, "DESTINATION", "PORT") == m->dport;
}

START_TEST(tcp_connection_gives_new_tcp4_connection_with_its_process) {
  struct client c;
  admin_open(&c, &lo_d);
  int64_t t0 = now_ms() - 2000;
  int l = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t al = sizeof a;
  ck_assert_int_eq(bind(l, (struct sockaddr *)&a, sizeof a), 0);
  ck_assert_int_eq(listen(l, 4), 0);
  ck_assert_int_eq(getsockname(l, (struct sockaddr *)&a, &al), 0);
  int port = ntohs(a.sin_port);
  char ports[16];
  snprintf(ports, sizeof(ports), "%d", port);
  int hold[2];
  pid_t pid = spawn_child("tcp", "127.0.0.1", ports, hold);
  struct sockaddr_in peer;
  socklen_t pl = sizeof peer;
  int conn = accept(l, (struct sockaddr *)&peer, &pl);
  ck_assert_int_ge(conn, 0);
  /* held open until stored: the collector polls sock_diag every 250 ms */
  struct conn_match m = {pid, port};
  json_t *ev = stored(&c, lo_s.sid, t0, "NEW_TCP4_CONNECTION", match_conn, &m);
  if (!ev) sensor_log_tail(&lo_s);
  ck_assert_msg(ev != NULL, "no NEW_TCP4_CONNECTION to port %d by pid %d stored", port, (int)pid);
  ck_assert(json_is_true(json_object_get(body(ev), "IS_OUTGOING")));
  ck_assert_str_eq(sub_s(ev, "DESTINATION", "IP_ADDRESS"), "127.0.0.1");
  ck_assert_str_eq(sub_s(ev, "SOURCE", "IP_ADDRESS"), "127.0.0.1");
  ck_assert_int_eq(sub_i(ev, "SOURCE", "PORT"), ntohs(peer.sin_port));
  json_t *np = new_process(&c, &lo_s, t0, pid);
  ck_assert_str_eq(rt_s(ev, "parent"), rt_s(np, "this"));
  json_decref(np);
  json_decref(ev);
  /* released: the connection ends, and so does the process */
  close(hold[1]);
  int st = reap(pid);
  ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "tcp child: status %d", st);
  ev = stored(&c, lo_s.sid, t0, "TERMINATE_TCP4_CONNECTION", match_conn, &m);
  ck_assert_msg(ev != NULL, "no TERMINATE_TCP4_CONNECTION stored");
  json_decref(ev);
  close(conn);
  close(l);
  client_close(&c);
}
END_TEST

/* ---- NEW_DOCUMENT and doc_cache_get */

static bool match_path(const json_t *ev, const void *arg) {
  const char *p = body_s(ev, "FILE_PATH");
  return p && strcmp(p, arg) == 0;
}

/* doc_cache_get with args: the document's bytes from its GET_DOCUMENT_REP
 * parts (heap), checked against path and hash. */
static unsigned char *doc_cache_get(struct client *c, const char *args, const char *path,
                                    const char *hash, size_t *len) {
  char cmd[PATH_MAX + 32];
  snprintf(cmd, sizeof(cmd), "doc_cache_get %s", args);
  json_t *all = task(c, lo_s.sid, cmd);
  json_t *reps = of_type(all, "GET_DOCUMENT_REP");
  ck_assert_msg(json_array_size(reps) >= 1, "%s: no GET_DOCUMENT_REP in %s", cmd,
                json_dumps(all, JSON_COMPACT));
  unsigned char *out = vg_xmalloc(1);
  size_t n = 0;
  bool last = false;
  size_t i;
  json_t *ev;
  json_array_foreach(reps, i, ev) {
    ck_assert_msg(body_i(ev, "ERROR") == 0, "%s: %s", cmd, body_s(ev, "ERROR_MESSAGE"));
    ck_assert_str_eq(body_s(ev, "FILE_PATH"), path);
    ck_assert_str_eq(body_s(ev, "HASH"), hash);
    ck_assert(json_is_false(json_object_get(body(ev), "IS_TRUNCATED")));
    ck_assert_int_eq(body_i(ev, "OFFSET"), (json_int_t)n);
    size_t k;
    unsigned char *part = unb64(body_s(ev, "FILE_CONTENT"), &k);
    ck_assert_msg(part != NULL, "%s: FILE_CONTENT is not base64", cmd);
    out = vg_xrealloc(out, n + k + 1);
    memcpy(out + n, part, k);
    n += k;
    free(part);
    last = json_is_true(json_object_get(body(ev), "IS_LAST"));
  }
  ck_assert_msg(last, "%s: the last part is not marked IS_LAST", cmd);
  json_decref(reps);
  json_decref(all);
  *len = n;
  return out;
}

START_TEST(script_written_gives_new_document_and_doc_cache_get_after_delete) {
  struct client c;
  admin_open(&c, &lo_d);
  int64_t t0 = now_ms() - 2000;
  char *d = harness_mkdtemp("telemetry-doc");
  char *dir = realpath(d, NULL);
  char *path = vg_xasprintf("%s/e2e-%d.sh", dir, (int)getpid());
  /* a script with bytes no other file has */
  unsigned char doc[DOC_BYTES];
  int n = snprintf((char *)doc, sizeof doc, "#!/bin/sh\n# vigil e2e %s %lld\n", path, (long long)t0);
  srandom((unsigned)getpid());
  for (size_t i = (size_t)n; i < sizeof doc - 1; i++) doc[i] = (unsigned char)(32 + random() % 95);
  doc[sizeof doc - 1] = '\n';
  char hash[65];
  vg_sha256_hex(doc, sizeof doc, hash);
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0700);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(write(fd, doc, sizeof doc), (ssize_t)sizeof doc);
  ck_assert_int_eq(close(fd), 0);

  json_t *ev = stored(&c, lo_s.sid, t0, "NEW_DOCUMENT", match_path, path);
  if (!ev) sensor_log_tail(&lo_s);
  ck_assert_msg(ev != NULL, "no NEW_DOCUMENT for %s stored", path);
  ck_assert_str_eq(body_s(ev, "HASH"), hash);
  ck_assert_int_eq(body_i(ev, "FILE_SIZE"), (json_int_t)sizeof doc);
  ck_assert_int_eq(body_i(ev, "PROCESS_ID"), getpid()); /* the writer */
  json_decref(ev);

  ck_assert_int_eq(unlink(path), 0);
  struct stat sb;
  ck_assert_int_ne(stat(path, &sb), 0); /* gone from disk: the cache answers */
  size_t len;
  char args[PATH_MAX + 8];
  snprintf(args, sizeof(args), "-f %s", path);
  unsigned char *got = doc_cache_get(&c, args, path, hash, &len);
  ck_assert_uint_eq(len, sizeof doc);
  ck_assert(memcmp(got, doc, sizeof doc) == 0);
  free(got);
  snprintf(args, sizeof(args), "-s %s", hash); /* by content hash */
  got = doc_cache_get(&c, args, path, hash, &len);
  ck_assert_uint_eq(len, sizeof doc);
  ck_assert(memcmp(got, doc, sizeof doc) == 0);
  free(got);
  /* a pattern nothing matches: an error, not an empty success */
  json_t *all = task(&c, lo_s.sid, "doc_cache_get -f /nonexistent/e2e-*.sh");
  json_t *reps = of_type(all, "GET_DOCUMENT_REP");
  ck_assert_uint_eq(json_array_size(reps), 1);
  ck_assert_int_ne(body_i(json_array_get(reps, 0), "ERROR"), 0);
  json_decref(reps);
  json_decref(all);
  harness_rm_rf(d);
  free(d);
  free(dir);
  free(path);
  client_close(&c);
}
END_TEST

/* ---- file_get */

/* file_get cmd: its FILE_GET_REP chunks appended to *buf at their OFFSET;
 * returns how many chunks. */
static int file_get(struct client *c, const char *cmd, unsigned char *buf, size_t cap,
                    const char *file_hash, size_t *got) {
  json_t *all = task(c, lo_s.sid, cmd);
  json_t *reps = of_type(all, "FILE_GET_REP");
  size_t i;
  json_t *ev;
  json_array_foreach(reps, i, ev) {
    ck_assert_msg(body_i(ev, "ERROR") == 0, "%s: %s", cmd, body_s(ev, "ERROR_MESSAGE"));
    ck_assert_int_eq(body_i(ev, "CHUNK"), (json_int_t)i);
    ck_assert_int_eq(body_i(ev, "FILE_SIZE"), (json_int_t)cap);
    ck_assert_str_eq(body_s(ev, "FILE_HASH"), file_hash);
    size_t k;
    unsigned char *part = unb64(body_s(ev, "DATA"), &k);
    ck_assert_msg(part != NULL, "%s: DATA is not base64", cmd);
    ck_assert_int_eq(body_i(ev, "SIZE"), (json_int_t)k);
    ck_assert_uint_le(k, 128u << 10); /* CMD_FILE_GET_CHUNK_BYTES */
    char h[65];
    vg_sha256_hex(part, k, h);
    ck_assert_str_eq(body_s(ev, "HASH"), h);
    size_t off = (size_t)body_i(ev, "OFFSET");
    ck_assert_uint_eq(off, *got); /* in order, no gap */
    ck_assert_uint_le(off + k, cap);
    memcpy(buf + off, part, k);
    *got += k;
    free(part);
    ck_assert(json_is_boolean(json_object_get(body(ev), "MORE")));
    ck_assert_int_eq(json_is_true(json_object_get(body(ev), "MORE")), i + 1 < json_array_size(reps));
  }
  int n = (int)json_array_size(reps);
  json_decref(reps);
  json_decref(all);
  return n;
}

START_TEST(file_get_returns_the_exact_bytes) {
  struct client c;
  admin_open(&c, &lo_d);
  char *d = harness_mkdtemp("telemetry-file");
  char *path = vg_xasprintf("%s/random.bin", d);
  unsigned char *data = vg_xmalloc(FILE_BYTES);
  FILE *ur = fopen("/dev/urandom", "r");
  ck_assert_uint_eq(fread(data, 1, FILE_BYTES, ur), FILE_BYTES);
  fclose(ur);
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
  ck_assert_int_eq(write(fd, data, FILE_BYTES), (ssize_t)FILE_BYTES);
  close(fd);
  char hash[65];
  vg_sha256_hex(data, FILE_BYTES, hash);
  unsigned char *back = vg_xcalloc(1, FILE_BYTES);
  size_t got = 0;
  char cmd[PATH_MAX + 64];
  snprintf(cmd, sizeof(cmd), "file_get %s", path);
  /* default: the first MiB, 8 chunks */
  ck_assert_int_eq(file_get(&c, cmd, back, FILE_BYTES, hash, &got), 8);
  ck_assert_uint_eq(got, 1u << 20);
  snprintf(cmd, sizeof(cmd), "file_get -o %zu %s", got, path);
  ck_assert_int_eq(file_get(&c, cmd, back, FILE_BYTES, hash, &got), 3); /* 300000 bytes */
  ck_assert_uint_eq(got, FILE_BYTES);
  ck_assert(memcmp(back, data, FILE_BYTES) == 0);
  /* past the end: ERROR 87 */
  snprintf(cmd, sizeof(cmd), "file_get -o %u %s", FILE_BYTES + 1, path);
  json_t *all = task(&c, lo_s.sid, cmd);
  json_t *reps = of_type(all, "FILE_GET_REP");
  ck_assert_uint_eq(json_array_size(reps), 1);
  ck_assert_int_eq(body_i(json_array_get(reps, 0), "ERROR"), 87);
  json_decref(reps);
  json_decref(all);
  free(back);
  free(data);
  harness_rm_rf(d);
  free(d);
  free(path);
  client_close(&c);
}
END_TEST

/* ---- os_kill_process */

static pid_t start_sleep(const char *secs) {
  pid_t pid = harness_fork();
  if (pid == 0) {
    execl("/bin/sleep", "sleep", secs, (char *)NULL);
    _exit(127);
  }
  return pid;
}

static void assert_killed(pid_t pid) {
  int st = reap(pid);
  ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "pid %d: status %d, not SIGKILL",
                (int)pid, st);
}

START_TEST(os_kill_process_kills) {
  struct client c;
  admin_open(&c, &lo_d);
  int64_t t0 = now_ms() - 2000;
  /* by pid */
  pid_t a = start_sleep("60");
  char cmd[128];
  snprintf(cmd, sizeof(cmd), "os_kill_process -p %d", (int)a);
  json_t *all = task(&c, lo_s.sid, cmd);
  json_t *rep = one_reply(all, "OS_KILL_PROCESS_REP", cmd);
  ck_assert_int_eq(body_i(rep, "PROCESS_ID"), a);
  json_decref(rep);
  json_decref(all);
  assert_killed(a);
  /* by atom: the one its NEW_PROCESS carries */
  pid_t b = start_sleep("61");
  json_t *np = new_process(&c, &lo_s, t0, b);
  snprintf(cmd, sizeof(cmd), "os_kill_process -a %s", rt_s(np, "this"));
  all = task(&c, lo_s.sid, cmd);
  rep = one_reply(all, "OS_KILL_PROCESS_REP", cmd);
  ck_assert_int_eq(body_i(rep, "PROCESS_ID"), b);
  ck_assert_str_eq(body_s(rep, "THIS_ATOM"), rt_s(np, "this"));
  json_decref(rep);
  json_decref(all);
  json_decref(np);
  assert_killed(b);
  /* init is refused (ERROR 5) and lives on */
  all = task(&c, lo_s.sid, "os_kill_process -p 1");
  json_t *v = of_type(all, "OS_KILL_PROCESS_REP");
  ck_assert_uint_eq(json_array_size(v), 1);
  ck_assert_int_eq(body_i(json_array_get(v, 0), "ERROR"), 5);
  json_decref(v);
  json_decref(all);
  ck_assert_int_eq(kill(1, 0), 0);
  client_close(&c);
}
END_TEST

/* ---- fixture 2: the sensor inside a network namespace */

struct netns {
  char name[32], veth_root[16], veth_ns[16];
  char root_ip[32], ns_ip[32];
  int other_fd, other_port; /* "other traffic": a server beside vigild */
  bool made;
};

static struct netns ns;
static struct harness_vigild ns_d;
static struct sensor_proc ns_s;

static int ip_cmd(const char *const *args) {
  char *argv[24];
  int n = 0;
  argv[n++] = "/usr/sbin/ip";
  for (int i = 0; args[i] && n < 23; i++) argv[n++] = (char *)args[i];
  argv[n] = NULL;
  char *out = NULL;
  int rc = run_quiet(argv, &out);
  if (rc) fprintf(stderr, "ip");
  for (int i = 1; rc && argv[i]; i++) fprintf(stderr, " %s", argv[i]);
  if (rc) fprintf(stderr, ": exit %d: %s\n", rc, out ? out : "");
  free(out);
  return rc;
}

/* `nft args...` inside the namespace; its output in *out (may be NULL). */
static int ns_nft(const char *const *args, char **out) {
  char *argv[24];
  int n = 0;
  argv[n++] = "/usr/sbin/ip";
  argv[n++] = "netns";
  argv[n++] = "exec";
  argv[n++] = ns.name;
  argv[n++] = "nft";
  for (int i = 0; args[i] && n < 23; i++) argv[n++] = (char *)args[i];
  argv[n] = NULL;
  return run_quiet(argv, out);
}

static char *ruleset(void) {
  char *out = NULL;
  const char *a[] = {"list", "ruleset", NULL};
  ck_assert_int_eq(ns_nft(a, &out), 0);
  return out;
}

#define NETNS_PREFIX "vigil-e2e-"

static void netns_names(struct netns *n, int id) {
  snprintf(n->name, sizeof(n->name), NETNS_PREFIX "%d", id);
  snprintf(n->veth_root, sizeof(n->veth_root), "vge%da", id % 1000000);
  snprintf(n->veth_ns, sizeof(n->veth_ns), "vge%db", id % 1000000);
}

static void netns_del(const struct netns *n) {
  const char *dl[] = {"link", "del", n->veth_root, NULL};
  const char *dn[] = {"netns", "del", n->name, NULL};
  ip_cmd(dl);
  ip_cmd(dn);
}

/* Namespaces of runs that were killed (a ctest timeout skips teardown). */
static void netns_reap_stale(void) {
  DIR *d = opendir("/run/netns");
  struct dirent *e;
  while (d && (e = readdir(d))) {
    if (strncmp(e->d_name, NETNS_PREFIX, strlen(NETNS_PREFIX)) != 0) continue;
    char *end;
    long pid = strtol(e->d_name + strlen(NETNS_PREFIX), &end, 10);
    if (*end || pid <= 0 || pid > INT_MAX || kill((pid_t)pid, 0) == 0 || errno != ESRCH) continue;
    struct netns old = {0};
    netns_names(&old, (int)pid);
    netns_del(&old);
  }
  if (d) closedir(d);
}

static void netns_make(void) {
  int id = (int)getpid();
  netns_reap_stale();
  netns_names(&ns, id);
  snprintf(ns.root_ip, sizeof(ns.root_ip), "10.213.%d.1", id % 250);
  snprintf(ns.ns_ip, sizeof(ns.ns_ip), "10.213.%d.2", id % 250);
  char root_cidr[40], ns_cidr[40];
  snprintf(root_cidr, sizeof(root_cidr), "%s/30", ns.root_ip);
  snprintf(ns_cidr, sizeof(ns_cidr), "%s/30", ns.ns_ip);
  const char *add[] = {"netns", "add", ns.name, NULL};
  ck_assert_msg(ip_cmd(add) == 0, "cannot create network namespace %s", ns.name);
  ns.made = true;
  const char *veth[] = {"link", "add", ns.veth_root, "type", "veth", "peer", "name", ns.veth_ns,
                        "netns", ns.name, NULL};
  const char *a1[] = {"addr", "add", root_cidr, "dev", ns.veth_root, NULL};
  const char *u1[] = {"link", "set", ns.veth_root, "up", NULL};
  const char *a2[] = {"-n", ns.name, "addr", "add", ns_cidr, "dev", ns.veth_ns, NULL};
  const char *u2[] = {"-n", ns.name, "link", "set", ns.veth_ns, "up", NULL};
  const char *u3[] = {"-n", ns.name, "link", "set", "lo", "up", NULL};
  ck_assert_int_eq(ip_cmd(veth), 0);
  ck_assert_int_eq(ip_cmd(a1), 0);
  ck_assert_int_eq(ip_cmd(u1), 0);
  ck_assert_int_eq(ip_cmd(a2), 0);
  ck_assert_int_eq(ip_cmd(u2), 0);
  ck_assert_int_eq(ip_cmd(u3), 0);
  /* a table of the host's own, which isolation must leave exactly as it is */
  const char *t1[] = {"add", "table", "inet", "vigil_e2e_host", NULL};
  const char *t2[] = {"add", "chain", "inet", "vigil_e2e_host", "in",
                      "{ type filter hook input priority 10 ; policy accept ; }", NULL};
  const char *t3[] = {"add", "rule", "inet", "vigil_e2e_host", "in", "tcp", "dport", "9", "drop",
                      NULL};
  ck_assert_int_eq(ns_nft(t1, NULL), 0);
  ck_assert_int_eq(ns_nft(t2, NULL), 0);
  ck_assert_int_eq(ns_nft(t3, NULL), 0);
}

static void netns_remove(void) {
  if (!ns.made) return;
  netns_del(&ns);
  ns.made = false;
}

static int listen_on(const char *ip, int *port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in a = {.sin_family = AF_INET};
  socklen_t al = sizeof a;
  inet_pton(AF_INET, ip, &a.sin_addr);
  if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 64) != 0 ||
      getsockname(fd, (struct sockaddr *)&a, &al) != 0) {
    if (fd >= 0) close(fd);
    return -1;
  }
  *port = ntohs(a.sin_port);
  return fd;
}

/* vigild with its sensor gateway on the veth address (a port free there)
 * and that address in its server certificate. */
static void ns_vigild_start(void) {
  int port;
  int fd = listen_on(ns.root_ip, &port);
  ck_assert_int_ge(fd, 0);
  close(fd);
  char *listen = vg_xasprintf("%s:%d", ns.root_ip, port);
  char *names = vg_xasprintf("tls.server_names=%s", ns.root_ip);
  const char *extra[] = {"--sensor-listen", listen, "--set", names, NULL};
  ck_assert_int_eq(harness_vigild_start(&ns_d, extra), 0);
  ns_d.sensor_port = port;
  free(listen);
  free(names);
}

static void ns_setup(void) {
  memset(&ns, 0, sizeof(ns));
  ns.other_fd = -1;
  netns_make();
  ns.other_fd = listen_on(ns.root_ip, &ns.other_port);
  ck_assert_int_ge(ns.other_fd, 0);
  ns_vigild_start();
  sensor_enroll(&ns_s, &ns_d, ns.root_ip);
  /* the proc connector reports to the initial namespace only: net alone */
  sensor_start(&ns_s, "net", ns.name);
}

static void ns_teardown(void) {
  sensor_cleanup(&ns_s);
  harness_vigild_cleanup(&ns_d, getenv("VIGIL_KEEP_LOGS") != NULL);
  if (ns.other_fd >= 0) close(ns.other_fd);
  netns_remove();
}

/* 0 if a TCP connection from inside the namespace to ip:port opens within
 * PROBE_MS, 1 if not. */
static int probe(const char *ip, int port) {
  char *nspath = vg_xasprintf("/run/netns/%s", ns.name);
  pid_t pid = harness_fork();
  if (pid == 0) {
    int nfd = open(nspath, O_RDONLY | O_CLOEXEC);
    if (nfd < 0 || setns(nfd, CLONE_NEWNET) != 0) _exit(3);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, ip, &a.sin_addr);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0 && errno != EINPROGRESS) _exit(1);
    struct pollfd pf = {.fd = fd, .events = POLLOUT};
    int err = 0;
    socklen_t el = sizeof err;
    if (poll(&pf, 1, PROBE_MS) != 1 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) != 0 || err)
      _exit(1);
    _exit(0);
  }
  free(nspath);
  int st = reap(pid);
  ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) <= 1, "probe: status %d", st);
  /* drain the accept queue of the other server (the probe has gone) */
  for (;;) {
    struct pollfd pf = {.fd = ns.other_fd, .events = POLLIN};
    if (poll(&pf, 1, 0) != 1) break;
    int a = accept(ns.other_fd, NULL, NULL);
    if (a < 0) break;
    close(a);
  }
  return WEXITSTATUS(st);
}

/* A task round trip: the backend link carries tasks and replies. */
static void round_trip(struct client *c, const char *when) {
  json_t *all = task(c, ns_s.sid, "os_version");
  json_t *rep = of_type(all, "OS_VERSION_REP");
  ck_assert_msg(json_array_size(rep) == 1, "%s: no OS_VERSION_REP: %s", when,
                json_dumps(all, JSON_COMPACT));
  json_decref(rep);
  json_decref(all);
}

START_TEST(segregate_blocks_other_traffic_keeps_backend_rejoin_restores) {
  struct client c;
  admin_open(&c, &ns_d);
  wait_online(&c, &ns_s, WAIT_MS);
  char *before = ruleset();
  ck_assert_msg(strstr(before, "vigil_e2e_host") != NULL, "%s", before);
  ck_assert_int_eq(probe(ns.root_ip, ns.other_port), 0); /* reachable before */
  round_trip(&c, "before segregation");

  json_t *all = task(&c, ns_s.sid, "segregate_network");
  json_t *rep = one_reply(all, "SEGREGATE_NETWORK", "segregate_network");
  ck_assert(json_is_true(json_object_get(body(rep), "IS_SEGREGATED")));
  ck_assert_str_eq(body_s(rep, "BACKEND_HOST"), ns.root_ip);
  ck_assert_int_eq(body_i(rep, "BACKEND_PORT"), ns_d.sensor_port);
  json_t *allowed = json_object_get(body(rep), "ALLOWED_ADDRESSES");
  ck_assert_uint_eq(json_array_size(allowed), 1);
  ck_assert_str_eq(json_string_value(json_array_get(allowed, 0)), ns.root_ip);
  json_decref(rep);
  json_decref(all);
  char *during = ruleset();
  ck_assert_msg(strstr(during, "table inet vigil_isolation") != NULL, "%s", during);
  ck_assert_msg(strstr(during, "vigil_e2e_host") != NULL, "the host's table was touched: %s",
                during);
  free(during);

  /* other traffic to the very host vigild runs on: blocked */
  ck_assert_int_eq(probe(ns.root_ip, ns.other_port), 1);
  /* the backend link: the open connection carries a task… */
  ck_assert(is_online(&c, ns_s.sid));
  round_trip(&c, "segregated");
  /* …and a new connection gets through: the sensor restarts (re-exec,
   * isolation re-applied at start) and connects again, segregated */
  int64_t t_restart = now_ms() - 1;
  /* (restart answers nothing but its RECEIPT: vigild's done notice only
   * comes at the deadline, so the CONNECTED that follows is what we wait for) */
  json_decref(result_of(&c, "task.send", json_pack("{s:s, s:s, s:i}", "sid", ns_s.sid, "command",
                                                   "restart", "timeout", 5)));
  json_t *conn = stored(&c, ns_s.sid, t_restart, "CONNECTED", match_any, NULL);
  if (!conn) sensor_log_tail(&ns_s);
  ck_assert_msg(conn != NULL, "the restarted sensor never connected through the isolation");
  ck_assert(json_is_true(json_object_get(body(conn), "IS_SEGREGATED")));
  json_decref(conn);
  ck_assert_int_eq(kill(ns_s.pid, 0), 0); /* the same process, re-executed */
  round_trip(&c, "segregated, reconnected");
  ck_assert_int_eq(probe(ns.root_ip, ns.other_port), 1); /* still segregated */

  all = task(&c, ns_s.sid, "rejoin_network");
  rep = one_reply(all, "REJOIN_NETWORK", "rejoin_network");
  ck_assert(json_is_false(json_object_get(body(rep), "IS_SEGREGATED")));
  ck_assert(json_is_true(json_object_get(body(rep), "WAS_SEGREGATED")));
  json_decref(rep);
  json_decref(all);
  ck_assert_int_eq(probe(ns.root_ip, ns.other_port), 0); /* reachable again */
  char *after = ruleset();
  ck_assert_str_eq(after, before); /* exactly what it was */
  free(after);
  free(before);
  round_trip(&c, "rejoined");
  client_close(&c);
}
END_TEST

/* ---- detection & response end to end (issue 5's acceptance) */

/* A process whose command line carries word and that lives until killed:
 * `sh -c 'read x' word` reading from a pipe this test never writes. */
static pid_t start_reader(const char *word, int *hold) {
  int p[2];
  ck_assert_int_eq(pipe(p), 0);
  pid_t pid = harness_fork();
  if (pid == 0) {
    dup2(p[0], 0);
    close(p[0]);
    close(p[1]);
    execl("/bin/sh", "sh", "-c", "read x", word, (char *)NULL);
    _exit(127);
  }
  close(p[0]);
  *hold = p[1];
  return pid;
}

START_TEST(rule_with_a_kill_task_kills_a_real_process) {
  struct client c;
  admin_open(&c, &lo_d);
  wait_online(&c, &lo_s, WAIT_MS);
  char word[64];
  snprintf(word, sizeof word, "vigil-kill-%d", (int)getpid());
  char *yaml = vg_xasprintf("detect:\n  event: NEW_PROCESS\n  op: contains\n"
                            "  path: event/COMMAND_LINE\n  value: %s\n"
                            "respond:\n  - action: task\n    command: os_kill_process -a <<routing/this>>\n"
                            "  - action: report\n    name: killed {{ .event.COMMAND_LINE }}\n",
                            word);
  json_decref(result_of(&c, "rules.set", json_pack("{s:s, s:s}", "name", "e2e-kill", "yaml", yaml)));
  free(yaml);
  int hold;
  int64_t t0 = mono_ms();
  pid_t pid = start_reader(word, &hold);
  int st = 0;
  pid_t got = 0;
  while ((got = waitpid(pid, &st, WNOHANG)) == 0 && mono_ms() - t0 < WAIT_MS) msleep(5);
  int64_t took = mono_ms() - t0;
  if (got == 0) { /* not killed: do not leave it behind */
    kill(pid, SIGKILL);
    reap(pid);
    sensor_log_tail(&lo_s);
  }
  close(hold);
  ck_assert_msg(got == pid, "the rule's kill task did not kill pid %d within %d ms", (int)pid, WAIT_MS);
  ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "status %d, not SIGKILL", st);
  fprintf(stderr, "rule kill: the process was killed %lld ms after it started\n", (long long)took);
  /* the detection the same rule reported names it */
  json_t *dets = result_of(&c, "detections.list", json_pack("{s:I}", "from", (json_int_t)(now_ms() - 60000)));
  char *text = json_dumps(dets, JSON_COMPACT);
  ck_assert_msg(strstr(text, word) != NULL, "no detection names %s: %s", word, text);
  free(text);
  json_decref(dets);
  json_decref(result_of(&c, "rules.delete", json_pack("{s:s}", "name", "e2e-kill")));
  client_close(&c);
}
END_TEST

/* A TCP connection from inside the namespace to ip:port, held ms. */
static void hold_connection(const char *ip, int port, int ms) {
  char *nspath = vg_xasprintf("/run/netns/%s", ns.name);
  pid_t pid = harness_fork();
  if (pid == 0) {
    int nfd = open(nspath, O_RDONLY | O_CLOEXEC);
    if (nfd < 0 || setns(nfd, CLONE_NEWNET) != 0) _exit(3);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, ip, &a.sin_addr);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) _exit(1);
    msleep(ms);
    _exit(0);
  }
  free(nspath);
  int st = reap(pid);
  ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "hold_connection: status %d", st);
}

static bool isolation_table(void) {
  char *r = ruleset();
  bool on = strstr(r, "table inet vigil_isolation") != NULL;
  free(r);
  return on;
}

static bool wait_isolation(bool on, int ms) {
  int64_t t0 = mono_ms();
  while (isolation_table() != on && mono_ms() - t0 < ms) msleep(50);
  return isolation_table() == on;
}

START_TEST(rule_isolates_and_the_isolation_returns_after_a_sensor_restart) {
  struct client c;
  admin_open(&c, &ns_d);
  wait_online(&c, &ns_s, WAIT_MS);
  ck_assert(!isolation_table());
  /* a connection to a port nobody else uses triggers the rule */
  char *yaml = vg_xasprintf("detect:\n  event: NEW_TCP4_CONNECTION\n  op: is\n"
                            "  path: event/DESTINATION/PORT\n  value: %d\n"
                            "respond:\n  - action: isolate network\n",
                            ns.other_port);
  json_decref(result_of(&c, "rules.set", json_pack("{s:s, s:s}", "name", "e2e-isolate", "yaml", yaml)));
  free(yaml);
  hold_connection(ns.root_ip, ns.other_port, 1000);
  if (!wait_isolation(true, WAIT_MS)) sensor_log_tail(&ns_s);
  ck_assert_msg(isolation_table(), "the rule did not isolate the sensor");
  ck_assert_int_eq(probe(ns.root_ip, ns.other_port), 1); /* other traffic blocked */
  json_t *sv = result_of(&c, "sensors.get", json_pack("{s:s}", "sid", ns_s.sid));
  char *text = json_dumps(sv, JSON_COMPACT);
  ck_assert_msg(strstr(text, "\"isolated\":true") != NULL, "vigild does not hold it isolated: %s", text);
  free(text);
  json_decref(sv);
  json_decref(result_of(&c, "rules.delete", json_pack("{s:s}", "name", "e2e-isolate")));

  /* the sensor stops; the table goes (as a reboot would take it); the sensor
   * starts again and is isolated again */
  sensor_stop_only(&ns_s);
  const char *del[] = {"delete", "table", "inet", "vigil_isolation", NULL};
  ck_assert_int_eq(ns_nft(del, NULL), 0);
  ck_assert(!isolation_table());
  int64_t t_start = now_ms() - 1;
  sensor_start(&ns_s, "net", ns.name);
  json_t *conn = stored(&c, ns_s.sid, t_start, "CONNECTED", match_any, NULL);
  ck_assert_msg(conn != NULL, "the restarted sensor did not connect");
  json_decref(conn);
  if (!wait_isolation(true, WAIT_MS)) sensor_log_tail(&ns_s);
  ck_assert_msg(isolation_table(), "the isolation did not come back after the restart");
  ck_assert_int_eq(probe(ns.root_ip, ns.other_port), 1);

  /* rejoin from the API: persistent too, and the link still carries it */
  json_decref(result_of(&c, "sensors.isolation.set",
                        json_pack("{s:s, s:b}", "sid", ns_s.sid, "isolated", 0)));
  ck_assert_msg(wait_isolation(false, WAIT_MS), "rejoin did not remove the isolation");
  ck_assert_int_eq(probe(ns.root_ip, ns.other_port), 0);
  client_close(&c);
}
END_TEST

static Suite *telemetry_suite(void) {
  Suite *s = suite_create("sensor_telemetry");
  TCase *lo = tcase_create("loopback");
  tcase_set_timeout(lo, 120);
  tcase_add_unchecked_fixture(lo, lo_setup, lo_teardown);
  tcase_add_test(lo, dns_query_gives_dns_request_with_its_process);
  tcase_add_test(lo, tcp_connection_gives_new_tcp4_connection_with_its_process);
  tcase_add_test(lo, script_written_gives_new_document_and_doc_cache_get_after_delete);
  tcase_add_test(lo, file_get_returns_the_exact_bytes);
  tcase_add_test(lo, os_kill_process_kills);
  tcase_add_test(lo, rule_with_a_kill_task_kills_a_real_process);
  suite_add_tcase(s, lo);
  TCase *nt = tcase_create("netns");
  tcase_set_timeout(nt, 180);
  tcase_add_unchecked_fixture(nt, ns_setup, ns_teardown);
  tcase_add_test(nt, segregate_blocks_other_traffic_keeps_backend_rejoin_restores);
  tcase_add_test(nt, rule_isolates_and_the_isolation_returns_after_a_sensor_restart);
  suite_add_tcase(s, nt);
  return s;
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "--child") == 0) return child_main(argc, argv);
  if (geteuid() != 0) {
    printf("test_sensor_telemetry: skipped: needs root (the proc connector, fanotify, "
           "AF_PACKET, network namespaces)\n");
    return SKIP_CODE;
  }
  ssize_t n = readlink("/proc/self/exe", self_exe, sizeof(self_exe) - 1);
  if (n <= 0) return 1;
  self_exe[n] = '\0';
  SRunner *sr = srunner_create(telemetry_suite());
  srunner_run_all(sr, CK_ENV);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
