/* test_yaml_tree.c — YAML → positioned tree, rejections, typed readers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/err.h"
#include "shared/yaml_tree.h"
#include "tests/harness/harness.h"

static struct vg_yaml_doc *parse_ok(const char *s) {
  struct vg_err e;
  struct vg_yaml_doc *d = NULL;
  int r = vg_yaml_parse(s, strlen(s), "t.yaml", &d, &e);
  ck_assert_msg(r == 0, "parse: %s", e.msg);
  return d;
}

/* Parse s expecting failure; return the rendered error. */
static const char *parse_err(const char *s, int code) {
  static char buf[512];
  struct vg_err e;
  vg_err_clear(&e);
  struct vg_yaml_doc *d = (struct vg_yaml_doc *)1;
  int r = vg_yaml_parse(s, strlen(s), "t.yaml", &d, &e);
  ck_assert_ptr_null(d);
  ck_assert_msg(r == -code, "want %s, got %d (%s)", vg_code_name(code), r, e.msg);
  return vg_err_str(&e, buf, sizeof(buf));
}

START_TEST(t_tree_and_positions) {
  struct vg_yaml_doc *d = parse_ok(
      "# comment\n"
      "detect:\n"
      "  op: is\n"
      "  path: event/FILE_PATH\n"
      "  value: \"yes\"\n"
      "respond:\n"
      "  - action: report\n"
      "    name: x\n"
      "  - plain\n");
  const struct vg_yaml_node *root = vg_yaml_root(d);
  ck_assert_int_eq(root->kind, VG_YAML_MAP);
  ck_assert_uint_eq(root->npairs, 2);
  ck_assert_str_eq(root->pairs[0].key->text, "detect");
  ck_assert_int_eq(root->pairs[0].key->line, 2);
  ck_assert_int_eq(root->pairs[0].key->col, 1);
  const struct vg_yaml_node *det = vg_yaml_get(root, "detect");
  ck_assert_int_eq(det->kind, VG_YAML_MAP);
  ck_assert_int_eq(det->line, 3);
  ck_assert_int_eq(det->col, 3);
  const struct vg_yaml_node *v = vg_yaml_get(det, "value");
  ck_assert_str_eq(v->text, "yes");
  ck_assert(v->quoted);
  ck_assert_int_eq(v->line, 5);
  ck_assert_int_eq(v->col, 10);
  ck_assert(!vg_yaml_get(det, "op")->quoted);
  const struct vg_yaml_node *resp = vg_yaml_get(root, "respond");
  ck_assert_int_eq(resp->kind, VG_YAML_SEQ);
  ck_assert_uint_eq(resp->nitems, 2);
  ck_assert_int_eq(resp->items[0]->kind, VG_YAML_MAP);
  ck_assert_int_eq(resp->items[0]->line, 7);
  ck_assert_int_eq(resp->items[0]->col, 5);
  ck_assert_str_eq(resp->items[1]->text, "plain");
  ck_assert_str_eq(resp->items[1]->file, "t.yaml");
  ck_assert_ptr_null(vg_yaml_get(root, "nope"));
  ck_assert_ptr_null(vg_yaml_get(resp, "respond"));
  ck_assert_str_eq(vg_yaml_file(d), "t.yaml");
  vg_yaml_free(d);
  vg_yaml_free(NULL);
}
END_TEST

START_TEST(t_empty_and_flow) {
  struct vg_yaml_doc *d = parse_ok("# nothing here\n");
  ck_assert_ptr_null(vg_yaml_root(d));
  vg_yaml_free(d);
  d = parse_ok("{a: [1, 2, {b: c}], 'q': ~, e: }");
  const struct vg_yaml_node *r = vg_yaml_root(d);
  ck_assert_uint_eq(vg_yaml_get(r, "a")->nitems, 3);
  ck_assert(vg_yaml_is_null(vg_yaml_get(r, "q")));
  ck_assert(vg_yaml_is_null(vg_yaml_get(r, "e")));
  ck_assert(!vg_yaml_is_null(vg_yaml_get(r, "a")));
  vg_yaml_free(d);
  d = parse_ok("---\nk: \"\"\n...\n");
  ck_assert(!vg_yaml_is_null(vg_yaml_get(vg_yaml_root(d), "k")));
  vg_yaml_free(d);
}
END_TEST

