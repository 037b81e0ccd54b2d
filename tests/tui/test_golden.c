/* test_golden.c — every view rendered with fixture data at 80×24 and
 * 132×43, compared with tests/golden/. */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "tests/harness/harness.h"
#include "tests/tui/golden.h"
#include "tui/keys.h"
#include "tui/tabs.h"
#include "tui/view_fleet.h"
#include "tui/view_help.h"
#include "tui/view_live.h"

static const int sizes[][2] = {{80, 24}, {132, 43}};

static void each_size(struct app *a, const char *name) {
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
    golden_check(a, name, sizes[i][0], sizes[i][1]);
}

static struct view *fleet(struct app *a) {
  struct view *v = view_fleet_create(a);
  app_push_view(a, v);
  json_t *page = golden_fixture("sensors.json");
  v->ops->result(v, a, VIEW_FLEET_TAG_LIST, page, NULL);
  json_decref(page);
  return v;
}

START_TEST(golden_fleet) {
  struct keymap km;
  struct app a;
  golden_app(&a, &km);
  fleet(&a);
  each_size(&a, "fleet");
  /* sorted by online state, selection moved, filtered by text */
  app_run_action(&a, ACT_SORT);
  app_run_action(&a, ACT_DOWN);
  each_size(&a, "fleet_sorted");
  app_run_action(&a, ACT_FILTER);
  ck_assert(a.input_active);
  for (const char *p = "prod"; *p; p++) app_key(&a, *p);
  each_size(&a, "fleet_filter");
  app_cleanup(&a);
}
END_TEST

START_TEST(golden_fleet_empty) {
  struct keymap km;
  struct app a;
  golden_app(&a, &km);
  app_push_view(&a, view_fleet_create(&a));
  each_size(&a, "fleet_loading");
  app_set_online(&a, false, "connect to wss://localhost:7444: connection refused");
  a.ever_online = true;
  a.be.call = NULL;
  each_size(&a, "fleet_offline");
  app_cleanup(&a);
}
END_TEST

START_TEST(golden_help) {
  struct keymap km;
  struct app a;
  golden_app(&a, &km);
  fleet(&a);
  app_run_action(&a, ACT_HELP);
  each_size(&a, "help");
  app_run_action(&a, ACT_PALETTE);
  for (const char *p = "tab"; *p; p++) app_key(&a, *p);
  each_size(&a, "palette");
  app_cleanup(&a);
}
END_TEST

START_TEST(golden_live) {
  struct keymap km;
  struct app a;
  golden_app(&a, &km);
  struct view *f = fleet(&a);
  (void)f;
  app_run_action(&a, ACT_DOWN);
  app_run_action(&a, ACT_DOWN);
  app_run_action(&a, ACT_SELECT); /* web-1, third by hostname */
  struct view *live = app_top(&a);
  ck_assert_str_eq(live->ops->name, "live");
  ck_assert_str_eq(view_live_sid(live), "0f8e6b52-2c3d-4e5f-8a9b-0c1d2e3f4a5b");
  each_size(&a, "live_info");
  app_run_action(&a, ACT_TAB_2);
  struct view *tel = view_live_tab(live, LIVE_TAB_TELEMETRY);
  json_t *ev = golden_fixture("events.json");
  tel->ops->result(tel, &a, 1, ev, NULL);
  json_decref(ev);
  each_size(&a, "live_telemetry");
  app_run_action(&a, ACT_ISOLATE);
  ck_assert(a.confirm_active);
  each_size(&a, "live_isolate_confirm");
  app_cleanup(&a);
}
END_TEST

/* A backend that records calls; the test answers them as vigild would. */
#define REC_MAX 64
static struct {
  int owner, tag;
  char method[64];
  json_t *params;
} rec[REC_MAX];
static int nrec;

static void rec_call(void *ctx, int owner, int tag, const char *method, json_t *params,
                     int timeout_ms) {
  (void)timeout_ms;
  if (!strcmp(method, "stream.unsubscribe")) { /* a tab stops following a finished task */
    struct app *a = ctx;
    ck_assert(json_integer_value(json_object_get(params, "sub")) > 0);
    json_t *res = json_pack("{s:O, s:b}", "sub", json_object_get(params, "sub"), "unsubscribed", 1);
    json_decref(params);
    app_deliver_result(a, owner, tag, res, NULL);
    json_decref(res);
    return;
  }
  ck_assert_int_lt(nrec, REC_MAX);
  rec[nrec].owner = owner;
  rec[nrec].tag = tag;
  snprintf(rec[nrec].method, sizeof rec[nrec].method, "%s", method);
  rec[nrec].params = params;
  nrec++;
}

