/* test_event_codec.c — the event JSON codec: round trips, limits, error
 * positions, envelope errors, batches. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/buf.h"
#include "shared/err.h"
#include "shared/event_codec.h"
#include "shared/limits.h"
#include "tests/harness/harness.h"

#define ROUTING "\"routing\":{\"event_type\":\"NEW_PROCESS\",\"event_time\":1764340000123}"

static const char seed_event[] =
    "{\"routing\":{\"oid\":\"7e9c1a52-3b1d-4f0e-9d2a-5b8c6e4f1a20\",\"hostname\":\"web-1\","
    "\"event_type\":\"NEW_PROCESS\",\"event_time\":1764340000123,"
    "\"event_id\":\"123e4567-e89b-42d3-a456-426614174000\",\"int_ip\":\"10.0.0.5\","
    "\"plat\":536870912,\"arch\":2,\"this\":\"5f3b2a1c9d8e7f60a1b2c3d4e5f60718\","
    "\"parent\":\"a0b1c2d3e4f5061728394a5b6c7d8e9f\",\"tags\":[\"prod\"],\"moduleid\":2},"
    "\"event\":{\"FILE_PATH\":\"/usr/bin/curl\",\"COMMAND_LINE\":\"curl -s https://x.org\","
    "\"PROCESS_ID\":4242,\"PARENT_PROCESS_ID\":1,\"USER_NAME\":\"root\",\"HASH\":\"ab12\","
    "\"PARENT\":{\"FILE_PATH\":\"/bin/bash\",\"PROCESS_ID\":1,\"USER_NAME\":\"root\","
    "\"PARENT\":{\"FILE_PATH\":\"/sbin/init\",\"PROCESS_ID\":0}}}}";

/* Decode s, expect code; return the error for further checks. */
static struct vg_err decode_fail(const char *s, size_t len, int code) {
  struct vg_err e;
  vg_err_clear(&e);
  json_t *j = (json_t *)1;
  int r = vg_event_codec_decode(s, len, &j, &e);
  ck_assert_msg(r == -code, "want %s got %s: %s", vg_code_name(code), vg_code_name(r), e.msg);
  ck_assert_ptr_null(j);
  return e;
}

/* Decode, encode, compare with want (NULL: the input itself). */
static void round_trip(const char *in, const char *want) {
  json_t *j;
  struct vg_err e;
  ck_assert_msg(vg_event_codec_decode(in, strlen(in), &j, &e) == 0, "%s", e.msg);
  struct vg_buf b;
  vg_buf_init(&b, VG_LIMIT_EVENT_BYTES);
  ck_assert_int_eq(vg_event_codec_encode(j, &b, &e), 0);
  ck_assert_str_eq(vg_buf_cstr(&b), want ? want : in);
  json_decref(j);
  vg_buf_cleanup(&b);
}

START_TEST(t_round_trip_seed) {
  round_trip(seed_event, NULL); /* compact, key order kept */
  json_t *j;
  ck_assert_int_eq(vg_event_codec_decode(seed_event, strlen(seed_event), &j, NULL), 0);
  json_t *pp = json_object_get(json_object_get(json_object_get(j, "event"), "PARENT"), "PARENT");
  ck_assert_str_eq(json_string_value(json_object_get(pp, "FILE_PATH")), "/sbin/init");
  json_decref(j);
}
END_TEST

START_TEST(t_round_trip_unicode) {
  /* raw UTF-8: CJK, emoji (4 bytes), accented */
  round_trip("{" ROUTING ",\"event\":{\"FILE_PATH\":\"/home/\xe5\xbc\xa0\xe4\xb8\x89/"
             "\xf0\x9f\x98\x80.txt\",\"USER_NAME\":\"jos\xc3\xa9\"}}",
             NULL);
  /* \u escapes incl. a surrogate pair decode to the same UTF-8 */
  round_trip("{" ROUTING ",\"event\":{\"A\":\"\\u5f20\\ud83d\\ude00\\u00e9\\n\\\"\"}}",
             "{" ROUTING ",\"event\":{\"A\":\"\xe5\xbc\xa0\xf0\x9f\x98\x80\xc3\xa9\\n\\\"\"}}");
  /* control characters come back escaped */
  round_trip("{" ROUTING ",\"event\":{\"A\":\"\\u0001\\t\"}}", NULL);
}
END_TEST

