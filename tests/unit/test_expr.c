/* test_expr.c — the expression engine: every operator and modifier of
 * EDR-REFERENCE §1 on real events, the seed's AppleJeus rules, compile
 * errors with file:line:col and the key, the builder, and the stateful
 * with child / with descendant. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "shared/err.h"
#include "shared/expr.h"
#include "shared/routing.h"
#include "tests/harness/harness.h"

#define WIN "\"plat\": 268435456, \"arch\": 2"
#define LNX "\"plat\": 536870912, \"arch\": 1"
#define SID "\"sid\": \"09530d35-2df9-4fd2-845e-80a0c06efaa3\""

static char *mkev(const char *type, const char *routing_extra, const char *payload) {
  char *s = NULL;
  if (asprintf(&s,
               "{\"routing\": {\"event_type\": \"%s\", \"event_time\": 1000, " SID
               ", \"hostname\": \"web-1\"%s%s}, \"event\": %s}",
               type, routing_extra[0] ? ", " : "", routing_extra, payload) < 0)
    abort();
  return s;
}

/* Test resources: a feed "bad" holding evil.com and 1.2.3.4; "api/vt"
 * holding a hash whose metadata lists two engines; variable "admins". */
static json_t *vt_mtd, *admins;
static bool t_lookup(void *u, const char *res, const char *val, const json_t **mtd) {
  (void)u;
  if (strcmp(res, "bad") == 0) return strcmp(val, "evil.com") == 0 || strcmp(val, "1.2.3.4") == 0;
  if (strcmp(res, "api/vt") == 0 && strcmp(val, "abcd") == 0) {
    *mtd = vt_mtd;
    return true;
  }
  return false;
}
static const json_t *t_var(void *u, const struct vg_routing *r, const char *name) {
  (void)u, (void)r;
  return strcmp(name, "admins") == 0 ? admins : NULL;
}
static bool t_external(void *u, const char *name, const json_t *ev, const struct vg_routing *r,
                       int depth) {
  (void)u, (void)depth;
  if (strcmp(name, "is-curl") != 0) return false;
  const char *y = "op: ends with\npath: event/FILE_PATH\nvalue: curl\n";
  struct vg_expr *e = vg_expr_compile_text(y, strlen(y), "ext", NULL);
  bool v = vg_expr_eval(e, ev, r, NULL, NULL, NULL);
  vg_expr_free(e);
  return v;
}
static struct vg_expr_env env = {NULL, t_var, t_lookup, t_external, 0};

static struct vg_expr *comp(const char *rule) {
  struct vg_err err;
  vg_err_clear(&err);
  struct vg_expr *e = vg_expr_compile_text(rule, strlen(rule), "t.yaml", &err);
  char m[512];
  ck_assert_msg(e != NULL, "compile failed: %s\n%s", vg_err_str(&err, m, sizeof(m)), rule);
  return e;
}

static bool eval_on(struct vg_expr *e, const char *evs) {
  json_error_t je;
  json_t *ev = json_loads(evs, 0, &je);
  ck_assert_msg(ev != NULL, "bad event JSON: %s: %s", je.text, evs);
  struct vg_routing r;
  struct vg_err err;
  ck_assert_int_eq(vg_routing_get(ev, &r, &err), 0);
  bool v = vg_expr_eval(e, ev, &r, &env, NULL, NULL);
  json_decref(ev);
  return v;
}

static bool m(const char *rule, const char *type, const char *rx, const char *payload) {
  struct vg_expr *e = comp(rule);
  char *evs = mkev(type, rx, payload);
  bool v = eval_on(e, evs);
  free(evs);
  vg_expr_free(e);
  return v;
}

#define NP(rule, payload) m(rule, "NEW_PROCESS", WIN, payload)
static const char *proc = "{\"FILE_PATH\": \"C:\\\\Windows\\\\System32\\\\cmd.exe\","
                          " \"COMMAND_LINE\": \"cmd.exe /c whoami && whoami\", \"PROCESS_ID\": 4242,"
                          " \"USER_NAME\": \"alice\", \"PARENT\": {\"FILE_PATH\": \"C:\\\\x\\\\explorer.exe\","
                          " \"USER_NAME\": \"root\", \"PROCESS_ID\": 1}, \"ARGS\": [\"a\", \"bb\", \"ccc\"],"
                          " \"EMPTY\": \"\", \"NUL\": null}";