static void rec_reset(void) {
  for (int i = 0; i < nrec; i++) json_decref(rec[i].params);
  nrec = 0;
}

/* The last call must be method (with command, for task.send); answer it with sub. */
static void answer(struct app *a, const char *method, const char *command, int64_t sub) {
  ck_assert_int_gt(nrec, 0);
  ck_assert_str_eq(rec[nrec - 1].method, method);
  if (command)
    ck_assert_str_eq(json_string_value(json_object_get(rec[nrec - 1].params, "command")), command);
  json_t *res = json_pack("{s:I, s:s, s:b}", "sub", (json_int_t)sub, "task_id", "t", "queued", 0);
  app_deliver_result(a, rec[nrec - 1].owner, rec[nrec - 1].tag, res, NULL);
  json_decref(res);
}

/* A task reply push: an event of type with body (stolen) on sub. */
static void reply(struct app *a, int64_t sub, const char *type, json_t *body) {
  json_t *p = json_pack("{s:I, s:s, s:{s:{s:s, s:I}, s:o}}", "sub", (json_int_t)sub, "task_id", "t",
                        "event", "routing", "event_type", type, "event_time",
                        (json_int_t)GOLDEN_NOW_MS, "event", body);
  app_deliver_push(a, p);
  json_decref(p);
}

static void done(struct app *a, int64_t sub) {
  json_t *p = json_pack("{s:I, s:b, s:b}", "sub", (json_int_t)sub, "done", 1, "timeout", 0);
  app_deliver_push(a, p);
  json_decref(p);
}

static void type_keys(struct app *a, const char *s) {
  for (; *s; s++) app_key(a, (unsigned char)*s);
}

static struct view *open_live(struct app *a, struct keymap *km) {
  golden_app(a, km);
  a->be.call = rec_call;
  a->be.ctx = a;
  fleet(a);
  app_run_action(a, ACT_DOWN);
  app_run_action(a, ACT_DOWN);
  app_run_action(a, ACT_SELECT);
  return app_top(a);
}

START_TEST(golden_console) {
  struct keymap km;
  struct app a;
  struct view *live = open_live(&a, &km);
  app_run_action(&a, ACT_TAB_3);
  each_size(&a, "live_console_empty");
  /* completion of a name, then of a flag */
  app_run_action(&a, ACT_INPUT_FOCUS);
  ck_assert(a.input_active);
  type_keys(&a, "os_pro");
  app_key(&a, VK_TAB);
  ck_assert_str_eq(a.input.buf, "os_processes ");
  app_key(&a, VK_TAB);
  ck_assert_str_eq(a.input.buf, "os_processes -p ");
  app_key(&a, VK_CTRL('u'));
  type_keys(&a, "file_");
  app_key(&a, VK_TAB);
  ck_assert_msg(strstr(a.input.note, "file_get") && strstr(a.input.note, "file_hash"), "%s",
                a.input.note);
  app_key(&a, VK_CTRL('u'));
  type_keys(&a, "os_processes");
  app_key(&a, VK_ENTER);
  ck_assert(a.input_active); /* ready for the next command */
  answer(&a, "task.send", "os_processes", 7);
  type_keys(&a, "file_hash /etc/hosts");
  app_key(&a, VK_ENTER);
  answer(&a, "task.send", "file_hash /etc/hosts", 8);
  type_keys(&a, "file_hash /etc/nope");
  app_key(&a, VK_ENTER);
  answer(&a, "task.send", "file_hash /etc/nope", 10);
  /* replies, one of them before its own command's pushes end */
  json_t *pushes = golden_fixture("console_pushes.json");
  size_t i;
  json_t *p;
  json_array_foreach(pushes, i, p) app_deliver_push(&a, p);
  json_decref(pushes);
  app_key(&a, VK_ESC);
  ck_assert(!a.input_active);
  each_size(&a, "live_console");
  /* fold the table of the first command */
  struct view *con = view_live_tab(live, LIVE_TAB_CONSOLE);
  (void)con;
  app_run_action(&a, ACT_TOP);
  app_run_action(&a, ACT_DOWN);
  app_run_action(&a, ACT_DOWN);
  app_run_action(&a, ACT_FOLD);
  each_size(&a, "live_console_folded");
  rec_reset();
  app_cleanup(&a);
}
END_TEST

