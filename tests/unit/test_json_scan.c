/* test_json_scan.c — the tree-free scanner and the event scanner: what they
 * accept and refuse (with positions), duplicate keys in small and large
 * objects, limits, and the routing and spans the ingest path splices. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/alloc.h"
#include "shared/event_scan.h"
#include "shared/json_scan.h"
#include "tests/harness/harness.h"

static struct vg_jscan S;

static int value(const char *text, struct vg_err *e) {
  vg_jscan_reset(&S, text, strlen(text), 32, e);
  struct vg_jval v;
  int r = vg_jscan_value(&S, &v);
  if (!r && !vg_jscan_at_end(&S)) r = vg_jscan_fail(&S, VG_EPARSE, S.i, "trailing");
  return r;
}

START_TEST(t_accepts) {
  vg_jscan_init(&S);
  const char *ok[] = {"{}", "[]", "{\"a\":[1,-2.5e3,true,false,null,\"x\\u00e9\\ud83d\\ude00\"]}",
                      " { \"a\" : { \"a\" : 1 } } ", "[9223372036854775807,-9223372036854775808]",
                      "{\"a\":1,\"b\":{\"a\":2}}"};
  for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
    ck_assert_msg(value(ok[i], NULL) == 0, "refused: %s", ok[i]);
  vg_jscan_cleanup(&S);
}
END_TEST

/* Strings walked eight bytes at a time: every special byte found at every
 * offset within a word, and the length limit enforced on plain runs. */
START_TEST(t_strings) {
  vg_jscan_init(&S);
  char buf[64];
  struct vg_err e;
  for (int at = 0; at < 20; at++) {
    /* a quote, a backslash escape, a control character, UTF-8 at offset at */
    static const char *const mid[] = {"\\\"", "\\n", "\x01", "\xc3\xa9", "\xc3"};
    static const int want[] = {0, 0, -VG_EPARSE, 0, -VG_EPARSE};
    for (size_t m = 0; m < sizeof(mid) / sizeof(mid[0]); m++) {
      snprintf(buf, sizeof(buf), "\"%.*s%s%.*s\"", at, "abcdefghijklmnopqrstuvwxyz", mid[m],
               at % 9, "ABCDEFGHIJ");
      vg_err_clear(&e);
      ck_assert_msg(value(buf, &e) == want[m], "%s: %d (%s)", buf, value(buf, NULL), e.msg);
      if (!want[m]) ck_assert_uint_eq(S.i, strlen(buf)); /* ended at the closing quote */
    }
    snprintf(buf, sizeof(buf), "\"%.*s", at, "abcdefghijklmnopqrstuvwxyz"); /* unterminated */
    ck_assert_int_eq(value(buf, NULL), -VG_EPARSE);
  }
  size_t n = VG_LIMIT_STRING_BYTES;
  char *big = vg_xmalloc(n + 4);
  big[0] = '"';
  memset(big + 1, 'x', n);
  big[n + 1] = '"';
  big[n + 2] = '\0';
  ck_assert_int_eq(value(big, NULL), 0); /* exactly the limit */
  big[n + 1] = 'x';
  big[n + 2] = '"';
  big[n + 3] = '\0';
  vg_err_clear(&e);
  ck_assert_int_eq(value(big, &e), -VG_ELIMIT); /* one byte over, no special byte inside */
  ck_assert_ptr_nonnull(strstr(e.msg, "longer than"));
  free(big);
  vg_jscan_cleanup(&S);
}
END_TEST

