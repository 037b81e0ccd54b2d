/* version.h — the one version string every binary prints for --version. */
#ifndef VIGIL_VERSION_H
#define VIGIL_VERSION_H

#include <stdio.h>

/* "PROG (Vigil) X.Y.Z" plus the library versions this binary was built with. */
void vg_version_print(FILE *out, const char *prog);
const char *vg_version(void);

#endif
