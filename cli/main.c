/* main.c — vigilctl entry point. */
#include "shared/version.h"

int main(int argc, char **argv) {
  return vg_version_basic_main(
      argc, argv, "vigilctl",
      "The Vigil command-line client for scripts and analysts.",
      "Its commands are not part of this build yet (issue 7); any websocket\nclient can use the API today (docs/api.md).");
}