START_TEST(is_and_case) {
  ck_assert(NP("op: is\npath: event/USER_NAME\nvalue: alice\n", proc));
  ck_assert(!NP("op: is\npath: event/USER_NAME\nvalue: ALICE\n", proc));
  ck_assert(NP("op: is\npath: event/USER_NAME\nvalue: ALICE\ncase sensitive: false\n", proc));
  ck_assert(NP("op: is\npath: event/PROCESS_ID\nvalue: 4242\n", proc));
  ck_assert(!NP("op: is\npath: event/PROCESS_ID\nvalue: 4243\n", proc));
  ck_assert(NP("op: is\npath: event/USER_NAME\nvalue: bob\nnot: true\n", proc));
  ck_assert(!NP("op: is\npath: event/MISSING\nvalue: x\n", proc));
  /* the seed's path example: event/?/USER_NAME finds PARENT/USER_NAME */
  ck_assert(NP("op: is\npath: event/?/USER_NAME\nvalue: root\n", proc));
  ck_assert(NP("op: is\npath: '*/PROCESS_ID'\nvalue: 1\n", proc));
  ck_assert(NP("op: is\npath: routing/hostname\nvalue: web-1\n", proc));
}
END_TEST

START_TEST(event_filter) {
  ck_assert(NP("op: exists\nevent: NEW_PROCESS\npath: event/PROCESS_ID\n", proc));
  ck_assert(!NP("op: exists\nevent: DNS_REQUEST\npath: event/PROCESS_ID\n", proc));
  ck_assert(NP("op: exists\nevents: [DNS_REQUEST, NEW_PROCESS]\npath: event/PROCESS_ID\n", proc));
  ck_assert(NP("event: NEW_PROCESS\n", proc));
}
END_TEST

START_TEST(exists_truthy) {
  ck_assert(NP("op: exists\npath: event/EMPTY\n", proc));
  ck_assert(!NP("op: exists\npath: event/EMPTY\ntruthy: true\n", proc));
  ck_assert(!NP("op: exists\npath: event/NUL\ntruthy: true\n", proc));
  ck_assert(NP("op: exists\npath: event/USER_NAME\ntruthy: true\n", proc));
  ck_assert(!NP("op: exists\npath: event/NOPE\n", proc));
}
END_TEST

START_TEST(contains_starts_ends) {
  ck_assert(NP("op: contains\npath: event/COMMAND_LINE\nvalue: whoami\n", proc));
  ck_assert(NP("op: contains\npath: event/COMMAND_LINE\nvalue: whoami\ncount: 2\n", proc));
  ck_assert(!NP("op: contains\npath: event/COMMAND_LINE\nvalue: whoami\ncount: 3\n", proc));
  ck_assert(NP("op: contains\npath: event/COMMAND_LINE\nvalue: WHOAMI\ncase sensitive: false\n", proc));
  ck_assert(NP("op: starts with\npath: event/FILE_PATH\nvalue: 'C:\\Windows'\n", proc));
  ck_assert(!NP("op: starts with\npath: event/FILE_PATH\nvalue: 'c:\\windows'\n", proc));
  ck_assert(NP("op: ends with\npath: event/FILE_PATH\nvalue: .EXE\ncase sensitive: false\n", proc));
  ck_assert(!NP("op: ends with\npath: event/FILE_PATH\nvalue: .dll\n", proc));
}
END_TEST

