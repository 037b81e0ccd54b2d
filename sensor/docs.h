/* docs.h — the document cache: the content of documents and scripts the file
 * collector saw written (NEW_DOCUMENT), kept in memory so doc_cache_get can
 * return them after the file is gone. Bounded by a byte budget and a per-file
 * cap; the least recently stored or read entry is evicted first. One entry
 * per path (a newer version replaces the older). Thread-safe (one mutex). */
#ifndef VIGIL_SENSOR_DOCS_H
#define VIGIL_SENSOR_DOCS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sensor_docs;

/* budget: bytes of content held in all; file_cap: bytes kept of one file
 * (longer content is kept truncated and marked so). */
struct sensor_docs *docs_create(size_t budget, size_t file_cap);
void docs_free(struct sensor_docs *d); /* NULL is a no-op */

/* Store a copy of data[0..len) as the content of path, whose full size is
 * file_size and whose sha256 is hash (64 hex, or "" if not hashed).
 * Returns false if path is already cached with the same non-empty hash
 * (nothing changes but its recency), true if stored. */
bool docs_put(struct sensor_docs *d, const char *path, const char *hash,
              const void *data, size_t len, uint64_t file_size, int64_t time_ms);

/* A copy of one cached document. */
struct docs_item {
  char *path;
  char hash[65];
  unsigned char *data;
  size_t len;          /* bytes held */
  uint64_t file_size;  /* size of the file when stored */
  bool truncated;      /* len < file_size */
  int64_t time_ms;     /* when stored */
};

/* Copies of up to max entries matching both filters, most recent first.
 * pattern (NULL = any): fnmatch(3) glob against the full path, or against
 * the base name if it holds no '/'. hash (NULL = any): sha256 hex, any case.
 * *items is a heap array (docs_items_free); returns the count. */
size_t docs_find(struct sensor_docs *d, const char *pattern, const char *hash,
                 size_t max, struct docs_item **items);
void docs_items_free(struct docs_item *items, size_t n);

/* Entries and bytes held now. */
void docs_stats(struct sensor_docs *d, size_t *entries, size_t *bytes);

/* True if path names a document or script by its extension (.sh .py .js
 * .pl .php .rb .exe .dll .so .pdf .doc* .xls* .xl* .ppt* .ps1 .bat .vbs
 * .jar …; table in docs.c), case-insensitive; also .so.N versions. */
bool docs_is_document(const char *path);

#endif
