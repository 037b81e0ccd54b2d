/* test_cmd_file.c — file_* and dir_* commands on real files. */
#include <check.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sensor/cmd_util.h"
#include "shared/event.h"
#include "tests/harness/harness.h"
#include "tests/harness/sensor_sink_test.h"

static struct sink_test t;
static char *dir;

static void setup(void) {
  sink_test_init(&t, NULL);
  dir = harness_mkdtemp("cmdfile");
}
static void teardown(void) {
  harness_rm_rf(dir);
  free(dir);
  sink_test_cleanup(&t);
}

static char *path_in(const char *name) {
  char *p;
  if (asprintf(&p, "%s/%s", dir, name) < 0) abort();
  return p;
}

static const char *str(json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }
static long long num(json_t *o, const char *k) { return json_integer_value(json_object_get(o, k)); }

/* The single reply is an error with seed code want and a message holding needle. */
static void assert_error(int rc, long long want, const char *needle) {
  ck_assert_int_lt(rc, 0);
  ck_assert_uint_eq(sink_test_count(&t), 1);
  json_t *b = sink_test_body(&t, 0);
  ck_assert_int_eq(num(b, "ERROR"), want);
  ck_assert_msg(str(b, "ERROR_MESSAGE") && strstr(str(b, "ERROR_MESSAGE"), needle),
                "message '%s' lacks '%s'", str(b, "ERROR_MESSAGE"), needle);
}