START_TEST(greater_lower_length) {
  ck_assert(NP("op: is greater than\npath: event/PROCESS_ID\nvalue: 4000\n", proc));
  ck_assert(!NP("op: is greater than\npath: event/PROCESS_ID\nvalue: 5000\n", proc));
  ck_assert(NP("op: is lower than\npath: event/PROCESS_ID\nvalue: 5000\n", proc));
  ck_assert(NP("op: is greater than\npath: event/ARGS\nvalue: 2\nlength of: true\n", proc));
  ck_assert(!NP("op: is greater than\npath: event/ARGS\nvalue: 3\nlength of: true\n", proc));
  ck_assert(NP("op: is lower than\npath: event/USER_NAME\nvalue: 6\nlength of: true\n", proc));
  ck_assert(!NP("op: is greater than\npath: event/USER_NAME\nvalue: 3\n", proc)); /* not a number */
}
END_TEST

START_TEST(matches_re) {
  ck_assert(NP("op: matches\npath: event/COMMAND_LINE\nre: '^cmd\\.exe /c (whoami|id)'\n", proc));
  ck_assert(!NP("op: matches\npath: event/COMMAND_LINE\nre: '^CMD'\n", proc));
  ck_assert(NP("op: matches\npath: event/COMMAND_LINE\nre: '^CMD'\ncase sensitive: false\n", proc));
  /* catastrophic backtracking is cut by the match limit: no match, quickly */
  char big[200];
  memset(big, 'a', 60);
  snprintf(big + 60, sizeof(big) - 60, "!");
  char *payload = NULL;
  ck_assert_int_ge(asprintf(&payload, "{\"S\": \"%s\"}", big), 0);
  ck_assert(!NP("op: matches\npath: event/S\nre: '^(a+)+$'\n", payload));
  free(payload);
}
END_TEST

START_TEST(string_distance) {
  ck_assert(NP("op: string distance\npath: event/USER_NAME\nvalue: alise\nmax: 1\n", proc));
  ck_assert(!NP("op: string distance\npath: event/USER_NAME\nvalue: bob\nmax: 2\n", proc));
  ck_assert(NP("op: string distance\npath: event/USER_NAME\nvalue: [bob, alyce]\nmax: 1\n", proc));
  ck_assert(NP("op: string distance\npath: event/USER_NAME\nvalue: ALICE\nmax: 0\ncase sensitive: false\n", proc));
}
END_TEST

START_TEST(platforms) {
  ck_assert(NP("op: is windows\n", proc));
  ck_assert(!NP("op: is linux\n", proc));
  ck_assert(m("op: is linux\n", "NEW_PROCESS", LNX, proc));
  ck_assert(m("op: is 32 bit\n", "NEW_PROCESS", LNX, proc));
  ck_assert(!m("op: is 64 bit\n", "NEW_PROCESS", LNX, proc));
  ck_assert(NP("op: is 64 bit\n", proc));
  ck_assert(!NP("op: is mac\n", proc));
  ck_assert(m("op: is mac\n", "NEW_PROCESS", "\"plat\": 805306368", proc));
  ck_assert(NP("op: is platform\nname: windows\n", proc));
  ck_assert(!NP("op: is platform\nname: linux\n", proc));
}
END_TEST

START_TEST(tagged) {
  const char *rx = WIN ", \"tags\": [\"prod\", \"vip\"]";
  ck_assert(m("op: is tagged\ntag: vip\n", "NEW_PROCESS", rx, proc));
  ck_assert(!m("op: is tagged\ntag: dev\n", "NEW_PROCESS", rx, proc));
  ck_assert(m("op: is\npath: routing/tags\nvalue: prod\n", "NEW_PROCESS", rx, proc));
}
END_TEST

