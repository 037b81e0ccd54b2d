/* version.h — the one version string every binary prints for --version. */
#ifndef VIGIL_VERSION_H
#define VIGIL_VERSION_H

#include <stdio.h>

/* "PROG (Vigil) X.Y.Z" plus the library versions this binary was built with. */
void vg_version_print(FILE *out, const char *prog);
const char *vg_version(void);

/* main() of a binary whose only options so far are --help and --version:
 * prints "usage: PROG [options]", the description and the note; exit codes
 * 0 (help, version) and 2 (anything else, usage on stderr). */
int vg_version_basic_main(int argc, char **argv, const char *prog, const char *desc,
                          const char *note);

#endif