START_TEST(t_refuses) {
  vg_jscan_init(&S);
  struct {
    const char *text;
    int code;
    long pos;
  } bad[] = {
      {"{\"a\":1,\"a\":2}", VG_EPARSE, 7},          /* duplicate key */
      {"{\"\\u0061\":1,\"a\":2}", VG_EPARSE, 12},  /* the same key, escaped first */
      {"{\"a\":1,\"\\u0061\":2}", VG_EPARSE, 7},    /* the same key, escaped */
      {"[1,]", VG_EPARSE, 3},
      {"[01]", VG_EPARSE, 2},
      {"[9223372036854775808]", VG_ERANGE, 1},
      {"[1e999]", VG_ERANGE, 1},
      {"[\"\\u0000\"]", VG_EPARSE, 2},
      {"[\"\\udc00\"]", VG_EPARSE, 2},
      {"[\"\xc0\x80\"]", VG_EPARSE, 2},             /* overlong UTF-8 */
      {"[\"a\nb\"]", VG_EPARSE, 3},                 /* raw control character */
      {"{\"a\" 1}", VG_EPARSE, 5},
      {"[tru]", VG_EPARSE, 1},
      {"[", VG_EPARSE, 1},
  };
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    struct vg_err e;
    vg_err_clear(&e);
    int r = value(bad[i].text, &e);
    ck_assert_msg(r == -bad[i].code, "%s: got %d (%s)", bad[i].text, r, e.msg);
    ck_assert_msg(e.pos == bad[i].pos, "%s: at %ld, want %ld", bad[i].text, e.pos, bad[i].pos);
  }
  vg_jscan_cleanup(&S);
}
END_TEST

/* An object with many keys goes from the per-depth list to the table: a
 * duplicate is found either way, and distinct keys are not confused. */
START_TEST(t_many_keys) {
  vg_jscan_init(&S);
  char buf[20000];
  size_t n = 0;
  n += (size_t)snprintf(buf + n, sizeof(buf) - n, "{");
  for (int i = 0; i < 1000; i++)
    n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s\"k%d\":{\"k%d\":%d}", i ? "," : "", i, i, i);
  snprintf(buf + n, sizeof(buf) - n, "}");
  ck_assert_int_eq(value(buf, NULL), 0);
  snprintf(buf + n, sizeof(buf) - n, ",\"k517\":0}");
  struct vg_err e;
  ck_assert_int_eq(value(buf, &e), -VG_EPARSE);
  ck_assert_int_eq(e.pos, (long)n + 1);
  /* A key of the first 16 repeated after the object spilled to the table. */
  n = (size_t)snprintf(buf, sizeof(buf), "{");
  for (int i = 0; i < 20; i++) n += (size_t)snprintf(buf + n, sizeof(buf) - n, "\"k%d\":%d,", i, i);
  snprintf(buf + n, sizeof(buf) - n, "\"k3\":0}");
  ck_assert_int_eq(value(buf, &e), -VG_EPARSE);
  ck_assert_int_eq(e.pos, (long)n);
  /* A second input reuses the scanner: nothing of the first remains. */
  ck_assert_int_eq(value("{\"k1\":1}", NULL), 0);
  vg_jscan_cleanup(&S);
}
END_TEST

START_TEST(t_depth) {
  vg_jscan_init(&S);
  char deep[200];
  memset(deep, '[', 40);
  memset(deep + 40, ']', 40);
  deep[80] = '\0';
  struct vg_err e;
  ck_assert_int_eq(value(deep, &e), -VG_ELIMIT); /* 40 > 32 */
  ck_assert_int_eq(e.pos, 32);
  vg_jscan_cleanup(&S);
}
END_TEST

static int count_fn(void *ctx, size_t i, const char *data, const struct vg_event_span *sp,
                    const struct vg_routing *rt) {
  (void)data, (void)sp;
  *(size_t *)ctx = i + 1;
  ck_assert_str_eq(rt->event_type, i ? "DNS_REQUEST" : "NEW_PROCESS");
  return 0;
}