START_TEST(t_round_trip_int64) {
  round_trip("{" ROUTING ",\"event\":{\"MIN\":-9223372036854775808,\"MAX\":9223372036854775807,"
             "\"Z\":0,\"R\":1.5,\"L\":[true,false,null]}}",
             NULL);
  json_t *j;
  const char *s = "{" ROUTING ",\"event\":{\"MIN\":-9223372036854775808,\"MAX\":9223372036854775807}}";
  ck_assert_int_eq(vg_event_codec_decode(s, strlen(s), &j, NULL), 0);
  json_t *ev = json_object_get(j, "event");
  ck_assert(json_integer_value(json_object_get(ev, "MIN")) == INT64_MIN);
  ck_assert(json_integer_value(json_object_get(ev, "MAX")) == INT64_MAX);
  json_decref(j);
  const char *big = "{" ROUTING ",\"event\":{\"X\":9223372036854775808}}";
  struct vg_err e = decode_fail(big, strlen(big), VG_ERANGE);
  ck_assert_int_eq(e.pos, strstr(big, "9223372036854775808") - big);
  const char *small = "{" ROUTING ",\"event\":{\"X\":-9223372036854775809}}";
  decode_fail(small, strlen(small), VG_ERANGE);
}
END_TEST

/* An event whose payload nests so that the whole document is depth deep. */
static char *nested(int depth, size_t *bad_pos) {
  struct vg_buf b;
  vg_buf_init(&b, 1 << 20);
  vg_buf_puts(&b, "{" ROUTING ",\"event\":");
  for (int d = 2; d <= depth; d++) {
    if (d == VG_LIMIT_JSON_DEPTH + 1 && bad_pos) *bad_pos = b.len;
    vg_buf_puts(&b, d == depth ? "{}" : "{\"PARENT\":");
  }
  for (int d = 2; d < depth; d++) vg_buf_putc(&b, '}');
  vg_buf_putc(&b, '}');
  return vg_buf_steal(&b, NULL);
}

START_TEST(t_depth_limit) {
  char *ok = nested(VG_LIMIT_JSON_DEPTH, NULL);
  json_t *j;
  ck_assert_int_eq(vg_event_codec_decode(ok, strlen(ok), &j, NULL), 0);
  struct vg_buf b;
  vg_buf_init(&b, VG_LIMIT_EVENT_BYTES);
  ck_assert_int_eq(vg_event_codec_encode(j, &b, NULL), 0);
  ck_assert_str_eq(vg_buf_cstr(&b), ok);
  /* one level more can be built in memory but not encoded */
  json_t *deep = json_object_get(j, "event");
  while (json_object_get(deep, "PARENT")) deep = json_object_get(deep, "PARENT");
  json_object_set_new(deep, "PARENT", json_object());
  vg_buf_reset(&b);
  ck_assert_int_eq(vg_event_codec_encode(j, &b, NULL), -VG_ELIMIT);
  ck_assert_uint_eq(b.len, 0);
  json_decref(j);
  vg_buf_cleanup(&b);

  size_t bad = 0;
  char *over = nested(VG_LIMIT_JSON_DEPTH + 1, &bad);
  struct vg_err e = decode_fail(over, strlen(over), VG_ELIMIT);
  ck_assert_int_eq(e.pos, (long)bad);
  ck_assert_int_eq(over[bad], '{');
  ck_assert_int_eq(e.line, 1);
  ck_assert_int_eq(e.col, (int)bad + 1);
  ck_assert_ptr_nonnull(strstr(e.msg, "nesting"));
  free(ok);
  free(over);

  /* far past jansson's own limit: still our error, at the 33rd bracket */
  char deepest[5000];
  memset(deepest, '[', sizeof(deepest) - 1);
  deepest[sizeof(deepest) - 1] = '\0';
  e = decode_fail(deepest, strlen(deepest), VG_ELIMIT);
  ck_assert_int_eq(e.pos, VG_LIMIT_JSON_DEPTH);
}
END_TEST

