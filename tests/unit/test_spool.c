/* test_spool.c — the on-disk spool: order and seqs, acks, reopening (seqs
 * never reused), torn and corrupt segments, and the full-spool drop count. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sensor/spool.h"
#include "shared/alloc.h"
#include "tests/harness/harness.h"

static char *tmp;

static void setup(void) { tmp = harness_mkdtemp("spool"); }
static void teardown(void) {
  harness_rm_rf(tmp);
  free(tmp);
}

static struct spool *open_sp(uint64_t max) {
  struct vg_err e;
  char *d = vg_xasprintf("%s/spool", tmp);
  struct spool *s = spool_open(d, max, &e);
  ck_assert_msg(s != NULL, "%s", e.msg);
  free(d);
  return s;
}

static uint64_t put(struct spool *s, int i, uint64_t *dropped) {
  char ev[128];
  int n = snprintf(ev, sizeof(ev), "{\"event\":%d,\"pad\":\"%080d\"}", i, i);
  uint64_t seq;
  struct spool_drop d;
  struct vg_err e;
  ck_assert_msg(spool_append(s, ev, (size_t)n, &seq, &d, &e) == 0, "%s", e.msg);
  if (d.count) {
    ck_assert_uint_eq(d.hi - d.lo + 1, d.count); /* contiguous */
    ck_assert_uint_lt(d.hi, seq);
  }
  if (dropped) *dropped += d.count;
  return seq;
}

struct got {
  uint64_t first, last;
  int n;
  int vals[16384];
};

static int got_cb(void *ctx, const struct spool_rec *r) {
  struct got *g = ctx;
  if (g->n == 0) g->first = r->seq;
  g->last = r->seq;
  int v;
  ck_assert_int_eq(sscanf(r->data, "{\"event\":%d", &v), 1);
  ck_assert_int_lt(g->n, 16384);
  g->vals[g->n++] = v;
  return 0;
}

/* Read everything from seq from, segment after segment. */
static void read_all(struct spool *s, uint64_t from, struct got *g) {
  memset(g, 0, sizeof(*g));
  for (;;) {
    int before = g->n;
    uint64_t next = g->n ? g->last + 1 : from;
    if (spool_read(s, next, 100, 1 << 20, got_cb, g) == 0) break;
    ck_assert_int_gt(g->n, before);
  }
}

START_TEST(t_append_read_ack) {
  struct spool *s = open_sp(0);
  for (int i = 0; i < 1000; i++) ck_assert_uint_eq(put(s, i, NULL), (uint64_t)i + 1);
  struct got g;
  read_all(s, 1, &g);
  ck_assert_int_eq(g.n, 1000);
  for (int i = 0; i < 1000; i++) ck_assert_int_eq(g.vals[i], i);
  /* limits: 10 events at most, from the middle */
  memset(&g, 0, sizeof(g));
  ck_assert_int_eq(spool_read(s, 500, 10, 1 << 20, got_cb, &g), 10);
  ck_assert_uint_eq(g.first, 500);
  ck_assert_int_eq(g.vals[0], 499);
  spool_ack(s, 600);
  ck_assert_uint_eq(spool_first_unacked(s), 601);
  read_all(s, 1, &g); /* acked ones are never read again */
  ck_assert_uint_eq(g.first, 601);
  ck_assert_int_eq(g.n, 400);
  spool_close(s);
}
END_TEST

START_TEST(t_reopen_never_reuses) {
  struct spool *s = open_sp(1 << 20); /* 128 KiB segments */
  for (int i = 0; i < 3000; i++) put(s, i, NULL);
  struct spool_stats st;
  spool_stats(s, &st);
  ck_assert_uint_gt(st.segments, 2);
  spool_close(s);
  s = open_sp(1 << 20);
  spool_stats(s, &st);
  ck_assert_uint_eq(st.recovered, 3000);
  ck_assert_uint_eq(spool_next_seq(s), 3001);
  struct got g;
  read_all(s, 1, &g);
  ck_assert_int_eq(g.n, 3000);
  /* everything acked, reopened: the counter survives in the newest segment */
  spool_ack(s, 3000);
  spool_close(s);
  s = open_sp(1 << 20);
  ck_assert_uint_eq(spool_next_seq(s), 3001);
  spool_stats(s, &st);
  ck_assert_uint_eq(st.segments, 1); /* acked segments were deleted, the newest kept */
  spool_ack(s, 3000);                /* what the next welcome says */
  ck_assert_uint_eq(put(s, 1, NULL), 3001);
  read_all(s, 1, &g);
  ck_assert_int_eq(g.n, 1);
  ck_assert_uint_eq(g.first, 3001);
  ck_assert_int_eq(spool_advance(s, 5000, NULL), 0);
  ck_assert_uint_eq(put(s, 2, NULL), 5000);
  spool_close(s);
}
END_TEST

static char *only_segment(void) {
  char *p = vg_xasprintf("%s/spool/%020d.seg", tmp, 1);
  return p;
}

