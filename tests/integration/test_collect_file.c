/* test_collect_file.c — the fanotify file collector against the real kernel:
 * file events with path and pid, the sensor's own pid filtered, NEW_DOCUMENT
 * and doc_cache_get after deletion, FIM_HIT and the fim_* commands. */
#include <fcntl.h>
#include <limits.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sensor/cmd.h"
#include "sensor/collect_file.h"
#include "sensor/fim.h"
#include "shared/alloc.h"
#include "shared/event.h"
#include "shared/pki.h"
#include "tests/harness/harness.h"
#include "tests/harness/collect_sink.h"

#define WAIT_MS 5000

static struct collect_sink sink;
static struct sensor_ctx ctx;
static void *state;
static char *dir;       /* realpath of the temp dir the children write in */
static char *state_dir;

static void setup(void) {
  collect_sink_init(&sink, &ctx);
  char *d = harness_mkdtemp("collect-file");
  dir = realpath(d, NULL);
  free(d);
  state_dir = harness_mkdtemp("collect-file-state");
  ctx.state_dir = state_dir;
  struct vg_err e;
  vg_err_clear(&e);
  int rc = collect_file_start(&ctx, &state, &e);
  ck_assert_msg(rc == 0, "collect_file_start: %s", e.msg);
  ck_assert_ptr_nonnull(ctx.docs);
  ck_assert_ptr_nonnull(ctx.fim);
}

static void teardown(void) {
  collect_file_stop(state);
  ck_assert_ptr_null(ctx.docs);
  harness_rm_rf(dir);
  harness_rm_rf(state_dir);
  free(dir);
  free(state_dir);
  collect_sink_cleanup(&sink);
}

/* Run fn(arg) in a child registered with an atom before it starts. */
static pid_t run_child(void (*fn)(const char *), const char *arg, char atom[VG_ATOM_HEX_LEN + 1]) {
  int p[2];
  ck_assert_int_eq(pipe(p), 0);
  pid_t pid = harness_fork();
  if (pid == 0) {
    char c;
    close(p[1]);
    if (read(p[0], &c, 1) != 1) _exit(2);
    fn(arg);
    _exit(0);
  }
  close(p[0]);
  collect_sink_add_pid(&sink, pid, atom);
  ck_assert_int_eq(write(p[1], "g", 1), 1);
  close(p[1]);
  int st;
  ck_assert_int_eq(waitpid(pid, &st, 0), pid);
  ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  return pid;
}

static void write_file(const char *path, const char *content) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0 || write(fd, content, strlen(content)) != (ssize_t)strlen(content)) _exit(3);
  close(fd);
}

static char *in_dir(const char *name) { return vg_xasprintf("%s/%s", dir, name); }

static void child_cwd(const char *path) {
  write_file(path, "hello\n");
  if (unlink(path) != 0) _exit(4);
}

static void assert_attributed(json_t *ev, pid_t pid, const char *atom) {
  ck_assert_ptr_nonnull(ev);
  ck_assert_int_eq(json_integer_value(json_object_get(vg_event_payload(ev), "PROCESS_ID")), pid);
  ck_assert_str_eq(json_string_value(json_object_get(vg_event_routing(ev), "parent")), atom);
  ck_assert_int_eq(vg_event_validate(ev, NULL), 0);
}

START_TEST(create_write_delete_by_a_child) {
  char *path = in_dir("a.txt");
  char atom[VG_ATOM_HEX_LEN + 1];
  pid_t pid = run_child(child_cwd, path, atom);
  const char *types[] = {"FILE_CREATE", "FILE_MODIFIED", "FILE_DELETE"};
  for (int i = 0; i < 3; i++) {
    json_t *ev = collect_sink_wait(&sink, types[i], "FILE_PATH", path, WAIT_MS);
    ck_assert_msg(ev, "no %s for %s", types[i], path);
    assert_attributed(ev, pid, atom);
    json_decref(ev);
  }
  free(path);
}
END_TEST

static void child_touch(const char *path) {
  int fd = open(path, O_WRONLY | O_CREAT, 0644);
  if (fd < 0) _exit(3);
  close(fd);
}

