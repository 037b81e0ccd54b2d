/* file_capture.h — read a just-written document for the cache: its first
 * bytes (up to a cap) and the sha256 of the whole file (up to a limit). */
#ifndef VIGIL_SENSOR_FILE_CAPTURE_H
#define VIGIL_SENSOR_FILE_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

struct file_capture {
  unsigned char *data; /* heap, first len bytes (caller frees) */
  size_t len;
  uint64_t size;       /* bytes read in all (the file's size) */
  char hash[65];       /* sha256 hex, "" if the file exceeded hash_max */
};

/* Read the regular file fd (not closed) from offset 0. 0, or a negative
 * errno (-EISDIR etc. for non-regular files). */
int file_capture_fd(int fd, size_t cap, uint64_t hash_max, struct file_capture *out);

#endif