START_TEST(t_torn_tail) {
  struct spool *s = open_sp(0);
  for (int i = 0; i < 10; i++) put(s, i, NULL);
  spool_close(s);
  char *seg = only_segment();
  struct stat sb;
  ck_assert_int_eq(stat(seg, &sb), 0);
  ck_assert_int_eq(truncate(seg, sb.st_size - 7), 0); /* a crash mid-append */
  s = open_sp(0);
  struct spool_stats st;
  spool_stats(s, &st);
  ck_assert_uint_eq(st.recovered, 9);
  ck_assert_uint_eq(st.torn, 1);
  ck_assert_uint_eq(spool_next_seq(s), 10);
  ck_assert_uint_eq(put(s, 99, NULL), 10); /* seq 10 was never acked: reusing it is right */
  struct got g;
  read_all(s, 1, &g);
  ck_assert_int_eq(g.n, 10);
  ck_assert_int_eq(g.vals[9], 99);
  spool_close(s);
  free(seg);
}
END_TEST

START_TEST(t_corrupt_crc_and_garbage) {
  struct spool *s = open_sp(0);
  for (int i = 0; i < 10; i++) put(s, i, NULL);
  spool_close(s);
  char *seg = only_segment();
  size_t len;
  char *d = harness_read_file(seg, &len);
  size_t rec = len / 10;
  d[5 * rec + SPOOL_REC_HDR_BYTES + 3] ^= 0x55; /* flip a byte in record 6's payload */
  FILE *f = fopen(seg, "w");
  fwrite(d, 1, len, f);
  fclose(f);
  struct vg_err e;
  size_t valid, nrec;
  ck_assert_int_eq(spool_format_parse(d, len, NULL, NULL, &valid, &nrec, &e), -VG_EPARSE);
  ck_assert_uint_eq(nrec, 5);
  ck_assert_uint_eq(valid, 5 * rec);
  char want[64];
  snprintf(want, sizeof(want), "byte %zu: record seq 6: CRC mismatch", 5 * rec);
  ck_assert_str_eq(e.msg, want);
  /* other damage is named too */
  ck_assert_int_eq(spool_format_parse("VGSR", 4, NULL, NULL, &valid, NULL, &e), -VG_EPARSE);
  ck_assert_str_eq(e.msg, "byte 0: truncated record header (4 bytes)");
  memcpy(d, "XXXX", 4);
  ck_assert_int_eq(spool_format_parse(d, len, NULL, NULL, &valid, NULL, &e), -VG_EPARSE);
  ck_assert_msg(strstr(e.msg, "bad record magic") != NULL, "%s", e.msg);
  free(d);
  s = open_sp(0);
  struct spool_stats st;
  spool_stats(s, &st);
  ck_assert_uint_eq(st.recovered, 5);
  ck_assert_uint_eq(spool_next_seq(s), 6);
  spool_close(s);
  free(seg);
}
END_TEST

START_TEST(t_full_drops_exact) {
  /* 1 MiB spool, 128 KiB segments, ~130-byte records: fill it 3 times over */
  struct spool *s = open_sp(1 << 20);
  uint64_t dropped = 0;
  int n = 25000;
  for (int i = 0; i < n; i++) put(s, i, &dropped);
  struct spool_stats st;
  spool_stats(s, &st);
  ck_assert_uint_le(st.bytes, 1 << 20);
  ck_assert_uint_gt(dropped, 0);
  ck_assert_uint_eq(st.dropped, dropped);
  static struct got g;
  read_all(s, 1, &g);
  /* what is left plus what was dropped is exactly what was appended,
   * and what is left is the newest, in order */
  ck_assert_uint_eq((uint64_t)g.n + dropped, (uint64_t)n);
  ck_assert_int_eq(g.vals[g.n - 1], n - 1);
  ck_assert_uint_eq(g.first, dropped + 1);
  /* acked events are not counted as dropped */
  spool_ack(s, spool_next_seq(s) - 1);
  uint64_t d2 = 0;
  for (int i = 0; i < 5000; i++) put(s, i, &d2); /* ~650 KiB: room once acked ones go */
  ck_assert_uint_eq(d2, 0);
  spool_close(s);
}
END_TEST

START_TEST(t_bad_size) {
  struct vg_err e;
  char *d = vg_xasprintf("%s/spool", tmp);
  ck_assert_ptr_null(spool_open(d, 1000, &e));
  ck_assert_int_eq(e.code, VG_ERANGE);
  free(d);
  struct spool *s = open_sp(0);
  uint64_t seq;
  struct spool_drop dr;
  ck_assert_int_eq(spool_append(s, "", 0, &seq, &dr, &e), -VG_ELIMIT);
  spool_close(s);
}
END_TEST

static Suite *spool_suite(void) {
  Suite *s = suite_create("spool");
  TCase *tc = tcase_create("spool");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, t_append_read_ack);
  tcase_add_test(tc, t_reopen_never_reuses);
  tcase_add_test(tc, t_torn_tail);
  tcase_add_test(tc, t_corrupt_crc_and_garbage);
  tcase_add_test(tc, t_full_drops_exact);
  tcase_add_test(tc, t_bad_size);
  suite_add_tcase(s, tc);
  return s;
}
VG_CHECK_MAIN(spool_suite)
