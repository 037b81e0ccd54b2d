/* test_wizard.c — the IOC wizard (cli/wizard.c): every indicator kind and
 * response turns into a rule that shared/rule.c loads back from its emitted
 * YAML and that matches (and only matches) the events it is meant for; bad
 * indicators are refused by name. Also the event files of `rules test`
 * (cli/events_file.c). */
#include <stdlib.h>
#include <string.h>

#include "cli/events_file.h"
#include "cli/wizard.h"
#include "shared/event.h"
#include "shared/expr.h"
#include "shared/routing.h"
#include "shared/rule.h"
#include "tests/harness/harness.h"

/* The wizard's rule → YAML → loaded rule. */
static struct vg_rule *load(const struct wizard *w, char **yaml_out) {
  struct vg_err e;
  vg_err_clear(&e);
  json_t *j = wizard_rule(w, &e);
  ck_assert_msg(j, "wizard_rule: %s", e.msg);
  char *yaml = vg_rule_emit(j);
  json_decref(j);
  struct vg_rule *r = NULL;
  ck_assert_msg(vg_rule_load(yaml, strlen(yaml), "wizard", &r, &e) == 0, "%s\n%s", e.msg, yaml);
  if (yaml_out) *yaml_out = yaml;
  else free(yaml);
  return r;
}

static bool hits(const struct vg_rule *r, json_t *e) {
  struct vg_routing rt;
  ck_assert_int_eq(vg_routing_get(e, &rt, NULL), 0);
  bool m = vg_expr_eval(r->detect, e, &rt, NULL, NULL, NULL);
  json_decref(e);
  return m;
}

#define LIN 0x20000000u
#define WIN 0x10000000u

static json_t *evp(const char *type, unsigned plat, const char *payload) {
  json_t *e = vg_event_new(type, 1764340000000LL);
  json_object_set_new(vg_event_routing(e), "plat", json_integer(plat));
  json_t *p = json_loads(payload, 0, NULL);
  ck_assert_ptr_nonnull(p);
  json_object_update(vg_event_payload(e), p);
  json_decref(p);
  return e;
}

static const char *H = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

START_TEST(every_indicator) {
  struct wizard w;
  wizard_init(&w);
  struct vg_err e;
  w.name = "iocs";
  ck_assert_int_eq(wizard_add_ioc(&w, WIZARD_DOMAIN, "Evil.Example.COM.", &e), 0);
  ck_assert_int_eq(wizard_add_ioc(&w, WIZARD_DOMAIN, "bad.test", &e), 0);
  ck_assert_int_eq(wizard_add_ioc(&w, WIZARD_IP, "203.0.113.7", &e), 0);
  ck_assert_int_eq(wizard_add_ioc(&w, WIZARD_IP, "2001:DB8:0:0::1", &e), 0);
  ck_assert_int_eq(wizard_add_ioc(&w, WIZARD_HASH, "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", &e), 0);
  ck_assert_int_eq(wizard_add_ioc(&w, WIZARD_PATH_SUFFIX, "/xmrig", &e), 0);
  ck_assert_int_eq(wizard_add_response(&w, "isolate", &e), 0);
  ck_assert_int_eq(wizard_add_response(&w, "tag:infected", &e), 0);
  char *yaml;
  struct vg_rule *r = load(&w, &yaml);
  /* isolate + tag only: no report; the emitted YAML names the normalised values. */
  ck_assert_int_eq((int)r->nactions, 2);
  ck_assert_int_eq(r->actions[0].kind, VG_ACT_ISOLATE);
  ck_assert_int_eq(r->actions[1].kind, VG_ACT_ADD_TAG);
  ck_assert_msg(strstr(yaml, "evil.example.com") && strstr(yaml, "2001:db8::1"), "%s", yaml);
  free(yaml);
  ck_assert(hits(r, evp("DNS_REQUEST", LIN, "{\"DOMAIN_NAME\":\"EVIL.example.com\"}")));
  ck_assert(!hits(r, evp("DNS_REQUEST", LIN, "{\"DOMAIN_NAME\":\"sub.evil.example.com\"}")));
  ck_assert(hits(r, evp("DNS_REQUEST", LIN, "{\"DOMAIN_NAME\":\"ok.test\",\"IP_ADDRESSES\":[\"1.1.1.1\",\"203.0.113.7\"]}")));
  ck_assert(hits(r, evp("NEW_TCP4_CONNECTION", LIN, "{\"DESTINATION\":{\"IP_ADDRESS\":\"203.0.113.7\",\"PORT\":443}}")));
  ck_assert(hits(r, evp("NEW_UDP6_CONNECTION", LIN, "{\"IP_ADDRESS\":\"2001:db8::1\",\"PORT\":53}")));
  ck_assert(!hits(r, evp("NEW_TCP4_CONNECTION", LIN, "{\"DESTINATION\":{\"IP_ADDRESS\":\"203.0.113.8\"}}")));
  ck_assert(hits(r, evp("NEW_PROCESS", LIN, "{\"HASH\":\"0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef\"}")));
  ck_assert(hits(r, evp("NEW_PROCESS", WIN, "{\"FILE_PATH\":\"C:/x/XMRIG\"}"))); /* any case: no platform */
  ck_assert(!hits(r, evp("NEW_PROCESS", LIN, "{\"FILE_PATH\":\"/usr/bin/xmrig2\"}")));
  ck_assert(!hits(r, evp("FILE_CREATE", LIN, "{\"FILE_PATH\":\"/tmp/xmrig\"}")));
  vg_rule_free(r);
  wizard_cleanup(&w);
}
END_TEST

