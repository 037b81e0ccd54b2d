/* test_atom.c — atoms and UUIDs: format, parse, validation, randomness. */
#include <stdlib.h>
#include <string.h>

#include "shared/atom.h"
#include "shared/err.h"
#include "tests/harness/harness.h"

START_TEST(t_format_parse_round_trip) {
  uint8_t a[VG_ATOM_BYTES], b[VG_ATOM_BYTES];
  for (int i = 0; i < VG_ATOM_BYTES; i++) a[i] = (uint8_t)(i * 17);
  char hex[VG_ATOM_HEX_LEN + 1];
  vg_atom_format(a, hex);
  ck_assert_str_eq(hex, "00112233445566778899aabbccddeeff");
  ck_assert(vg_atom_valid(hex));
  ck_assert_int_eq(vg_atom_parse(hex, b), 0);
  ck_assert_mem_eq(a, b, VG_ATOM_BYTES);
  /* parse accepts upper case; the canonical form (valid) does not */
  ck_assert_int_eq(vg_atom_parse("00112233445566778899AABBCCDDEEFF", b), 0);
  ck_assert_mem_eq(a, b, VG_ATOM_BYTES);
  ck_assert(!vg_atom_valid("00112233445566778899AABBCCDDEEFF"));
}
END_TEST

START_TEST(t_invalid) {
  uint8_t b[VG_ATOM_BYTES] = {0};
  const char *bad[] = {"", "0112233445566778899aabbccddeeff", "0112233445566778899aabbccddeeff00",
                       "0112233445566778899aabbccddeefg0", "01122334-5566778899aabbccddeeff0",
                       " 112233445566778899aabbccddeeff0"};
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    ck_assert_msg(!vg_atom_valid(bad[i]), "%s", bad[i]);
    ck_assert_int_eq(vg_atom_parse(bad[i], b), -VG_EINVAL);
  }
  ck_assert(!vg_atom_valid(NULL));
  ck_assert_int_eq(vg_atom_parse(NULL, b), -VG_EINVAL);
  ck_assert(vg_atom_is_zero(b)); /* untouched on failure */
}
END_TEST

static int cmp_str(const void *a, const void *b) { return strcmp(a, b); }

START_TEST(t_new_unique) {
  enum { N = 2000 };
  char (*ids)[VG_ATOM_HEX_LEN + 1] = calloc(N, sizeof(*ids));
  for (int i = 0; i < N; i++) {
    vg_atom_new(ids[i]);
    ck_assert(vg_atom_valid(ids[i]));
  }
  qsort(ids, N, sizeof(*ids), cmp_str);
  for (int i = 1; i < N; i++) ck_assert_str_ne(ids[i - 1], ids[i]);
  free(ids);
}
END_TEST

START_TEST(t_uuid_v4) {
  char u[VG_UUID_STR_LEN + 1], v[VG_UUID_STR_LEN + 1];
  vg_atom_uuid_new(u);
  vg_atom_uuid_new(v);
  ck_assert_str_ne(u, v);
  ck_assert_uint_eq(strlen(u), 36);
  ck_assert(vg_atom_uuid_valid(u));
  ck_assert_int_eq(u[8], '-');
  ck_assert_int_eq(u[13], '-');
  ck_assert_int_eq(u[14], '4'); /* version */
  ck_assert_ptr_nonnull(strchr("89ab", u[19])); /* variant */
  uint8_t b[VG_ATOM_BYTES];
  ck_assert_int_eq(vg_atom_uuid_parse(u, b), 0);
  vg_atom_uuid_format(b, v);
  ck_assert_str_eq(u, v);
}
END_TEST

START_TEST(t_uuid_invalid) {
  uint8_t b[VG_ATOM_BYTES];
  ck_assert(vg_atom_uuid_valid("123e4567-e89b-12d3-a456-426614174000")); /* v1 is fine */
  ck_assert(!vg_atom_uuid_valid("123E4567-E89B-12D3-A456-426614174000"));
  ck_assert_int_eq(vg_atom_uuid_parse("123E4567-E89B-12D3-A456-426614174000", b), 0);
  ck_assert(!vg_atom_uuid_valid("123e4567e89b12d3a456426614174000"));
  ck_assert(!vg_atom_uuid_valid("123e4567-e89b-12d3-a456-42661417400"));
  ck_assert(!vg_atom_uuid_valid("123e4567-e89b-12d3-a456-4266141740000"));
  ck_assert(!vg_atom_uuid_valid("123e4567-e89b-12d3_a456-426614174000"));
  ck_assert(!vg_atom_uuid_valid(NULL));
  ck_assert_int_eq(vg_atom_uuid_parse("123e4567-e89b-12d3-a456-42661417400g", b), -VG_EINVAL);
}
END_TEST

START_TEST(t_event_id) {
  uint8_t sid[16];
  for (int i = 0; i < 16; i++) sid[i] = (uint8_t)(0xa0 + i);
  char a[VG_UUID_STR_LEN + 1], b[VG_UUID_STR_LEN + 1], c[VG_UUID_STR_LEN + 1];
  vg_atom_event_id(sid, 42, a);
  vg_atom_event_id(sid, 42, b);
  vg_atom_event_id(sid, 43, c);
  ck_assert_str_eq(a, b); /* deterministic: a resent event keeps its id */
  ck_assert_str_ne(a, c);
  ck_assert(vg_atom_uuid_valid(a));
  ck_assert_int_eq(a[14], '8');                       /* version 8 */
  ck_assert(strchr("89ab", a[19]) != NULL);           /* RFC variant */
  ck_assert_str_eq(a + 24, "00000000002a");           /* seq in the low bytes */
  ck_assert_int_eq(strncmp(a, "a0a1a2a3-a4a5-86a7", 18), 0); /* the sid's first bytes */
}
END_TEST

static Suite *atom_suite(void) {
  Suite *s = suite_create("atom");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, t_format_parse_round_trip);
  tcase_add_test(tc, t_invalid);
  tcase_add_test(tc, t_new_unique);
  tcase_add_test(tc, t_uuid_v4);
  tcase_add_test(tc, t_uuid_invalid);
  tcase_add_test(tc, t_event_id);
  suite_add_tcase(s, tc);
  return s;
}
VG_CHECK_MAIN(atom_suite)
