/* test_spotcheck_real.c — `vigilctl spotcheck` end to end with REAL parts
 * only: the REAL vigild (harness fixture), THREE REAL vigil-sensor processes
 * (each its own temporary --state-dir, `--collectors proc`), tagged
 * differently through vigilctl, and the REAL vigilctl binary. Files planted
 * under a temporary root are found by pattern and depth (dir_list), by hash
 * (dir_find_hash) and by a YARA rule (yara_scan -d); --tags and -n select and
 * pace the sensors; a sensor enrolled but not started shows `?`, then its
 * results once the test starts it. Every record line is compared whole. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "shared/alloc.h"
#include "shared/creds.h"
#include "shared/pki.h"
#include "tests/harness/ctl_proc.h"
#include "tests/harness/harness.h"
#include "tests/harness/sensor_sim.h"

#define EVIL "EVIL-MARKER-5c2e"

struct real_sensor {
  char *dir, *state, *log;
  char sid[64], host[256];
  pid_t pid;
};

static struct harness_vigild d;
static char *home, *creds_file, *ctl, *ce;

static void setup(void) {
  ck_assert_int_eq(harness_vigild_start(&d, NULL), 0);
  creds_file = vg_xasprintf("%s/credentials.yaml", d.data_dir);
  ce = vg_xasprintf("VIGIL_CREDS_FILE=%s", creds_file);
  home = harness_mkdtemp("spotreal-home");
  ctl = harness_binary_path("cli/vigilctl");
  ctl_proc_init(home, ctl);
}

static void teardown(void) {
  harness_vigild_cleanup(&d, false);
  harness_rm_rf(home);
  free(home);
  free(creds_file);
  free(ce);
  free(ctl);
}

/* The sensor's record through vigilctl (heap JSON). */
static json_t *sensor_get(const char *sid) {
  char *out;
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL, ARGS("--json", "sensors", "get", sid)), 0);
  json_t *j = json_loads(out, 0, NULL);
  ck_assert_msg(j != NULL, "%s", out);
  free(out);
  return j;
}

static void enroll(struct real_sensor *s) {
  memset(s, 0, sizeof(*s));
  s->dir = harness_mkdtemp("spotreal-sensor");
  s->state = vg_xasprintf("%s/state", s->dir);
  s->log = vg_xasprintf("%s/sensor.log", s->dir);
  char *bin = harness_binary_path("sensor/vigil-sensor");
  char *key = sensor_sim_install_key(&d), *ca = harness_vigild_ca_path(&d);
  char *backend = vg_xasprintf("localhost:%d", d.sensor_port);
  char *argv[] = {bin, "--enroll", key, "--backend", backend, "--ca", ca, "--state-dir", s->state, NULL};
  char *out = NULL;
  ck_assert_msg(harness_run(argv, &out) == 0, "enroll: %s", out);
  free(out);
  free(bin);
  free(key);
  free(ca);
  free(backend);
  char *p = vg_xasprintf("%s/identity.json", s->state);
  json_t *id = json_load_file(p, 0, NULL);
  ck_assert_msg(id != NULL, "no %s", p);
  snprintf(s->sid, sizeof s->sid, "%s", json_string_value(json_object_get(id, "sid")));
  json_decref(id);
  free(p);
}

static void start(struct real_sensor *s) {
  char *bin = harness_binary_path("sensor/vigil-sensor");
  pid_t pid = fork();
  if (pid == 0) {
    char *argv[] = {bin, "--state-dir", s->state, "--log-file", s->log, "--collectors", "proc", NULL};
    execv(bin, argv);
    _exit(127);
  }
  free(bin);
  s->pid = pid;
}

static void wait_online(const char *sid) {
  for (int i = 0; i < 200; i++) {
    json_t *r = sensor_get(sid);
    bool on = json_is_true(json_object_get(r, "online"));
    json_decref(r);
    if (on) return;
    usleep(100 * 1000);
  }
  ck_abort_msg("sensor %s never came online", sid);
}

/* The host name vigilctl will print for s (the registry's). */
static void read_host(struct real_sensor *s) {
  json_t *r = sensor_get(s->sid);
  const char *h = json_string_value(json_object_get(r, "hostname"));
  ck_assert_ptr_nonnull(h);
  snprintf(s->host, sizeof s->host, "%s", h);
  json_decref(r);
}

static void cleanup(struct real_sensor *s) {
  if (s->pid) {
    kill(s->pid, SIGTERM);
    waitpid(s->pid, NULL, 0);
  }
  if (getenv("VIGIL_KEEP_LOGS")) {
    char *l = harness_read_file(s->log, NULL);
    fprintf(stderr, "---- sensor log %s ----\n%s\n", s->log, l ? l : "(none)");
    free(l);
  } else {
    harness_rm_rf(s->dir);
  }
  free(s->dir);
  free(s->state);
  free(s->log);
}

