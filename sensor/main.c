/* main.c — vigil-sensor entry point. */
#include "shared/version.h"

int main(int argc, char **argv) {
  return vg_version_basic_main(
      argc, argv, "vigil-sensor",
      "The Vigil endpoint sensor: collects telemetry from this host's kernel\ninterfaces and answers live commands from vigild.",
      "Telemetry collection and enrollment are not part of this build yet\n(issue 4).");
}