START_TEST(t_events) {
  vg_jscan_init(&S);
  const char *ev =
      "{\"routing\":{\"event_type\":\"NEW_PROCESS\",\"event_time\":5,\"hostname\":\"h\","
      "\"this\":\"0123456789abcdef0123456789abcdef\",\"did\":[1]},\"event\":{\"A\":{\"B\":1}}}";
  struct vg_event_span sp;
  struct vg_routing rt;
  struct vg_err e;
  ck_assert_int_eq(vg_event_scan_one(&S, ev, strlen(ev), &sp, &rt, &e), 0);
  ck_assert_int_eq(rt.event_time, 5);
  ck_assert_str_eq(rt.this_atom, "0123456789abcdef0123456789abcdef");
  ck_assert_uint_eq(sp.nmem, 5);
  ck_assert_uint_eq(sp.mem[2].bit, VG_RT_HOSTNAME);
  ck_assert_uint_eq(sp.mem[4].bit, 0); /* "did": not a routing field, kept as is */
  ck_assert_int_eq(strncmp(ev + sp.mem[4].off, "\"did\":[1]", sp.mem[4].len), 0);
  ck_assert_int_eq(strncmp(ev + sp.ev_off, "{\"A\":{\"B\":1}}", sp.ev_len), 0);
  /* Envelope and routing errors, as the codec words them. */
  const char *bad[][2] = {
      {"{\"routing\":{\"event_type\":\"X\",\"event_time\":1}}", "event: missing"},
      {"{\"routing\":{\"event_type\":\"X\"},\"event\":{}}", "routing/event_time: missing"},
      {"{\"routing\":{\"event_type\":\"X\",\"event_time\":1,\"this\":\"xyz\"},\"event\":{}}",
       "routing/this: not an atom (32 lower-case hex)"},
      {"{\"routing\":{\"event_type\":\"X\",\"event_time\":1},\"event\":[]}", "event: expected an object"},
      {"{\"routing\":{\"event_type\":\"X\",\"event_time\":1},\"event\":{},\"x\":1}",
       "x: unknown top-level key (expected routing, event)"},
  };
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    vg_err_clear(&e);
    ck_assert_int_lt(vg_event_scan_one(&S, bad[i][0], strlen(bad[i][0]), &sp, &rt, &e), 0);
    ck_assert_str_eq(e.msg, bad[i][1]);
  }
  /* A batch: each event validated and handed over in order; errors name
   * the event and its position. */
  const char *b = "[{\"routing\":{\"event_type\":\"NEW_PROCESS\",\"event_time\":1},\"event\":{}},"
                  " {\"routing\":{\"event_type\":\"DNS_REQUEST\",\"event_time\":2},\"event\":{}}]";
  size_t n = 0;
  ck_assert_int_eq(vg_event_scan_batch(&S, b, strlen(b), count_fn, &n, &e), 2);
  ck_assert_uint_eq(n, 2);
  const char *bb = "[{\"routing\":{\"event_type\":\"NEW_PROCESS\",\"event_time\":1},\"event\":{}},"
                   "{\"routing\":{\"event_type\":\"X\",\"event_time\":-1},\"event\":{}}]";
  vg_err_clear(&e);
  ck_assert_int_eq(vg_event_scan_batch(&S, bb, strlen(bb), NULL, NULL, &e), -VG_ERANGE);
  ck_assert_str_eq(e.msg, "event[1]: routing/event_time: negative");
  ck_assert_int_eq(e.pos, (long)(strstr(bb, "},{") - bb) + 2); /* event[1] starts there */
  vg_jscan_cleanup(&S);
}
END_TEST

static Suite *json_scan_suite(void) {
  Suite *s = suite_create("json_scan");
  TCase *tc = tcase_create("scan");
  tcase_add_test(tc, t_accepts);
  tcase_add_test(tc, t_refuses);
  tcase_add_test(tc, t_strings);
  tcase_add_test(tc, t_many_keys);
  tcase_add_test(tc, t_depth);
  tcase_add_test(tc, t_events);
  suite_add_tcase(s, tc);
  return s;
}

VG_CHECK_MAIN(json_scan_suite)
