/* version.c — version banner shared by every binary. */
#include "shared/version.h"

#include <jansson.h>
#include <yaml.h>

const char *vg_version(void) { return VIGIL_VERSION; }

void vg_version_print(FILE *out, const char *prog) {
  fprintf(out, "%s (Vigil) %s\njansson %s, libyaml %s\n", prog, VIGIL_VERSION, JANSSON_VERSION,
          yaml_get_version_string());
}
