/* test_task_reply.c — when vigilctl considers a sensor command answered
 * (cli/task_reply.c). */
#include "cli/task_reply.h"
#include "tests/harness/harness.h"

static bool final(const char *cmd, const char *type, const char *body) {
  json_t *ev = json_pack("{s:{s:s}, s:o}", "routing", "event_type", type, "event", json_loads(body, 0, NULL));
  bool f = task_reply_final(cmd, ev);
  json_decref(ev);
  return f;
}

START_TEST(rules) {
  ck_assert(!final("file_info /x", "RECEIPT", "{}"));
  ck_assert(final("file_info /x", "FILE_INFO_REP", "{\"ERROR\":0}"));
  ck_assert(final("file_info /x", "FILE_INFO_REP", "{\"ERROR\":2}"));
  ck_assert(!final("dir_list / *", "DIR_LIST_REP", "{\"ERROR\":0,\"MORE\":true}"));
  ck_assert(final("dir_list / *", "DIR_LIST_REP", "{\"ERROR\":0,\"MORE\":false}"));
  ck_assert(!final("yara_scan -e sh X", "YARA_DETECTION", "{}"));
  ck_assert(final("yara_scan -e sh X", "YARA_SCAN_REP", "{\"ERROR\":0}"));
  ck_assert(!final("os_version", "FILE_INFO_REP", "{}")); /* another command's reply */
  ck_assert(final("deny_tree abc", "RECEIPT", "{}"));     /* no reply type of its own */
  ck_assert(final("no_such_cmd", "RECEIPT", "{}"));
}
END_TEST

static Suite *task_reply_suite(void) {
  Suite *s = suite_create("task_reply");
  TCase *t = tcase_create("task_reply");
  tcase_add_test(t, rules);
  suite_add_tcase(s, t);
  return s;
}

VG_CHECK_MAIN(task_reply_suite)
