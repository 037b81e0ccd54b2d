/* fuzz_procfs.c — the /proc parsers (sensor/procfs.c) on any bytes. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sensor/procfs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *b = (const char *)data;
  struct procfs_stat st;
  procfs_parse_stat(b, size, &st, NULL);
  if (strnlen(st.comm, sizeof(st.comm)) == sizeof(st.comm)) __builtin_trap();
  struct procfs_status ss;
  procfs_parse_status(b, size, &ss, NULL);
  char line[256];
  size_t n = procfs_cmdline(b, size, line, sizeof(line));
  if (n >= sizeof(line) || line[n]) __builtin_trap();
  struct procfs_module mods[8];
  size_t nm = 0;
  procfs_modules(b, size, mods, 8, &nm, NULL);
  if (nm > 8) __builtin_trap();
  for (size_t i = 0; i < nm; i++)
    if (mods[i].path < b || mods[i].path + mods[i].path_len > b + size) __builtin_trap();
  return 0;
}
