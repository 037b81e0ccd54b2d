/* alloc.h — allocation wrappers. Out of memory is fatal: they print the size
 * asked for and abort(), so callers never check for NULL. */
#ifndef VIGIL_ALLOC_H
#define VIGIL_ALLOC_H

#include <stddef.h>

void *vg_xmalloc(size_t n);                 /* n == 0 allocates 1 byte */
void *vg_xcalloc(size_t nmemb, size_t size); /* overflow-checked */
void *vg_xrealloc(void *p, size_t n);
void *vg_xreallocarray(void *p, size_t nmemb, size_t size); /* overflow-checked */
char *vg_xstrdup(const char *s);            /* s must not be NULL */
char *vg_xstrndup(const char *s, size_t n);
void *vg_xmemdup(const void *p, size_t n);
/* printf into a fresh heap string the caller frees. */
char *vg_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