START_TEST(golden_stream) {
  struct keymap km;
  struct app a;
  open_live(&a, &km);
  app_run_action(&a, ACT_TAB_4);
  ck_assert_str_eq(rec[nrec - 1].method, "stream.subscribe");
  ck_assert_str_eq(json_string_value(json_array_get(json_object_get(rec[nrec - 1].params, "sids"), 0)),
                   "0f8e6b52-2c3d-4e5f-8a9b-0c1d2e3f4a5b");
  answer(&a, "stream.subscribe", NULL, 9);
  json_t *evs = golden_fixture("stream_events.json");
  size_t i;
  json_t *ev;
  json_array_foreach(evs, i, ev) {
    json_t *p = json_pack("{s:i, s:O}", "sub", 9, "event", ev);
    app_deliver_push(&a, p);
    json_decref(p);
  }
  each_size(&a, "live_stream");
  /* type filter, then the JSON of the selected event */
  app_run_action(&a, ACT_TYPE_FILTER);
  type_keys(&a, "NEW_PROC");
  app_key(&a, VK_TAB);
  ck_assert_str_eq(a.input.buf, "NEW_PROCESS ");
  app_key(&a, VK_ENTER);
  each_size(&a, "live_stream_filtered");
  app_run_action(&a, ACT_SELECT);
  each_size(&a, "live_stream_detail");
  /* paused: new events are counted, not shown */
  app_run_action(&a, ACT_BACK);
  app_run_action(&a, ACT_PAUSE);
  json_t *p = json_pack("{s:i, s:O}", "sub", 9, "event", json_array_get(evs, 3));
  app_deliver_push(&a, p);
  json_decref(p);
  json_decref(evs);
  each_size(&a, "live_stream_paused");
  rec_reset();
  app_cleanup(&a);
}
END_TEST

START_TEST(golden_processes) {
  struct keymap km;
  struct app a;
  open_live(&a, &km);
  app_run_action(&a, ACT_TAB_5);
  answer(&a, "task.send", "os_processes", 11);
  json_t *procs = golden_fixture("processes.json");
  json_t *part1 = json_array(), *part2 = json_array();
  for (size_t i = 0; i < json_array_size(procs); i++)
    json_array_append(i < 3 ? part1 : part2, json_array_get(procs, i));
  reply(&a, 11, "RECEIPT", json_object());
  reply(&a, 11, "OS_PROCESSES_REP", json_pack("{s:o, s:i, s:b}", "PROCESSES", part1, "PART", 1, "MORE", 1));
  reply(&a, 11, "OS_PROCESSES_REP", json_pack("{s:o, s:i, s:b}", "PROCESSES", part2, "PART", 2, "MORE", 0));
  done(&a, 11);
  json_decref(procs);
  each_size(&a, "live_processes");
  app_run_action(&a, ACT_SORT); /* by name */
  app_run_action(&a, ACT_SORT);
  app_run_action(&a, ACT_SORT); /* by memory */
  each_size(&a, "live_processes_sorted");
  app_run_action(&a, ACT_TREE);
  app_run_action(&a, ACT_BOTTOM);
  each_size(&a, "live_processes_tree");
  app_run_action(&a, ACT_MEM_MAP);
  answer(&a, "task.send", NULL, 12);
  ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(rec[nrec - 1].params, "command")), "mem_map -p "));
  reply(&a, 12, "MEM_MAP_REP", json_pack("{s:o, s:b}", "MEMORY_MAP", golden_fixture("memory_map.json"), "MORE", 0));
  done(&a, 12);
  each_size(&a, "live_processes_memmap");
  app_run_action(&a, ACT_BACK);
  app_run_action(&a, ACT_KILL);
  ck_assert(a.confirm_active);
  each_size(&a, "live_processes_kill");
  app_key(&a, 'y');
  ck_assert_str_eq(rec[nrec - 1].method, "task.send");
  ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(rec[nrec - 1].params, "command")), "os_kill_process -p "));
  answer(&a, "task.send", NULL, 15);
  /* modules of curl: the shared objects of its memory map, one row each */
  app_run_action(&a, ACT_UP);
  app_run_action(&a, ACT_MODULES);
  answer(&a, "task.send", "mem_map -p 2048", 16);
  reply(&a, 16, "MEM_MAP_REP", json_pack("{s:o, s:b}", "MEMORY_MAP", golden_fixture("modules_map.json"), "MORE", 0));
  done(&a, 16);
  each_size(&a, "live_processes_modules");
  /* hash check: file_hash of its binary, then feeds.lookup of the SHA-256 */
  app_run_action(&a, ACT_BACK);
  app_run_action(&a, ACT_HASH_CHECK);
  answer(&a, "task.send", "file_hash /usr/bin/curl", 17);
  const char *sha = "9f2c1d5e8a7b6c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d";
  reply(&a, 17, "FILE_HASH_REP", json_pack("{s:s, s:s, s:i}", "FILE_PATH", "/usr/bin/curl", "HASH", sha, "FILE_SIZE", 260328));
  ck_assert_str_eq(rec[nrec - 1].method, "feeds.lookup");
  ck_assert_str_eq(json_string_value(json_array_get(json_object_get(rec[nrec - 1].params, "values"), 0)), sha);
  json_t *hits = json_pack("{s:[{s:s, s:s}, {s:s, s:s}]}", "hits", "value", sha, "feed", "abuse-sha256", "value", sha, "feed", "local-ioc");
  app_deliver_result(&a, rec[nrec - 1].owner, rec[nrec - 1].tag, hits, NULL);
  json_decref(hits);
  /* then VirusTotal (vigild's vt.lookup): two engines flag it */
  ck_assert_str_eq(rec[nrec - 1].method, "vt.lookup");
  ck_assert_str_eq(json_string_value(json_object_get(rec[nrec - 1].params, "hash")), sha);
  json_t *vt = json_pack("{s:s, s:s, s:{s:{s:s, s:s}, s:{s:i, s:i, s:i}}}", "hash", sha, "status", "found",
                         "report", "engines", "Kaspersky", "HEUR:Trojan.Linux.Agent", "ESET-NOD32",
                         "Linux/Agent.X", "stats", "malicious", 2, "suspicious", 0, "undetected", 58);
  app_deliver_result(&a, rec[nrec - 1].owner, rec[nrec - 1].tag, vt, NULL);
  json_decref(vt);
  each_size(&a, "live_processes_hash");
  /* a hash no feed lists */
  app_run_action(&a, ACT_BACK);
  app_run_action(&a, ACT_HASH_CHECK);
  answer(&a, "task.send", "file_hash /usr/bin/curl", 18);
  reply(&a, 18, "FILE_HASH_REP", json_pack("{s:s, s:s, s:i}", "FILE_PATH", "/usr/bin/curl", "HASH", sha, "FILE_SIZE", 260328));
  hits = json_pack("{s:[]}", "hits");
  app_deliver_result(&a, rec[nrec - 1].owner, rec[nrec - 1].tag, hits, NULL);
  json_decref(hits);
  /* a vigild without virustotal.api_key */
  ck_assert_str_eq(rec[nrec - 1].method, "vt.lookup");
  struct vg_err vte;
  vg_err_clear(&vte);
  vg_err_fail(&vte, VG_EUNSUPPORTED, "VirusTotal is not configured on this vigild (virustotal.api_key)");
  app_deliver_result(&a, rec[nrec - 1].owner, rec[nrec - 1].tag, NULL, &vte);
  each_size(&a, "live_processes_hash_miss");
  rec_reset();
  app_cleanup(&a);
}
END_TEST