START_TEST(lookups) {
  const char *dns = "{\"DOMAIN_NAME\": \"evil.com\"}";
  ck_assert(m("op: lookup\npath: event/DOMAIN_NAME\nresource: lcr://lookup/bad\n", "DNS_REQUEST", WIN, dns));
  ck_assert(m("op: lookup\npath: event/DOMAIN_NAME\nresource: hive://lookup/bad\n", "DNS_REQUEST", WIN, dns));
  ck_assert(!m("op: lookup\npath: event/DOMAIN_NAME\nresource: lcr://lookup/other\n", "DNS_REQUEST", WIN, dns));
  /* sub domain: the last two labels of www.evil.com are evil.com */
  const char *dns2 = "{\"DOMAIN_NAME\": \"www.evil.com\"}";
  ck_assert(!m("op: lookup\npath: event/DOMAIN_NAME\nresource: lcr://lookup/bad\n", "DNS_REQUEST", WIN, dns2));
  ck_assert(m("op: lookup\npath: event/DOMAIN_NAME\nresource: lcr://lookup/bad\nsub domain: '-2:'\n", "DNS_REQUEST", WIN, dns2));
  /* the seed's VirusTotal rule: metadata_rules on the lookup's metadata */
  const char *vt = "op: lookup\npath: event/HASH\nresource: 'lcr://api/vt'\nmetadata_rules:\n"
                   "  op: is greater than\n  value: 1\n  path: /\n  length of: true\n";
  ck_assert(m(vt, "CODE_IDENTITY", WIN, "{\"HASH\": \"abcd\"}"));
  ck_assert(!m(vt, "CODE_IDENTITY", WIN, "{\"HASH\": \"ffff\"}"));
  json_array_remove(vt_mtd, 0);
  ck_assert(!m(vt, "CODE_IDENTITY", WIN, "{\"HASH\": \"abcd\"}"));
  json_array_append_new(vt_mtd, json_string("avira"));
}
END_TEST

START_TEST(external_rule) {
  ck_assert(NP("op: external\nresource: lcr://detection/is-curl\nnot: true\n", proc));
  ck_assert(NP("op: external\nresource: lcr://detection/is-curl\n", "{\"FILE_PATH\": \"/usr/bin/curl\"}"));
}
END_TEST

START_TEST(cidr_addresses) {
  const char *tcp = "{\"DESTINATION\": {\"IP_ADDRESS\": \"10.1.2.3\", \"PORT\": 443},"
                    " \"SOURCE\": {\"IP_ADDRESS\": \"8.8.8.8\"}}";
  ck_assert(m("op: cidr\npath: event/DESTINATION/IP_ADDRESS\ncidr: 10.0.0.0/8\n", "NEW_TCP4_CONNECTION", WIN, tcp));
  ck_assert(!m("op: cidr\npath: event/DESTINATION/IP_ADDRESS\ncidr: 10.2.0.0/16\n", "NEW_TCP4_CONNECTION", WIN, tcp));
  ck_assert(m("op: is private address\npath: event/DESTINATION/IP_ADDRESS\n", "NEW_TCP4_CONNECTION", WIN, tcp));
  ck_assert(m("op: is public address\npath: event/SOURCE/IP_ADDRESS\n", "NEW_TCP4_CONNECTION", WIN, tcp));
  ck_assert(!m("op: is public address\npath: event/DESTINATION/IP_ADDRESS\n", "NEW_TCP4_CONNECTION", WIN, tcp));
  const char *v6 = "{\"IP_ADDRESS\": \"fd00::1\"}";
  ck_assert(m("op: cidr\npath: event/IP_ADDRESS\ncidr: fd00::/8\n", "NEW_UDP6_CONNECTION", WIN, v6));
  ck_assert(m("op: is private address\npath: event/IP_ADDRESS\n", "NEW_UDP6_CONNECTION", WIN, v6));
  ck_assert(m("op: is public address\npath: event/IP_ADDRESS\n", "NEW_UDP6_CONNECTION", WIN, "{\"IP_ADDRESS\": \"2001:4860::8888\"}"));
}
END_TEST

