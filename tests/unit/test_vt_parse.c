/* test_vt_parse.c — the VirusTotal v3 answer parser (backend/vt_parse.c):
 * a file report becomes {engines: {engine: verdict} of malicious verdicts,
 * stats}; bad shapes are refused naming the field; bounds hold. */
#include <string.h>

#include "backend/vt.h"
#include "shared/alloc.h"
#include "tests/harness/harness.h"

static json_t *parse(const char *s, struct vg_err *e) {
  vg_err_clear(e);
  return vt_parse_report(s, strlen(s), e);
}

START_TEST(t_report) {
  struct vg_err e;
  json_t *r = parse("{\"data\":{\"attributes\":{\"last_analysis_stats\":{\"malicious\":2,\"undetected\":1},"
                    "\"last_analysis_results\":{\"A\":{\"category\":\"malicious\",\"result\":\"Trojan.X\"},"
                    "\"B\":{\"category\":\"malicious\",\"result\":null},"
                    "\"C\":{\"category\":\"undetected\",\"result\":null},"
                    "\"D\":{\"category\":\"suspicious\",\"result\":\"Heur\"}}}}}",
                    &e);
  ck_assert_msg(r != NULL, "%s", e.msg);
  json_t *eng = json_object_get(r, "engines");
  ck_assert_int_eq(json_object_size(eng), 2);
  ck_assert_str_eq(json_string_value(json_object_get(eng, "A")), "Trojan.X");
  ck_assert_str_eq(json_string_value(json_object_get(eng, "B")), "");
  ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(r, "stats"), "malicious")), 2);
  json_decref(r);
  /* No results at all (a report without engines): an empty map. */
  r = parse("{\"data\":{\"attributes\":{\"last_analysis_stats\":{}}}}", &e);
  ck_assert_ptr_nonnull(r);
  ck_assert_int_eq(json_object_size(json_object_get(r, "engines")), 0);
  json_decref(r);
}
END_TEST

START_TEST(t_refused) {
  struct vg_err e;
  static const struct {
    const char *in, *want;
  } bad[] = {
      {"not json", "not JSON"},
      {"{\"data\":{}}", "data.attributes"},
      {"{\"data\":{\"attributes\":{}}}", "last_analysis_stats"},
      {"{\"data\":{\"attributes\":{\"last_analysis_stats\":{\"malicious\":-1}}}}", "last_analysis_stats.malicious"},
      {"{\"data\":{\"attributes\":{\"last_analysis_stats\":{\"malicious\":\"3\"}}}}", "last_analysis_stats.malicious"},
      {"{\"data\":{\"attributes\":{\"last_analysis_stats\":{},\"last_analysis_results\":[]}}}", "last_analysis_results"},
      {"{\"data\":{\"attributes\":{\"last_analysis_stats\":{},\"last_analysis_results\":{\"A\":{}}}}}", "last_analysis_results.A"},
      {"{\"a\":1,\"a\":2}", "not JSON"},
  };
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    json_t *r = parse(bad[i].in, &e);
    ck_assert_msg(r == NULL, "accepted %s", bad[i].in);
    ck_assert_msg(strstr(e.msg, bad[i].want) && strstr(e.msg, "VirusTotal report"), "%s: %s", bad[i].in, e.msg);
  }
  /* Over the size bound, before parsing. */
  char *big = vg_xmalloc(VT_BODY_MAX + 2);
  memset(big, ' ', VT_BODY_MAX + 1);
  big[VT_BODY_MAX + 1] = '\0';
  ck_assert_ptr_null(vt_parse_report(big, VT_BODY_MAX + 1, &e));
  ck_assert_int_eq(e.code, VG_ELIMIT);
  free(big);
  /* A long verdict is cut to VT_FIELD_BYTES. */
  char *longv = vg_xasprintf("{\"data\":{\"attributes\":{\"last_analysis_stats\":{},\"last_analysis_results\":"
                             "{\"A\":{\"category\":\"malicious\",\"result\":\"%0*d\"}}}}}", 600, 7);
  json_t *r = parse(longv, &e);
  ck_assert_ptr_nonnull(r);
  ck_assert_int_eq(strlen(json_string_value(json_object_get(json_object_get(r, "engines"), "A"))), VT_FIELD_BYTES);
  json_decref(r);
  free(longv);
}
END_TEST

START_TEST(t_error_body) {
  char m[300];
  const char *b = "{\"error\":{\"code\":\"QuotaExceededError\",\"message\":\"Quota exceeded\"}}";
  vt_parse_error(b, strlen(b), m, sizeof(m));
  ck_assert_str_eq(m, "QuotaExceededError: Quota exceeded");
  vt_parse_error("<html>", 6, m, sizeof(m));
  ck_assert_str_eq(m, "no VirusTotal error body");
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("vt_parse");
  TCase *tc = tcase_create("parse");
  tcase_add_test(tc, t_report);
  tcase_add_test(tc, t_refused);
  tcase_add_test(tc, t_error_body);
  suite_add_tcase(s, tc);
  return s;
}

VG_CHECK_MAIN(suite)
