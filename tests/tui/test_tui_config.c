/* test_tui_config.c — keymaps, themes and keys: the built-in files load and
 * are complete, user files override, and bad input is refused with
 * file:line:col. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/alloc.h"
#include "tests/harness/harness.h"
#include "tui/cmdlist.h"
#include "tui/history.h"
#include "tui/keymap.h"
#include "tui/keys.h"
#include "tui/settings.h"
#include "tui/textconf.h"
#include "tui/theme.h"
#include <sys/stat.h>

static int load_km(struct keymap *km, const char *text, struct vg_err *e) {
  return keymap_load_text(km, "test.keymap", text, strlen(text), e);
}

START_TEST(default_keymap_binds_every_action) {
  struct keymap km;
  struct vg_err e = {0};
  keymap_init(&km);
  const char *def = keymap_builtin("default");
  ck_assert_ptr_nonnull(def);
  ck_assert_int_eq(keymap_load_text(&km, "keymaps/default", def, strlen(def), &e), 0);
  for (int a = ACT_NONE + 1; a < ACT__COUNT; a++) {
    char buf[128];
    keymap_keys_for(&km, (enum action)a, buf, sizeof buf);
    ck_assert_msg(buf[0], "action %s has no key in keymaps/default", action_info((enum action)a)->name);
  }
  ck_assert_int_eq(keymap_lookup(&km, CTX_GLOBAL, 'q'), ACT_QUIT);
  ck_assert_int_eq(keymap_lookup(&km, CTX_LIVE, '3'), ACT_TAB_3);
  ck_assert_int_eq(keymap_lookup(&km, CTX_LIST, VK_ENTER), ACT_SELECT);
  ck_assert_int_eq(keymap_lookup(&km, CTX_GLOBAL, VK_ESC), ACT_BACK);
}
END_TEST

START_TEST(vi_and_emacs_load_on_default) {
  struct vg_err e = {0};
  static const char *const names[] = {"vi", "emacs"};
  for (int i = 0; i < 2; i++) {
    struct keymap km;
    ck_assert_int_eq(settings_keymap(&km, names[i], &e), 0);
  }
  struct keymap km;
  ck_assert_int_eq(settings_keymap(&km, "emacs", &e), 0);
  ck_assert_int_eq(keymap_lookup(&km, CTX_GLOBAL, 'x' | KEYS_META), ACT_PALETTE);
  ck_assert_int_eq(keymap_lookup(&km, CTX_LIST, VK_CTRL('n')), ACT_DOWN);
  ck_assert_int_eq(settings_keymap(&km, "vi", &e), 0);
  ck_assert_int_eq(keymap_lookup(&km, CTX_LIST, VK_CTRL('d')), ACT_PAGE_DOWN);
  ck_assert_int_eq(keymap_lookup(&km, CTX_GLOBAL, 'q'), ACT_QUIT); /* from default */
}
END_TEST

START_TEST(keymap_override_and_unbind) {
  struct keymap km;
  struct vg_err e = {0};
  keymap_init(&km);
  ck_assert_int_eq(load_km(&km, "bind global q quit\nbind global x help\n", &e), 0);
  ck_assert_int_eq(load_km(&km, "# user\n\nbind global q help   # comment\nunbind global x\n", &e), 0);
  ck_assert_int_eq(keymap_lookup(&km, CTX_GLOBAL, 'q'), ACT_HELP);
  ck_assert_int_eq(keymap_lookup(&km, CTX_GLOBAL, 'x'), ACT_NONE);
}
END_TEST

START_TEST(keymap_errors_name_file_line_col) {
  struct keymap km;
  struct vg_err e = {0};
  char buf[512];
  keymap_init(&km);
  ck_assert_int_eq(load_km(&km, "bind global q quit\nbind global w warp\n", &e), -VG_EUNKNOWN);
  vg_err_str(&e, buf, sizeof buf);
  ck_assert_str_eq(buf, "test.keymap:2:15: unknown action 'warp'");
  ck_assert_int_eq(load_km(&km, "bind nowhere q quit\n", &e), -VG_EUNKNOWN);
  ck_assert_str_eq(vg_err_str(&e, buf, sizeof buf), "test.keymap:1:6: unknown context 'nowhere'");
  ck_assert_int_eq(load_km(&km, "\nbind global C-% quit\n", &e), -VG_EUNKNOWN);
  ck_assert_str_eq(vg_err_str(&e, buf, sizeof buf), "test.keymap:2:13: unknown key 'C-%'");
  ck_assert_int_eq(load_km(&km, "bind global q\n", &e), -VG_EPARSE);
  ck_assert_int_eq(e.line, 1);
  ck_assert_int_eq(load_km(&km, "bond global q quit\n", &e), -VG_EUNKNOWN);
  ck_assert_int_eq(load_km(&km, "bind global \xff quit\n", &e), -VG_EPARSE);
  ck_assert_int_eq(keymap_lookup(&km, CTX_GLOBAL, 'q'), ACT_QUIT); /* earlier lines kept */
}
END_TEST

