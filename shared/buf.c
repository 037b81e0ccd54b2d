/* buf.c — bounded growable byte buffers. */
#include "shared/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/alloc.h"
#include "shared/err.h"

void vg_buf_init(struct vg_buf *b, size_t max) {
  b->data = NULL;
  b->len = 0;
  b->cap = 0;
  b->max = max;
}

void vg_buf_cleanup(struct vg_buf *b) {
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

void vg_buf_reset(struct vg_buf *b) {
  b->len = 0;
  if (b->data) b->data[0] = '\0';
}

int vg_buf_reserve(struct vg_buf *b, size_t extra) {
  if (extra > b->max - b->len) return -VG_ELIMIT;
  size_t need = b->len + extra;
  if (need <= b->cap && b->data) return 0;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < need) cap = cap > b->max / 2 ? b->max : cap * 2;
  if (cap > b->max) cap = b->max;
  b->data = vg_xrealloc(b->data, cap + 1);
  b->cap = cap;
  b->data[b->len] = '\0';
  return 0;
}

int vg_buf_append(struct vg_buf *b, const void *p, size_t n) {
  int r = vg_buf_reserve(b, n);
  if (r) return r;
  if (n) memcpy(b->data + b->len, p, n);
  b->len += n;
  b->data[b->len] = '\0';
  return 0;
}

int vg_buf_puts(struct vg_buf *b, const char *s) { return vg_buf_append(b, s, strlen(s)); }

int vg_buf_putc(struct vg_buf *b, char c) { return vg_buf_append(b, &c, 1); }

int vg_buf_vappendf(struct vg_buf *b, const char *fmt, va_list ap) {
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  if (n < 0) return -VG_EINVAL;
  int r = vg_buf_reserve(b, (size_t)n);
  if (r) return r;
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  b->len += (size_t)n;
  return 0;
}

int vg_buf_appendf(struct vg_buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int r = vg_buf_vappendf(b, fmt, ap);
  va_end(ap);
  return r;
}

void vg_buf_consume(struct vg_buf *b, size_t n) {
  if (n >= b->len) {
    vg_buf_reset(b);
    return;
  }
  memmove(b->data, b->data + n, b->len - n);
  b->len -= n;
  b->data[b->len] = '\0';
}

void vg_buf_truncate(struct vg_buf *b, size_t n) {
  if (n >= b->len) return;
  b->len = n;
  b->data[n] = '\0';
}

const char *vg_buf_cstr(const struct vg_buf *b) { return b->data ? b->data : ""; }

char *vg_buf_steal(struct vg_buf *b, size_t *len) {
  char *p = b->data ? b->data : vg_xstrdup("");
  if (len) *len = b->len;
  b->data = NULL;
  b->len = b->cap = 0;
  return p;
}