START_TEST(scope_op) {
  const char *nc = "{\"NETWORK_ACTIVITY\": [{\"SOURCE\": {\"PORT\": 1}, \"DESTINATION\": {\"PORT\": 443}},"
                   " {\"SOURCE\": {\"PORT\": 22}, \"DESTINATION\": {\"PORT\": 80}}]}";
  /* without scope, the two paths may match different entries; with scope both in one */
  const char *both = "op: and\nrules:\n - op: is\n   path: event/SOURCE/PORT\n   value: 22\n"
                     " - op: is\n   path: event/DESTINATION/PORT\n   value: 443\n";
  char *unscoped = NULL, *scoped = NULL;
  ck_assert_int_ge(asprintf(&unscoped, "op: and\nrules:\n - op: is\n   path: event/NETWORK_ACTIVITY/SOURCE/PORT\n   value: 22\n"
                                       " - op: is\n   path: event/NETWORK_ACTIVITY/DESTINATION/PORT\n   value: 443\n"), 0);
  ck_assert(m(unscoped, "NETWORK_CONNECTIONS", WIN, nc));
  ck_assert_int_ge(asprintf(&scoped, "op: scope\npath: event/NETWORK_ACTIVITY\nrule:\n  %s", "op: and\n  rules:\n   - op: is\n     path: event/SOURCE/PORT\n     value: 22\n   - op: is\n     path: event/DESTINATION/PORT\n     value: 443\n"), 0);
  ck_assert(!m(scoped, "NETWORK_CONNECTIONS", WIN, nc));
  free(scoped);
  ck_assert_int_ge(asprintf(&scoped, "op: scope\npath: event/NETWORK_ACTIVITY\nrule:\n  op: and\n  rules:\n   - op: is\n     path: event/SOURCE/PORT\n     value: 22\n   - op: is\n     path: event/DESTINATION/PORT\n     value: 80\n"), 0);
  ck_assert(m(scoped, "NETWORK_CONNECTIONS", WIN, nc));
  (void)both;
  free(scoped);
  free(unscoped);
}
END_TEST

START_TEST(lookback_vars_transforms) {
  const char *p = "{\"FILE_PATH\": \"/usr/bin/bash\", \"PARENT\": {\"FILE_PATH\": \"/usr/bin/bash\"},"
                  " \"USER_NAME\": \"root\"}";
  ck_assert(NP("op: is\npath: event/FILE_PATH\nvalue: <<event/PARENT/FILE_PATH>>\n", p));
  ck_assert(!NP("op: is\npath: event/USER_NAME\nvalue: <<event/PARENT/FILE_PATH>>\n", p));
  ck_assert(NP("op: is\npath: event/USER_NAME\nvalue: '[[admins]]'\n", p));
  ck_assert(!NP("op: is\npath: event/USER_NAME\nvalue: '[[nobody]]'\n", p));
  ck_assert(NP("op: is\npath: event/FILE_PATH\nvalue: bash\nfile name: true\n", p));
  ck_assert(NP("op: is\npath: event/FILE_PATH\nvalue: cmd.exe\nfile name: true\n", proc));
  const char *d = "{\"DOMAIN_NAME\": \"a.b.example.org\"}";
  ck_assert(m("op: is\npath: event/DOMAIN_NAME\nvalue: example.org\nsub domain: '-2:'\n", "DNS_REQUEST", WIN, d));
  ck_assert(m("op: is\npath: event/DOMAIN_NAME\nvalue: a\nsub domain: '0'\n", "DNS_REQUEST", WIN, d));
  ck_assert(m("op: is\npath: event/DOMAIN_NAME\nvalue: a.b\nsub domain: ':2'\n", "DNS_REQUEST", WIN, d));
  ck_assert(m("op: is\npath: event/DOMAIN_NAME\nvalue: example\nsub domain: ':'\n", "DNS_REQUEST", WIN, d));
  ck_assert(!m("op: is\npath: event/DOMAIN_NAME\nvalue: nope\nsub domain: ':'\n", "DNS_REQUEST", WIN, d));
}
END_TEST

/* The AppleJeus rules of seed-posts.txt, with the `rules:` keys the blog's
 * formatting lost restored. */
