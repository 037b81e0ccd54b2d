/* test_vigilctl.c — the REAL vigilctl binary, run as a subprocess against the
 * REAL vigild (harness fixture) and simulated sensors that answer tasks from
 * this host's real files and processes (sensor_sim_fs.c): login and
 * credential resolution, every command, --json shapes, exit codes, and
 * spotcheck (tags, -n, offline `?` then results, exact output lines). */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "shared/alloc.h"
#include "shared/buf.h"
#include "shared/creds.h"
#include "shared/pki.h"
#include "tests/harness/ctl_proc.h"
#include "tests/harness/harness.h"
#include "tests/harness/sensor_sim_fs.h"

static struct harness_vigild d;
static struct vg_creds admin; /* from the credentials file vigild wrote */
static char *home, *creds_file, *ctl;

static char *env_creds(void) { return vg_xasprintf("VIGIL_CREDS_FILE=%s", creds_file); }

static void setup(void) {
  ck_assert_int_eq(harness_vigild_start(&d, NULL), 0);
  creds_file = vg_xasprintf("%s/credentials.yaml", d.data_dir);
  char *t = harness_read_file(creds_file, NULL);
  ck_assert_int_eq(vg_creds_parse(t, strlen(t), creds_file, NULL, &admin, NULL), 0);
  free(t);
  home = harness_mkdtemp("vigilctl-home");
  ctl = harness_binary_path("cli/vigilctl");
  ctl_proc_init(home, ctl);
}

static void teardown(void) {
  harness_vigild_cleanup(&d, false);
  harness_rm_rf(home);
  free(home);
  free(creds_file);
  free(ctl);
}

/* A new API key of role (the secret, heap) through vigilctl itself. */
static char *make_key(const char *role) {
  char *ce = env_creds(), *out;
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL, ARGS("--json", "keys", "create", role, "--role", role)), 0);
  json_t *j = json_loads(out, 0, NULL);
  ck_assert_ptr_nonnull(j);
  char *k = vg_xstrdup(json_string_value(json_object_get(j, "api_key")));
  json_decref(j);
  free(out);
  free(ce);
  return k;
}

static const char *role_of(const char *json_text) {
  static char role[32];
  json_t *j = json_loads(json_text, 0, NULL);
  snprintf(role, sizeof role, "%s", json_string_value(json_object_get(j, "role")));
  json_decref(j);
  return role;
}