static void tag(const struct real_sensor *s, const char *t) {
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, NULL, NULL, ARGS("tag", "add", s->sid, t)), 0);
}

/* root/top.bin (depth 0), root/a/evil.bin (1), root/a/b/c/deep.bin (3),
 * root/a/clean.txt (1); evil_sha: sha256 of evil.bin. */
static char *plant(char *evil_sha) {
  char *root = harness_mkdtemp("spotreal-root");
  char *q = vg_xasprintf("mkdir -p %s/a/b/c", root);
  ck_assert_int_eq(system(q), 0);
  free(q);
  const char *files[][2] = {{"top.bin", "top"}, {"a/evil.bin", EVIL}, {"a/b/c/deep.bin", "deep " EVIL},
                            {"a/clean.txt", EVIL}};
  for (size_t i = 0; i < 4; i++) {
    char *p = vg_xasprintf("%s/%s", root, files[i][0]);
    harness_write_file(p, files[i][1]);
    free(p);
  }
  vg_sha256_hex(EVIL, strlen(EVIL), evil_sha);
  return root;
}

/* Not here: --yara and --yara-process, which make the real sensor scan every
 * process of the host (70 s on the shared test machine, 6 min under ASan);
 * test_vigilctl.c covers them with the simulated sensor. */
static char *rec(char mark, const struct real_sensor *s, const char *rest) {
  return vg_xasprintf("%c (%s / %s)%s", mark, s->sid, s->host, rest ? rest : "");
}

/* The output split in lines; n set to the count. */
static char **lines_of(char *out, int *n) {
  char **v = vg_xcalloc(256, sizeof(char *));
  *n = 0;
  for (char *save = NULL, *l = strtok_r(out, "\n", &save); l && *n < 255; l = strtok_r(NULL, "\n", &save))
    v[(*n)++] = l;
  return v;
}

/* out holds exactly the lines want (any order within what the checks
 * allow is checked by the caller), nothing else. */
static void assert_exact_lines(char *out, const char *const *want, int nwant) {
  char *copy = vg_xstrdup(out);
  int n;
  char **got = lines_of(copy, &n);
  ck_assert_msg(n == nwant, "%d lines, want %d:\n%s", n, nwant, out);
  bool used[256] = {false};
  for (int i = 0; i < nwant; i++) {
    bool found = false;
    for (int k = 0; k < n && !found; k++)
      if (!used[k] && !strcmp(got[k], want[i])) used[k] = found = true;
    ck_assert_msg(found, "missing line\n  %s\nin\n%s", want[i], out);
  }
  free(got);
  free(copy);
}

static int index_of(char **got, int n, const char *line) {
  for (int i = 0; i < n; i++)
    if (!strcmp(got[i], line)) return i;
  return -1;
}

static char *hash_hit(const struct real_sensor *s, const char *root, const char *sha) {
  char *rest = vg_xasprintf(": {\"check\":\"file-hash\",\"FILE_PATH\":\"%s/a/evil.bin\",\"HASH\":\"%s\","
                            "\"FILE_SIZE\":%zu}",
                            root, sha, strlen(EVIL));
  char *l = rec('!', s, rest);
  free(rest);
  return l;
}

