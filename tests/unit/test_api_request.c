/* test_api_request.c — the API request parser and parameter specs. */
#include <stdlib.h>
#include <string.h>

#include "backend/api_request.h"
#include "shared/alloc.h"
#include "shared/limits.h"
#include "tests/harness/harness.h"

static int parse(const char *s, struct api_request *req, struct vg_err *e) {
  vg_err_clear(e);
  return api_request_parse(s, strlen(s), req, e);
}

START_TEST(test_valid) {
  struct api_request req;
  struct vg_err e;
  ck_assert_int_eq(parse("{\"id\":7,\"method\":\"sensors.list\",\"params\":{\"online\":true}}", &req, &e), 0);
  ck_assert(req.has_id);
  ck_assert_int_eq(req.id, 7);
  ck_assert_str_eq(req.method, "sensors.list");
  ck_assert(json_is_true(json_object_get(req.params, "online")));
  api_request_cleanup(&req);
  /* params may be absent: an empty object stands in. */
  ck_assert_int_eq(parse("{\"method\":\"org.info\",\"id\":0}", &req, &e), 0);
  ck_assert(json_is_object(req.params));
  ck_assert_int_eq(json_object_size(req.params), 0);
  api_request_cleanup(&req);
  /* The largest exact id. */
  ck_assert_int_eq(parse("{\"id\":9007199254740991,\"method\":\"a\"}", &req, &e), 0);
  ck_assert_int_eq(req.id, API_REQUEST_ID_MAX);
  api_request_cleanup(&req);
}
END_TEST

START_TEST(test_not_json) {
  struct api_request req;
  struct vg_err e;
  ck_assert_int_eq(parse("{\"id\":1,\"method\":", &req, &e), -VG_EPARSE);
  ck_assert(!req.has_id);
  ck_assert(strstr(e.msg, "malformed JSON") != NULL);
  ck_assert_int_gt(e.line, 0);
  api_request_cleanup(&req);
  ck_assert_int_eq(parse("", &req, &e), -VG_EPARSE);
  api_request_cleanup(&req);
  ck_assert_int_eq(parse("[1,2]", &req, &e), -VG_ETYPE);
  api_request_cleanup(&req);
  ck_assert_int_eq(parse("\"x\"", &req, &e), -VG_EPARSE); /* only objects/arrays decode */
  api_request_cleanup(&req);
  /* Embedded NUL bytes and duplicate keys are refused. */
  ck_assert_int_eq(api_request_parse("{\"id\":1,\"method\":\"a\0b\"}", 22, &req, &e), -VG_EPARSE);
  api_request_cleanup(&req);
  ck_assert_int_eq(parse("{\"id\":1,\"id\":2,\"method\":\"a\"}", &req, &e), -VG_EPARSE);
  api_request_cleanup(&req);
}
END_TEST

START_TEST(test_id) {
  struct api_request req;
  struct vg_err e;
  ck_assert_int_eq(parse("{\"method\":\"org.info\"}", &req, &e), -VG_EMISSING);
  ck_assert(!req.has_id);
  api_request_cleanup(&req);
  ck_assert_int_eq(parse("{\"id\":\"1\",\"method\":\"org.info\"}", &req, &e), -VG_ETYPE);
  api_request_cleanup(&req);
  ck_assert_int_eq(parse("{\"id\":-1,\"method\":\"org.info\"}", &req, &e), -VG_ETYPE);
  api_request_cleanup(&req);
  ck_assert_int_eq(parse("{\"id\":9007199254740992,\"method\":\"a\"}", &req, &e), -VG_ETYPE);
  api_request_cleanup(&req);
  ck_assert_int_eq(parse("{\"id\":1.5,\"method\":\"org.info\"}", &req, &e), -VG_ETYPE);
  api_request_cleanup(&req);
  /* A later failure still reports the id, so the error can echo it. */
  ck_assert_int_eq(parse("{\"id\":42,\"method\":7}", &req, &e), -VG_ETYPE);
  ck_assert(req.has_id);
  ck_assert_int_eq(req.id, 42);
  ck_assert(strstr(e.msg, "method") != NULL);
  api_request_cleanup(&req);
}
END_TEST