START_TEST(t_login_and_resolution) {
  char *out, *err;
  /* Nothing configured: exit 3, and the message says what to do. */
  ck_assert_int_eq(ctl_proc_run(NULL, NULL, NULL, &err, ARGS("whoami")), 3);
  ck_assert_ptr_nonnull(strstr(err, "vigilctl login"));
  free(err);

  /* vigild's credentials.yaml works as-is through VIGIL_CREDS_FILE. */
  char *ce = env_creds();
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL, ARGS("whoami", "--json")), 0);
  ck_assert_str_eq(role_of(out), "admin");
  ck_assert_ptr_nonnull(strstr(out, admin.oid));
  free(out);

  /* A copy readable by others is refused. */
  char *open_copy = vg_xasprintf("%s/open.yaml", home);
  char *text = harness_read_file(creds_file, NULL);
  harness_write_file(open_copy, text);
  chmod(open_copy, 0644);
  char *eo = vg_xasprintf("VIGIL_CREDS_FILE=%s", open_copy);
  ck_assert_int_eq(ctl_proc_run(ENV(eo), NULL, NULL, &err, ARGS("whoami")), 3);
  ck_assert_ptr_nonnull(strstr(err, "chmod 600"));
  free(err);

  /* login with flags, verified, written 0600 as environment "lab". */
  char *viewer = make_key("viewer");
  ck_assert_int_eq(ctl_proc_run(NULL, NULL, NULL, &err,
                       ARGS("login", "--env", "lab", "--url", admin.url, "--oid", admin.oid, "--api-key", viewer,
                            "--ca", admin.ca_file)),
                   0);
  ck_assert_ptr_nonnull(strstr(err, "environment 'lab' saved"));
  free(err);
  char *user_file = vg_xasprintf("%s/.config/vigil/credentials.yaml", home);
  struct stat st;
  ck_assert_int_eq(stat(user_file, &st), 0);
  ck_assert_int_eq(st.st_mode & 0777, 0600);
  ck_assert_int_eq(ctl_proc_run(NULL, NULL, &out, NULL, ARGS("--json", "whoami")), 0);
  ck_assert_str_eq(role_of(out), "viewer");
  ck_assert_ptr_nonnull(strstr(out, "\"env\":\"lab\""));
  free(out);

  /* A wrong key is not saved: exit 4, the file unchanged. */
  char *before = harness_read_file(user_file, NULL);
  ck_assert_int_eq(ctl_proc_run(NULL, NULL, NULL, &err,
                       ARGS("login", "--env", "bad", "--url", admin.url, "--oid", admin.oid, "--api-key",
                            "vk_0000", "--ca", admin.ca_file)),
                   4);
  free(err);
  char *after = harness_read_file(user_file, NULL);
  ck_assert_str_eq(before, after);
  free(before);
  free(after);

  /* login by prompts (stdin), as environment "prod" with the admin key. */
  char *answers = vg_xasprintf("%s\n%s\n%s\n%s\n", admin.url, admin.oid, admin.api_key, admin.ca_file);
  ck_assert_int_eq(ctl_proc_run(NULL, answers, NULL, &err, ARGS("login", "--env", "prod")), 0);
  ck_assert_ptr_nonnull(strstr(err, "API key: "));
  free(err);
  free(answers);
  ck_assert_int_eq(ctl_proc_run(NULL, NULL, &out, NULL, ARGS("--json", "whoami")), 0);
  ck_assert_str_eq(role_of(out), "admin"); /* login made prod the default */
  free(out);
  ck_assert_int_eq(ctl_proc_run(NULL, NULL, &out, NULL, ARGS("use", "lab")), 0);
  free(out);
  ck_assert_int_eq(ctl_proc_run(NULL, NULL, &out, NULL, ARGS("--json", "whoami")), 0);
  ck_assert_str_eq(role_of(out), "viewer");
  free(out);
  ck_assert_int_eq(ctl_proc_run(NULL, NULL, &out, NULL, ARGS("--json", "--env", "prod", "whoami")), 0);
  ck_assert_str_eq(role_of(out), "admin");
  free(out);
  ck_assert_int_eq(ctl_proc_run(NULL, NULL, NULL, &err, ARGS("use", "nope")), 1);
  free(err);

  /* Order: VIGIL_CREDS_FILE (admin) beats the user file (lab: viewer)... */
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL, ARGS("--json", "whoami")), 0);
  ck_assert_str_eq(role_of(out), "admin");
  free(out);
  /* ...the environment (analyst) beats VIGIL_CREDS_FILE... */
  char *analyst = make_key("analyst");
  char *eu = vg_xasprintf("VIGIL_URL=%s", admin.url), *eoid = vg_xasprintf("VIGIL_OID=%s", admin.oid),
       *ek = vg_xasprintf("VIGIL_API_KEY=%s", analyst), *eca = vg_xasprintf("VIGIL_CA=%s", admin.ca_file);
  ck_assert_int_eq(ctl_proc_run(ENV(ce, eu, eoid, ek, eca), NULL, &out, NULL, ARGS("--json", "whoami")), 0);
  ck_assert_str_eq(role_of(out), "analyst");
  free(out);
  /* ...and flags (viewer) beat the environment. */
  ck_assert_int_eq(ctl_proc_run(ENV(ce, eu, eoid, ek, eca), NULL, &out, NULL,
                       ARGS("--json", "whoami", "--url", admin.url, "--oid", admin.oid, "--api-key", viewer, "--ca",
                            admin.ca_file)),
                   0);
  ck_assert_str_eq(role_of(out), "viewer");
  free(out);
  /* A half-given source is an error, not a fallback. */
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, NULL, &err, ARGS("whoami", "--url", admin.url)), 3);
  ck_assert_ptr_nonnull(strstr(err, "--oid is missing"));
  free(err);

  /* A malformed user file: exit 3 with file:line:col. */
  harness_write_file(user_file, "default: lab\nenvironments:\n  lab: {url: wss://x, oid: nope, api_key: k}\n");
  ck_assert_int_eq(ctl_proc_run(NULL, NULL, NULL, &err, ARGS("whoami")), 3);
  ck_assert_msg(strstr(err, "credentials.yaml:3:") && strstr(err, "UUID"), "%s", err);
  free(err);

  free(eu);
  free(eoid);
  free(ek);
  free(eca);
  free(analyst);
  free(viewer);
  free(user_file);
  free(text);
  free(eo);
  free(open_copy);
  free(ce);
}
END_TEST