START_TEST(t_spotcheck_real_sensors) {
  char sha[65], *out, *err;
  char *root = plant(sha);
  struct real_sensor a, b, c;
  enroll(&a);
  enroll(&b);
  enroll(&c); /* enrolled, not started: offline */
  start(&a);
  start(&b);
  tag(&a, "prod");
  tag(&a, "web");
  tag(&b, "prod");
  tag(&c, "prod");
  tag(&c, "db");
  wait_online(a.sid);
  wait_online(b.sid);
  read_host(&a);
  read_host(&b);
  read_host(&c);

  /* Pattern and depth on the sensors having both tags (A): *.bin to depth 1
   * is top.bin and a/evil.bin, not a/b/c/deep.bin, not clean.txt. */
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, &err,
                                ARGS("spotcheck", "--tags", "prod,web", "--file-pattern", root, "*.bin", "1")),
                   0);
  {
    char *copy = vg_xstrdup(out);
    int n;
    char **got = lines_of(copy, &n);
    char *l0 = rec('>', &a, NULL), *l3 = rec('.', &a, NULL), *hp = rec('!', &a, ": {\"check\":\"file-pattern\",");
    ck_assert_msg(n == 4, "%s", out);
    ck_assert_str_eq(got[0], l0);
    ck_assert_str_eq(got[3], l3);
    char *top = vg_xasprintf("\"FILE_PATH\":\"%s/top.bin\"", root);
    char *evil = vg_xasprintf("\"FILE_PATH\":\"%s/a/evil.bin\"", root);
    int seen_top = 0, seen_evil = 0;
    for (int i = 1; i <= 2; i++) {
      ck_assert_msg(!strncmp(got[i], hp, strlen(hp)), "%s", got[i]);
      json_t *j = json_loads(got[i] + strlen(l0) + 2, 0, NULL); /* after "! (…): " */
      ck_assert_msg(j != NULL, "%s", got[i]);
      ck_assert_str_eq(json_string_value(json_object_get(j, "FILE_NAME")), strstr(got[i], top) ? "top.bin" : "evil.bin");
      ck_assert_int_eq(json_integer_value(json_object_get(j, "FILE_SIZE")), strstr(got[i], top) ? 3 : (int)strlen(EVIL));
      json_decref(j);
      seen_top += strstr(got[i], top) != NULL;
      seen_evil += strstr(got[i], evil) != NULL;
    }
    ck_assert_int_eq(seen_top, 1);
    ck_assert_int_eq(seen_evil, 1);
    ck_assert_ptr_nonnull(strstr(err, "1 sensors: 1 with hits (2 hits)"));
    free(top);
    free(evil);
    free(l0);
    free(l3);
    free(hp);
    free(got);
    free(copy);
  }
  free(out);
  free(err);

  /* Depth 0: top.bin only. */
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL,
                                ARGS("spotcheck", "--tags", "web", "--file-pattern", root, "*.bin", "0")),
                   0);
  ck_assert_int_eq(strstr(out, "/top.bin\"") != NULL, 1);
  ck_assert_ptr_null(strstr(out, "evil.bin"));
  free(out);

  /* By hash and by a YARA rule on A (whole lines): the hash matches
   * evil.bin only (clean.txt has the same bytes but not *.bin); the rule
   * matches evil.bin and deep.bin (depth 5), and clean.txt under "*". */
  char *rule = vg_xasprintf("%s/evil.yar", home);
  harness_write_file(rule, "rule evil_marker { strings: $a = \"" EVIL "\" condition: $a }\n");
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, &err,
                                ARGS("spotcheck", "--tags", "prod,web", "--file-hash", root, "*.bin", "5", sha,
                                     "--yara-file", rule, root, "*.bin", "5")),
                   0);
  {
    char *want[6];
    want[0] = rec('>', &a, NULL);
    want[1] = hash_hit(&a, root, sha);
    char *y1 = vg_xasprintf(": {\"check\":\"yara-file\",\"RULE_NAME\":\"evil_marker\",\"NAMESPACE\":\"default\","
                            "\"TAGS\":[],\"FILE_PATH\":\"%s/a/evil.bin\"}",
                            root);
    char *y2 = vg_xasprintf(": {\"check\":\"yara-file\",\"RULE_NAME\":\"evil_marker\",\"NAMESPACE\":\"default\","
                            "\"TAGS\":[],\"FILE_PATH\":\"%s/a/b/c/deep.bin\"}",
                            root);
    want[2] = rec('!', &a, y1);
    want[3] = rec('!', &a, y2);
    want[4] = rec('.', &a, NULL);
    assert_exact_lines(out, (const char *const *)want, 5);
    ck_assert_ptr_nonnull(strstr(err, "1 sensors: 1 with hits (3 hits)"));
    for (int i = 0; i < 5; i++) free(want[i]);
    free(y1);
    free(y2);
  }
  free(out);
  free(err);

  /* A YARA depth of 1 misses deep.bin. */
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL,
                                ARGS("spotcheck", "--tags", "web", "--yara-file", rule, root, "*", "1")),
                   0);
  ck_assert_ptr_null(strstr(out, "deep.bin"));
  ck_assert_ptr_nonnull(strstr(out, "/a/evil.bin\"}"));
  ck_assert_ptr_nonnull(strstr(out, "/a/clean.txt\"}"));
  free(out);

  /* Nothing found on a real sensor: exit 1, just > and . lines. */
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL,
                                ARGS("spotcheck", "--tags", "web", "--file-pattern", root, "*.none", "5")),
                   1);
  {
    char *want[2] = {rec('>', &a, NULL), rec('.', &a, NULL)};
    assert_exact_lines(out, (const char *const *)want, 2);
    free(want[0]);
    free(want[1]);
  }
  free(out);

  /* A ROOT that is not there is the sensor's ERROR 2 (not found): nothing
   * found, exit 1, no X. A ROOT that is a file is a sensor error: an X line
   * with the sensor's message; nothing found + an error: exit 7. */
  char *missing = vg_xasprintf("%s/missing", root), *file_root = vg_xasprintf("%s/top.bin", root);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL,
                                ARGS("spotcheck", "--tags", "web", "--file-hash", missing, "*", "1", sha)),
                   1);
  ck_assert_msg(!strstr(out, "\nX ("), "%s", out);
  free(out);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL,
                                ARGS("spotcheck", "--tags", "web", "--file-hash", file_root, "*", "1", sha)),
                   7);
  {
    char *xr = vg_xasprintf(": --file-hash: DIR_FINDHASH_REP: EINVAL %s: not a directory", file_root);
    char *want[3] = {rec('>', &a, NULL), rec('X', &a, xr), rec('.', &a, NULL)};
    assert_exact_lines(out, (const char *const *)want, 3);
    for (int i = 0; i < 3; i++) free(want[i]);
    free(xr);
  }
  free(missing);
  free(file_root);
  free(out);

  /* -n 1 over the three prod sensors, C offline: C shows `?`; the test
   * starts it; its results follow. One sensor at a time. */
  struct ctl_proc p;
  ctl_proc_start(&p, ENV(ce), NULL,
                 ARGS("spotcheck", "--tags", "prod", "-n", "1", "--retry-interval", "1", "--timeout", "90",
                      "--file-hash", root, "*.bin", "5", sha));
  char *cq = rec('?', &c, NULL);
  char *got[64];
  int ng = 0;
  bool c_started = false;
  for (char *l; ng < 64 && (l = ctl_proc_next_line(&p, 60000));) {
    got[ng++] = l;
    if (!strcmp(l, cq) && !c_started) {
      start(&c);
      c_started = true;
    }
  }
  ck_assert_int_eq(ctl_proc_finish(&p, NULL, &err), 0);
  ck_assert_msg(c_started, "no offline line for C");
  {
    const struct real_sensor *all[3] = {&a, &b, &c};
    ck_assert_int_eq(ng, 10); /* 3 × (>, !, .) and one ? */
    for (int k = 0; k < 3; k++) {
      char *st = rec('>', all[k], NULL), *hit = hash_hit(all[k], root, sha), *dn = rec('.', all[k], NULL);
      int is = index_of(got, ng, st), ih = index_of(got, ng, hit), id = index_of(got, ng, dn);
      ck_assert_msg(is >= 0 && ih == is + 1 && id == is + 2, "sensor %d: %d %d %d", k, is, ih, id);
      free(st);
      free(hit);
      free(dn);
    }
    char *cs = rec('>', &c, NULL);
    ck_assert_int_lt(index_of(got, ng, cq), index_of(got, ng, cs));
    free(cs);
  }
  ck_assert_ptr_nonnull(strstr(err, "3 sensors: 3 with hits (3 hits), 0 errors, 0 still offline"));
  for (int i = 0; i < ng; i++) free(got[i]);
  free(err);
  free(cq);
  wait_online(c.sid);

  /* -n 3: all three started before the first is done. */
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL,
                                ARGS("spotcheck", "--tags", "prod", "-n", "3", "--file-hash", root, "*.bin", "5", sha)),
                   0);
  {
    char *copy = vg_xstrdup(out);
    int n;
    char **l = lines_of(copy, &n);
    ck_assert_msg(n == 9 && l[0][0] == '>' && l[1][0] == '>' && l[2][0] == '>', "%s", out);
    free(l);
    free(copy);
  }
  free(out);

  /* --tags db: C only. */
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL,
                                ARGS("spotcheck", "--tags", "db", "--file-hash", root, "*.bin", "5", sha)),
                   0);
  {
    char *want[3] = {rec('>', &c, NULL), hash_hit(&c, root, sha), rec('.', &c, NULL)};
    assert_exact_lines(out, (const char *const *)want, 3);
    for (int i = 0; i < 3; i++) free(want[i]);
  }
  free(out);

  harness_rm_rf(root);
  free(root);
  free(rule);
  cleanup(&a);
  cleanup(&b);
  cleanup(&c);
}
END_TEST

static Suite *spotcheck_real_suite(void) {
  Suite *s = suite_create("spotcheck_real");
  TCase *t = tcase_create("spotcheck_real");
  tcase_add_checked_fixture(t, setup, teardown);
  tcase_set_timeout(t, 400);
  tcase_add_test(t, t_spotcheck_real_sensors);
  suite_add_tcase(s, t);
  return s;
}

VG_CHECK_MAIN(spotcheck_real_suite)
