/* main.c — vigil entry point: options and start-up. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "shared/version.h"

static void usage(FILE *out) {
  fprintf(out,
          "usage: vigil [options]\n"
          "\n"
          "The Vigil console: fleet, Live View, Insight, rules and detections over SSH.\n"
          "\n"
          "  -h, --help       show this help and exit\n"
          "  -V, --version    show the version and exit\n"
          "\n"
          "Its views are not part of this build yet\n"
          "(see docs/architecture.md for the plan).\n");
}

int main(int argc, char **argv) {
  static const struct option opts[] = {
      {"help", no_argument, NULL, 'h'}, {"version", no_argument, NULL, 'V'}, {NULL, 0, NULL, 0}};
  int c;
  while ((c = getopt_long(argc, argv, "hV", opts, NULL)) != -1) {
    switch (c) {
      case 'h': usage(stdout); return 0;
      case 'V': vg_version_print(stdout, "vigil"); return 0;
      default: usage(stderr); return 2;
    }
  }
  usage(stderr);
  return 2;
}
