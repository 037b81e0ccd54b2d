/* main.c — vigil entry point. */
#include "shared/version.h"

int main(int argc, char **argv) {
  return vg_version_basic_main(
      argc, argv, "vigil",
      "The Vigil console: fleet, Live View, Insight, rules and detections over SSH.",
      "Its views are not part of this build yet (issue 8).");
}
