/* test_schema.c — table-driven validation of YAML trees. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "shared/err.h"
#include "shared/schema.h"
#include "shared/yaml_tree.h"
#include "tests/harness/harness.h"

/* A miniature rule file: {detect: any, respond: [{action, name, priority}],
 * meta: {owner, ttl}}. */
static const char *const actions[] = {"report", "task", "add tag", NULL};
static const struct vg_schema_field respond_fields[] = {
    {.key = "action", .type = VG_SCHEMA_ENUM, .required = true, .values = actions},
    {.key = "name", .type = VG_SCHEMA_STRING, .min = 1, .max = 32},
    {.key = "priority", .type = VG_SCHEMA_INT, .min = 0, .max = 10},
    {0}};
static const struct vg_schema_field respond_item = {.type = VG_SCHEMA_MAP, .fields = respond_fields};
static const struct vg_schema_field rule_fields[] = {
    {.key = "detect", .type = VG_SCHEMA_ANY, .required = true, .help = "the detection tree"},
    {.key = "respond", .type = VG_SCHEMA_SEQ, .elem = &respond_item, .min = 1, .max = 8},
    {.key = "meta.owner", .type = VG_SCHEMA_STRING, .required = true},
    {.key = "meta.ttl", .type = VG_SCHEMA_DURATION, .min = 60, .max = 86400},
    {.key = "tags", .type = VG_SCHEMA_STRLIST},
    {0}};

static const char *check(const char *yaml, int code) {
  static char buf[512];
  struct vg_yaml_doc *d;
  struct vg_err e;
  ck_assert_int_eq(vg_yaml_parse(yaml, strlen(yaml), "r.yaml", &d, &e), 0);
  vg_err_clear(&e);
  int r = vg_schema_check(rule_fields, vg_yaml_root(d), NULL, &e);
  vg_yaml_free(d);
  ck_assert_msg(r == -code, "want %s got %d: %s", vg_code_name(code), r, e.msg);
  return vg_err_str(&e, buf, sizeof(buf));
}

#define GOOD "detect: {op: is}\nrespond:\n  - action: report\n    name: x\nmeta:\n  owner: sec\n"

START_TEST(t_valid) {
  check(GOOD, 0);
  check("detect: 1\nmeta.owner: sec\nmeta: {ttl: 5m}\ntags: [a, b]\n", 0);
}
END_TEST

START_TEST(t_unknown_key) {
  ck_assert_str_eq(check("detcet: {op: is}\nmeta: {owner: x}\n", VG_EUNKNOWN),
                   "r.yaml:1:1: unknown key 'detcet' (did you mean 'detect'?)");
  ck_assert_str_eq(check("detect: 1\nmeta:\n  owner: x\n  tll: 5m\n", VG_EUNKNOWN),
                   "r.yaml:4:3: unknown key 'meta.tll' (did you mean 'meta.ttl'?)");
  ck_assert_str_eq(check("detect: 1\nmeta: {owner: x}\nzzzzzz: 1\n", VG_EUNKNOWN),
                   "r.yaml:3:1: unknown key 'zzzzzz'");
  ck_assert_str_eq(check("detect: 1\nmeta: {owner: x}\nrespond: [{action: report, nmae: y}]\n",
                         VG_EUNKNOWN),
                   "r.yaml:3:28: unknown key 'respond[0].nmae' (did you mean 'respond[0].name'?)");
}
END_TEST

START_TEST(t_missing) {
  ck_assert_str_eq(check("detect: 1\n", VG_EMISSING), "r.yaml:1:1: missing required key 'meta.owner'");
  ck_assert_str_eq(check("detect: 1\nmeta:\n  ttl: 5m\n", VG_EMISSING),
                   "r.yaml:3:3: missing required key 'meta.owner'");
  ck_assert_str_eq(check("meta: {owner: x}\n", VG_EMISSING), "r.yaml:1:1: missing required key 'detect'");
  ck_assert_str_eq(check("detect: 1\nmeta: {owner: x}\nrespond:\n  - name: y\n", VG_EMISSING),
                   "r.yaml:4:5: missing required key 'respond[0].action'");
}
END_TEST