START_TEST(t_rejections) {
  ck_assert_str_eq(parse_err("a: 1\nb: [1, 2\n", VG_EPARSE),
                   "t.yaml:3:1: did not find expected ',' or ']' (while parsing a flow "
                   "sequence at line 2, column 4)");
  ck_assert_str_eq(parse_err("a: 1\nb: 2\na: 3\n", VG_EPARSE),
                   "t.yaml:3:1: duplicate key 'a' (first at line 1)");
  ck_assert_str_eq(parse_err("x:\n  y: 1\n  z: 2\n  y: 3\n  z: 4\n", VG_EPARSE),
                   "t.yaml:4:3: duplicate key 'y' (first at line 2)");
  ck_assert_str_eq(parse_err("a: &x [1]\nb: *x\n", VG_EPARSE),
                   "t.yaml:1:4: anchors (&x) are not allowed");
  ck_assert_str_eq(parse_err("a: 1\n---\nb: 2\n", VG_EPARSE),
                   "t.yaml:2:1: more than one YAML document (expected one)");
  ck_assert_str_eq(parse_err("? [a, b]\n: c\n", VG_EPARSE),
                   "t.yaml:1:3: mapping keys must be scalars, not a sequence");
  ck_assert_str_eq(parse_err("a: !!str 5\n", VG_EPARSE),
                   "t.yaml:1:4: tags (tag:yaml.org,2002:str) are not allowed");
  ck_assert_str_eq(parse_err("a: 1\nb: \xff\n", VG_EPARSE), "t.yaml:2:4: invalid leading UTF-8 octet");
  /* Billion laughs never gets past the first anchor. */
  parse_err("a: &a [\"lol\",\"lol\"]\nb: &b [*a,*a,*a]\nc: [*b,*b,*b]\n", VG_EPARSE);
}
END_TEST

START_TEST(t_limits) {
  /* Depth. */
  size_t n = VG_LIMIT_YAML_DEPTH + 1;
  char *s = malloc(2 * n + 1);
  for (size_t i = 0; i < n; i++) s[i] = '[', s[n + i] = ']';
  s[2 * n] = '\0';
  const char *msg = parse_err(s, VG_ELIMIT);
  ck_assert_ptr_nonnull(strstr(msg, "nested deeper than"));
  s[0] = ' ', s[2 * n - 1] = ' '; /* exactly the limit is fine */
  vg_yaml_free(parse_ok(s));
  free(s);
  /* Nodes. */
  size_t items = VG_LIMIT_YAML_NODES;
  s = malloc(items * 2 + 3);
  size_t k = 0;
  s[k++] = '[';
  for (size_t i = 0; i < items; i++) s[k++] = '1', s[k++] = ',';
  s[k - 1] = ']';
  s[k] = '\0';
  ck_assert_ptr_nonnull(strstr(parse_err(s, VG_ELIMIT), "more than"));
  free(s);
  /* Bytes. */
  struct vg_yaml_doc *d;
  struct vg_err e;
  ck_assert_int_eq(vg_yaml_parse("a", VG_LIMIT_YAML_BYTES + 1, "big", &d, &e), -VG_ELIMIT);
  /* One scalar. */
  s = malloc(VG_LIMIT_YAML_SCALAR_BYTES + 8);
  memcpy(s, "a: ", 3);
  memset(s + 3, 'x', VG_LIMIT_YAML_SCALAR_BYTES + 1);
  s[VG_LIMIT_YAML_SCALAR_BYTES + 4] = '\0';
  ck_assert_ptr_nonnull(strstr(parse_err(s, VG_ELIMIT), "t.yaml:1:4: scalar longer"));
  free(s);
}
END_TEST

