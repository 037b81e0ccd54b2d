/* golden.c — golden-screen helpers. */
#include "tests/tui/golden.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/alloc.h"
#include "tests/harness/harness.h"
#include "tui/settings.h"

void golden_app(struct app *a, struct keymap *km) {
  struct vg_err e = {0};
  keymap_init(km);
  const char *def = keymap_builtin("default");
  ck_assert_int_eq(keymap_load_text(km, "keymaps/default", def, strlen(def), &e), 0);
  app_init(a, km);
  a->now_ms = GOLDEN_NOW_MS;
  app_set_online(a, true, NULL);
  snprintf(a->where, sizeof a->where, "fixtures");
}

json_t *golden_fixture(const char *name) {
  char *rel = vg_xasprintf("tests/tui/fixtures/%s", name);
  char *p = harness_source_path(rel);
  json_error_t je;
  json_t *j = json_load_file(p, 0, &je);
  ck_assert_msg(j != NULL, "%s:%d: %s", p, je.line, je.text);
  free(rel);
  free(p);
  return j;
}

void golden_check(struct app *a, const char *name, int w, int h) {
  struct canvas *c = canvas_create(w, h);
  app_draw(a, c);
  char *text = canvas_to_text(c);
  canvas_free(c);
  char *rel = vg_xasprintf("tests/golden/%s_%dx%d.txt", name, w, h);
  char *path = harness_source_path(rel);
  const char *upd = getenv("VIGIL_GOLDEN_UPDATE");
  if (upd && strcmp(upd, "1") == 0) {
    ck_assert_int_eq(harness_write_file(path, text), 0);
  } else {
    char *want = harness_read_file(path, NULL);
    ck_assert_msg(want != NULL, "%s is missing: run with VIGIL_GOLDEN_UPDATE=1", rel);
    if (strcmp(want, text) != 0) {
      char *got = vg_xasprintf("%s.got", path);
      harness_write_file(got, text);
      ck_abort_msg("%s differs from the rendered screen (written to %s.got):\n%s", rel, rel,
                   text);
      free(got);
    }
    free(want);
  }
  free(rel);
  free(path);
  free(text);
}