START_TEST(user_keymap_file_errors_from_settings) {
  char *home = harness_mkdtemp("vigil-km");
  char *dir = vg_xasprintf("%s/vigil", home);
  char *file = vg_xasprintf("%s/keymap", dir);
  ck_assert_int_eq(mkdir(dir, 0700), 0);
  setenv("XDG_CONFIG_HOME", home, 1);
  ck_assert_int_eq(harness_write_file(file, "bind fleet t tag-filter\nbind fleet z zap\n"), 0);
  struct keymap km;
  struct vg_err e = {0};
  ck_assert_int_eq(settings_keymap(&km, NULL, &e), -VG_EUNKNOWN);
  ck_assert_str_eq(e.file, file);
  ck_assert_int_eq(e.line, 2);
  ck_assert_int_eq(harness_write_file(file, "bind global Q quit\n"), 0);
  ck_assert_int_eq(settings_keymap(&km, NULL, &e), 0);
  ck_assert_int_eq(keymap_lookup(&km, CTX_GLOBAL, 'Q'), ACT_QUIT);
  unsetenv("XDG_CONFIG_HOME");
  harness_rm_rf(home);
  free(home), free(dir), free(file);
}
END_TEST

START_TEST(keys_round_trip) {
  static const char *const names[] = {"q", "?", "C-n", "M-x", "Enter", "Esc", "Tab", "S-Tab",
                                      "Up", "PgDn", "F1", "F12", "Space", "Backspace", "é", "M-<"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    int k;
    char buf[KEYS_NAME_BYTES];
    ck_assert_msg(keys_parse(names[i], &k) == 0, "%s", names[i]);
    ck_assert_str_eq(keys_name(k, buf, sizeof buf), names[i]);
  }
  int k;
  ck_assert_int_eq(keys_parse("", &k), -1);
  ck_assert_int_eq(keys_parse("qq", &k), -1);
  ck_assert_int_eq(keys_parse("C-", &k), -1);
  ck_assert_int_eq(keys_parse("F13", &k), -1);
}
END_TEST

START_TEST(builtin_themes_set_every_role) {
  static const char *const names[] = {"dark", "light", "high-contrast", "mono"};
  for (size_t i = 0; i < 4; i++) {
    struct theme t;
    struct vg_err e = {0};
    theme_init(&t);
    const char *text = theme_builtin(names[i]);
    ck_assert_msg(text != NULL, "theme %s not embedded", names[i]);
    ck_assert_int_eq(theme_load_text(&t, names[i], text, strlen(text), &e), 0);
    for (int r = 0; r < ROLE__COUNT; r++)
      ck_assert_msg(t.s[r].set, "theme %s does not set role %s", names[i], role_name((enum role)r));
    /* selection must stay visible without colour */
    ck_assert_msg(t.s[ROLE_SELECTED].mono & THEME_REVERSE, "%s: row-selected mono", names[i]);
  }
}
END_TEST

START_TEST(theme_values_and_errors) {
  struct theme t;
  struct vg_err e = {0};
  char buf[512];
  theme_init(&t);
  const char *ok = "style header fg=bright-yellow bg=236 attr=bold,underline mono=reverse\n";
  ck_assert_int_eq(theme_load_text(&t, "t", ok, strlen(ok), &e), 0);
  ck_assert_int_eq(t.s[ROLE_HEADER].fg, 11);
  ck_assert_int_eq(t.s[ROLE_HEADER].bg, 236);
  ck_assert_uint_eq(t.s[ROLE_HEADER].attrs, THEME_BOLD | THEME_UNDERLINE);
  ck_assert_uint_eq(t.s[ROLE_HEADER].mono, THEME_REVERSE);
  const char *bad = "style header fg=256\n";
  ck_assert_int_eq(theme_load_text(&t, "t", bad, strlen(bad), &e), -VG_EINVAL);
  ck_assert_str_eq(vg_err_str(&e, buf, sizeof buf),
                   "t:1:14: fg: unknown colour '256' (default, 0-255 or a colour name)");
  bad = "\nstyle headr fg=1\n";
  ck_assert_int_eq(theme_load_text(&t, "t", bad, strlen(bad), &e), -VG_EUNKNOWN);
  ck_assert_str_eq(vg_err_str(&e, buf, sizeof buf), "t:2:7: unknown role 'headr'");
  bad = "style header attr=bold,blink\n";
  ck_assert_int_eq(theme_load_text(&t, "t", bad, strlen(bad), &e), -VG_EINVAL);
  ck_assert_str_eq(e.msg, "attr: unknown attribute 'blink'");
  bad = "style header size=3\n";
  ck_assert_int_eq(theme_load_text(&t, "t", bad, strlen(bad), &e), -VG_EUNKNOWN);
  bad = "style header\n";
  ck_assert_int_eq(theme_load_text(&t, "t", bad, strlen(bad), &e), -VG_EPARSE);
  /* 8-colour reduction */
  ck_assert_int_eq(theme_color8(196), 1); /* red */
  ck_assert_int_eq(theme_color8(231), 7); /* white */
  ck_assert_int_eq(theme_color8(16), 0);
  ck_assert_int_eq(theme_color8(12), 4);
  ck_assert_int_eq(theme_color8(THEME_COLOR_DEFAULT), THEME_COLOR_DEFAULT);
}
END_TEST