START_TEST(t_size_limits) {
  size_t n = VG_LIMIT_STRING_BYTES + 1;
  char *s = malloc(n + 200);
  int k = snprintf(s, 200, "{" ROUTING ",\"event\":{\"A\":\"");
  memset(s + k, 'a', n);
  memcpy(s + k + n, "\"}}", 4);
  struct vg_err e = decode_fail(s, strlen(s), VG_ELIMIT);
  ck_assert_int_eq(e.pos, k - 1); /* the opening quote */
  /* exactly at the limit passes; escapes count decoded */
  memcpy(s + k + n - 1, "\"}}", 4);
  json_t *j;
  ck_assert_int_eq(vg_event_codec_decode(s, strlen(s), &j, NULL), 0);
  json_decref(j);
  free(s);
  decode_fail("{}", VG_LIMIT_EVENT_BYTES + 1, VG_ELIMIT);
}
END_TEST

START_TEST(t_malformed_positions) {
  struct vg_err e;
  const char *trunc = "{\"routing\":{\"event_type\":\"X\"";
  e = decode_fail(trunc, strlen(trunc), VG_EPARSE);
  ck_assert_int_eq(e.pos, (long)strlen(trunc));
  ck_assert_int_eq(e.line, 1);

  const char *trail = "{" ROUTING ",\"event\":{}} x";
  e = decode_fail(trail, strlen(trail), VG_EPARSE);
  ck_assert_int_eq(e.pos, (long)strlen(trail) - 1);
  ck_assert_int_eq(e.col, (int)strlen(trail));

  e = decode_fail("hello", 5, VG_EPARSE);
  ck_assert_int_eq(e.pos, 0);
  ck_assert_int_eq(e.line, 1);
  ck_assert_int_eq(e.col, 1);

  const char *ml = "{\n  \"routing\": nope,\n  \"event\": {}\n}";
  e = decode_fail(ml, strlen(ml), VG_EPARSE);
  ck_assert_int_eq(e.pos, strstr(ml, "nope") - ml);
  ck_assert_int_eq(e.line, 2);
  ck_assert_int_eq(e.col, 14);
  char buf[128];
  ck_assert_str_eq(vg_err_str(&e, buf, sizeof(buf)), "2:14: invalid token near 'nope'");

  /* invalid UTF-8: the exact byte; the column counts characters (é = 1) */
  const char *bad = "{\"routing\":{\"hostname\":\"\xc3\xa9t\xff\"}}";
  e = decode_fail(bad, strlen(bad), VG_EPARSE);
  ck_assert_int_eq(e.pos, strchr(bad, 0xff) - bad);
  ck_assert_int_eq(e.col, 27);
  ck_assert_ptr_nonnull(strstr(e.msg, "UTF-8"));
  const char *overlong = "{\"routing\":\"\xc0\xaf\"}";
  e = decode_fail(overlong, strlen(overlong), VG_EPARSE);
  ck_assert_int_eq(e.pos, 12);
  const char *surrogate = "{\"a\":\"\xed\xa0\x80\"}";
  e = decode_fail(surrogate, strlen(surrogate), VG_EPARSE);
  ck_assert_int_eq(e.pos, 6);
  const char *cut = "{\"a\":\"\xe5\xbc";
  e = decode_fail(cut, strlen(cut), VG_EPARSE);
  ck_assert_int_eq(e.pos, 6);

  const char *lone = "{" ROUTING ",\"event\":{\"A\":\"\\ud83d\"}}";
  decode_fail(lone, strlen(lone), VG_EPARSE);
  const char *nul = "{" ROUTING ",\"event\":{\"A\":\"\\u0000\"}}";
  decode_fail(nul, strlen(nul), VG_EPARSE);
  const char *dup = "{" ROUTING ",\"event\":{\"A\":1,\"A\":2}}";
  e = decode_fail(dup, strlen(dup), VG_EPARSE);
  ck_assert_ptr_nonnull(strstr(e.msg, "duplicate"));
  decode_fail("", 0, VG_EPARSE);
  decode_fail(NULL, 0, VG_EPARSE);
  /* not NUL-terminated: only len bytes are read */
  const char *pre = "{" ROUTING ",\"event\":{}}GARBAGE";
  json_t *j;
  ck_assert_int_eq(vg_event_codec_decode(pre, strlen(pre) - 7, &j, NULL), 0);
  json_decref(j);
}
END_TEST

