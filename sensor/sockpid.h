/* sockpid.h — socket inode → owning pid, from a scan of /proc/<pid>/fd
 * (socket:[inode] links), cached; a miss rescans at most once per
 * SENSOR_SOCKPID_RESCAN_MS. Not thread-safe: one per collector thread. */
#ifndef VIGIL_SENSOR_SOCKPID_H
#define VIGIL_SENSOR_SOCKPID_H

#include <stdint.h>
#include <sys/types.h>

struct sockpid;

struct sockpid *sockpid_create(void);
void sockpid_free(struct sockpid *s); /* NULL is a no-op */
/* The pid holding a socket with this inode, or -1 (unknown, exited, or a
 * kernel socket). */
pid_t sockpid_lookup(struct sockpid *s, uint32_t inode);
/* As sockpid_lookup, but a miss waits out the rescan interval (at most
 * SENSOR_SOCKPID_RESCAN_MS) and scans, unless this inode already missed a
 * fresh scan within SENSOR_SOCKPID_MISS_MS: for a socket that must have an
 * owner now (a listener), where a miss only means it is newer than the scan. */
pid_t sockpid_lookup_fresh(struct sockpid *s, uint32_t inode);
/* Scans done so far (for tests and docs). */
unsigned long sockpid_scans(const struct sockpid *s);

#endif
