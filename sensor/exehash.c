/* exehash.c — cached file hashing (see exehash.h). */
#include "sensor/exehash.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define EXEHASH_READ_BYTES (64u << 10)

struct slot {
  dev_t dev;
  ino_t ino;
  off_t size;
  struct timespec mtime;
  char hex[65];
};

static struct slot cache[EXEHASH_CACHE_SLOTS];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static size_t slot_of(const struct stat *st) {
  uint64_t h = (uint64_t)st->st_ino * 0x9E3779B97F4A7C15ull ^ (uint64_t)st->st_dev;
  return (size_t)(h % EXEHASH_CACHE_SLOTS);
}

static int same(const struct slot *s, const struct stat *st) {
  return s->hex[0] && s->dev == st->st_dev && s->ino == st->st_ino && s->size == st->st_size &&
         s->mtime.tv_sec == st->st_mtim.tv_sec && s->mtime.tv_nsec == st->st_mtim.tv_nsec;
}

int exehash_fd(int fd, char out[65]) {
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > (off_t)EXEHASH_MAX_BYTES)
    return -1;
  size_t i = slot_of(&st);
  pthread_mutex_lock(&mu);
  int hit = same(&cache[i], &st);
  if (hit) memcpy(out, cache[i].hex, 65);
  pthread_mutex_unlock(&mu);
  if (hit) return 0;
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  unsigned char buf[EXEHASH_READ_BYTES];
  int ok = md && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1;
  off_t off = 0;
  while (ok) {
    ssize_t n = pread(fd, buf, sizeof(buf), off);
    if (n < 0) ok = 0;
    if (n <= 0) break;
    ok = EVP_DigestUpdate(md, buf, (size_t)n) == 1;
    off += n;
  }
  unsigned char d[32];
  unsigned dl = 0;
  ok = ok && EVP_DigestFinal_ex(md, d, &dl) == 1 && dl == 32;
  EVP_MD_CTX_free(md);
  if (!ok) return -1;
  for (int k = 0; k < 32; k++) snprintf(out + 2 * k, 3, "%02x", d[k]);
  pthread_mutex_lock(&mu);
  cache[i] = (struct slot){.dev = st.st_dev, .ino = st.st_ino, .size = st.st_size,
                           .mtime = st.st_mtim};
  memcpy(cache[i].hex, out, 65);
  pthread_mutex_unlock(&mu);
  return 0;
}

int exehash_path(const char *path, char out[65]) {
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return -1;
  int r = exehash_fd(fd, out);
  close(fd);
  return r;
}
