/* test_event_types.c — the event-type registry and type-name rules. */
#include <string.h>

#include "shared/event_types.h"
#include "shared/limits.h"
#include "tests/harness/harness.h"

static bool ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && strcmp(s + n - m, suffix) == 0;
}

START_TEST(t_every_entry_round_trips) {
  size_t n;
  const struct vg_event_type *t = vg_event_type_table(&n);
  ck_assert_uint_ge(n, 60);
  for (size_t i = 0; i < n; i++) {
    ck_assert_uint_eq(t[i].id, i + 1); /* dense, in order: append-only */
    ck_assert_msg(vg_event_type_valid_name(t[i].name), "%s", t[i].name);
    ck_assert_uint_eq(vg_event_type_id(t[i].name), t[i].id);
    ck_assert_str_eq(vg_event_type_name(t[i].id), t[i].name);
    ck_assert_ptr_eq(vg_event_type_by_name(t[i].name), &t[i]);
    ck_assert_ptr_eq(vg_event_type_by_id(t[i].id), &t[i]);
  }
}
END_TEST

START_TEST(t_unique) {
  size_t n;
  const struct vg_event_type *t = vg_event_type_table(&n);
  for (size_t i = 0; i < n; i++)
    for (size_t j = i + 1; j < n; j++) {
      ck_assert_msg(strcmp(t[i].name, t[j].name) != 0, "duplicate %s", t[i].name);
      ck_assert_uint_ne(t[i].id, t[j].id);
      if (t[i].command && t[j].command) ck_assert_str_ne(t[i].command, t[j].command);
    }
}
END_TEST

START_TEST(t_stable_ids) {
  /* Stored keys carry these: they must never change. */
  ck_assert_uint_eq(vg_event_type_id("NEW_PROCESS"), 1);
  ck_assert_uint_eq(VG_EVT_NEW_PROCESS, 1);
  ck_assert_uint_eq(vg_event_type_id("DNS_REQUEST"), 6);
  ck_assert_uint_eq(vg_event_type_id("RECEIPT"), 28);
  ck_assert_uint_eq(vg_event_type_id("FILE_GET_REP"), 35);
  ck_assert_uint_eq(vg_event_type_id("LOG_GET_REP"), 66);
}
END_TEST

START_TEST(t_replies_flagged) {
  size_t n;
  const struct vg_event_type *t = vg_event_type_table(&n);
  for (size_t i = 0; i < n; i++) {
    bool reply = t[i].flags & VG_EVENT_TYPE_REPLY;
    ck_assert_int_eq(reply, t[i].command != NULL);
    ck_assert_int_eq(vg_event_type_is_reply(t[i].id), reply);
    if (ends_with(t[i].name, "_REP")) ck_assert_msg(reply, "%s not flagged", t[i].name);
    if (reply) ck_assert_ptr_eq(vg_event_type_by_command(t[i].command), &t[i]);
  }
  ck_assert_str_eq(vg_event_type_by_command("dir_list")->name, "DIR_LIST_REP");
  ck_assert_str_eq(vg_event_type_by_command("segregate_network")->name, "SEGREGATE_NETWORK");
  ck_assert_ptr_null(vg_event_type_by_command("deny_tree"));
  ck_assert(!vg_event_type_is_reply(VG_EVT_NEW_PROCESS));
  ck_assert(!vg_event_type_is_reply(0));
}
END_TEST

