/* test_cmd_yara.c — yara_update / yara_scan with libyara on a planted file,
 * a directory pattern and a real child process. */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shared/event.h"
#include "tests/harness/harness.h"
#include "tests/harness/sensor_sink_test.h"

static struct sink_test t;
static char *dir;
static void setup(void) {
  dir = harness_mkdtemp("cmdyara");
  sink_test_init(&t, dir);
}
static void teardown(void) {
  sink_test_cleanup(&t);
  harness_rm_rf(dir);
  free(dir);
}

static const char *str(json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }
static long long num(json_t *o, const char *k) { return json_integer_value(json_object_get(o, k)); }

/* Detections collected by the last run; the final event must be the YARA_SCAN_REP. */
static size_t detections(const char *rule, const char *field, const char *value, long long pid) {
  size_t n = sink_test_count(&t), hits = 0;
  ck_assert_uint_ge(n, 1);
  ck_assert_str_eq(sink_test_type(&t, n - 1), "YARA_SCAN_REP");
  ck_assert_str_eq(str(sink_test_body(&t, n - 1), "ERROR_MESSAGE"), "done");
  for (size_t i = 0; i + 1 < n; i++) {
    ck_assert_str_eq(sink_test_type(&t, i), "YARA_DETECTION");
    json_t *b = sink_test_body(&t, i);
    ck_assert_str_eq(json_string_value(json_object_get(vg_event_routing(json_array_get(t.events, i)),
                                                       "investigation_id")), "inv-test");
    if (strcmp(str(b, "RULE_NAME"), rule) == 0 && (!field || strcmp(str(b, field), value) == 0) &&
        (pid <= 0 || num(b, "PROCESS_ID") == pid))
      hits++;
  }
  return hits;
}

START_TEST(scan_file_dir_and_rule_sets) {
  char marker[64], path[512], rule[256], line[1024];
  snprintf(marker, sizeof marker, "VGMARK%ldx%ld", (long)getpid(), (long)random());
  snprintf(path, sizeof path, "%s/planted.bin", dir);
  char content[256];
  snprintf(content, sizeof content, "junk before %s junk after", marker);
  ck_assert_int_eq(harness_write_file(path, content), 0);
  char other[512];
  snprintf(other, sizeof other, "%s/clean.bin", dir);
  ck_assert_int_eq(harness_write_file(other, "nothing here"), 0);
  snprintf(rule, sizeof rule, "rule planted : test { strings: $a = \\\"%s\\\" condition: $a }", marker);

  snprintf(line, sizeof line, "yara_scan -f %s \"%s\"", path, rule);
  ck_assert_int_eq(sink_test_run(&t, line), 0);
  ck_assert_uint_eq(detections("planted", "FILE_PATH", path, 0), 1);
  ck_assert_str_eq(json_string_value(json_array_get(json_object_get(sink_test_body(&t, 0), "TAGS"), 0)), "test");

  snprintf(line, sizeof line, "yara_scan -f %s \"%s\"", other, rule);
  ck_assert_int_eq(sink_test_run(&t, line), 0);
  ck_assert_uint_eq(sink_test_count(&t), 1); /* only the closing reply */
  ck_assert_int_eq(num(sink_test_body(&t, 0), "HITS"), 0);

  /* install it by name, then scan a directory pattern with the name */
  snprintf(line, sizeof line, "yara_update planted_set \"%s\"", rule);
  ck_assert_int_eq(sink_test_run(&t, line), 0);
  ck_assert_str_eq(sink_test_type(&t, 0), "YARA_UPDATE_REP");
  ck_assert_int_eq(num(sink_test_body(&t, 0), "RULES"), 1);
  snprintf(line, sizeof line, "yara_scan -d %s '*.bin' 1 planted_set", dir);
  ck_assert_int_eq(sink_test_run(&t, line), 0);
  ck_assert_uint_eq(detections("planted", "FILE_PATH", path, 0), 1);
  ck_assert_int_eq(num(sink_test_body(&t, sink_test_count(&t) - 1), "SCANNED"), 2);

  /* errors */
  ck_assert_int_lt(sink_test_run(&t, "yara_update bad 'rule x { condition: nope }'"), 0);
  ck_assert_int_eq(num(sink_test_body(&t, 0), "ERROR"), 87);
  ck_assert_ptr_nonnull(strstr(str(sink_test_body(&t, 0), "ERROR_MESSAGE"), "line 1"));
  ck_assert_int_lt(sink_test_run(&t, "yara_scan -f /tmp/x not_installed"), 0);
  ck_assert_int_lt(sink_test_run(&t, "yara_scan -f /nonexistent/vigil planted_set"), 0);
  ck_assert_int_eq(num(sink_test_body(&t, 0), "ERROR"), 2);
  ck_assert_int_lt(sink_test_run(&t, "yara_scan -p 1 -f /tmp planted_set"), 0);
  ck_assert_ptr_nonnull(strstr(str(sink_test_body(&t, 0), "ERROR_MESSAGE"), "one of -p, -f, -d"));
  ck_assert_int_lt(sink_test_run(&t, "yara_scan -d /tmp '*'"), 0);
  ck_assert_ptr_nonnull(strstr(str(sink_test_body(&t, 0), "ERROR_MESSAGE"), "flag -d needs 3 values"));
  ck_assert_int_lt(sink_test_run(&t, "yara_update '../evil' 'rule a { condition: true }'"), 0);
  ck_assert_ptr_nonnull(strstr(str(sink_test_body(&t, 0), "ERROR_MESSAGE"), "NAME"));
}
END_TEST

/* A child that is not this (possibly sanitized) test binary: sh holding
 * marker as its $0 while it waits for a sleep. Waits until it has exec'd. */
static pid_t spawn_sh_holding(const char *marker) {
  pid_t pid = fork();
  if (pid == 0) {
    execl("/bin/sh", "sh", "-c", "sleep 30; true", marker, (char *)NULL);
    _exit(127);
  }
  char path[64], buf[256];
  snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
  for (int i = 0; i < 300; i++) {
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f) fclose(f);
    buf[n] = '\0';
    if (n > 3 && strcmp(buf, "sh") == 0) return pid;
    usleep(10000);
  }
  ck_abort_msg("child did not exec sh");
  return -1;
}

START_TEST(scan_process) {
  char marker[64];
  snprintf(marker, sizeof marker, "VGPROC%ldy%ld", (long)getpid(), (long)random());
  pid_t pid = spawn_sh_holding(marker);
  /* the rule text is made after the fork: a hit comes from the child's heap */
  char line[512];
  snprintf(line, sizeof line, "yara_scan -p %d 'rule inproc { strings: $a = \"%s\" condition: $a }'",
           (int)pid, marker);
  ck_assert_int_eq(sink_test_run(&t, line), 0);
  ck_assert_uint_ge(detections("inproc", NULL, NULL, pid), 1);
  json_t *proc = json_object_get(sink_test_body(&t, 0), "PROCESS");
  ck_assert_int_eq(num(proc, "PROCESS_ID"), pid);

  kill(pid, SIGKILL);
  waitpid(pid, NULL, 0);
  snprintf(line, sizeof line, "yara_scan -p %d inproc_missing", (int)pid);
  ck_assert_int_lt(sink_test_run(&t, line), 0);
  ck_assert_int_eq(num(sink_test_body(&t, 0), "ERROR"), 2);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("cmd_yara");
  TCase *tc = tcase_create("yara");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, scan_file_dir_and_rule_sets);
  tcase_add_test(tc, scan_process);
  suite_add_tcase(s, tc);
  return s;
}

VG_CHECK_MAIN(suite)