START_TEST(platforms_and_responses) {
  struct wizard w;
  wizard_init(&w);
  struct vg_err e;
  w.name = "miner";
  w.priority = 5;
  ck_assert_int_eq(wizard_add_ioc(&w, WIZARD_PATH_SUFFIX, "/XMRig", &e), 0);
  ck_assert_int_eq(wizard_add_ioc(&w, WIZARD_HASH, H, &e), 0);
  ck_assert_int_eq(wizard_add_platform(&w, "linux", &e), 0);
  ck_assert_int_eq(wizard_add_response(&w, "kill", &e), 0);
  ck_assert_int_eq(wizard_add_response(&w, "report", &e), 0);
  struct vg_rule *r = load(&w, NULL);
  ck_assert_int_eq((int)r->nactions, 2);
  ck_assert_int_eq(r->actions[0].kind, VG_ACT_REPORT);
  ck_assert_str_eq(r->actions[0].name, "miner");
  ck_assert_int_eq(r->actions[0].priority, 5);
  ck_assert_int_eq(r->actions[1].kind, VG_ACT_TASK);
  ck_assert_str_eq(r->actions[1].command, "os_kill_process -a <<routing/this>>");
  /* linux only: case-sensitive path suffix; windows events do not match. */
  ck_assert(hits(r, evp("NEW_PROCESS", LIN, "{\"FILE_PATH\":\"/opt/XMRig\"}")));
  ck_assert(!hits(r, evp("NEW_PROCESS", LIN, "{\"FILE_PATH\":\"/opt/xmrig\"}")));
  ck_assert(!hits(r, evp("NEW_PROCESS", WIN, "{\"FILE_PATH\":\"/opt/XMRig\"}")));
  /* The rule is indexed by its event type. */
  const char *types[8];
  int nt = vg_expr_event_types(r->detect, types, 8);
  ck_assert_int_ge(nt, 1); /* (one per `or` child: NEW_PROCESS twice) */
  for (int i = 0; i < nt; i++) ck_assert_str_eq(types[i], "NEW_PROCESS");
  vg_rule_free(r);
  /* Two platforms: either. */
  ck_assert_int_eq(wizard_add_platform(&w, "windows", &e), 0);
  r = load(&w, NULL);
  ck_assert(hits(r, evp("NEW_PROCESS", WIN, "{\"FILE_PATH\":\"C:/tools/xmrig\"}")));
  ck_assert(!hits(r, evp("NEW_PROCESS", 0x30000000u, "{\"FILE_PATH\":\"/opt/XMRig\"}")));
  vg_rule_free(r);
  /* kill over a network indicator too: refused, naming why. */
  ck_assert_int_eq(wizard_add_ioc(&w, WIZARD_DOMAIN, "pool.example", &e), 0);
  ck_assert_ptr_null(wizard_rule(&w, &e));
  ck_assert_ptr_nonnull(strstr(e.msg, "make two rules"));
  wizard_cleanup(&w);
  /* Network only: kill the process that made the request. */
  wizard_init(&w);
  w.name = "pool";
  ck_assert_int_eq(wizard_add_ioc(&w, WIZARD_DOMAIN, "pool.example", &e), 0);
  ck_assert_int_eq(wizard_add_response(&w, "kill", &e), 0);
  r = load(&w, NULL);
  ck_assert_int_eq((int)r->nactions, 1);
  ck_assert_str_eq(r->actions[0].command, "os_kill_process -a <<routing/parent>>");
  vg_rule_free(r);
  wizard_cleanup(&w);
}
END_TEST