START_TEST(t_envelope_errors) {
  struct vg_err e;
  const char *s = "{\"event\":{}}";
  e = decode_fail(s, strlen(s), VG_EMISSING);
  ck_assert_ptr_nonnull(strstr(e.msg, "routing"));
  s = "{" ROUTING "}";
  e = decode_fail(s, strlen(s), VG_EMISSING);
  ck_assert_ptr_nonnull(strstr(e.msg, "event"));
  s = "{\"routing\":{\"event_type\":42,\"event_time\":1},\"event\":{}}";
  e = decode_fail(s, strlen(s), VG_ETYPE);
  ck_assert_ptr_nonnull(strstr(e.msg, "routing/event_type"));
  s = "{\"routing\":{\"event_type\":\"X\",\"event_time\":1,\"this\":\"xyz\"},\"event\":{}}";
  e = decode_fail(s, strlen(s), VG_ESCHEMA);
  ck_assert_ptr_nonnull(strstr(e.msg, "routing/this"));
  s = "[{" ROUTING ",\"event\":{}}]";
  decode_fail(s, strlen(s), VG_ETYPE);
  s = "{\"routing\":{\"event_type\":\"_my-rule\",\"event_time\":1},\"event\":{}}";
  round_trip(s, NULL); /* detections and unknown types are storable */
  s = "{\"routing\":{\"event_type\":\"FUTURE_EVENT_9\",\"event_time\":1},\"event\":{}}";
  round_trip(s, NULL);
}
END_TEST

START_TEST(t_batch) {
  const char *s = "[{" ROUTING ",\"event\":{}},\n {" ROUTING ",\"event\":{\"A\":1}}]";
  json_t *j;
  struct vg_err e;
  ck_assert_msg(vg_event_codec_decode_batch(s, strlen(s), &j, &e) == 0, "%s", e.msg);
  ck_assert_uint_eq(json_array_size(j), 2);
  struct vg_buf b;
  vg_buf_init(&b, VG_LIMIT_MSG_BYTES);
  ck_assert_int_eq(vg_event_codec_encode_batch(j, &b, NULL), 0);
  ck_assert_str_eq(vg_buf_cstr(&b),
                   "[{" ROUTING ",\"event\":{}},{" ROUTING ",\"event\":{\"A\":1}}]");
  json_decref(j);
  vg_buf_cleanup(&b);
  ck_assert_int_eq(vg_event_codec_decode_batch("[]", 2, &j, NULL), 0);
  ck_assert_uint_eq(json_array_size(j), 0);
  json_decref(j);
}
END_TEST

START_TEST(t_batch_errors) {
  struct vg_err e;
  json_t *j = (json_t *)1;
  const char *s = "[{" ROUTING ",\"event\":{}},\n{" ROUTING ",\"event\":{}},\n"
                  "{\"routing\":{\"event_type\":\"X\"},\"event\":{}}]";
  ck_assert_int_eq(vg_event_codec_decode_batch(s, strlen(s), &j, &e), -VG_EMISSING);
  ck_assert_ptr_null(j);
  ck_assert_ptr_nonnull(strstr(e.msg, "event[2]"));
  ck_assert_ptr_nonnull(strstr(e.msg, "event_time"));
  ck_assert_int_eq(e.pos, strrchr(s, '\n') + 1 - s);
  ck_assert_int_eq(e.line, 3);
  ck_assert_int_eq(e.col, 1);

  s = "[{" ROUTING ",\"event\":{}}, 7]";
  ck_assert_int_eq(vg_event_codec_decode_batch(s, strlen(s), &j, &e), -VG_ETYPE);
  ck_assert_ptr_nonnull(strstr(e.msg, "event[1]"));
  ck_assert_int_eq(e.pos, strrchr(s, '7') - s);

  s = "{" ROUTING ",\"event\":{}}";
  ck_assert_int_eq(vg_event_codec_decode_batch(s, strlen(s), &j, &e), -VG_ETYPE);

  /* too many events */
  struct vg_buf b;
  vg_buf_init(&b, VG_LIMIT_MSG_BYTES);
  vg_buf_putc(&b, '[');
  for (int i = 0; i <= VG_LIMIT_BATCH_EVENTS; i++) vg_buf_puts(&b, i ? ",{}" : "{}");
  vg_buf_putc(&b, ']');
  ck_assert_int_eq(vg_event_codec_decode_batch(b.data, b.len, &j, &e), -VG_ELIMIT);
  ck_assert_int_eq(e.pos, (long)b.len - 3); /* the 2001st "{}" */
  vg_buf_cleanup(&b);

  /* a batch may nest one deeper than an event, not two */
  size_t depth = VG_LIMIT_JSON_DEPTH + 1;
  vg_buf_init(&b, 1 << 16);
  vg_buf_putc(&b, '[');
  vg_buf_puts(&b, "{" ROUTING ",\"event\":");
  for (size_t d = 3; d <= depth; d++) vg_buf_puts(&b, d == depth ? "{}" : "{\"P\":");
  for (size_t d = 3; d < depth; d++) vg_buf_putc(&b, '}');
  vg_buf_puts(&b, "}]");
  ck_assert_msg(vg_event_codec_decode_batch(b.data, b.len, &j, &e) == 0, "%s", e.msg);
  json_decref(j);
  vg_buf_reset(&b);
  vg_buf_puts(&b, "[[{" ROUTING ",\"event\":");
  for (size_t d = 4; d <= depth + 1; d++) vg_buf_puts(&b, d == depth + 1 ? "{}" : "{\"P\":");
  ck_assert_int_eq(vg_event_codec_decode_batch(b.data, b.len, &j, &e), -VG_ELIMIT);
  vg_buf_cleanup(&b);
}
END_TEST

