/* buf.h — bounded growable byte buffers.
 *
 * A struct vg_buf grows on demand up to its max (set at init); an append that
 * would pass max fails with -VG_ELIMIT and leaves the buffer unchanged. The
 * data is always NUL-terminated (the NUL is not counted in len), so text
 * buffers can be used as C strings. Memory: the buffer owns data. */
#ifndef VIGIL_BUF_H
#define VIGIL_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct vg_buf {
  char *data;  /* NULL until the first append; vg_buf_cstr() never NULL */
  size_t len;  /* bytes used */
  size_t cap;  /* bytes allocated, excluding the NUL slot */
  size_t max;  /* len never exceeds this */
};

void vg_buf_init(struct vg_buf *b, size_t max);
void vg_buf_cleanup(struct vg_buf *b);        /* frees data; b can be re-inited */
void vg_buf_reset(struct vg_buf *b);          /* len = 0, keeps memory */

/* Ensure room for extra more bytes. 0 or -VG_ELIMIT. */
int vg_buf_reserve(struct vg_buf *b, size_t extra);
int vg_buf_append(struct vg_buf *b, const void *p, size_t n);
int vg_buf_puts(struct vg_buf *b, const char *s);
int vg_buf_putc(struct vg_buf *b, char c);
int vg_buf_appendf(struct vg_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int vg_buf_vappendf(struct vg_buf *b, const char *fmt, va_list ap);

/* Drop the first n bytes (n > len drops all). */
void vg_buf_consume(struct vg_buf *b, size_t n);
/* Truncate to n bytes (no-op if n >= len). */
void vg_buf_truncate(struct vg_buf *b, size_t n);

/* Always a valid NUL-terminated string ("" when empty). */
const char *vg_buf_cstr(const struct vg_buf *b);

/* Hand the data to the caller (free() it) and reset b to empty. Never NULL. */
char *vg_buf_steal(struct vg_buf *b, size_t *len);

#endif
