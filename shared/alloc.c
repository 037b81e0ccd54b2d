/* alloc.c — allocation wrappers that abort on out-of-memory. */
#include "shared/alloc.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void alloc_die(size_t n) {
  fprintf(stderr, "vigil: out of memory allocating %zu bytes\n", n);
  abort();
}

void *vg_xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) alloc_die(n);
  return p;
}

void *vg_xcalloc(size_t nmemb, size_t size) {
  if (size && nmemb > SIZE_MAX / size) alloc_die(SIZE_MAX);
  void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
  if (!p) alloc_die(nmemb * size);
  return p;
}

void *vg_xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q) alloc_die(n);
  return q;
}

void *vg_xreallocarray(void *p, size_t nmemb, size_t size) {
  if (size && nmemb > SIZE_MAX / size) alloc_die(SIZE_MAX);
  return vg_xrealloc(p, nmemb * size);
}

char *vg_xstrdup(const char *s) { return vg_xmemdup(s, strlen(s) + 1); }

char *vg_xstrndup(const char *s, size_t n) {
  size_t len = strnlen(s, n);
  char *p = vg_xmalloc(len + 1);
  memcpy(p, s, len);
  p[len] = '\0';
  return p;
}

void *vg_xmemdup(const void *p, size_t n) {
  void *q = vg_xmalloc(n);
  if (n) memcpy(q, p, n);
  return q;
}

char *vg_xasprintf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0) alloc_die(0);
  char *s = vg_xmalloc((size_t)n + 1);
  va_start(ap, fmt);
  vsnprintf(s, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return s;
}