/* A connected simulated sensor answering from the filesystem. */
struct sim {
  struct sensor_sim s;
  struct sensor_sim_fs *fs;
};

static void sim_up(struct sim *m) {
  json_t *w = sensor_sim_connect(&m->s, &d, NULL, NULL);
  ck_assert_ptr_nonnull(w);
  json_decref(w);
  m->fs = sensor_sim_fs_start(&m->s, 1);
}

static void sim_enroll(struct sim *m, const char *host, bool up) {
  memset(m, 0, sizeof(*m));
  ck_assert_int_eq(sensor_sim_enroll(&m->s, &d, NULL, host, NULL), 0);
  if (up) sim_up(m);
}

static void sim_down(struct sim *m) {
  sensor_sim_fs_stop(m->fs);
  sensor_sim_cleanup(&m->s);
}

/* Lines of text that start with c + ' ' (heap array of heap strings). */
static int count_prefix(const char *text, const char *prefix) {
  int n = 0;
  for (const char *p = text; (p = strstr(p, prefix)); p++)
    if (p == text || p[-1] == '\n') n++;
  return n;
}

START_TEST(t_commands) {
  char *ce = env_creds(), *out, *err;
  struct sim a, b;
  sim_enroll(&a, "cmd-a", true);
  sim_enroll(&b, "cmd-b", false);
  const char *sa = a.s.id.sid, *sb = b.s.id.sid;

  /* sensors list: a table by default, NDJSON with --json. */
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL, ARGS("sensors", "list")), 0);
  ck_assert(strncmp(out, "SID ", 4) == 0);
  ck_assert_ptr_nonnull(strstr(out, sa));
  ck_assert_ptr_nonnull(strstr(out, sb));
  free(out);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL, ARGS("sensors", "list", "--json")), 0);
  int lines = 0;
  for (char *l = strtok(out, "\n"); l; l = strtok(NULL, "\n"), lines++) {
    json_t *j = json_loads(l, 0, NULL);
    ck_assert_msg(json_is_object(j) && json_is_string(json_object_get(j, "sid")), "%s", l);
    json_decref(j);
  }
  ck_assert_int_eq(lines, 2);
  free(out);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL, ARGS("--json", "sensors", "list", "--online")), 0);
  ck_assert_ptr_nonnull(strstr(out, sa));
  ck_assert_ptr_null(strstr(out, sb));
  free(out);

  /* sensors get; unknown sid exit 1; usage errors exit 2. */
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL, ARGS("sensors", "get", sa)), 0);
  ck_assert_ptr_nonnull(strstr(out, "online"));
  free(out);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, NULL, &err, ARGS("sensors", "get", "0f8e6b52-2c3d-4e5f-8a9b-0c1d2e3f4a5b")), 1);
  ck_assert_ptr_nonnull(strstr(err, "ENOTFOUND"));
  free(err);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, NULL, &err, ARGS("sensors", "get")), 2);
  ck_assert_ptr_nonnull(strstr(err, "usage: vigilctl sensors get SID"));
  free(err);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, NULL, NULL, ARGS("nosuch")), 2);

  /* tag add with ttl, tag remove. */
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL, ARGS("--json", "tag", "add", sa, "hunt", "--ttl", "2h")), 0);
  json_t *j = json_loads(out, 0, NULL);
  json_int_t exp = json_integer_value(json_object_get(json_object_get(j, "tags"), "hunt"));
  int64_t now = (int64_t)time(NULL) * 1000;
  ck_assert_msg(exp > now + 7000000 && exp < now + 7300000, "expiry %lld", (long long)exp);
  json_decref(j);
  free(out);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL, ARGS("tag", "add", sa, "keep")), 0);
  ck_assert_ptr_nonnull(strstr(out, "keep\t-"));
  free(out);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL, ARGS("--json", "sensors", "list", "--tag", "hunt")), 0);
  ck_assert_ptr_nonnull(strstr(out, sa));
  ck_assert_ptr_null(strstr(out, sb));
  free(out);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL, ARGS("tag", "remove", sa, "hunt")), 0);
  ck_assert_ptr_null(strstr(out, "hunt"));
  free(out);

  /* task --wait: the replies printed as they come, then it ends at the last. */
  char *tmp = harness_mkdtemp("vigilctl-task");
  char *f = vg_xasprintf("%s/hello.txt", tmp);
  harness_write_file(f, "hello\n");
  char *cmd = vg_xasprintf("file_info %s", f);
  time_t t0 = time(NULL);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, &err, ARGS("task", sa, cmd, "--wait", "30")), 0);
  ck_assert_msg(time(NULL) - t0 < 20, "task waited for the deadline");
  ck_assert_ptr_nonnull(strstr(out, " RECEIPT "));
  ck_assert_ptr_nonnull(strstr(out, " FILE_INFO_REP "));
  ck_assert_ptr_nonnull(strstr(out, "\"FILE_SIZE\":6"));
  ck_assert_ptr_nonnull(strstr(err, "2 replies"));
  free(out);
  free(err);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL, ARGS("--json", "task", sa, cmd)), 0);
  int n = 0;
  for (char *l = strtok(out, "\n"); l; l = strtok(NULL, "\n"), n++) {
    json_t *x = json_loads(l, 0, NULL);
    ck_assert_ptr_nonnull(x);
    json_decref(x);
  }
  ck_assert_int_eq(n, 4); /* the task.send result, 2 events, the end */
  free(out);
  /* An offline sensor: refused (5); --queue-ttl queues it. */
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, NULL, &err, ARGS("task", sb, cmd, "--wait", "2")), 5);
  ck_assert_ptr_nonnull(strstr(err, "EOFFLINE"));
  free(err);
  /* A viewer may not task: 5. */
  char *viewer = make_key("viewer");
  char *eu = vg_xasprintf("VIGIL_URL=%s", admin.url), *eoid = vg_xasprintf("VIGIL_OID=%s", admin.oid),
       *ek = vg_xasprintf("VIGIL_API_KEY=%s", viewer), *eca = vg_xasprintf("VIGIL_CA=%s", admin.ca_file);
  ck_assert_int_eq(ctl_proc_run(ENV(eu, eoid, ek, eca), NULL, NULL, &err, ARGS("task", sa, cmd)), 5);
  ck_assert_ptr_nonnull(strstr(err, "EPERM"));
  free(err);

  /* stream: NDJSON events of a sensor. */
  struct ctl_proc sp;
  char *sid_arg = vg_xasprintf("--sid=%s", sa);
  ctl_proc_start(&sp, ENV(ce), NULL, ARGS("--json", "stream", sid_arg, "--count", "2", "--for", "20"));
  usleep(700 * 1000);
  ck_assert_int_eq(sensor_sim_send_batch(&a.s, 100, 2, NULL), 0);
  ck_assert_int_eq(ctl_proc_finish(&sp, &out, NULL), 0);
  n = 0;
  for (char *l = strtok(out, "\n"); l; l = strtok(NULL, "\n"), n++) {
    json_t *e = json_loads(l, 0, NULL);
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(e, "routing"), "event_type")), "NEW_PROCESS");
    json_decref(e);
  }
  ck_assert_int_eq(n, 2);
  free(out);

  /* keys and installation keys. */
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL, ARGS("--json", "keys", "list")), 0);
  ck_assert_int_eq(count_prefix(out, "{\"key_id\""), 2); /* bootstrap admin, viewer */
  free(out);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL, ARGS("keys", "list")), 0);
  ck_assert(strncmp(out, "KEY_ID ", 7) == 0);
  free(out);
  ck_assert_int_eq(ctl_proc_run(ENV(eu, eoid, ek, eca), NULL, NULL, NULL, ARGS("keys", "list")), 5);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL, ARGS("--json", "installation-keys", "create", "linux")), 0);
  j = json_loads(out, 0, NULL);
  char *iid = vg_xstrdup(json_string_value(json_object_get(json_object_get(j, "installation_key"), "iid")));
  ck_assert_ptr_nonnull(json_string_value(json_object_get(j, "key")));
  json_decref(j);
  free(out);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL, ARGS("installation-keys", "list")), 0);
  ck_assert_ptr_nonnull(strstr(out, iid));
  free(out);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL, ARGS("installation-keys", "revoke", iid)), 0);
  free(out);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL, ARGS("installation-keys", "list")), 0);
  ck_assert_ptr_null(strstr(out, iid));
  free(out);
  /* keys revoke: the viewer key stops working. */
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL, ARGS("--json", "keys", "list")), 0);
  char *kid = NULL;
  for (char *l = strtok(out, "\n"); l; l = strtok(NULL, "\n")) {
    json_t *k = json_loads(l, 0, NULL);
    if (!strcmp(json_string_value(json_object_get(k, "role")), "viewer") && !kid)
      kid = vg_xstrdup(json_string_value(json_object_get(k, "key_id")));
    json_decref(k);
  }
  free(out);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL, ARGS("keys", "revoke", kid)), 0);
  free(out);

  /* audit: the state changes above, newest first, with a relative start. */
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL, ARGS("--json", "audit", "--start", "-1h", "--limit", "500")), 0);
  ck_assert_ptr_nonnull(strstr(out, "\"method\":\"keys.revoke\""));
  ck_assert_ptr_nonnull(strstr(out, "\"method\":\"sensors.tags.add\""));
  ck_assert_ptr_nonnull(strstr(out, "\"method\":\"task.send\""));
  ck_assert(strncmp(out, "{\"time\"", 7) == 0);
  free(out);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL, ARGS("audit", "--start", "2999-01-01T00:00:00Z")), 0);
  ck_assert_int_eq(count_prefix(out, "20"), 0);
  free(out);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, NULL, &err, ARGS("audit", "--start", "yesterday")), 2);
  ck_assert_ptr_nonnull(strstr(err, "not a time"));
  free(err);

  /* sensors delete. */
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL, ARGS("sensors", "delete", sb)), 0);
  free(out);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, NULL, NULL, ARGS("sensors", "get", sb)), 1);

  free(kid);
  free(iid);
  free(sid_arg);
  free(eu);
  free(eoid);
  free(ek);
  free(eca);
  free(viewer);
  harness_rm_rf(tmp);
  free(tmp);
  free(f);
  free(cmd);
  sim_down(&a);
  sim_down(&b);
  free(ce);
}
END_TEST