START_TEST(file_hash_known) {
  char *p = path_in("abc");
  ck_assert_int_eq(harness_write_file(p, "abc"), 0);
  char line[512];
  snprintf(line, sizeof line, "file_hash %s", p);
  ck_assert_int_eq(sink_test_run(&t, line), 0);
  ck_assert_uint_eq(sink_test_count(&t), 1);
  ck_assert_str_eq(sink_test_type(&t, 0), "FILE_HASH_REP");
  json_t *b = sink_test_body(&t, 0);
  ck_assert_int_eq(num(b, "ERROR"), 0);
  ck_assert_str_eq(str(b, "HASH"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  ck_assert_str_eq(str(b, "HASH_MD5"), "900150983cd24fb0d6963f7d28e17f72");
  ck_assert_int_eq(num(b, "FILE_SIZE"), 3);
  ck_assert_str_eq(json_string_value(json_object_get(vg_event_routing(json_array_get(t.events, 0)),
                                                     "investigation_id")), "inv-test");
  free(p);
}
END_TEST

static void sha256_hex(const void *p, size_t n, char out[65]) {
  unsigned char d[32];
  unsigned dn;
  EVP_Digest(p, n, d, &dn, EVP_sha256(), NULL);
  for (int i = 0; i < 32; i++) snprintf(out + 2 * i, 3, "%02x", d[i]);
}

START_TEST(file_get_chunks_and_offsets) {
  size_t n = (3u << 20) + 12345;
  unsigned char *data = malloc(n);
  for (size_t i = 0; i < n; i++) data[i] = (unsigned char)((i * 2654435761u) >> 13);
  char *p = path_in("big.bin");
  FILE *f = fopen(p, "wb");
  ck_assert_uint_eq(fwrite(data, 1, n, f), n);
  fclose(f);
  char whole[65];
  sha256_hex(data, n, whole);

  unsigned char *got = calloc(1, n);
  size_t off = 0, requests = 0, chunks = 0;
  while (off < n) { /* 1 MiB per request (the default), from successive offsets */
    char line[512];
    snprintf(line, sizeof line, "file_get -o %zu %s", off, p);
    ck_assert_int_eq(sink_test_run(&t, line), 0);
    requests++;
    size_t k = sink_test_count(&t);
    ck_assert_uint_ge(k, 1);
    for (size_t i = 0; i < k; i++) {
      json_t *b = sink_test_body(&t, i);
      ck_assert_str_eq(sink_test_type(&t, i), "FILE_GET_REP");
      ck_assert_int_eq(num(b, "ERROR"), 0);
      ck_assert_int_eq(num(b, "OFFSET"), (long long)off);
      ck_assert_int_eq(num(b, "FILE_SIZE"), (long long)n);
      ck_assert_str_eq(str(b, "FILE_HASH"), whole);
      size_t dn;
      unsigned char *d = cmd_util_unbase64(str(b, "DATA"), &dn);
      ck_assert_ptr_nonnull(d);
      ck_assert_int_eq(num(b, "SIZE"), (long long)dn);
      ck_assert_uint_le(dn, 128u << 10);
      char h[65];
      sha256_hex(d, dn, h);
      ck_assert_str_eq(str(b, "HASH"), h);
      ck_assert_int_eq(json_is_true(json_object_get(b, "MORE")), i + 1 < k);
      memcpy(got + off, d, dn);
      off += dn;
      chunks++;
      free(d);
    }
  }
  ck_assert_uint_eq(off, n);
  ck_assert_int_eq(memcmp(got, data, n), 0);
  ck_assert_uint_eq(requests, 4);
  ck_assert_uint_eq(chunks, 25); /* 3 x 8 chunks of 128 KiB + one tail */

  /* -s bounds the reply; an odd offset and size come back exactly. */
  char line[512];
  snprintf(line, sizeof line, "file_get -o 1000001 -s 7 %s", p);
  ck_assert_int_eq(sink_test_run(&t, line), 0);
  ck_assert_uint_eq(sink_test_count(&t), 1);
  size_t dn;
  unsigned char *d = cmd_util_unbase64(str(sink_test_body(&t, 0), "DATA"), &dn);
  ck_assert_uint_eq(dn, 7);
  ck_assert_int_eq(memcmp(d, data + 1000001, 7), 0);
  free(d);

  snprintf(line, sizeof line, "file_get -o %zu %s", n + 1, p);
  assert_error(sink_test_run(&t, line), 87, "past the end");
  snprintf(line, sizeof line, "file_get -s 99999999999 %s", p);
  assert_error(sink_test_run(&t, line), 87, "MAXSIZE");
  snprintf(line, sizeof line, "file_get -x 1 %s", p);
  assert_error(sink_test_run(&t, line), 87, "unknown flag -x");
  assert_error(sink_test_run(&t, "file_get -o"), 87, "flag -o needs 1 value");
  free(got);
  free(data);
  free(p);
}
END_TEST

START_TEST(file_get_empty_file) {
  char *p = path_in("empty");
  ck_assert_int_eq(harness_write_file(p, ""), 0);
  char line[512];
  snprintf(line, sizeof line, "file_get %s", p);
  ck_assert_int_eq(sink_test_run(&t, line), 0);
  ck_assert_uint_eq(sink_test_count(&t), 1);
  ck_assert_int_eq(num(sink_test_body(&t, 0), "SIZE"), 0);
  ck_assert_str_eq(str(sink_test_body(&t, 0), "DATA"), "");
  free(p);
}
END_TEST

START_TEST(file_errors) {
  assert_error(sink_test_run(&t, "file_info /nonexistent/vigil-x"), 2, "/nonexistent/vigil-x");
  assert_error(sink_test_run(&t, "file_hash /nonexistent/vigil-x"), 2, "No such file");
  assert_error(sink_test_run(&t, "file_get /nonexistent/vigil-x"), 2, "/nonexistent/vigil-x");
  assert_error(sink_test_run(&t, "file_info"), 87, "usage: file_info PATH");
  assert_error(sink_test_run(&t, "file_info a b"), 87, "unexpected argument 'b'");
  assert_error(sink_test_run(&t, "file_mov /nonexistent/vigil-x /tmp/y"), 2, "/nonexistent/vigil-x");
  char line[512];
  snprintf(line, sizeof line, "file_del %s", dir);
  assert_error(sink_test_run(&t, line), 87, "is a directory");
  snprintf(line, sizeof line, "file_get %s", dir);
  assert_error(sink_test_run(&t, line), 87, "not a regular file");
}
END_TEST

START_TEST(file_info_del_mov) {
  char *a = path_in("a.txt"), *b = path_in("b.txt");
  ck_assert_int_eq(harness_write_file(a, "hello"), 0);
  char line[1024];
  snprintf(line, sizeof line, "file_info '%s'", a);
  ck_assert_int_eq(sink_test_run(&t, line), 0);
  json_t *o = sink_test_body(&t, 0);
  ck_assert_str_eq(sink_test_type(&t, 0), "FILE_INFO_REP");
  ck_assert_int_eq(num(o, "FILE_SIZE"), 5);
  ck_assert_str_eq(str(o, "ATTRIBUTES"), "0600");
  ck_assert_str_eq(str(o, "FILE_TYPE"), "file");
  ck_assert_int_gt(num(o, "MODIFICATION_TIME"), 1600000000000LL);

  snprintf(line, sizeof line, "file_mov %s %s", a, b);
  ck_assert_int_eq(sink_test_run(&t, line), 0);
  ck_assert_str_eq(sink_test_type(&t, 0), "FILE_MOV_REP");
  ck_assert_int_ne(access(a, F_OK), 0);
  ck_assert_int_eq(access(b, F_OK), 0);
  ck_assert_int_eq(harness_write_file(a, "again"), 0);
  snprintf(line, sizeof line, "file_mov %s %s", a, b);
  assert_error(sink_test_run(&t, line), 1000 + VG_EEXIST, "destination exists");

  snprintf(line, sizeof line, "file_del %s", b);
  ck_assert_int_eq(sink_test_run(&t, line), 0);
  ck_assert_str_eq(sink_test_type(&t, 0), "FILE_DEL_REP");
  ck_assert_int_ne(access(b, F_OK), 0);
  free(a);
  free(b);
}
END_TEST

/* Names found in a dir_list run, sorted into one comma-joined string. */
static int cmpstr(const void *x, const void *y) { return strcmp(*(char *const *)x, *(char *const *)y); }
static char *listed(const char *line) {
  ck_assert_int_eq(sink_test_run(&t, line), 0);
  const char *names[64] = {0};
  size_t n = 0;
  for (size_t i = 0; i < sink_test_count(&t); i++) {
    ck_assert_str_eq(sink_test_type(&t, i), "DIR_LIST_REP");
    json_t *arr = json_object_get(sink_test_body(&t, i), "DIRECTORY_LIST"), *e;
    size_t k;
    json_array_foreach(arr, k, e) {
      const char *fp = str(e, "FILE_PATH");
      ck_assert_ptr_nonnull(strstr(fp, dir));
      names[n++] = fp + strlen(dir) + 1;
    }
  }
  qsort(names, n, sizeof names[0], cmpstr);
  static char out[1024];
  out[0] = '\0';
  for (size_t i = 0; i < n; i++) {
    strncat(out, names[i], sizeof out - strlen(out) - 2);
    if (i + 1 < n) strncat(out, ",", sizeof out - strlen(out) - 1);
  }
  return out;
}

START_TEST(dir_list_pattern_depth) {
  char *sub = path_in("sub"), *deeper = path_in("sub/deeper");
  mkdir(sub, 0700);
  mkdir(deeper, 0700);
  const char *files[] = {"a.txt", "b.log", "sub/c.txt", "sub/deeper/d.txt", "sub/deeper/e.bin"};
  for (size_t i = 0; i < 5; i++) {
    char *p = path_in(files[i]);
    ck_assert_int_eq(harness_write_file(p, files[i]), 0);
    free(p);
  }
  char line[512];
  snprintf(line, sizeof line, "dir_list %s '*.txt'", dir);
  ck_assert_str_eq(listed(line), "a.txt");
  snprintf(line, sizeof line, "dir_list -d 1 %s '*.txt'", dir);
  ck_assert_str_eq(listed(line), "a.txt,sub/c.txt");
  snprintf(line, sizeof line, "dir_list %s \"*.txt\" -d 2", dir);
  ck_assert_str_eq(listed(line), "a.txt,sub/c.txt,sub/deeper/d.txt");
  snprintf(line, sizeof line, "dir_list -d 5 %s '?.*'", dir);
  ck_assert_str_eq(listed(line), "a.txt,b.log,sub/c.txt,sub/deeper/d.txt,sub/deeper/e.bin");
  snprintf(line, sizeof line, "dir_list -d 5 %s '*'", dir);
  ck_assert_str_eq(listed(line), "a.txt,b.log,sub,sub/c.txt,sub/deeper,sub/deeper/d.txt,sub/deeper/e.bin");
  json_t *last = sink_test_body(&t, sink_test_count(&t) - 1);
  ck_assert_int_eq(num(last, "TOTAL"), 7);
  ck_assert(json_is_false(json_object_get(last, "MORE")));

  snprintf(line, sizeof line, "dir_list -d 99 %s '*'", dir);
  assert_error(sink_test_run(&t, line), 87, "DEPTH");
  assert_error(sink_test_run(&t, "dir_list /nonexistent/vigil '*'"), 2, "/nonexistent/vigil");
  assert_error(sink_test_run(&t, "dir_list /tmp"), 87, "usage: dir_list");

  /* dir_find_hash: only the file whose sha256 is asked for. */
  char h[65];
  sha256_hex("sub/c.txt", 9, h);
  snprintf(line, sizeof line, "dir_find_hash %s '*' 3 %s", dir, h);
  ck_assert_int_eq(sink_test_run(&t, line), 0);
  json_t *found = json_object_get(sink_test_body(&t, 0), "FILES");
  ck_assert_uint_eq(json_array_size(found), 1);
  char *want = path_in("sub/c.txt");
  ck_assert_str_eq(str(json_array_get(found, 0), "FILE_PATH"), want);
  snprintf(line, sizeof line, "dir_find_hash %s '*' 0 %s", dir, h); /* too shallow */
  ck_assert_int_eq(sink_test_run(&t, line), 0);
  ck_assert_uint_eq(json_array_size(json_object_get(sink_test_body(&t, 0), "FILES")), 0);
  snprintf(line, sizeof line, "dir_find_hash %s '*' 3 nothex", dir);
  assert_error(sink_test_run(&t, line), 87, "nothex");
  free(want);
  free(sub);
  free(deeper);
}
END_TEST

START_TEST(dir_list_splits_long_lists) {
  for (int i = 0; i < 1203; i++) {
    char name[32];
    snprintf(name, sizeof name, "f%04d", i);
    char *p = path_in(name);
    ck_assert_int_eq(harness_write_file(p, "x"), 0);
    free(p);
  }
  char line[512];
  snprintf(line, sizeof line, "dir_list %s 'f*'", dir);
  ck_assert_int_eq(sink_test_run(&t, line), 0);
  ck_assert_uint_eq(sink_test_count(&t), 3);
  ck_assert_uint_eq(json_array_size(json_object_get(sink_test_body(&t, 0), "DIRECTORY_LIST")), 500);
  ck_assert(json_is_true(json_object_get(sink_test_body(&t, 1), "MORE")));
  ck_assert_int_eq(num(sink_test_body(&t, 2), "PART"), 3);
  ck_assert_int_eq(num(sink_test_body(&t, 2), "TOTAL"), 1203);
}
END_TEST

START_TEST(split_quoting) {
  int argc;
  char **argv;
  struct vg_err e;
  ck_assert_int_eq(cmd_split("dir_list  'a b' \"c \\\"d\\\"\" e\\ f ''", &argc, &argv, &e), 0);
  ck_assert_int_eq(argc, 5);
  ck_assert_str_eq(argv[1], "a b");
  ck_assert_str_eq(argv[2], "c \"d\"");
  ck_assert_str_eq(argv[3], "e f");
  ck_assert_str_eq(argv[4], "");
  ck_assert_ptr_null(argv[5]);
  free(argv);
  ck_assert_int_eq(cmd_split("x 'open", &argc, &argv, &e), -VG_EPARSE);
  ck_assert_int_eq(e.col, 3);
  ck_assert_int_eq(cmd_split("   ", &argc, &argv, &e), -VG_EPARSE);
  char *big = malloc(5000);
  memset(big, 'a', 4999);
  big[4999] = '\0';
  ck_assert_int_eq(cmd_split(big, &argc, &argv, &e), -VG_ELIMIT);
  free(big);
  ck_assert_ptr_nonnull(cmd_find("file_get"));
  ck_assert_ptr_null(cmd_find("nope"));
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("cmd_file");
  TCase *tc = tcase_create("file");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, file_hash_known);
  tcase_add_test(tc, file_get_chunks_and_offsets);
  tcase_add_test(tc, file_get_empty_file);
  tcase_add_test(tc, file_errors);
  tcase_add_test(tc, file_info_del_mov);
  tcase_add_test(tc, dir_list_pattern_depth);
  tcase_add_test(tc, dir_list_splits_long_lists);
  tcase_add_test(tc, split_quoting);
  suite_add_tcase(s, tc);
  return s;
}

VG_CHECK_MAIN(suite)
