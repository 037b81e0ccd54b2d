/* test_path.c — path selectors over JSON events. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "shared/err.h"
#include "shared/path.h"
#include "tests/harness/harness.h"

/* The seed's example event (seed-posts.txt, "The path event/?/USER_NAME would
 * result in root"), plus an array for the transparency tests. */
static const char *seed_event =
    "{\"routing\": {\"hostname\": \"MacBook-Pro.local\", \"event_type\": \"NEW_PROCESS\","
    "  \"event_id\": \"26bbee42-ac21-475b-b652-ad603f6aa7ad\","
    "  \"oid\": \"c82e5d18-d519-4ef5-a4ac-c454a95d31ca\", \"int_ip\": \"\", \"ext_ip\": \"\","
    "  \"sid\": \"09530d35-2df9-4fd2-845e-80a0c06efaa3\", \"event_time\": 1536260514146},"
    " \"event\": {\"USER_ID\": 501,"
    "  \"PARENT\": {\"USER_ID\": 0, \"COMMAND_LINE\": \"/sbin/launchd\", \"PROCESS_ID\": 1,"
    "    \"USER_NAME\": \"root\", \"FILE_PATH\": \"/sbin/launchd\"},"
    "  \"COMMAND_LINE\": \"/System/Library/Frameworks/QuickLook.framework/Resources/\","
    "  \"PROCESS_ID\": 30113, \"USER_NAME\": \"some_user\","
    "  \"FILE_PATH\": \"/System/Library/Frameworks/QuickLook.framework/Versions/A/Resources/\"}}";

static json_t *load(const char *s) {
  json_error_t je;
  json_t *j = json_loads(s, 0, &je);
  ck_assert_msg(j != NULL, "bad test JSON: %s", je.text);
  return j;
}

/* Select expr in doc and render the matches as "a,b,c" (strings bare,
 * others JSON-encoded). */
static char *sel(const char *expr, json_t *doc) {
  struct vg_err e;
  struct vg_path *p = vg_path_compile(expr, &e);
  ck_assert_msg(p != NULL, "compile %s: %s", expr, e.msg);
  json_t *out[64];
  size_t n = vg_path_select(p, doc, out, 64);
  char buf[2048] = "";
  size_t used = 0;
  for (size_t i = 0; i < n; i++) {
    char *txt = json_is_string(out[i]) ? strdup(json_string_value(out[i]))
                                       : json_dumps(out[i], JSON_COMPACT | JSON_ENCODE_ANY);
    used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%s", i ? "," : "", txt);
    free(txt);
  }
  ck_assert_ptr_eq(vg_path_first(p, doc), n ? out[0] : NULL);
  vg_path_free(p);
  return strdup(buf);
}

#define CK_SEL(expr, doc, want)                 \
  do {                                          \
    char *got_ = sel(expr, doc);                \
    ck_assert_str_eq(got_, want);               \
    free(got_);                                 \
  } while (0)

START_TEST(t_seed_example) {
  json_t *doc = load(seed_event);
  CK_SEL("event/?/USER_NAME", doc, "root");
  CK_SEL("event/USER_NAME", doc, "some_user");
  CK_SEL("*/USER_NAME", doc, "root,some_user"); /* document order: PARENT comes first */
  CK_SEL("routing/hostname", doc, "MacBook-Pro.local");
  CK_SEL("event/PARENT/PROCESS_ID", doc, "1");
  CK_SEL("?/USER_ID", doc, "501");
  CK_SEL("?/?/USER_ID", doc, "0");
  CK_SEL("event/*/USER_ID", doc, "501,0");
  json_decref(doc);
}
END_TEST

START_TEST(t_no_match) {
  json_t *doc = load(seed_event);
  CK_SEL("event/NOPE", doc, "");
  CK_SEL("routing/hostname/deeper", doc, "");
  CK_SEL("event/USER_NAME/?", doc, "");
  CK_SEL("event/0", doc, "");
  struct vg_path *p = vg_path_compile("event", NULL);
  ck_assert_uint_eq(vg_path_select(p, NULL, NULL, 4), 0);
  json_t *out[1];
  ck_assert_uint_eq(vg_path_select(p, doc, out, 0), 0);
  ck_assert_ptr_null(vg_path_first(p, NULL));
  ck_assert_str_eq(vg_path_expr(p), "event");
  vg_path_free(p);
  vg_path_free(NULL);
  json_decref(doc);
}
END_TEST