/* The planted tree: root/top.bin (depth 0), root/a/evil.bin (depth 1),
 * root/a/b/c/deep.bin (depth 3), root/a/clean.txt. */
static char *plant(char *evil_sha) {
  char *root = harness_mkdtemp("vigilctl-spot");
  char *p = vg_xasprintf("%s/a/b/c", root);
  char *q = vg_xasprintf("mkdir -p %s", p);
  ck_assert_int_eq(system(q), 0);
  free(q);
  free(p);
  const char *files[][2] = {{"top.bin", "top"}, {"a/evil.bin", "EVIL-MARKER-7d1f"},
                            {"a/b/c/deep.bin", "deep EVIL-MARKER-7d1f"}, {"a/clean.txt", "clean"}};
  for (size_t i = 0; i < 4; i++) {
    p = vg_xasprintf("%s/%s", root, files[i][0]);
    harness_write_file(p, files[i][1]);
    free(p);
  }
  vg_sha256_hex("EVIL-MARKER-7d1f", 16, evil_sha);
  return root;
}

/* A record line; a sensor that has connected is called "sim-host" (its
 * hello), one that never did by its enrollment name. */
static char *line_of(char mark, const struct sim *m, const char *host, const char *rest) {
  return vg_xasprintf("%c (%s / %s)%s", mark, m->s.id.sid, host, rest ? rest : "");
}