START_TEST(t_kinds_and_ranges) {
  ck_assert_str_eq(check("detect: 1\nmeta: {owner: [x]}\n", VG_ETYPE),
                   "r.yaml:2:15: 'meta.owner' must be a string, got sequence");
  ck_assert_str_eq(check("detect: 1\nmeta: {owner: }\n", VG_ETYPE),
                   "r.yaml:2:15: 'meta.owner' must be a string, got nothing (null)");
  ck_assert_str_eq(check("detect: 1\nmeta: 5\n", VG_ETYPE), "r.yaml:2:7: 'meta' must be a mapping, got a scalar");
  ck_assert_str_eq(check("detect: 1\nmeta: {owner: x, ttl: 2d}\n", VG_ERANGE),
                   "r.yaml:2:23: 'meta.ttl' must be between 60 and 86400 seconds, got 172800");
  ck_assert_str_eq(check("detect: 1\nmeta: {owner: x}\nrespond: [{action: kill}]\n", VG_ERANGE),
                   "r.yaml:3:20: 'respond[0].action' must be one of report, task, add tag; got 'kill'");
  ck_assert_str_eq(check("detect: 1\nmeta: {owner: x}\nrespond: [{action: task, priority: \"3\"}]\n", VG_ETYPE),
                   "r.yaml:3:36: 'respond[0].priority' must be an integer, got the quoted string '3'");
  ck_assert_str_eq(check("detect: 1\nmeta: {owner: x}\nrespond: []\n", VG_ERANGE),
                   "r.yaml:3:10: 'respond' must have 1 to 8 items, got 0");
  ck_assert_str_eq(check("detect: 1\nmeta: {owner: x}\ntags: [a, {b: c}]\n", VG_ETYPE),
                   "r.yaml:3:11: 'tags[1]' must be a string, got mapping");
  ck_assert_str_eq(check("detect: 1\nmeta: {owner: x}\nmeta.owner: y\n", VG_ESCHEMA),
                   "r.yaml:3:1: 'meta.owner' is set twice (first at line 2)");
  ck_assert_str_eq(check("- 1\n", VG_ETYPE), "r.yaml:1:1: expected a mapping at the top level, got a sequence");
}
END_TEST

struct bound {
  char *name;
  int64_t port;
  bool on;
  struct vg_strlist list;
  char *level;
};
static const char *const levels[] = {"low", "high", NULL};
static const struct vg_schema_field bind_inner[] = {
    {.key = "port", .type = VG_SCHEMA_INT, .def = "80", .min = 1, .max = 65535, .offset = offsetof(struct bound, port)},
    {0}};
static const struct vg_schema_field bind_fields[] = {
    {.key = "name", .type = VG_SCHEMA_STRING, .def = "anon", .offset = offsetof(struct bound, name)},
    {.key = "net", .type = VG_SCHEMA_MAP, .fields = bind_inner},
    {.key = "on", .type = VG_SCHEMA_BOOL, .def = "yes", .offset = offsetof(struct bound, on)},
    {.key = "list", .type = VG_SCHEMA_STRLIST, .def = "a, b", .offset = offsetof(struct bound, list)},
    {.key = "level", .type = VG_SCHEMA_ENUM, .values = levels, .def = "low", .offset = offsetof(struct bound, level)},
    {0}};