START_TEST(t_arrays) {
  json_t *doc = load(
      "{\"event\": {\"NETWORK_ACTIVITY\": ["
      "  {\"SOURCE\": {\"IP_ADDRESS\": \"10.0.0.1\"}, \"DESTINATION\": {\"IP_ADDRESS\": \"1.1.1.1\"}},"
      "  {\"SOURCE\": {\"IP_ADDRESS\": \"10.0.0.2\"}},"
      "  [{\"SOURCE\": {\"IP_ADDRESS\": \"10.0.0.3\"}}]],"
      " \"TAGS\": [\"a\", \"b\", \"c\"], \"10\": \"key ten\"}}");
  CK_SEL("event/NETWORK_ACTIVITY/SOURCE/IP_ADDRESS", doc, "10.0.0.1,10.0.0.2,10.0.0.3");
  CK_SEL("event/NETWORK_ACTIVITY/0/SOURCE/IP_ADDRESS", doc, "10.0.0.1");
  CK_SEL("event/NETWORK_ACTIVITY/1/SOURCE/IP_ADDRESS", doc, "10.0.0.2");
  CK_SEL("event/NETWORK_ACTIVITY/7", doc, "");
  CK_SEL("event/NETWORK_ACTIVITY/?/IP_ADDRESS", doc, "");
  CK_SEL("event/NETWORK_ACTIVITY/?/?/IP_ADDRESS", doc, "10.0.0.1,1.1.1.1,10.0.0.2");
  CK_SEL("*/IP_ADDRESS", doc, "10.0.0.1,1.1.1.1,10.0.0.2,10.0.0.3");
  CK_SEL("event/TAGS/?", doc, "a,b,c");
  CK_SEL("event/TAGS/2", doc, "c");
  CK_SEL("event/10", doc, "key ten"); /* a numeric segment on an object is a key */
  CK_SEL("event/TAGS", doc, "[\"a\",\"b\",\"c\"]");
  json_decref(doc);
}
END_TEST

START_TEST(t_star_semantics) {
  json_t *doc = load("{\"a\": {\"b\": {\"c\": 1}, \"c\": 2}, \"c\": 3}");
  /* '*' spans zero levels too; every position is returned once, in order. */
  CK_SEL("*/c", doc, "1,2,3");
  CK_SEL("a/*/c", doc, "1,2");
  CK_SEL("*/*/c", doc, "1,2,3");
  CK_SEL("*/b/*", doc, "{\"c\":1},1");
  CK_SEL("*", doc, "{\"a\":{\"b\":{\"c\":1},\"c\":2},\"c\":3},{\"b\":{\"c\":1},\"c\":2},{\"c\":1},1,2,3");
  CK_SEL("?/c", doc, "2");
  json_decref(doc);
}
END_TEST

static void expect_error(const char *expr, int code, int col) {
  struct vg_err e;
  vg_err_clear(&e);
  ck_assert_ptr_null(vg_path_compile(expr, &e));
  ck_assert_msg(e.code == code, "%s: code %d, want %d (%s)", expr, e.code, code, e.msg);
  ck_assert_msg(e.col == col, "%s: col %d, want %d (%s)", expr, e.col, col, e.msg);
  ck_assert_int_eq(e.line, 1);
}

START_TEST(t_malformed) {
  expect_error("", VG_EPARSE, 1);
  expect_error("/event", VG_EPARSE, 1);
  expect_error("event/", VG_EPARSE, 6);
  expect_error("a//b", VG_EPARSE, 3);
  expect_error("event/**/x", VG_EPARSE, 7);
  expect_error("event/US*ER", VG_EPARSE, 9);
  expect_error("event/a?", VG_EPARSE, 8);
  ck_assert_ptr_null(vg_path_compile(NULL, NULL));
  struct vg_err e;
  vg_path_compile("a//b", &e);
  char buf[256];
  ck_assert_str_eq(vg_err_str(&e, buf, sizeof(buf)), "1:3: path: empty segment");
}
END_TEST

