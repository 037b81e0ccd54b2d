/* exehash.h — SHA-256 of executables and shared objects, cached by
 * (device, inode, size, mtime) so a binary run 2,000 times a second is
 * hashed once. Thread-safe. */
#ifndef VIGIL_SENSOR_EXEHASH_H
#define VIGIL_SENSOR_EXEHASH_H

#define EXEHASH_CACHE_SLOTS 4096       /* cached hashes (direct-mapped) */
#define EXEHASH_MAX_BYTES (256u << 20) /* larger files are not hashed */

/* Hash the file open at fd (not closed) into out[65]. 0, or -1 (unreadable,
 * too large, not a regular file). */
int exehash_fd(int fd, char out[65]);
/* Open path (O_RDONLY) and hash it. 0 or -1. */
int exehash_path(const char *path, char out[65]);

#endif