START_TEST(seed_applejeus) {
  const char *r1 = "op: and\nrules:\n  - op: is windows\n  - op: or\n    rules:\n"
                   "      - op: is\n        path: event/FILE_PATH\n        value: C:\\Recovery\\msn.exe\n        case sensitive: false\n"
                   "      - op: is\n        path: event/FILE_PATH\n        value: C:\\Windows\\msn.exe\n        case sensitive: false\n";
  ck_assert(NP(r1, "{\"FILE_PATH\": \"c:\\\\recovery\\\\MSN.exe\"}"));
  ck_assert(!NP(r1, "{\"FILE_PATH\": \"c:\\\\recovery\\\\msn2.exe\"}"));
  ck_assert(!m(r1, "NEW_PROCESS", LNX, "{\"FILE_PATH\": \"C:\\\\Recovery\\\\msn.exe\"}"));
  const char *r4 = "op: and\nrules:\n  - op: is windows\n  - op: or\n    rules:\n"
                   "      - op: matches\n        path: event/?/IP_ADDRESS\n"
                   "        re: (196\\.38\\.48\\.121|185\\.142\\.236\\.226|80\\.82\\.64\\.91|185\\.142\\.239\\.173)\n"
                   "      - op: matches\n        path: event/NETWORK_ACTIVITY/*/IP_ADDRESS\n"
                   "        re: ^(196\\.38\\.48\\.121|185\\.142\\.236\\.226|80\\.82\\.64\\.91|185\\.142\\.239\\.173)$\n";
  ck_assert(m(r4, "NEW_TCP4_CONNECTION", WIN, "{\"DESTINATION\": {\"IP_ADDRESS\": \"80.82.64.91\"}}"));
  ck_assert(m(r4, "NETWORK_CONNECTIONS", WIN, "{\"NETWORK_ACTIVITY\": [{\"SOURCE\": {\"IP_ADDRESS\": \"10.0.0.1\"}}, {\"DESTINATION\": {\"IP_ADDRESS\": \"185.142.239.173\"}}]}"));
  ck_assert(!m(r4, "NEW_TCP4_CONNECTION", WIN, "{\"DESTINATION\": {\"IP_ADDRESS\": \"80.82.64.92\"}}"));
}
END_TEST

static void expect_error(const char *rule, int code, int line, int col, const char *needle) {
  struct vg_err err;
  vg_err_clear(&err);
  struct vg_expr *e = vg_expr_compile_text(rule, strlen(rule), "r.yaml", &err);
  char m_[512];
  vg_err_str(&err, m_, sizeof(m_));
  ck_assert_msg(e == NULL, "compiled: %s", rule);
  ck_assert_msg(err.code == code, "code %d, want %d: %s", err.code, code, m_);
  ck_assert_msg(err.line == line && err.col == col, "at %d:%d, want %d:%d: %s", err.line,
                err.col, line, col, m_);
  ck_assert_msg(strstr(m_, needle) && strstr(m_, "r.yaml"), "message %s lacks %s", m_, needle);
}

START_TEST(compile_errors) {
  expect_error("op: is\npath: event/X\nvalue: 1\nbogus: 2\n", VG_EUNKNOWN, 4, 1, "bogus: unknown key");
  expect_error("op: frobnicate\n", VG_EUNKNOWN, 1, 5, "unknown operator");
  expect_error("op: is\npath: event/X\n", VG_EMISSING, 1, 1, "value: required");
  expect_error("op: matches\npath: event/X\nre: '(unclosed'\n", VG_EPARSE, 3, 5, "re:");
  expect_error("op: and\nrules:\n  - op: is\n    path: event//X\n    value: 1\n", VG_EPARSE, 4, 11, "path:");
  expect_error("op: cidr\npath: event/X\ncidr: 10.0.0.0/33\n", VG_EPARSE, 3, 7, "cidr");
  expect_error("op: is windows\nre: x\n", VG_EUNKNOWN, 2, 1, "re: not a parameter of op is windows");
  expect_error("op: is\npath: event/X\nvalue: 1\ncase sensitive: maybe\n", VG_ETYPE, 4, 17, "case sensitive");
  expect_error("op: and\nrules:\n  - op: is linux\n    with child:\n      op: is linux\n", VG_EINVAL, 5, 7, "with child");
}
END_TEST

