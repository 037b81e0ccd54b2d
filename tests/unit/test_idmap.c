/* test_idmap.c — the id → pointer map against a plain array model. */
#include <stdint.h>
#include <stdlib.h>

#include "shared/idmap.h"
#include "tests/harness/harness.h"

START_TEST(t_model) {
  enum { N = 5000 };
  static void *model[N + 1];
  struct vg_idmap m;
  vg_idmap_init(&m);
  ck_assert_ptr_null(vg_idmap_get(&m, 7));
  unsigned seed = 12345;
  for (int step = 0; step < 200000; step++) {
    seed = seed * 1103515245u + 12345u;
    uint64_t id = 1 + (seed >> 8) % N;
    int op = (int)((seed >> 4) % 3);
    if (op == 0) {
      void *v = (void *)(uintptr_t)(step + 1);
      vg_idmap_put(&m, id, v);
      model[id] = v;
    } else if (op == 1) {
      ck_assert_ptr_eq(vg_idmap_del(&m, id), model[id]);
      model[id] = NULL;
    } else {
      ck_assert_ptr_eq(vg_idmap_get(&m, id), model[id]);
    }
  }
  size_t live = 0;
  for (int i = 1; i <= N; i++) live += model[i] != NULL;
  ck_assert_uint_eq(m.len, live);
  size_t it = 0, seen = 0;
  uint64_t id;
  void *v;
  while (vg_idmap_next(&m, &it, &id, &v)) {
    ck_assert_ptr_eq(model[id], v);
    seen++;
  }
  ck_assert_uint_eq(seen, live);
  vg_idmap_cleanup(&m);
}
END_TEST

static Suite *idmap_suite(void) {
  Suite *s = suite_create("idmap");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, t_model);
  suite_add_tcase(s, tc);
  return s;
}
VG_CHECK_MAIN(idmap_suite)