START_TEST(t_encode_bounds) {
  json_t *j;
  const char *s = "{" ROUTING ",\"event\":{}}";
  ck_assert_int_eq(vg_event_codec_decode(s, strlen(s), &j, NULL), 0);
  struct vg_buf b;
  vg_buf_init(&b, VG_LIMIT_EVENT_BYTES * 2);
  vg_buf_puts(&b, "prefix:");
  ck_assert_int_eq(vg_event_codec_encode(j, &b, NULL), 0); /* appends */
  ck_assert_int_eq(strncmp(vg_buf_cstr(&b), "prefix:{", 8), 0);
  /* a payload that encodes past the event limit fails, buffer unchanged */
  json_t *arr = json_array();
  for (int i = 0; i < 70000; i++) json_array_append_new(arr, json_string("0123456789abcdef"));
  json_object_set_new(json_object_get(j, "event"), "BIG", arr);
  size_t before = b.len;
  struct vg_err e;
  ck_assert_int_eq(vg_event_codec_encode(j, &b, &e), -VG_ELIMIT);
  ck_assert_uint_eq(b.len, before);
  ck_assert_uint_eq(strlen(vg_buf_cstr(&b)), before); /* still terminated */
  /* an invalid envelope is not encoded */
  json_object_del(json_object_get(j, "routing"), "event_time");
  ck_assert_int_eq(vg_event_codec_encode(j, &b, &e), -VG_EMISSING);
  ck_assert_uint_eq(b.len, before);
  /* a small buffer max is honoured */
  json_object_set_new(json_object_get(j, "routing"), "event_time", json_integer(1));
  json_object_del(json_object_get(j, "event"), "BIG");
  struct vg_buf tiny;
  vg_buf_init(&tiny, 8);
  ck_assert_int_eq(vg_event_codec_encode(j, &tiny, NULL), -VG_ELIMIT);
  ck_assert_uint_eq(tiny.len, 0);
  vg_buf_cleanup(&tiny);
  vg_buf_cleanup(&b);
  json_decref(j);
}
END_TEST

static Suite *event_codec_suite(void) {
  Suite *s = suite_create("event_codec");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, t_round_trip_seed);
  tcase_add_test(tc, t_round_trip_unicode);
  tcase_add_test(tc, t_round_trip_int64);
  tcase_add_test(tc, t_depth_limit);
  tcase_add_test(tc, t_size_limits);
  tcase_add_test(tc, t_malformed_positions);
  tcase_add_test(tc, t_envelope_errors);
  tcase_add_test(tc, t_batch);
  tcase_add_test(tc, t_batch_errors);
  tcase_add_test(tc, t_encode_bounds);
  suite_add_tcase(s, tc);
  return s;
}
VG_CHECK_MAIN(event_codec_suite)
