/* test_config.c — daemon options: defaults, file, --set, help, cleanup. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/config.h"
#include "shared/err.h"
#include "tests/harness/harness.h"

struct demo_config {
  char *api_listen;
  int64_t api_max_clients;
  bool tls;
  int64_t retention;
  int64_t spool_max;
  struct vg_strlist allow;
  char *log_level;
};

static const char *const log_levels[] = {"error", "warn", "info", "debug", "trace", NULL};

static const struct vg_config_opt demo_opts[] = {
    {.key = "api.listen", .type = VG_CONFIG_STRING, .def = "127.0.0.1:7444",
     .help = "address:port of the client API", .offset = offsetof(struct demo_config, api_listen)},
    {.key = "api.max_clients", .type = VG_CONFIG_INT, .def = "256", .min = 1, .max = 65536,
     .help = "concurrent API connections", .offset = offsetof(struct demo_config, api_max_clients)},
    {.key = "api.tls", .type = VG_CONFIG_BOOL, .def = "true", .help = "serve the API over TLS",
     .offset = offsetof(struct demo_config, tls)},
    {.key = "store.retention", .type = VG_CONFIG_DURATION, .def = "365d", .min = 86400,
     .max = 3650 * 86400LL, .help = "how long events are kept",
     .offset = offsetof(struct demo_config, retention)},
    {.key = "store.spool_max", .type = VG_CONFIG_SIZE, .def = "64MiB", .min = 1 << 20,
     .max = 1LL << 40, .help = "largest spool", .offset = offsetof(struct demo_config, spool_max)},
    {.key = "api.allow", .type = VG_CONFIG_LIST, .def = "127.0.0.1/32, ::1/128",
     .help = "client networks allowed", .offset = offsetof(struct demo_config, allow)},
    {.key = "log_level", .type = VG_CONFIG_ENUM, .def = "info", .values = log_levels,
     .help = "log verbosity", .offset = offsetof(struct demo_config, log_level)},
    {0}};

static char *tmpdir;

static void setup(void) { tmpdir = harness_mkdtemp("vigil-config"); }
static void teardown(void) {
  harness_rm_rf(tmpdir);
  free(tmpdir);
}

/* Write yaml to a file in tmpdir, load it into c; returns the code and the
 * rendered error in buf. */
static int load(struct demo_config *c, const char *yaml, char *buf, size_t n) {
  char path[512];
  snprintf(path, sizeof(path), "%s/vigild.yaml", tmpdir);
  ck_assert_int_eq(harness_write_file(path, yaml), 0);
  struct vg_err e;
  vg_err_clear(&e);
  memset(c, 0, sizeof(*c));
  int r = vg_config_load_file(demo_opts, c, path, &e);
  const char *s = vg_err_str(&e, buf, n);
  const char *base = strstr(s, "vigild.yaml");  /* drop the temp dir from messages */
  if (base) memmove(buf, base, strlen(base) + 1);
  return r;
}

START_TEST(t_defaults) {
  struct demo_config c;
  memset(&c, 0, sizeof(c));
  ck_assert_int_eq(vg_config_defaults(demo_opts, &c, NULL), 0);
  ck_assert_str_eq(c.api_listen, "127.0.0.1:7444");
  ck_assert_int_eq(c.api_max_clients, 256);
  ck_assert(c.tls);
  ck_assert_int_eq(c.retention, 365 * 86400);
  ck_assert_int_eq(c.spool_max, 64 << 20);
  ck_assert_uint_eq(c.allow.n, 2);
  ck_assert_str_eq(c.allow.v[1], "::1/128");
  ck_assert_str_eq(c.log_level, "info");
  ck_assert_int_eq(vg_config_defaults(demo_opts, &c, NULL), 0); /* again: frees, no leak */
  vg_config_cleanup(demo_opts, &c);
  ck_assert_ptr_null(c.api_listen);
  ck_assert_ptr_null(c.log_level);
  ck_assert_uint_eq(c.allow.n, 0);
}
END_TEST

START_TEST(t_file_overrides) {
  struct demo_config c;
  char buf[512];
  ck_assert_int_eq(load(&c,
                        "# vigild\n"
                        "api:\n"
                        "  listen: 0.0.0.0:9000\n"
                        "  allow: [10.0.0.0/8]\n"
                        "store:\n"
                        "  retention: 30d\n"
                        "log_level: debug\n",
                        buf, sizeof(buf)),
                   0);
  ck_assert_str_eq(c.api_listen, "0.0.0.0:9000");
  ck_assert_int_eq(c.api_max_clients, 256); /* default kept */
  ck_assert_int_eq(c.retention, 30 * 86400);
  ck_assert_uint_eq(c.allow.n, 1);
  ck_assert_str_eq(c.allow.v[0], "10.0.0.0/8");
  ck_assert_str_eq(c.log_level, "debug");
  vg_config_cleanup(demo_opts, &c);
  /* Dotted keys written literally, and an empty file. */
  ck_assert_int_eq(load(&c, "api.tls: off\n", buf, sizeof(buf)), 0);
  ck_assert(!c.tls);
  vg_config_cleanup(demo_opts, &c);
  ck_assert_int_eq(load(&c, "", buf, sizeof(buf)), 0);
  ck_assert_str_eq(c.api_listen, "127.0.0.1:7444");
  vg_config_cleanup(demo_opts, &c);
}
END_TEST