START_TEST(t_limits) {
  char expr[VG_LIMIT_PATH_BYTES + 16];
  /* VG_LIMIT_PATH_SEGMENTS segments compile; one more does not. */
  size_t n = 0;
  for (int i = 0; i < VG_LIMIT_PATH_SEGMENTS; i++) n += (size_t)snprintf(expr + n, sizeof(expr) - n, "%sa", i ? "/" : "");
  struct vg_path *p = vg_path_compile(expr, NULL);
  ck_assert_ptr_nonnull(p);
  vg_path_free(p);
  snprintf(expr + n, sizeof(expr) - n, "/a");
  struct vg_err e;
  ck_assert_ptr_null(vg_path_compile(expr, &e));
  ck_assert_int_eq(e.code, VG_ELIMIT);
  /* Length. */
  memset(expr, 'x', VG_LIMIT_PATH_BYTES + 1);
  expr[VG_LIMIT_PATH_BYTES + 1] = '\0';
  ck_assert_ptr_null(vg_path_compile(expr, &e));
  ck_assert_int_eq(e.code, VG_ELIMIT);
  expr[VG_LIMIT_PATH_BYTES] = '\0';
  p = vg_path_compile(expr, NULL);
  ck_assert_ptr_nonnull(p);
  vg_path_free(p);
  /* Matches stop at max and at VG_LIMIT_PATH_MATCHES. */
  json_t *arr = json_array();
  for (int i = 0; i < VG_LIMIT_PATH_MATCHES + 10; i++) json_array_append_new(arr, json_integer(i));
  json_t *doc = json_pack("{s:o}", "x", arr);
  p = vg_path_compile("x/?", NULL);
  json_t **out = calloc(VG_LIMIT_PATH_MATCHES + 10, sizeof(*out));
  ck_assert_uint_eq(vg_path_select(p, doc, out, 3), 3);
  ck_assert_int_eq(json_integer_value(out[2]), 2);
  ck_assert_uint_eq(vg_path_select(p, doc, out, VG_LIMIT_PATH_MATCHES + 10), VG_LIMIT_PATH_MATCHES);
  free(out);
  vg_path_free(p);
  json_decref(doc);
}
END_TEST

START_TEST(t_many_stars_deep_tree) {
  /* 60 nested objects, each with a few siblings, and an expression of 31
   * stars: a naive backtracking matcher explores C(60+31, 31) splits; the
   * state-set walk visits each node once. */
  json_t *root = json_object(), *cur = root;
  for (int i = 0; i < 60; i++) {
    json_t *next = json_object();
    json_object_set_new(cur, "s1", json_integer(i));
    json_object_set_new(cur, "s2", json_pack("[iii]", 1, 2, 3));
    json_object_set_new(cur, "n", next);
    cur = next;
  }
  json_object_set_new(cur, "leaf", json_string("bottom"));
  char expr[VG_LIMIT_PATH_BYTES];
  size_t n = 0;
  for (int i = 0; i < VG_LIMIT_PATH_SEGMENTS - 1; i++) n += (size_t)snprintf(expr + n, sizeof(expr) - n, "*/");
  snprintf(expr + n, sizeof(expr) - n, "leaf");
  CK_SEL(expr, root, "bottom");
  n = 0;
  for (int i = 0; i < VG_LIMIT_PATH_SEGMENTS - 1; i++) n += (size_t)snprintf(expr + n, sizeof(expr) - n, "%s", i % 2 ? "?/" : "*/");
  snprintf(expr + n, sizeof(expr) - n, "leaf");
  CK_SEL(expr, root, "bottom");
  /* Each node of the tree is matched at most once by a pile of stars. */
  struct vg_path *p = vg_path_compile("*/*/*/*/*/*/*/*/*/*/*/*/*/*/*/*/*", NULL);
  json_t *out[1024];
  size_t got = vg_path_select(p, root, out, 1024);
  ck_assert_uint_eq(got, 1 + 60 * 6 + 1); /* root, 60 × (s1, s2, 3 items, n), leaf */
  for (size_t i = 0; i < got; i++)
    for (size_t j = i + 1; j < got; j++) ck_assert_ptr_ne(out[i], out[j]);
  vg_path_free(p);
  json_decref(root);
}
END_TEST

static Suite *path_suite(void) {
  Suite *s = suite_create("path");
  TCase *tc = tcase_create("core");
  tcase_set_timeout(tc, 10);
  tcase_add_test(tc, t_seed_example);
  tcase_add_test(tc, t_no_match);
  tcase_add_test(tc, t_arrays);
  tcase_add_test(tc, t_star_semantics);
  tcase_add_test(tc, t_malformed);
  tcase_add_test(tc, t_limits);
  tcase_add_test(tc, t_many_stars_deep_tree);
  suite_add_tcase(s, tc);
  return s;
}
VG_CHECK_MAIN(path_suite)