static bool has_line(const char *out, const char *line) {
  size_t n = strlen(line);
  for (const char *p = out; (p = strstr(p, line)); p++)
    if ((p == out || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0')) return true;
  return false;
}

START_TEST(t_spotcheck) {
  char *ce = env_creds(), *out, *err, sha[65];
  char *root = plant(sha);
  struct sim a, b, c;
  sim_enroll(&a, "spot-a", true);
  sim_enroll(&b, "spot-b", true);
  sim_enroll(&c, "spot-c", false); /* offline until the test starts it */
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, NULL, NULL, ARGS("tag", "add", a.s.id.sid, "prod")), 0);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, NULL, NULL, ARGS("tag", "add", a.s.id.sid, "web")), 0);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, NULL, NULL, ARGS("tag", "add", b.s.id.sid, "prod")), 0);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, NULL, NULL, ARGS("tag", "add", c.s.id.sid, "prod")), 0);

  /* By pattern and depth, sensors having both tags: A only; exact lines. */
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, &err, ARGS("spotcheck", "--tags", "prod,web", "--file-pattern", root,
                                                        "*.bin", "1")),
                   0);
  char *l1 = line_of('>', &a, "sim-host", NULL), *l3 = line_of('.', &a, "sim-host", NULL);
  ck_assert_msg(has_line(out, l1) && has_line(out, l3), "%s", out);
  ck_assert_int_eq(count_prefix(out, "! "), 2); /* top.bin (0) and a/evil.bin (1), not deep.bin (3) */
  ck_assert_ptr_nonnull(strstr(out, "/a/evil.bin\""));
  ck_assert_ptr_nonnull(strstr(out, "/top.bin\""));
  ck_assert_ptr_null(strstr(out, "deep.bin"));
  ck_assert_ptr_null(strstr(out, b.s.id.sid));
  char *hit_prefix = line_of('!', &a, "sim-host", ": {\"check\":\"file-pattern\"");
  ck_assert_ptr_nonnull(strstr(out, hit_prefix));
  int nl = 0;
  for (const char *q = out; *q; q++) nl += *q == '\n';
  ck_assert_int_eq(nl, 4); /* >, two !, . and nothing else */
  ck_assert_ptr_null(strstr(err, "\r")); /* no progress line when piped */
  ck_assert_ptr_nonnull(strstr(err, "1 sensors: 1 with hits (2 hits)"));
  free(hit_prefix);
  free(l1);
  free(l3);
  free(out);
  free(err);

  /* By hash and by YARA rule (files to depth 5), -t tags the sensors hit. */
  char *rule = vg_xasprintf("%s/r.yar", home);
  harness_write_file(rule, "rule evil_marker { strings: $a = \"EVIL-MARKER-7d1f\" condition: $a }\n");
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, &err,
                       ARGS("spotcheck", "--tags", "prod,web", "--file-hash", root, "*.bin", "5", sha, "-yf", rule,
                            root, "*", "5", "-t", "found-it", "--tag-ttl", "1h")),
                   0);
  ck_assert_int_eq(count_prefix(out, "! "), 3); /* 1 hash (evil.bin), 2 YARA (evil.bin, deep.bin) */
  ck_assert_ptr_nonnull(strstr(out, "\"check\":\"file-hash\""));
  ck_assert_ptr_nonnull(strstr(out, sha));
  ck_assert_ptr_nonnull(strstr(out, "\"RULE_NAME\":\"evil_marker\""));
  free(out);
  free(err);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL, ARGS("--json", "sensors", "list", "--tag", "found-it")), 0);
  ck_assert_ptr_nonnull(strstr(out, a.s.id.sid));
  ck_assert_ptr_null(strstr(out, b.s.id.sid));
  free(out);

  /* --file: file_info, then file_hash joins the hit (one line per file). */
  char *evil = vg_xasprintf("%s/a/evil.bin", root);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL, ARGS("spotcheck", "--tags", "prod,web", "-f", evil)), 0);
  ck_assert_int_eq(count_prefix(out, "! "), 1);
  char *want = vg_xasprintf("\"FILE_PATH\":\"%s\"", evil);
  ck_assert_msg(strstr(out, want) && strstr(out, sha) && strstr(out, "\"FILE_SIZE\":16"), "%s", out);
  free(want);
  free(evil);
  free(out);

  /* YARA in process memory: a shell whose argv holds the marker. */
  pid_t sh = fork();
  if (sh == 0) {
    execl("/bin/sh", "sh", "-c", "sleep 60; true", "EVIL-MARKER-7d1f", (char *)NULL);
    _exit(127);
  }
  usleep(300 * 1000);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL, ARGS("spotcheck", "--tags", "prod,web", "--yara-process", rule, "sh")),
                   0);
  kill(sh, SIGKILL);
  waitpid(sh, NULL, 0);
  ck_assert_msg(strstr(out, "\"check\":\"yara-process\"") && strstr(out, "\"PROCESS_NAME\":\"sh\"}"), "%s", out);
  ck_assert_int_eq(count_prefix(out, "! "), 1); /* only the sh: sleep and the rest are scanned, not kept */
  free(out);

  /* A sensor error is an X line and the other checks go on: a rule that
   * does not compile. Nothing found + an error: 7. */
  char *bad_rule = vg_xasprintf("%s/bad.yar", home);
  harness_write_file(bad_rule, "rule broken {\n");
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, &err, ARGS("spotcheck", "--tags", "prod,web", "--yara", bad_rule,
                                                        "--file", "/nonexistent")),
                   7);
  free(bad_rule);
  char *xl = line_of('X', &a, "sim-host", ": --yara: YARA_SCAN_REP: EINVAL bad YARA rule");
  ck_assert_msg(has_line(out, xl), "%s", out);
  ck_assert_int_eq(count_prefix(out, ". "), 1);
  free(xl);
  free(out);
  free(err);

  /* Nothing found: exit 1; registry flags are not applicable on Linux. */
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, &err,
                       ARGS("spotcheck", "--tags", "prod,web", "--file", "/nonexistent/x", "--registry-key", "HKLM\\Run")),
                   1);
  ck_assert_int_eq(count_prefix(out, "! "), 0);
  ck_assert_ptr_nonnull(strstr(err, "1 registry checks not applicable"));
  free(out);
  free(err);

  /* -n 1 over A, B and the offline C: one sensor at a time; C shows `?`, and
   * its results once it comes online. */
  struct ctl_proc p;
  ctl_proc_start(&p, ENV(ce), NULL, ARGS("spotcheck", "--tags", "prod", "-n", "1", "--retry-interval", "1", "--timeout",
                                "60", "--file", root));
  char *got[64];
  int ng = 0;
  bool c_started = false;
  char *cq = line_of('?', &c, "spot-c", NULL);
  for (char *l; ng < 64 && (l = ctl_proc_next_line(&p, 30000));) {
    got[ng++] = l;
    if (!strcmp(l, cq) && !c_started) {
      sim_up(&c);
      c_started = true;
    }
  }
  ck_assert_int_eq(ctl_proc_finish(&p, NULL, &err), 0);
  ck_assert_msg(c_started, "no offline line for C");
  /* Each started sensor finishes before the next starts (-n 1), and C's
   * `?` comes before its `>`. */
  int active = 0, starts = 0, dones = 0, hits = 0, c_q = -1, c_start = -1;
  for (int i = 0; i < ng; i++) {
    if (got[i][0] == '>') {
      ck_assert_int_eq(active, 0);
      active++;
      starts++;
      if (strstr(got[i], c.s.id.sid)) c_start = i;
    } else if (got[i][0] == '.') {
      active--;
      dones++;
    } else if (got[i][0] == '!') {
      hits++;
      ck_assert_ptr_nonnull(strstr(got[i], ": {\"check\":\"file\""));
    } else if (got[i][0] == '?') {
      c_q = i;
    }
  }
  ck_assert_int_eq(starts, 3);
  ck_assert_int_eq(dones, 3);
  ck_assert_int_eq(hits, 3); /* the root directory exists on every host */
  ck_assert(c_q >= 0 && c_start > c_q);
  ck_assert_ptr_nonnull(strstr(err, "3 sensors: 3 with hits"));
  for (int i = 0; i < ng; i++) free(got[i]);
  free(err);
  free(cq);

  /* -n 3: all three start before any finishes (the next ones are started
   * before replies are read). */
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL, ARGS("spotcheck", "--tags", "prod", "-n", "3", "--file", root)), 0);
  ck_assert_msg(out[0] == '>' && strstr(out, "\n> ") && strstr(strstr(out, "\n> ") + 1, "\n> "), "%s", out);
  char *first_done = strstr(out, "\n. ");
  char *third_start = strstr(strstr(out, "\n> ") + 1, "\n> ");
  ck_assert_msg(first_done && third_start && third_start < first_done, "%s", out);
  free(out);

  /* On a terminal (script(1) gives it one) a live progress line is drawn. */
  char *sc = vg_xasprintf("%s spotcheck --tags prod,web --file %s", ctl, root);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL, ARGS("/usr/bin/script", "-qec", sc, "/dev/null")), 0);
  ck_assert_msg(strstr(out, "\r\033[K[spotcheck] ") && strstr(out, "1/1 done"), "%s", out);
  free(out);
  free(sc);

  /* A sensor that never comes online: `?`, then exit 7 at --timeout. */
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, NULL, NULL, ARGS("tag", "add", b.s.id.sid, "lonely")), 0);
  sensor_sim_fs_stop(b.fs);
  b.fs = NULL;
  sensor_sim_disconnect(&b.s);
  usleep(500 * 1000);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, &err, ARGS("spotcheck", "--tags", "lonely", "--timeout", "2",
                                                        "--retry-interval", "1", "--file", "/nonexistent")),
                   7);
  char *bq = line_of('?', &b, "sim-host", NULL);
  ck_assert_msg(has_line(out, bq), "%s", out);
  ck_assert_ptr_nonnull(strstr(err, "1 still offline"));
  free(bq);
  free(out);
  free(err);

  /* JSON records. */
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL, ARGS("--json", "spotcheck", "--tags", "prod,web", "--file", root)), 0);
  int n = 0;
  for (char *l = strtok(out, "\n"); l; l = strtok(NULL, "\n"), n++) {
    json_t *j = json_loads(l, 0, NULL);
    const char *st = json_string_value(json_object_get(j, "status"));
    ck_assert_msg(st && (!strcmp(st, "start") || !strcmp(st, "hit") || !strcmp(st, "done")), "%s", l);
    ck_assert_str_eq(json_string_value(json_object_get(j, "sid")), a.s.id.sid);
    json_decref(j);
  }
  ck_assert_int_eq(n, 3);
  free(out);

  harness_rm_rf(root);
  free(root);
  free(rule);
  sim_down(&a);
  sim_down(&b);
  sim_down(&c);
  free(ce);
}
END_TEST

static Suite *vigilctl_suite(void) {
  Suite *s = suite_create("vigilctl");
  TCase *t = tcase_create("vigilctl");
  tcase_add_checked_fixture(t, setup, teardown);
  tcase_set_timeout(t, 240);
  tcase_add_test(t, t_login_and_resolution);
  tcase_add_test(t, t_commands);
  tcase_add_test(t, t_spotcheck);
  suite_add_tcase(s, t);
  return s;
}

VG_CHECK_MAIN(vigilctl_suite)
