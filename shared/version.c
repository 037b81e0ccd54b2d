/* version.c — version banner shared by every binary. */
#include "shared/version.h"

#include <getopt.h>

#include <jansson.h>
#include <yaml.h>

const char *vg_version(void) { return VIGIL_VERSION; }

void vg_version_print(FILE *out, const char *prog) {
  fprintf(out, "%s (Vigil) %s\njansson %s, libyaml %s\n", prog, VIGIL_VERSION, JANSSON_VERSION,
          yaml_get_version_string());
}

static void basic_usage(FILE *out, const char *prog, const char *desc, const char *note) {
  fprintf(out,
          "usage: %s [options]\n\n%s\n\n"
          "  -h, --help       show this help and exit\n"
          "  -V, --version    show the version and exit\n\n%s\n",
          prog, desc, note);
}

int vg_version_basic_main(int argc, char **argv, const char *prog, const char *desc,
                          const char *note) {
  static const struct option opts[] = {
      {"help", no_argument, NULL, 'h'}, {"version", no_argument, NULL, 'V'}, {NULL, 0, NULL, 0}};
  int c = getopt_long(argc, argv, "hV", opts, NULL);
  if (c == 'h' || c == 'V') {
    if (c == 'h')
      basic_usage(stdout, prog, desc, note);
    else
      vg_version_print(stdout, prog);
    return 0;
  }
  basic_usage(stderr, prog, desc, note);
  return 2;
}