START_TEST(t_typed_readers) {
  struct vg_yaml_doc *d = parse_ok(
      "i: 42\nneg: -3\nq: \"42\"\nb: yes\nqb: 'yes'\nt: 12h\nsz: 64KiB\n"
      "bad: 12x\nm: {x: 1}\nbig: 99999999999999999999\nn: ~\n");
  const struct vg_yaml_node *r = vg_yaml_root(d);
  struct vg_err e;
  char buf[512];
  int64_t v;
  bool b;
  const char *s;
  ck_assert_int_eq(vg_yaml_int(vg_yaml_get(r, "i"), 0, 100, &v, &e), 0);
  ck_assert_int_eq(v, 42);
  ck_assert_int_eq(vg_yaml_int(vg_yaml_get(r, "neg"), 0, 100, &v, &e), -VG_ERANGE);
  ck_assert_str_eq(vg_err_str(&e, buf, sizeof(buf)), "t.yaml:2:6: -3 is out of range [0, 100]");
  ck_assert_int_eq(vg_yaml_int(vg_yaml_get(r, "q"), 0, 100, &v, &e), -VG_ETYPE);
  ck_assert_str_eq(vg_err_str(&e, buf, sizeof(buf)),
                   "t.yaml:3:4: expected an integer, got the string \"42\"");
  ck_assert_int_eq(vg_yaml_int(vg_yaml_get(r, "big"), INT64_MIN, INT64_MAX, &v, &e), -VG_ERANGE);
  ck_assert_int_eq(vg_yaml_bool(vg_yaml_get(r, "b"), &b, &e), 0);
  ck_assert(b);
  ck_assert_int_eq(vg_yaml_bool(vg_yaml_get(r, "qb"), &b, &e), -VG_ETYPE);
  ck_assert_int_eq(vg_yaml_bool(vg_yaml_get(r, "i"), &b, &e), -VG_ETYPE);
  ck_assert_int_eq(vg_yaml_duration(vg_yaml_get(r, "t"), &v, &e), 0);
  ck_assert_int_eq(v, 43200);
  ck_assert_int_eq(vg_yaml_duration(vg_yaml_get(r, "bad"), &v, &e), -VG_ETYPE);
  ck_assert_str_eq(vg_err_str(&e, buf, sizeof(buf)),
                   "t.yaml:8:6: expected a duration like 30s, 5m, 12h or 7d, got '12x'");
  ck_assert_int_eq(vg_yaml_size(vg_yaml_get(r, "sz"), &v, &e), 0);
  ck_assert_int_eq(v, 65536);
  ck_assert_int_eq(vg_yaml_size(vg_yaml_get(r, "m"), &v, &e), -VG_ETYPE);
  ck_assert_str_eq(vg_err_str(&e, buf, sizeof(buf)),
                   "t.yaml:9:4: expected a size like 512, 64KiB or 10MB, got a mapping");
  ck_assert_int_eq(vg_yaml_str(vg_yaml_get(r, "q"), &s, &e), 0);
  ck_assert_str_eq(s, "42");
  ck_assert_int_eq(vg_yaml_str(vg_yaml_get(r, "n"), &s, &e), -VG_ETYPE);
  ck_assert_int_eq(vg_yaml_str(NULL, &s, &e), -VG_ETYPE);
  ck_assert_int_eq(vg_yaml_fail(vg_yaml_get(r, "m"), &e, VG_ESCHEMA, "custom %d", 7), -VG_ESCHEMA);
  ck_assert_str_eq(vg_err_str(&e, buf, sizeof(buf)), "t.yaml:9:4: custom 7");
  vg_yaml_free(d);
}
END_TEST

START_TEST(t_load_file) {
  char *dir = harness_mkdtemp("vigil-yaml");
  char path[512];
  snprintf(path, sizeof(path), "%s/c.yaml", dir);
  ck_assert_int_eq(harness_write_file(path, "a:\n  b: [x, y]\n"), 0);
  struct vg_yaml_doc *d;
  struct vg_err e;
  ck_assert_int_eq(vg_yaml_load_file(path, &d, &e), 0);
  ck_assert_str_eq(vg_yaml_get(vg_yaml_get(vg_yaml_root(d), "a"), "b")->items[1]->text, "y");
  ck_assert_str_eq(vg_yaml_root(d)->file, path);
  vg_yaml_free(d);
  ck_assert_int_eq(harness_write_file(path, "a: 1\na: 2\n"), 0);
  ck_assert_int_eq(vg_yaml_load_file(path, &d, &e), -VG_EPARSE);
  ck_assert_str_eq(e.file, path);
  ck_assert_int_eq(e.line, 2);
  snprintf(path, sizeof(path), "%s/missing.yaml", dir);
  ck_assert_int_eq(vg_yaml_load_file(path, &d, &e), -VG_EIO);
  ck_assert_ptr_null(d);
  harness_rm_rf(dir);
  free(dir);
}
END_TEST

static Suite *yaml_tree_suite(void) {
  Suite *s = suite_create("yaml_tree");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, t_tree_and_positions);
  tcase_add_test(tc, t_empty_and_flow);
  tcase_add_test(tc, t_rejections);
  tcase_add_test(tc, t_limits);
  tcase_add_test(tc, t_typed_readers);
  tcase_add_test(tc, t_load_file);
  suite_add_tcase(s, tc);
  return s;
}
VG_CHECK_MAIN(yaml_tree_suite)
