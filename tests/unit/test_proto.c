/* test_proto.c — sensor protocol framing: type peek, batch split/encode,
 * control message limits. */
#include <stdlib.h>
#include <string.h>

#include "shared/event.h"
#include "shared/event_codec.h"
#include "shared/proto.h"
#include "tests/harness/harness.h"

START_TEST(t_peek) {
  char t[VG_PROTO_TYPE_BYTES];
  const char *m = " { \"t\" : \"hello\", \"v\":1}";
  ck_assert_int_eq(vg_proto_peek_type(m, strlen(m), t, NULL), 0);
  ck_assert_str_eq(t, "hello");
  struct vg_err e;
  const char *bad[] = {"{\"v\":1,\"t\":\"hello\"}", "[1]", "{\"t\":1}", "{\"t\":\"HELLO\"}",
                       "{\"t\":\"\"}", "{\"t\":\"hel"};
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
    ck_assert_int_eq(vg_proto_peek_type(bad[i], strlen(bad[i]), t, &e), -VG_EPROTO);
}
END_TEST

START_TEST(t_batch_roundtrip) {
  json_t *evs = json_array();
  for (int i = 0; i < 3; i++) {
    json_t *ev = vg_event_new("NEW_PROCESS", 1764340000000 + i);
    json_object_set_new(vg_event_payload(ev), "PROCESS_ID", json_integer(100 + i));
    json_array_append_new(evs, ev);
  }
  struct vg_buf b;
  vg_buf_init(&b, 1 << 20);
  ck_assert_int_eq(vg_proto_batch_encode(&b, 42, evs, NULL), 0);
  char t[VG_PROTO_TYPE_BYTES];
  ck_assert_int_eq(vg_proto_peek_type(b.data, b.len, t, NULL), 0);
  ck_assert_str_eq(t, "batch");
  uint64_t first;
  const char *p;
  size_t n;
  ck_assert_int_eq(vg_proto_batch_split(b.data, b.len, &first, &p, &n, NULL), 0);
  ck_assert_uint_eq(first, 42);
  json_t *back = NULL;
  ck_assert_int_eq(vg_event_codec_decode_batch(p, n, &back, NULL), 0);
  ck_assert_uint_eq(json_array_size(back), 3);
  ck_assert(json_equal(back, evs));
  json_decref(back);
  json_decref(evs);
  vg_buf_cleanup(&b);
}
END_TEST

START_TEST(t_batch_errors) {
  uint64_t first;
  const char *p;
  size_t n;
  struct vg_err e;
  const char *bad[] = {
      "{\"t\":\"batch\",\"first\":0,\"events\":[]}",       /* seq starts at 1 */
      "{\"t\":\"batch\",\"events\":[],\"first\":1}",       /* order is fixed */
      "{\"t\":\"batch\",\"first\":1,\"events\":{}}",       /* not an array */
      "{\"t\":\"batch\",\"first\":1,\"events\":[]",        /* no closing brace */
      "{\"t\":\"batch\",\"first\":99999999999999999999,\"events\":[]}", /* overflow */
      "{\"t\":\"batch\",\"first\":1,\"events\":[],\"x\":1}", /* events must be last */
  };
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
    ck_assert_msg(vg_proto_batch_split(bad[i], strlen(bad[i]), &first, &p, &n, &e) < 0,
                  "accepted %s", bad[i]);
  const char *ok = "{\"t\":\"batch\", \"first\": 7 , \"events\" : [ ] }\n";
  ck_assert_int_eq(vg_proto_batch_split(ok, strlen(ok), &first, &p, &n, NULL), 0);
  ck_assert_uint_eq(first, 7);
  ck_assert_int_eq((int)n, 3);
}
END_TEST

START_TEST(t_control) {
  struct vg_err e;
  const char *m = "{\"t\":\"hello\",\"hostname\":\"web-1\"}";
  json_t *j = vg_proto_parse(m, strlen(m), &e);
  ck_assert_ptr_nonnull(j);
  ck_assert_str_eq(json_string_value(json_object_get(j, "hostname")), "web-1");
  json_decref(j);
  const char *dup = "{\"t\":\"hello\",\"t\":\"x\"}";
  ck_assert_ptr_null(vg_proto_parse(dup, strlen(dup), &e));
  const char *broken = "{\"t\":\"hello\",";
  ck_assert_ptr_null(vg_proto_parse(broken, strlen(broken), &e));
  ck_assert_int_eq(e.code, VG_EPROTO);
  ck_assert_int_ge(e.pos, 0);
  char *big = malloc(VG_LIMIT_PROTO_CTRL_BYTES + 2);
  memset(big, ' ', VG_LIMIT_PROTO_CTRL_BYTES + 1);
  big[VG_LIMIT_PROTO_CTRL_BYTES + 1] = '\0';
  ck_assert_ptr_null(vg_proto_parse(big, strlen(big), &e));
  ck_assert_int_eq(e.code, VG_ELIMIT);
  free(big);
  json_t *err = vg_proto_error(-VG_EAUTH, "nope");
  struct vg_buf b;
  vg_buf_init(&b, 4096);
  ck_assert_int_eq(vg_proto_encode(err, &b), 0);
  ck_assert_str_eq(b.data, "{\"t\":\"error\",\"code\":\"EAUTH\",\"message\":\"nope\"}");
  vg_buf_cleanup(&b);
  json_decref(err);
}
END_TEST

static Suite *proto_suite(void) {
  Suite *s = suite_create("proto");
  TCase *tc = tcase_create("framing");
  tcase_add_test(tc, t_peek);
  tcase_add_test(tc, t_batch_roundtrip);
  tcase_add_test(tc, t_batch_errors);
  tcase_add_test(tc, t_control);
  suite_add_tcase(s, tc);
  return s;
}
VG_CHECK_MAIN(proto_suite)