START_TEST(golden_files) {
  struct keymap km;
  struct app a;
  open_live(&a, &km);
  app_run_action(&a, ACT_TAB_6);
  answer(&a, "task.send", "dir_list / '*'", 13);
  app_run_action(&a, ACT_JUMP);
  app_key(&a, VK_CTRL('u'));
  type_keys(&a, "/etc");
  app_key(&a, VK_ENTER);
  answer(&a, "task.send", "dir_list /etc '*'", 14);
  reply(&a, 14, "RECEIPT", json_object());
  reply(&a, 14, "DIR_LIST_REP", golden_fixture("dir_list.json"));
  done(&a, 14);
  app_run_action(&a, ACT_DOWN);
  app_run_action(&a, ACT_DOWN); /* directories first: nginx, ssh, hosts */
  each_size(&a, "live_files");
  app_run_action(&a, ACT_FILE_HASH);
  answer(&a, "task.send", "file_hash /etc/hosts", 15);
  reply(&a, 15, "FILE_HASH_REP",
        json_pack("{s:s, s:s, s:i}", "FILE_PATH", "/etc/hosts", "HASH",
                  "5c1b3e7a0f0d8b1e1d2c3b4a5968778695a4b3c2d1e0f9e8d7c6b5a493827160", "FILE_SIZE", 174));
  done(&a, 15);
  each_size(&a, "live_files_hash");
  rec_reset();
  app_cleanup(&a);
}
END_TEST

static Suite *golden_suite(void) {
  setlocale(LC_ALL, "C.UTF-8");
  Suite *s = suite_create("golden");
  TCase *t = tcase_create("screens");
  tcase_add_test(t, golden_fleet);
  tcase_add_test(t, golden_fleet_empty);
  tcase_add_test(t, golden_help);
  tcase_add_test(t, golden_live);
  tcase_add_test(t, golden_console);
  tcase_add_test(t, golden_stream);
  tcase_add_test(t, golden_processes);
  tcase_add_test(t, golden_files);
  suite_add_tcase(s, t);
  return s;
}

VG_CHECK_MAIN(golden_suite)