START_TEST(t_bind_defaults_text) {
  struct bound b;
  memset(&b, 0, sizeof(b));
  struct vg_err e;
  ck_assert_int_eq(vg_schema_defaults(bind_fields, &b, &e), 0);
  ck_assert_str_eq(b.name, "anon");
  ck_assert_int_eq(b.port, 80);
  ck_assert(b.on);
  ck_assert_uint_eq(b.list.n, 2);
  ck_assert_str_eq(b.list.v[1], "b");
  const char *y = "name: bob\nnet: {port: 8080}\non: off\nlist: [x]\nlevel: high\n";
  struct vg_yaml_doc *d;
  ck_assert_int_eq(vg_yaml_parse(y, strlen(y), "b.yaml", &d, &e), 0);
  ck_assert_int_eq(vg_schema_check(bind_fields, vg_yaml_root(d), &b, &e), 0);
  vg_yaml_free(d);
  ck_assert_str_eq(b.name, "bob");
  ck_assert_int_eq(b.port, 8080);
  ck_assert(!b.on);
  ck_assert_uint_eq(b.list.n, 1);
  ck_assert_str_eq(b.level, "high");
  const struct vg_schema_field *f = vg_schema_find(bind_fields, "net.port");
  ck_assert_ptr_nonnull(f);
  ck_assert_ptr_null(vg_schema_find(bind_fields, "net.nope"));
  ck_assert_int_eq(vg_schema_set_text(f, &b, "0", &e), -VG_ERANGE);
  ck_assert_int_eq(vg_schema_set_text(f, &b, "443", &e), 0);
  ck_assert_int_eq(b.port, 443);
  ck_assert_int_eq(vg_schema_set_text(vg_schema_find(bind_fields, "list"), &b, "", &e), 0);
  ck_assert_uint_eq(b.list.n, 0);
  ck_assert_int_eq(vg_schema_set_text(vg_schema_find(bind_fields, "net"), &b, "x", &e), -VG_EINVAL);
  char buf[64];
  ck_assert_str_eq(vg_schema_suggest(bind_fields, "net.prot", buf, sizeof(buf)), "net.port");
  ck_assert_ptr_null(vg_schema_suggest(bind_fields, "completely", buf, sizeof(buf)));
  vg_schema_cleanup(bind_fields, &b);
  ck_assert_ptr_null(b.name);
  ck_assert_ptr_null(b.list.v);
  vg_schema_cleanup(bind_fields, &b); /* twice is fine */
}
END_TEST

START_TEST(t_bad_default) {
  static const struct vg_schema_field bad[] = {
      {.key = "n", .type = VG_SCHEMA_INT, .def = "ten", .offset = 0}, {0}};
  int64_t v = 0;
  struct vg_err e;
  ck_assert_int_eq(vg_schema_defaults(bad, &v, &e), -VG_EINTERNAL);
  ck_assert_ptr_nonnull(strstr(e.msg, "'n'"));
}
END_TEST

START_TEST(t_distance) {
  ck_assert_uint_eq(vg_schema_distance("detcet", 6, "detect", 6), 1); /* one transposition */
  ck_assert_uint_eq(vg_schema_distance("ab", 2, "ba", 2), 1);
  ck_assert_uint_eq(vg_schema_distance("ca", 2, "abc", 3), 3);
  ck_assert_uint_eq(vg_schema_distance("", 0, "abc", 3), 3);
  ck_assert_uint_eq(vg_schema_distance("kitten", 6, "sitting", 7), 3);
  ck_assert_uint_eq(vg_schema_distance("same", 4, "same", 4), 0);
}
END_TEST

START_TEST(t_help) {
  char *out = NULL;
  size_t n = 0;
  FILE *f = open_memstream(&out, &n);
  vg_schema_help(rule_fields, f);
  vg_schema_markdown(rule_fields, f);
  fclose(f);
  const char *keys[] = {"detect", "respond", "respond[].action", "respond[].priority", "meta.owner",
                        "meta.ttl", "tags", "| `meta.ttl` | duration |  | 60..86400 s |", "enum report\\|task\\|add tag"};
  for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
    ck_assert_msg(strstr(out, keys[i]), "help lacks %s:\n%s", keys[i], out);
  free(out);
}
END_TEST

static Suite *schema_suite(void) {
  Suite *s = suite_create("schema");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, t_valid);
  tcase_add_test(tc, t_unknown_key);
  tcase_add_test(tc, t_missing);
  tcase_add_test(tc, t_kinds_and_ranges);
  tcase_add_test(tc, t_bind_defaults_text);
  tcase_add_test(tc, t_bad_default);
  tcase_add_test(tc, t_distance);
  tcase_add_test(tc, t_help);
  suite_add_tcase(s, tc);
  return s;
}
VG_CHECK_MAIN(schema_suite)
