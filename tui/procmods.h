/* procmods.h — the shared objects a process has mapped, derived from its
 * memory map (mem_map's MEMORY_MAP rows): one row per distinct file-backed
 * path that ends in ".so" or contains ".so." (libc.so.6, ld-linux-x86-64.so.2),
 * in order of first appearance, with the lowest base address and the span
 * from there to the end of its last region. */
#ifndef VIGIL_TUI_PROCMODS_H
#define VIGIL_TUI_PROCMODS_H

#include <jansson.h>
#include <stdbool.h>

#define PROCMODS_MAX 4096 /* modules listed for one process */

/* True if path names a shared object ("/…" ending ".so" or holding ".so."). */
bool procmods_is_module(const char *path);
/* [{"MODULE": path, "BASE": "0x…", "SIZE": "1.2 MiB"}…] (new reference);
 * rows that are not objects or lack a path are skipped. */
json_t *procmods_collect(const json_t *map);

#endif