START_TEST(textconf_limits) {
  struct keymap km;
  struct vg_err e = {0};
  keymap_init(&km);
  char *big = vg_xmalloc(TEXTCONF_LINE_BYTES + 20);
  memset(big, 'a', TEXTCONF_LINE_BYTES + 10);
  big[TEXTCONF_LINE_BYTES + 10] = '\0';
  ck_assert_int_eq(load_km(&km, big, &e), -VG_ELIMIT);
  free(big);
  ck_assert_int_eq(load_km(&km, "bind global q quit x y z w v\n", &e), -VG_ELIMIT);
  ck_assert_int_eq(keymap_load_text(&km, "n", "bind\0x", 6, &e), -VG_EPARSE);
}
END_TEST

/* The command list is generated from sensor/cmd_table.c: every row of the
 * source file is there, with its usage, and completion works on it. */
START_TEST(cmdlist_matches_sensor_table) {
  char *p = harness_source_path("sensor/cmd_table.c");
  char *src = harness_read_file(p, NULL);
  ck_assert_ptr_nonnull(src);
  size_t rows = 0;
  for (const char *q = src; (q = strstr(q, "\n    {\"")); q++) rows++;
  ck_assert_uint_eq(rows, cmdlist_count);
  for (size_t i = 0; i < cmdlist_count; i++) {
    char *needle = vg_xasprintf("{\"%s\", \"%s\"", cmdlist_table[i].name, cmdlist_table[i].usage);
    ck_assert_msg(strstr(src, needle), "%s not in sensor/cmd_table.c", needle);
    free(needle);
  }
  free(src), free(p);
  const struct cmdlist_entry *e = cmdlist_find("file_get", 8);
  ck_assert_ptr_nonnull(e);
  char flags[CMDLIST_MAX_FLAGS][CMDLIST_FLAG_BYTES];
  ck_assert_int_eq(cmdlist_flags(e->usage, flags, CMDLIST_MAX_FLAGS), 2);
  ck_assert_str_eq(flags[0], "-o");
  ck_assert_str_eq(flags[1], "-s");
  ck_assert_int_eq(cmdlist_flags("fim_add --pattern PATTERN", flags, CMDLIST_MAX_FLAGS), 1);
  ck_assert_str_eq(flags[0], "--pattern");
  struct cmdlist_completion cc;
  const char *cands[64];
  size_t start;
  ck_assert_int_eq(cmdlist_complete(&cc, "mem_r", 5, &start, cands, 64), 1);
  ck_assert_str_eq(cands[0], "mem_read");
  ck_assert_uint_eq(start, 0);
  ck_assert_int_eq(cmdlist_complete(&cc, "mem_map -", 9, &start, cands, 64), 2);
  ck_assert_uint_eq(start, 8);
  ck_assert_int_eq(cmdlist_complete(&cc, "nope -", 6, &start, cands, 64), 0);
}
END_TEST

/* History persists across opens and the file stays bounded. */
START_TEST(history_persists_bounded) {
  char *dir = harness_mkdtemp("vigil-hist");
  char *path = vg_xasprintf("%s/state/vigil/history", dir);
  struct history *h = history_open(path);
  char line[64];
  for (int i = 0; i < 3 * HISTORY_MAX; i++) {
    snprintf(line, sizeof line, "os_processes -p %d", i);
    history_add(h, line);
  }
  history_add(h, line); /* equal to the newest: not added */
  history_free(h);
  size_t n = 0;
  char *text = harness_read_file(path, &n);
  int lines = 0;
  for (size_t i = 0; i < n; i++) lines += text[i] == '\n';
  ck_assert_int_le(lines, 2 * HISTORY_MAX);
  free(text);
  h = history_open(path);
  ck_assert_int_eq(h->n, HISTORY_MAX);
  snprintf(line, sizeof line, "os_processes -p %d", 3 * HISTORY_MAX - 1);
  ck_assert_str_eq(history_get(h, 0), line);
  history_free(h);
  harness_rm_rf(dir);
  free(dir), free(path);
}
END_TEST

static Suite *tui_config_suite(void) {
  Suite *s = suite_create("tui_config");
  TCase *t = tcase_create("config");
  tcase_add_test(t, default_keymap_binds_every_action);
  tcase_add_test(t, vi_and_emacs_load_on_default);
  tcase_add_test(t, keymap_override_and_unbind);
  tcase_add_test(t, keymap_errors_name_file_line_col);
  tcase_add_test(t, user_keymap_file_errors_from_settings);
  tcase_add_test(t, keys_round_trip);
  tcase_add_test(t, builtin_themes_set_every_role);
  tcase_add_test(t, theme_values_and_errors);
  tcase_add_test(t, textconf_limits);
  tcase_add_test(t, cmdlist_matches_sensor_table);
  tcase_add_test(t, history_persists_bounded);
  suite_add_tcase(s, t);
  return s;
}

VG_CHECK_MAIN(tui_config_suite)
