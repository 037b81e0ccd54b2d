/* file_capture.c — content and sha256 of a document (file_capture.h). */
#include "sensor/file_capture.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shared/alloc.h"

int file_capture_fd(int fd, size_t cap, uint64_t hash_max, struct file_capture *out) {
  memset(out, 0, sizeof *out);
  struct stat st;
  if (fstat(fd, &st) != 0) return -errno;
  if (!S_ISREG(st.st_mode)) return -EISDIR;
  size_t want = (uint64_t)st.st_size < cap ? (size_t)st.st_size : cap;
  out->data = vg_xmalloc(want ? want : 1);
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  if (!md) return -ENOMEM;
  EVP_DigestInit_ex(md, EVP_sha256(), NULL);
  unsigned char buf[65536];
  uint64_t off = 0;
  bool hashing = true;
  for (;;) {
    ssize_t n = pread(fd, buf, sizeof buf, (off_t)off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (off < want) {
      size_t take = (size_t)n < want - off ? (size_t)n : (size_t)(want - off);
      memcpy(out->data + off, buf, take);
      out->len += take;
    }
    off += (uint64_t)n;
    if (off > hash_max) {
      hashing = false;
      if (off >= want) break;
    }
    if (hashing) EVP_DigestUpdate(md, buf, (size_t)n);
  }
  out->size = hashing ? off : (uint64_t)st.st_size;
  if (hashing) {
    unsigned char d[32];
    unsigned dl = 0;
    EVP_DigestFinal_ex(md, d, &dl);
    for (unsigned i = 0; i < dl; i++) snprintf(out->hash + 2 * i, 3, "%02x", d[i]);
  }
  EVP_MD_CTX_free(md);
  return 0;
}