START_TEST(refused) {
  struct wizard w;
  wizard_init(&w);
  struct vg_err e;
  ck_assert_int_eq(wizard_add_ioc(&w, WIZARD_DOMAIN, "a b.com", &e), -VG_EINVAL);
  ck_assert_ptr_nonnull(strstr(e.msg, "domain 'a b.com'"));
  ck_assert_int_eq(wizard_add_ioc(&w, WIZARD_DOMAIN, "a..com", &e), -VG_EINVAL);
  ck_assert_int_eq(wizard_add_ioc(&w, WIZARD_IP, "300.1.1.1", &e), -VG_EINVAL);
  ck_assert_ptr_nonnull(strstr(e.msg, "ip '300.1.1.1'"));
  ck_assert_int_eq(wizard_add_ioc(&w, WIZARD_HASH, "abc", &e), -VG_EINVAL);
  ck_assert_int_eq(wizard_add_ioc(&w, WIZARD_HASH, "g123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", &e), -VG_EINVAL);
  ck_assert_int_eq(wizard_add_ioc(&w, WIZARD_PATH_SUFFIX, "", &e), -VG_EINVAL);
  ck_assert_int_eq(wizard_add_platform(&w, "beos", &e), -VG_EINVAL);
  ck_assert_int_eq(wizard_add_response(&w, "explode", &e), -VG_EINVAL);
  ck_assert_int_eq(wizard_add_response(&w, "tag:", &e), -VG_EINVAL);
  ck_assert_ptr_null(wizard_rule(&w, &e)); /* no name */
  w.name = "x";
  ck_assert_ptr_null(wizard_rule(&w, &e)); /* no indicators */
  ck_assert_ptr_nonnull(strstr(e.msg, "no indicators"));
  wizard_cleanup(&w);
}
END_TEST

START_TEST(event_files) {
  json_t *evs;
  struct vg_err e;
  const char *nd = "{\"routing\":{\"event_type\":\"NEW_PROCESS\"},\"event\":{}}\n\n"
                   "  {\"routing\":{},\"event\":{\"A\":1}}\r\n";
  ck_assert_int_eq(events_file_parse(nd, strlen(nd), "e.ndjson", &evs, &e), 0);
  ck_assert_int_eq(json_array_size(evs), 2);
  json_decref(evs);
  const char *arr = " [{\"routing\":{},\"event\":{}}]";
  ck_assert_int_eq(events_file_parse(arr, strlen(arr), "e.json", &evs, &e), 0);
  ck_assert_int_eq(json_array_size(evs), 1);
  json_decref(evs);
  const char *bad = "{\"routing\":{},\"event\":{}}\n{\"routing\":{},\"event\":{}\n";
  ck_assert_int_eq(events_file_parse(bad, strlen(bad), "e.ndjson", &evs, &e), -VG_EINVAL);
  ck_assert_msg(strstr(e.msg, "e.ndjson:2:"), "%s", e.msg);
  const char *notenv = "[{\"routing\":{},\"event\":{}}, {\"routing\":1}]";
  ck_assert_int_eq(events_file_parse(notenv, strlen(notenv), "e.json", &evs, &e), -VG_EINVAL);
  ck_assert_msg(strstr(e.msg, "event 2 is not an envelope"), "%s", e.msg);
  ck_assert_int_eq(events_file_parse("\n \n", 3, "e", &evs, &e), -VG_EINVAL);
  ck_assert_int_eq(events_file_parse("[]", 2, "e", &evs, &e), -VG_EINVAL);
  /* More than EVENTS_FILE_MAX lines. */
  size_t one = strlen("{\"routing\":{},\"event\":{}}\n");
  char *many = malloc(one * (EVENTS_FILE_MAX + 1) + 1);
  for (int i = 0; i <= EVENTS_FILE_MAX; i++) memcpy(many + (size_t)i * one, "{\"routing\":{},\"event\":{}}\n", one);
  ck_assert_int_eq(events_file_parse(many, one * (EVENTS_FILE_MAX + 1), "big", &evs, &e), -VG_ELIMIT);
  ck_assert_msg(strstr(e.msg, "big:1001: more than 1000"), "%s", e.msg);
  free(many);
}
END_TEST

static Suite *wizard_suite(void) {
  Suite *s = suite_create("wizard");
  TCase *t = tcase_create("wizard");
  tcase_add_test(t, every_indicator);
  tcase_add_test(t, platforms_and_responses);
  tcase_add_test(t, refused);
  tcase_add_test(t, event_files);
  suite_add_tcase(s, t);
  return s;
}

VG_CHECK_MAIN(wizard_suite)