START_TEST(builder_and_index) {
  /* What the query language / console filters do: build without YAML. */
  struct vg_expr *e = vg_expr_new(VG_OP_AND);
  struct vg_expr *a = vg_expr_new(VG_OP_ENDS_WITH);
  ck_assert_int_eq(vg_expr_set_path(a, "event/FILE_PATH", NULL), 0);
  ck_assert_int_eq(vg_expr_add_value(a, ".EXE", NULL), 0);
  vg_expr_set_flag(a, VG_EXPR_NOCASE, true);
  ck_assert_int_eq(vg_expr_add_event_type(a, "NEW_PROCESS", NULL), 0);
  ck_assert_int_eq(vg_expr_add(e, a, NULL), 0);
  ck_assert_int_eq(vg_expr_add(e, vg_expr_new(VG_OP_IS_WINDOWS), NULL), 0);
  char *evs = mkev("NEW_PROCESS", WIN, proc);
  ck_assert(eval_on(e, evs));
  free(evs);
  const char *types[8];
  ck_assert_int_eq(vg_expr_event_types(e, types, 8), 1);
  ck_assert_str_eq(types[0], "NEW_PROCESS");
  vg_expr_free(e);
  e = comp("op: or\nrules:\n - op: is\n   event: DNS_REQUEST\n   path: event/X\n   value: 1\n"
           " - op: is\n   events: [NEW_PROCESS, CODE_IDENTITY]\n   path: event/X\n   value: 1\n");
  ck_assert_int_eq(vg_expr_event_types(e, types, 8), 3);
  vg_expr_free(e);
  e = comp("op: or\nrules:\n - op: is linux\n - op: is\n   event: DNS_REQUEST\n   path: event/X\n   value: 1\n");
  ck_assert_int_eq(vg_expr_event_types(e, types, 8), -1);
  vg_expr_free(e);
}
END_TEST

/* Stateful: events carry atoms; time is routing/event_time. */
static bool feed(struct vg_expr *e, struct vg_expr_state *st, const char *type, int64_t t,
                 const char *this_a, const char *parent_a, const char *path, json_t **rep) {
  char *evs = NULL;
  ck_assert_int_ge(asprintf(&evs,
                            "{\"routing\": {\"event_type\": \"%s\", \"event_time\": %lld, " SID
                            ", " WIN ", \"this\": \"%s\", \"parent\": \"%s\"},"
                            " \"event\": {\"FILE_PATH\": \"%s\"}}",
                            type, (long long)t, this_a, parent_a, path),
                   0);
  json_t *ev = json_loads(evs, 0, NULL);
  free(evs);
  struct vg_routing r;
  ck_assert_int_eq(vg_routing_get(ev, &r, NULL), 0);
  bool v = vg_expr_eval(e, ev, &r, &env, st, rep);
  json_decref(ev);
  return v;
}
#define A(n) "0000000000000000000000000000000" #n

START_TEST(with_child) {
  struct vg_expr *e = comp("event: NEW_PROCESS\nop: ends with\npath: event/FILE_PATH\nvalue: outlook.exe\n"
                           "with child:\n  op: ends with\n  event: NEW_PROCESS\n  path: event/FILE_PATH\n"
                           "  value: cmd.exe\n  count: 2\n  within: 10\n");
  ck_assert(vg_expr_is_stateful(e));
  const char *types[4];
  ck_assert_int_eq(vg_expr_event_types(e, types, 4), -1);
  struct vg_expr_state *st = vg_expr_state_new();
  json_t *rep = NULL;
  ck_assert(!feed(e, st, "NEW_PROCESS", 1000, A(1), A(9), "outlook.exe", &rep));
  ck_assert(!feed(e, st, "NEW_PROCESS", 2000, A(2), A(1), "cmd.exe", &rep));
  ck_assert(!feed(e, st, "NEW_PROCESS", 2500, A(3), A(7), "cmd.exe", &rep)); /* not a child */
  ck_assert(feed(e, st, "NEW_PROCESS", 3000, A(4), A(1), "cmd.exe", &rep));
  ck_assert_ptr_nonnull(rep);
  ck_assert_str_eq(json_string_value(json_object_get(json_object_get(rep, "event"), "FILE_PATH")), "outlook.exe");
  json_decref(rep);
  rep = NULL;
  /* disarmed after firing; a second outlook whose children come too late */
  ck_assert(!feed(e, st, "NEW_PROCESS", 4000, A(5), A(1), "cmd.exe", &rep));
  ck_assert(!feed(e, st, "NEW_PROCESS", 5000, A(6), A(9), "outlook.exe", &rep));
  ck_assert(!feed(e, st, "NEW_PROCESS", 6000, "0000000000000000000000000000000a", A(6), "cmd.exe", &rep));
  ck_assert(!feed(e, st, "NEW_PROCESS", 16000, "0000000000000000000000000000000b", A(6), "cmd.exe", &rep));
  ck_assert_ptr_null(rep);
  vg_expr_state_free(st);
  vg_expr_free(e);
}
END_TEST