START_TEST(t_errors) {
  struct demo_config c;
  char buf[512];
  ck_assert_int_eq(load(&c, "api:\n  lisen: x\n", buf, sizeof(buf)), -VG_EUNKNOWN);
  ck_assert_str_eq(buf, "vigild.yaml:2:3: unknown key 'api.lisen' (did you mean 'api.listen'?)");
  vg_config_cleanup(demo_opts, &c);
  ck_assert_int_eq(load(&c, "store:\n  retention: 30\n", buf, sizeof(buf)), -VG_ETYPE);
  ck_assert_str_eq(buf, "vigild.yaml:2:14: 'store.retention' must be a duration like 30s, 5m, "
                        "12h or 7d, got '30'");
  vg_config_cleanup(demo_opts, &c);
  ck_assert_int_eq(load(&c, "api: {max_clients: 0}\n", buf, sizeof(buf)), -VG_ERANGE);
  ck_assert_str_eq(buf, "vigild.yaml:1:20: 'api.max_clients' must be between 1 and 65536, got 0");
  vg_config_cleanup(demo_opts, &c);
  ck_assert_int_eq(load(&c, "api: {tls: \"yes\"}\n", buf, sizeof(buf)), -VG_ETYPE);
  ck_assert_str_eq(buf, "vigild.yaml:1:12: 'api.tls' must be true or false, got the quoted string 'yes'");
  vg_config_cleanup(demo_opts, &c);
  ck_assert_int_eq(load(&c, "log_level: loud\n", buf, sizeof(buf)), -VG_ERANGE);
  ck_assert_str_eq(buf, "vigild.yaml:1:12: 'log_level' must be one of error, warn, info, debug, "
                        "trace; got 'loud'");
  vg_config_cleanup(demo_opts, &c);
  ck_assert_int_eq(load(&c, "api: [1]\n", buf, sizeof(buf)), -VG_ETYPE);
  ck_assert_str_eq(buf, "vigild.yaml:1:6: 'api' must be a mapping, got a sequence");
  vg_config_cleanup(demo_opts, &c);
  ck_assert_int_eq(load(&c, "api: {listen: a\n", buf, sizeof(buf)), -VG_EPARSE);
  vg_config_cleanup(demo_opts, &c);
  struct vg_err e;
  memset(&c, 0, sizeof(c));
  ck_assert_int_eq(vg_config_load_file(demo_opts, &c, "/nonexistent/v.yaml", &e), -VG_EIO);
  vg_config_cleanup(demo_opts, &c);
}
END_TEST

START_TEST(t_set) {
  struct demo_config c;
  memset(&c, 0, sizeof(c));
  struct vg_err e;
  char buf[512];
  ck_assert_int_eq(vg_config_defaults(demo_opts, &c, &e), 0);
  ck_assert_int_eq(vg_config_set(demo_opts, &c, "api.listen", "[::]:7444", &e), 0);
  ck_assert_str_eq(c.api_listen, "[::]:7444");
  ck_assert_int_eq(vg_config_set_arg(demo_opts, &c, "store.spool_max=10MB", &e), 0);
  ck_assert_int_eq(c.spool_max, 10000000);
  ck_assert_int_eq(vg_config_set_arg(demo_opts, &c, "api.allow=a,b , c", &e), 0);
  ck_assert_uint_eq(c.allow.n, 3);
  ck_assert_str_eq(c.allow.v[1], "b");
  ck_assert_str_eq(c.allow.v[2], "c");
  ck_assert_int_eq(vg_config_set(demo_opts, &c, "api.listn", "x", &e), -VG_EUNKNOWN);
  ck_assert_str_eq(vg_err_str(&e, buf, sizeof(buf)), "unknown option 'api.listn' (did you mean 'api.listen'?)");
  ck_assert_int_eq(vg_config_set(demo_opts, &c, "api.max_clients", "lots", &e), -VG_ETYPE);
  ck_assert_str_eq(vg_err_str(&e, buf, sizeof(buf)), "'api.max_clients' must be an integer, got 'lots'");
  ck_assert_int_eq(vg_config_set(demo_opts, &c, "store.spool_max", "1KiB", &e), -VG_ERANGE);
  ck_assert_int_eq(c.spool_max, 10000000); /* unchanged on failure */
  ck_assert_int_eq(vg_config_set_arg(demo_opts, &c, "noequals", &e), -VG_EINVAL);
  vg_config_cleanup(demo_opts, &c);
}
END_TEST

START_TEST(t_help) {
  char *out = NULL;
  size_t n = 0;
  FILE *f = open_memstream(&out, &n);
  vg_config_help(demo_opts, f);
  fclose(f);
  for (const struct vg_config_opt *o = demo_opts; o->key; o++) {
    ck_assert_msg(strstr(out, o->key), "help lacks %s", o->key);
    ck_assert_msg(strstr(out, o->help), "help lacks help of %s", o->key);
    ck_assert_msg(strstr(out, o->def), "help lacks default of %s", o->key);
  }
  ck_assert_ptr_nonnull(strstr(out, "api.max_clients  <int>  range 1..65536  default \"256\""));
  ck_assert_ptr_nonnull(strstr(out, "<enum error|warn|info|debug|trace>"));
  free(out);
  f = open_memstream(&out, &n);
  vg_config_markdown(demo_opts, f);
  fclose(f);
  ck_assert_ptr_nonnull(strstr(out, "| key | type | default | bounds | description |"));
  for (const struct vg_config_opt *o = demo_opts; o->key; o++) {
    char row[256];
    snprintf(row, sizeof(row), "| `%s` |", o->key);
    ck_assert_msg(strstr(out, row), "markdown lacks %s", o->key);
  }
  free(out);
}
END_TEST

static Suite *config_suite(void) {
  Suite *s = suite_create("config");
  TCase *tc = tcase_create("core");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, t_defaults);
  tcase_add_test(tc, t_file_overrides);
  tcase_add_test(tc, t_errors);
  tcase_add_test(tc, t_set);
  tcase_add_test(tc, t_help);
  suite_add_tcase(s, tc);
  return s;
}
VG_CHECK_MAIN(config_suite)