START_TEST(own_pid_filtered_and_close_without_write_is_no_modification) {
  char *mine = in_dir("mine.txt"), *marker = in_dir("marker");
  int fd = open(mine, O_WRONLY | O_CREAT, 0600);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(write(fd, "x", 1), 1);
  close(fd);
  unlink(mine);
  run_child(child_touch, marker, NULL);
  json_t *ev = collect_sink_wait(&sink, "FILE_CREATE", "FILE_PATH", marker, WAIT_MS);
  ck_assert_ptr_nonnull(ev);
  json_decref(ev);
  /* events are read in order: everything of ours before the marker is in */
  ck_assert_uint_eq(collect_sink_count(&sink, "FILE_CREATE", "FILE_PATH", mine), 0);
  ck_assert_uint_eq(collect_sink_count(&sink, "FILE_DELETE", "FILE_PATH", mine), 0);
  /* the touch opened for writing but wrote nothing */
  run_child(child_touch, marker, NULL); /* a second close, still no write */
  char *m2 = in_dir("marker2");
  run_child(child_touch, m2, NULL);
  ev = collect_sink_wait(&sink, "FILE_CREATE", "FILE_PATH", m2, WAIT_MS);
  ck_assert_ptr_nonnull(ev);
  json_decref(ev);
  ck_assert_uint_eq(collect_sink_count(&sink, "FILE_MODIFIED", "FILE_PATH", marker), 0);
  free(mine);
  free(marker);
  free(m2);
}
END_TEST

static const char script[] = "#!/bin/sh\necho 'vigil test script'\nexit 0\n";

static void child_script(const char *path) {
  write_file(path, script);
  if (unlink(path) != 0) _exit(4);
}

static json_t *run_command(const char *line, const char *reply_type, struct cmd_call *call) {
  int argc;
  char **argv;
  ck_assert_int_eq(cmd_split(line, &argc, &argv, NULL), 0);
  const struct cmd *c = cmd_find(argv[0]);
  ck_assert_ptr_nonnull(c);
  memset(call, 0, sizeof *call);
  call->ctx = &ctx;
  call->name = argv[0];
  call->reply_type = reply_type;
  call->investigation_id = "inv-1";
  call->task_id = "t1";
  pthread_mutex_lock(&sink.lock);
  size_t before = json_array_size(sink.events);
  pthread_mutex_unlock(&sink.lock);
  c->run(call, argc, argv);
  free(argv);
  pthread_mutex_lock(&sink.lock);
  json_t *out = json_array();
  for (size_t i = before; i < json_array_size(sink.events); i++) {
    json_t *ev = json_array_get(sink.events, i);
    const json_t *inv = json_object_get(vg_event_routing(ev), "investigation_id");
    if (inv && strcmp(json_string_value(inv), "inv-1") == 0) json_array_append(out, ev);
  }
  pthread_mutex_unlock(&sink.lock);
  return out;
}

START_TEST(script_gives_new_document_and_cache_returns_it_after_delete) {
  char *path = in_dir("drop.sh");
  char atom[VG_ATOM_HEX_LEN + 1];
  pid_t pid = run_child(child_script, path, atom);
  json_t *ev = collect_sink_wait(&sink, "NEW_DOCUMENT", "FILE_PATH", path, WAIT_MS);
  ck_assert_msg(ev, "no NEW_DOCUMENT for %s", path);
  assert_attributed(ev, pid, atom);
  char hash[65];
  vg_sha256_hex(script, strlen(script), hash);
  ck_assert_str_eq(json_string_value(json_object_get(vg_event_payload(ev), "HASH")), hash);
  json_decref(ev);
  ev = collect_sink_wait(&sink, "FILE_DELETE", "FILE_PATH", path, WAIT_MS);
  ck_assert_ptr_nonnull(ev);
  json_decref(ev);
  ck_assert_int_ne(access(path, F_OK), 0);

  struct cmd_call call;
  json_t *reps = run_command("doc_cache_get -f drop.sh", "GET_DOCUMENT_REP", &call);
  ck_assert_uint_eq(json_array_size(reps), 1);
  json_t *r = json_array_get(reps, 0);
  ck_assert_str_eq(vg_event_get_type(r), "GET_DOCUMENT_REP");
  json_t *b = vg_event_payload(r);
  ck_assert_str_eq(json_string_value(json_object_get(b, "FILE_PATH")), path);
  ck_assert_str_eq(json_string_value(json_object_get(b, "HASH")), hash);
  const char *b64 = json_string_value(json_object_get(b, "FILE_CONTENT"));
  unsigned char raw[256];
  int n = EVP_DecodeBlock(raw, (const unsigned char *)b64, (int)strlen(b64));
  ck_assert_int_ge(n, (int)strlen(script));
  ck_assert_int_eq(memcmp(raw, script, strlen(script)), 0);
  json_decref(reps);

  /* by hash, and a miss */
  char line[128];
  snprintf(line, sizeof line, "doc_cache_get -s %s", hash);
  reps = run_command(line, "GET_DOCUMENT_REP", &call);
  ck_assert_uint_eq(json_array_size(reps), 1);
  json_decref(reps);
  reps = run_command("doc_cache_get -f nothing-like-this.py", "GET_DOCUMENT_REP", &call);
  ck_assert_uint_eq(json_array_size(reps), 1);
  ck_assert_str_eq(json_string_value(json_object_get(vg_event_payload(json_array_get(reps, 0)), "ERROR_CODE")),
                   "ENOTFOUND");
  json_decref(reps);
  free(path);
}
END_TEST