START_TEST(t_required_types_present) {
  const char *want[] = {
      "NEW_PROCESS", "TERMINATE_PROCESS", "EXISTING_PROCESS", "CODE_IDENTITY", "MODULE_LOAD",
      "DNS_REQUEST", "NEW_TCP4_CONNECTION", "TERMINATE_TCP4_CONNECTION", "NEW_UDP4_CONNECTION",
      "TERMINATE_UDP4_CONNECTION", "NEW_TCP6_CONNECTION", "TERMINATE_TCP6_CONNECTION",
      "NEW_UDP6_CONNECTION", "TERMINATE_UDP6_CONNECTION", "NETWORK_SUMMARY",
      "NETWORK_CONNECTIONS", "FILE_CREATE", "FILE_DELETE", "FILE_MODIFIED", "NEW_DOCUMENT",
      "USER_OBSERVED", "FIM_HIT", "YARA_DETECTION", "CONNECTED", "STARTING_UP", "SHUTTING_DOWN",
      "DATA_DROPPED", "RECEIPT", "CLOUD_NOTIFICATION", "SERVICE_CHANGE", "AUTORUN_CHANGE",
      "PROCESS_ENVIRONMENT", "SEGREGATE_NETWORK", "REJOIN_NETWORK", "HISTORY_DUMP_REP",
      "FILE_GET_REP", "FILE_INFO_REP", "FILE_HASH_REP", "FILE_DEL_REP", "FILE_MOV_REP",
      "DIR_LIST_REP", "DIR_FINDHASH_REP", "MEM_MAP_REP", "MEM_STRINGS_REP", "MEM_READ_REP",
      "MEM_FIND_STRING_REP", "OS_PROCESSES_REP", "OS_KILL_PROCESS_REP", "OS_SUSPEND_REP",
      "OS_RESUME_REP", "OS_SERVICES_REP", "OS_AUTORUNS_REP", "OS_VERSION_REP", "OS_PACKAGES_REP",
      "GET_EXFIL_EVENT_REP", "FIM_LIST_REP", "GET_DOCUMENT_REP", "NETSTAT_REP",
      "PCAP_LIST_INTERFACES_REP", "OS_USERS_REP", "DNS_RESOLVE_REP", "LOG_GET_REP",
      "YARA_UPDATE_REP", "YARA_SCAN_REP"};
  for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
    ck_assert_msg(vg_event_type_id(want[i]) != 0, "%s missing", want[i]);
}
END_TEST

START_TEST(t_unregistered) {
  ck_assert_uint_eq(vg_event_type_id("NEW_THING_FROM_2030"), 0);
  ck_assert_uint_eq(vg_event_type_id("new_process"), 0);
  ck_assert_uint_eq(vg_event_type_id("NEW_PROCES"), 0); /* a prefix */
  ck_assert_uint_eq(vg_event_type_id("NEW_PROCESSX"), 0);
  ck_assert_uint_eq(vg_event_type_id(""), 0);
  ck_assert_uint_eq(vg_event_type_id(NULL), 0);
  ck_assert_ptr_null(vg_event_type_by_id(0));
  ck_assert_ptr_null(vg_event_type_by_id(100000));
  ck_assert_ptr_null(vg_event_type_name(0));
}
END_TEST

START_TEST(t_valid_names) {
  ck_assert(vg_event_type_valid_name("NEW_PROCESS"));
  ck_assert(vg_event_type_valid_name("NEW_THING_FROM_2030"));
  ck_assert(vg_event_type_valid_name("X"));
  ck_assert(vg_event_type_valid_name("_suspicious-curl.v2"));
  ck_assert(vg_event_type_valid_name("__hidden_rule"));
  ck_assert(vg_event_type_is_detection("_my_rule"));
  ck_assert(!vg_event_type_is_detection("NEW_PROCESS"));
  ck_assert(!vg_event_type_valid_name(""));
  ck_assert(!vg_event_type_valid_name("_"));
  ck_assert(!vg_event_type_valid_name(NULL));
  ck_assert(!vg_event_type_valid_name("new_process"));
  ck_assert(!vg_event_type_valid_name("NEW PROCESS"));
  ck_assert(!vg_event_type_valid_name("_rule name"));
  ck_assert(!vg_event_type_valid_name("_r\xc3\xa9gle"));
  char name[VG_LIMIT_EVENT_TYPE_BYTES + 2];
  memset(name, 'A', sizeof(name));
  name[VG_LIMIT_EVENT_TYPE_BYTES] = '\0';
  ck_assert(vg_event_type_valid_name(name)); /* at the limit */
  name[VG_LIMIT_EVENT_TYPE_BYTES] = 'A';
  name[VG_LIMIT_EVENT_TYPE_BYTES + 1] = '\0';
  ck_assert(!vg_event_type_valid_name(name)); /* one past */
}
END_TEST

static Suite *event_types_suite(void) {
  Suite *s = suite_create("event_types");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, t_every_entry_round_trips);
  tcase_add_test(tc, t_unique);
  tcase_add_test(tc, t_stable_ids);
  tcase_add_test(tc, t_replies_flagged);
  tcase_add_test(tc, t_required_types_present);
  tcase_add_test(tc, t_unregistered);
  tcase_add_test(tc, t_valid_names);
  suite_add_tcase(s, tc);
  return s;
}
VG_CHECK_MAIN(event_types_suite)