START_TEST(test_method_and_members) {
  struct api_request req;
  struct vg_err e;
  ck_assert_int_eq(parse("{\"id\":1}", &req, &e), -VG_EMISSING);
  api_request_cleanup(&req);
  ck_assert_int_eq(parse("{\"id\":1,\"method\":\"\"}", &req, &e), -VG_EINVAL);
  api_request_cleanup(&req);
  ck_assert_int_eq(parse("{\"id\":1,\"method\":\"Sensors.List\"}", &req, &e), -VG_EINVAL);
  api_request_cleanup(&req);
  ck_assert_int_eq(parse("{\"id\":1,\"method\":\"a b\"}", &req, &e), -VG_EINVAL);
  api_request_cleanup(&req);
  char *longm = vg_xasprintf("{\"id\":1,\"method\":\"%0*d\"}", VG_LIMIT_API_METHOD_BYTES + 1, 0);
  ck_assert_int_eq(parse(longm, &req, &e), -VG_EINVAL);
  api_request_cleanup(&req);
  free(longm);
  ck_assert_int_eq(parse("{\"id\":1,\"method\":\"a\",\"params\":[]}", &req, &e), -VG_ETYPE);
  api_request_cleanup(&req);
  ck_assert_int_eq(parse("{\"id\":1,\"method\":\"a\",\"jsonrpc\":\"2.0\"}", &req, &e), -VG_EUNKNOWN);
  ck_assert(strstr(e.msg, "jsonrpc") != NULL);
  api_request_cleanup(&req);
  ck_assert(api_method_name_valid("installation_keys.create"));
  ck_assert(!api_method_name_valid(NULL));
}
END_TEST

START_TEST(test_limits) {
  struct api_request req;
  struct vg_err e;
  /* Nesting: VG_LIMIT_JSON_DEPTH levels are fine, one more is not. */
  for (int depth = VG_LIMIT_JSON_DEPTH - 2; depth <= VG_LIMIT_JSON_DEPTH; depth++) {
    /* root(1) + params(1) + depth arrays */
    char *s = vg_xmalloc((size_t)depth * 2 + 64);
    int n = snprintf(s, 64, "{\"id\":1,\"method\":\"a\",\"params\":{\"x\":");
    for (int i = 0; i < depth; i++) s[n++] = '[';
    for (int i = 0; i < depth; i++) s[n++] = ']';
    s[n++] = '}';
    s[n++] = '}';
    s[n] = '\0';
    int r = parse(s, &req, &e);
    ck_assert_int_eq(r, depth + 2 <= VG_LIMIT_JSON_DEPTH ? 0 : -VG_ELIMIT);
    api_request_cleanup(&req);
    free(s);
  }
  /* Size: the parser refuses more than VG_LIMIT_API_MSG_BYTES. */
  size_t big = VG_LIMIT_API_MSG_BYTES + 1;
  char *s = vg_xmalloc(big);
  memset(s, ' ', big);
  ck_assert_int_eq(api_request_parse(s, big, &req, &e), -VG_ELIMIT);
  api_request_cleanup(&req);
  free(s);
}
END_TEST

static const struct api_param spec[] = {
  {"sid", API_P_UUID, true, 0, 0, 0},
  {"tag", API_P_STRING, false, 1, 8, 0},
  {"ttl", API_P_INT, false, 0, 100, 0},
  {"on", API_P_BOOL, false, 0, 0, 0},
  {"types", API_P_STRINGS, false, 0, 2, 4},
  {"sids", API_P_UUIDS, false, 0, 2, 0},
  {"cursor", API_P_CURSOR, false, 0, 0, 0},
  {NULL, 0, false, 0, 0, 0},
};

static int check(const char *js, struct vg_err *e) {
  json_t *p = json_loads(js, 0, NULL);
  ck_assert_ptr_nonnull(p);
  vg_err_clear(e);
  int r = api_params_check(p, spec, e);
  json_decref(p);
  return r;
}

#define SID "\"0f8e6b52-2c3d-4e5f-8a9b-0c1d2e3f4a5b\""

