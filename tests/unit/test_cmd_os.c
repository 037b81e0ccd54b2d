/* test_cmd_os.c — os_* commands against this host's real processes and files. */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "shared/event.h"
#include "tests/harness/harness.h"
#include "tests/harness/sensor_sink_test.h"

static struct sink_test t;
static void setup(void) { sink_test_init(&t, NULL); }
static void teardown(void) { sink_test_cleanup(&t); }

static const char *str(json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }
static long long num(json_t *o, const char *k) { return json_integer_value(json_object_get(o, k)); }

static void assert_error(int rc, long long want, const char *needle) {
  ck_assert_int_lt(rc, 0);
  ck_assert_uint_eq(sink_test_count(&t), 1);
  json_t *b = sink_test_body(&t, 0);
  ck_assert_int_eq(num(b, "ERROR"), want);
  ck_assert_msg(str(b, "ERROR_MESSAGE") && strstr(str(b, "ERROR_MESSAGE"), needle),
                "message '%s' lacks '%s'", str(b, "ERROR_MESSAGE"), needle);
}

/* The entry of list key (over every reply) whose field equals value (taken), or NULL. */
static json_t *find_entry(const char *key, const char *field, json_t *value) {
  json_t *found = NULL;
  for (size_t i = 0; !found && i < sink_test_count(&t); i++) {
    json_t *arr = json_object_get(sink_test_body(&t, i), key), *e;
    size_t k;
    json_array_foreach(arr, k, e) if (!found && json_equal(json_object_get(e, field), value)) found = e;
  }
  json_decref(value);
  return found;
}

static char proc_state(pid_t pid) {
  char path[64], buf[512];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  FILE *f = fopen(path, "r");
  if (!f) return '?';
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  char *p = strrchr(buf, ')');
  return p ? p[2] : '?';
}

static void wait_state(pid_t pid, const char *states) {
  for (int i = 0; i < 200 && !strchr(states, proc_state(pid)); i++) usleep(10000);
}

static pid_t spawn_sleeper(void) {
  pid_t pid = fork();
  if (pid == 0) {
    execl("/bin/sleep", "sleep", "30", (char *)NULL);
    _exit(127);
  }
  ck_assert_int_gt(pid, 0);
  wait_state(pid, "S"); /* exec'd and sleeping */
  return pid;
}

START_TEST(version) {
  ck_assert_int_eq(sink_test_run(&t, "os_version"), 0);
  ck_assert_str_eq(sink_test_type(&t, 0), "OS_VERSION_REP");
  json_t *b = sink_test_body(&t, 0);
  struct utsname u;
  uname(&u);
  ck_assert_str_eq(str(b, "KERNEL_VERSION"), u.release);
  ck_assert_str_eq(str(b, "ARCH"), u.machine);
  ck_assert_ptr_nonnull(str(b, "OS_PRETTY_NAME"));
  ck_assert_str_eq(str(b, "OS_ID"), "debian");
  assert_error(sink_test_run(&t, "os_version extra"), 87, "unexpected argument 'extra'");
}
END_TEST

START_TEST(users) {
  ck_assert_int_eq(sink_test_run(&t, "os_users"), 0);
  json_t *root = find_entry("USERS", "USER_NAME", json_string("root"));
  ck_assert_ptr_nonnull(root);
  ck_assert_int_eq(num(root, "USER_ID"), 0);
  ck_assert_str_eq(str(root, "HOME_DIRECTORY"), "/root");
}
END_TEST

START_TEST(packages) {
  ck_assert_int_eq(sink_test_run(&t, "os_packages"), 0);
  ck_assert_str_eq(sink_test_type(&t, 0), "OS_PACKAGES_REP");
  json_t *libc = find_entry("PACKAGES", "NAME", json_string("libc6"));
  ck_assert_ptr_nonnull(libc);
  ck_assert_str_eq(str(libc, "STATUS"), "install ok installed");
  ck_assert(strncmp(str(libc, "VERSION"), "2.", 2) == 0);
  json_t *last = sink_test_body(&t, sink_test_count(&t) - 1);
  ck_assert_int_gt(num(last, "TOTAL"), 100);
  ck_assert_ptr_null(json_object_get(last, "PARSE_ERROR"));
}
END_TEST

START_TEST(services) {
  ck_assert_int_eq(sink_test_run(&t, "os_services"), 0);
  ck_assert_str_eq(sink_test_type(&t, 0), "OS_SERVICES_REP");
  /* apt-daily.service ships with apt on every Debian system */
  json_t *s = find_entry("SVCS", "SVC_NAME", json_string("apt-daily.service"));
  ck_assert_ptr_nonnull(s);
  ck_assert_str_eq(str(s, "SVC_DISPLAY_NAME"), "Daily apt download activities");
  ck_assert_str_eq(str(s, "EXECUTABLE"), "/usr/lib/apt/apt.systemd.daily");
  json_t *last = sink_test_body(&t, sink_test_count(&t) - 1);
  ck_assert(json_is_boolean(json_object_get(last, "SYSTEMD_RUNNING")));
  if (json_is_false(json_object_get(last, "SYSTEMD_RUNNING")))
    ck_assert_str_eq(str(s, "SVC_STATE"), "unknown");
}
END_TEST