static void child_conf(const char *path) { write_file(path, "key=value\n"); }

static void child_rename(const char *path) {
  char to[PATH_MAX];
  snprintf(to, sizeof to, "%s.renamed.py", path);
  if (rename(path, to) != 0) _exit(5);
}

START_TEST(fim_pattern_gives_fim_hit_and_commands_list_it) {
  char pattern[PATH_MAX];
  snprintf(pattern, sizeof pattern, "%s/*.conf", dir);
  char line[PATH_MAX + 64];
  snprintf(line, sizeof line, "fim_add --pattern '%s'", pattern);
  struct cmd_call call;
  json_t *reps = run_command(line, "FIM_LIST_REP", &call);
  ck_assert_uint_eq(json_array_size(reps), 1);
  json_t *pats = json_object_get(vg_event_payload(json_array_get(reps, 0)), "PATTERNS");
  ck_assert_str_eq(json_string_value(json_array_get(pats, 0)), pattern);
  ck_assert_str_eq(vg_event_get_type(json_array_get(reps, 0)), "FIM_LIST_REP");
  json_decref(reps);
  reps = run_command(line, "FIM_LIST_REP", &call); /* twice: an error */
  ck_assert_str_eq(json_string_value(json_object_get(vg_event_payload(json_array_get(reps, 0)), "ERROR_CODE")),
                   "EEXIST");
  json_decref(reps);

  /* persisted in the state dir */
  char *pf = vg_xasprintf("%s/fim.patterns", state_dir);
  char *saved = harness_read_file(pf, NULL);
  ck_assert_ptr_nonnull(saved);
  ck_assert_ptr_nonnull(strstr(saved, pattern));
  free(saved);

  char *conf = in_dir("app.conf"), *other = in_dir("app.txt");
  char atom[VG_ATOM_HEX_LEN + 1];
  run_child(child_conf, other, NULL);
  pid_t pid = run_child(child_conf, conf, atom);
  json_t *ev = collect_sink_wait(&sink, "FIM_HIT", "FILE_PATH", conf, WAIT_MS);
  ck_assert_msg(ev, "no FIM_HIT for %s", conf);
  ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(vg_event_payload(ev), "PROCESS"),
                                                      "PROCESS_ID")), pid);
  ck_assert_str_eq(json_string_value(json_object_get(vg_event_routing(ev), "parent")), atom);
  json_decref(ev);
  ck_assert_uint_eq(collect_sink_count(&sink, "FIM_HIT", "FILE_PATH", other), 0);

  /* a rename out of the pattern: FILE_DELETE + FILE_CREATE, and a FIM_HIT */
  char to[PATH_MAX];
  snprintf(to, sizeof to, "%s.renamed.py", conf);
  run_child(child_rename, conf, NULL);
  ev = collect_sink_wait(&sink, "FILE_CREATE", "FILE_PATH", to, WAIT_MS);
  ck_assert_msg(ev, "no FILE_CREATE for the rename target %s", to);
  ck_assert_str_eq(json_string_value(json_object_get(vg_event_payload(ev), "OLD_FILE_PATH")), conf);
  json_decref(ev);
  ev = collect_sink_wait(&sink, "FILE_DELETE", "FILE_PATH", conf, WAIT_MS);
  ck_assert_ptr_nonnull(ev);
  json_decref(ev);
  ev = collect_sink_wait(&sink, "NEW_DOCUMENT", "FILE_PATH", to, WAIT_MS);
  ck_assert_msg(ev, "no NEW_DOCUMENT for a script renamed into place");
  json_decref(ev);

  snprintf(line, sizeof line, "fim_del --pattern '%s'", pattern);
  reps = run_command(line, "FIM_LIST_REP", &call);
  ck_assert_uint_eq(json_array_size(json_object_get(vg_event_payload(json_array_get(reps, 0)), "PATTERNS")), 0);
  json_decref(reps);
  reps = run_command("fim_get", "FIM_LIST_REP", &call);
  ck_assert_uint_eq(json_array_size(reps), 1);
  json_decref(reps);
  free(pf);
  free(conf);
  free(other);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("collect_file");
  TCase *tc = tcase_create("fanotify");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, create_write_delete_by_a_child);
  tcase_add_test(tc, own_pid_filtered_and_close_without_write_is_no_modification);
  tcase_add_test(tc, script_gives_new_document_and_cache_returns_it_after_delete);
  tcase_add_test(tc, fim_pattern_gives_fim_hit_and_commands_list_it);
  suite_add_tcase(s, tc);
  return s;
}

VG_CHECK_MAIN(suite)