START_TEST(test_params) {
  struct vg_err e;
  ck_assert_int_eq(check("{\"sid\":" SID ",\"tag\":\"web\",\"ttl\":5,\"on\":false,"
                         "\"types\":[\"A\",\"BB\"],\"sids\":[" SID "],\"cursor\":\"x\"}", &e), 0);
  ck_assert_int_eq(check("{}", &e), -VG_EMISSING);
  ck_assert_str_eq(e.msg, "params.sid: required");
  ck_assert_int_eq(check("{\"sid\":" SID ",\"bogus\":1}", &e), -VG_EUNKNOWN);
  ck_assert(strstr(e.msg, "bogus") != NULL);
  ck_assert_int_eq(check("{\"sid\":\"0F8E6B52-2C3D-4E5F-8A9B-0C1D2E3F4A5B\"}", &e), -VG_EINVAL);
  ck_assert_int_eq(check("{\"sid\":7}", &e), -VG_EINVAL);
  ck_assert_int_eq(check("{\"sid\":" SID ",\"tag\":\"\"}", &e), -VG_EINVAL);
  ck_assert_int_eq(check("{\"sid\":" SID ",\"tag\":\"123456789\"}", &e), -VG_ELIMIT);
  ck_assert_int_eq(check("{\"sid\":" SID ",\"tag\":1}", &e), -VG_ETYPE);
  ck_assert_int_eq(check("{\"sid\":" SID ",\"ttl\":101}", &e), -VG_ERANGE);
  ck_assert_int_eq(check("{\"sid\":" SID ",\"ttl\":-1}", &e), -VG_ERANGE);
  ck_assert_int_eq(check("{\"sid\":" SID ",\"ttl\":\"5\"}", &e), -VG_ETYPE);
  ck_assert_int_eq(check("{\"sid\":" SID ",\"on\":1}", &e), -VG_ETYPE);
  ck_assert_int_eq(check("{\"sid\":" SID ",\"types\":[\"A\",\"B\",\"C\"]}", &e), -VG_ELIMIT);
  ck_assert_int_eq(check("{\"sid\":" SID ",\"types\":[\"ABCDE\"]}", &e), -VG_ELIMIT);
  ck_assert_int_eq(check("{\"sid\":" SID ",\"types\":[\"\"]}", &e), -VG_ELIMIT);
  ck_assert_int_eq(check("{\"sid\":" SID ",\"types\":[1]}", &e), -VG_ETYPE);
  ck_assert_int_eq(check("{\"sid\":" SID ",\"types\":\"A\"}", &e), -VG_ETYPE);
  ck_assert_int_eq(check("{\"sid\":" SID ",\"sids\":[\"x\"]}", &e), -VG_EINVAL);
  ck_assert_int_eq(check("{\"sid\":" SID ",\"cursor\":\"\"}", &e), -VG_ETYPE);
  /* No spec: only {} passes. */
  json_t *empty = json_object(), *one = json_pack("{s:i}", "x", 1);
  ck_assert_int_eq(api_params_check(empty, NULL, &e), 0);
  ck_assert_int_eq(api_params_check(one, NULL, &e), -VG_EUNKNOWN);
  ck_assert_int_eq(api_params_check(NULL, spec, &e), -VG_ETYPE);
  json_decref(empty);
  json_decref(one);
}
END_TEST

START_TEST(test_param_reads) {
  json_t *p = json_pack("{s:s, s:I, s:b}", "s", "v", "i", (json_int_t)-3, "b", 1);
  ck_assert_str_eq(api_param_str(p, "s"), "v");
  ck_assert_ptr_null(api_param_str(p, "i"));
  ck_assert_int_eq(api_param_int(p, "i", 9), -3);
  ck_assert_int_eq(api_param_int(p, "missing", 9), 9);
  ck_assert_int_eq(api_param_bool(p, "b", -1), 1);
  ck_assert_int_eq(api_param_bool(p, "missing", -1), -1);
  json_decref(p);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("api_request");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, test_valid);
  tcase_add_test(tc, test_not_json);
  tcase_add_test(tc, test_id);
  tcase_add_test(tc, test_method_and_members);
  tcase_add_test(tc, test_limits);
  tcase_add_test(tc, test_params);
  tcase_add_test(tc, test_param_reads);
  suite_add_tcase(s, tc);
  return s;
}

VG_CHECK_MAIN(suite)