START_TEST(autoruns) {
  char path[128];
  snprintf(path, sizeof path, "/etc/cron.d/vigil-test-%d", (int)getpid());
  ck_assert_int_eq(harness_write_file(path, "# test\nSHELL=/bin/sh\n*/5 * * * * root /usr/bin/vigil-test-job --x\n"), 0);
  int rc = sink_test_run(&t, "os_autoruns");
  unlink(path);
  ck_assert_int_eq(rc, 0);
  ck_assert_str_eq(sink_test_type(&t, 0), "OS_AUTORUNS_REP");
  json_t *e = find_entry("AUTORUNS", "FILE_PATH", json_string(path));
  ck_assert_ptr_nonnull(e);
  ck_assert_str_eq(str(e, "TYPE"), "cron");
  ck_assert_str_eq(str(e, "COMMAND_LINE"), "*/5 * * * * root /usr/bin/vigil-test-job --x");
  ck_assert_uint_eq(strlen(str(e, "HASH")), 64);
  ck_assert_ptr_nonnull(find_entry("AUTORUNS", "FILE_PATH", json_string("/etc/bash.bashrc")));
}
END_TEST

START_TEST(processes) {
  ck_assert_int_eq(sink_test_run(&t, "os_processes"), 0);
  ck_assert_str_eq(sink_test_type(&t, 0), "OS_PROCESSES_REP");
  json_t *me = find_entry("PROCESSES", "PROCESS_ID", json_integer(getpid()));
  ck_assert_ptr_nonnull(me);
  ck_assert_int_eq(num(me, "PARENT_PROCESS_ID"), getppid());
  char exe[512];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  exe[n] = '\0';
  ck_assert_str_eq(str(me, "FILE_PATH"), exe);
  ck_assert_int_eq(num(me, "USER_ID"), (long long)getuid());
  ck_assert_int_gt(num(me, "MEMORY_USAGE"), 0);
  long long now = (long long)time(NULL) * 1000;
  ck_assert_int_le(num(me, "TIMESTAMP"), now + 1000);
  ck_assert_int_gt(num(me, "TIMESTAMP"), now - 3600 * 1000);
  ck_assert_ptr_nonnull(find_entry("PROCESSES", "PROCESS_ID", json_integer(1)));

  char line[64];
  snprintf(line, sizeof line, "os_processes -p %d", (int)getpid());
  ck_assert_int_eq(sink_test_run(&t, line), 0);
  ck_assert_uint_eq(json_array_size(json_object_get(sink_test_body(&t, 0), "PROCESSES")), 1);
  assert_error(sink_test_run(&t, "os_processes -p 999999999"), 87, "PID");
  assert_error(sink_test_run(&t, "os_processes -p 4194000"), 2, "no such process");
  assert_error(sink_test_run(&t, "os_processes -p abc"), 87, "'abc'");
}
END_TEST

START_TEST(kill_suspend_resume) {
  pid_t pid = spawn_sleeper();
  char line[64];
  snprintf(line, sizeof line, "os_suspend -p %d", (int)pid);
  ck_assert_int_eq(sink_test_run(&t, line), 0);
  ck_assert_str_eq(sink_test_type(&t, 0), "OS_SUSPEND_REP");
  ck_assert_int_eq(num(sink_test_body(&t, 0), "PROCESS_ID"), pid);
  wait_state(pid, "T");
  ck_assert_int_eq(proc_state(pid), 'T');

  snprintf(line, sizeof line, "os_resume -p %d", (int)pid);
  ck_assert_int_eq(sink_test_run(&t, line), 0);
  ck_assert_str_eq(sink_test_type(&t, 0), "OS_RESUME_REP");
  wait_state(pid, "S");
  ck_assert_int_eq(proc_state(pid), 'S');

  snprintf(line, sizeof line, "os_kill_process -p %d", (int)pid);
  ck_assert_int_eq(sink_test_run(&t, line), 0);
  ck_assert_str_eq(sink_test_type(&t, 0), "OS_KILL_PROCESS_REP");
  int status;
  ck_assert_int_eq(waitpid(pid, &status, 0), pid);
  ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

  assert_error(sink_test_run(&t, line), 2, "no such process"); /* reaped: gone */
  assert_error(sink_test_run(&t, "os_kill_process"), 87, "missing -p PID or -a ATOM");
  assert_error(sink_test_run(&t, "os_kill_process -a 0123456789abcdef0123456789abcdef"), 110,
               "process collector");
  assert_error(sink_test_run(&t, "os_kill_process -p 1 -a x"), 87, "not both");
  snprintf(line, sizeof line, "os_kill_process -p %d", (int)getpid());
  assert_error(sink_test_run(&t, line), 5, "the sensor itself");
}
END_TEST

/* -a ATOM goes through ctx->atom_pid (the process collector's table). */
static pid_t atom_target;
static pid_t fake_atom_pid(void *user, const char *atom) {
  (void)user;
  return strcmp(atom, "0123456789abcdef0123456789abcdef") == 0 ? atom_target : -1;
}

START_TEST(kill_by_atom) {
  atom_target = spawn_sleeper();
  t.ctx.atom_pid = fake_atom_pid;
  ck_assert_int_eq(sink_test_run(&t, "os_kill_process -a 0123456789abcdef0123456789abcdef"), 0);
  ck_assert_int_eq(num(sink_test_body(&t, 0), "PROCESS_ID"), atom_target);
  int status;
  ck_assert_int_eq(waitpid(atom_target, &status, 0), atom_target);
  ck_assert(WIFSIGNALED(status));
  assert_error(sink_test_run(&t, "os_kill_process -a ffffffffffffffffffffffffffffffff"), 2,
               "ffffffffffffffffffffffffffffffff");
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("cmd_os");
  TCase *tc = tcase_create("os");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, version);
  tcase_add_test(tc, users);
  tcase_add_test(tc, packages);
  tcase_add_test(tc, services);
  tcase_add_test(tc, autoruns);
  tcase_add_test(tc, processes);
  tcase_add_test(tc, kill_suspend_resume);
  tcase_add_test(tc, kill_by_atom);
  suite_add_tcase(s, tc);
  return s;
}

VG_CHECK_MAIN(suite)