START_TEST(with_descendant) {
  struct vg_expr *e = comp("event: NEW_PROCESS\nop: ends with\npath: event/FILE_PATH\nvalue: word.exe\n"
                           "report latest event: true\n"
                           "with descendant:\n  op: ends with\n  event: NEW_PROCESS\n  path: event/FILE_PATH\n"
                           "  value: powershell.exe\n");
  struct vg_expr_state *st = vg_expr_state_new();
  json_t *rep = NULL;
  ck_assert(!feed(e, st, "NEW_PROCESS", 1000, A(1), A(9), "word.exe", &rep));
  ck_assert(!feed(e, st, "NEW_PROCESS", 1100, A(2), A(1), "cmd.exe", &rep));
  ck_assert(!feed(e, st, "NEW_PROCESS", 1200, A(3), A(2), "rundll32.exe", &rep));
  ck_assert(feed(e, st, "NEW_PROCESS", 1300, A(4), A(3), "powershell.exe", &rep));
  ck_assert_str_eq(json_string_value(json_object_get(json_object_get(rep, "event"), "FILE_PATH")), "powershell.exe");
  json_decref(rep);
  /* with child would not have fired on a grandchild */
  struct vg_expr *c = comp("event: NEW_PROCESS\nop: ends with\npath: event/FILE_PATH\nvalue: word.exe\n"
                           "with child:\n  op: ends with\n  path: event/FILE_PATH\n  value: powershell.exe\n");
  struct vg_expr_state *st2 = vg_expr_state_new();
  ck_assert(!feed(c, st2, "NEW_PROCESS", 1000, A(1), A(9), "word.exe", NULL));
  ck_assert(!feed(c, st2, "NEW_PROCESS", 1100, A(2), A(1), "cmd.exe", NULL));
  ck_assert(!feed(c, st2, "NEW_PROCESS", 1300, A(4), A(2), "powershell.exe", NULL));
  ck_assert(feed(c, st2, "NEW_PROCESS", 1400, A(5), A(1), "powershell.exe", NULL));
  vg_expr_state_free(st2);
  vg_expr_free(c);
  vg_expr_state_free(st);
  vg_expr_free(e);
}
END_TEST

static Suite *suite(void) {
  vt_mtd = json_pack("[s, s]", "kaspersky", "eset");
  admins = json_pack("[s, s]", "root", "admin");
  Suite *s = suite_create("expr");
  TCase *tc = tcase_create("ops");
  tcase_add_test(tc, is_and_case);
  tcase_add_test(tc, event_filter);
  tcase_add_test(tc, exists_truthy);
  tcase_add_test(tc, contains_starts_ends);
  tcase_add_test(tc, greater_lower_length);
  tcase_add_test(tc, matches_re);
  tcase_add_test(tc, string_distance);
  tcase_add_test(tc, platforms);
  tcase_add_test(tc, tagged);
  tcase_add_test(tc, lookups);
  tcase_add_test(tc, external_rule);
  tcase_add_test(tc, cidr_addresses);
  tcase_add_test(tc, scope_op);
  tcase_add_test(tc, lookback_vars_transforms);
  tcase_add_test(tc, seed_applejeus);
  tcase_add_test(tc, compile_errors);
  tcase_add_test(tc, builder_and_index);
  tcase_add_test(tc, with_child);
  tcase_add_test(tc, with_descendant);
  suite_add_tcase(s, tc);
  return s;
}

VG_CHECK_MAIN(suite)
