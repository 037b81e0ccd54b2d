/* docs.c — the bounded, thread-safe document cache (docs.h). */
#include "sensor/docs.h"

#include <fnmatch.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sensor/collect_limits.h"
#include "shared/alloc.h"

struct doc {
  struct doc *prev, *next; /* LRU list: head is the most recent */
  char *path;
  char hash[65];
  unsigned char *data;
  size_t len;
  uint64_t file_size;
  int64_t time_ms;
};

struct sensor_docs {
  pthread_mutex_t lock; /* guards everything below */
  struct doc *head, *tail;
  size_t count, bytes;
  size_t budget, file_cap;
};

struct sensor_docs *docs_create(size_t budget, size_t file_cap) {
  struct sensor_docs *d = vg_xcalloc(1, sizeof *d);
  pthread_mutex_init(&d->lock, NULL);
  d->budget = budget;
  d->file_cap = file_cap < budget ? file_cap : budget;
  return d;
}

static void doc_destroy(struct doc *e) {
  free(e->path);
  free(e->data);
  free(e);
}

void docs_free(struct sensor_docs *d) {
  if (!d) return;
  for (struct doc *e = d->head, *n; e; e = n) {
    n = e->next;
    doc_destroy(e);
  }
  pthread_mutex_destroy(&d->lock);
  free(d);
}

static void unlink_doc(struct sensor_docs *d, struct doc *e) {
  if (e->prev) e->prev->next = e->next; else d->head = e->next;
  if (e->next) e->next->prev = e->prev; else d->tail = e->prev;
  e->prev = e->next = NULL;
}

static void push_front(struct sensor_docs *d, struct doc *e) {
  e->prev = NULL;
  e->next = d->head;
  if (d->head) d->head->prev = e;
  d->head = e;
  if (!d->tail) d->tail = e;
}

static void remove_doc(struct sensor_docs *d, struct doc *e) {
  unlink_doc(d, e);
  d->count--;
  d->bytes -= e->len;
  doc_destroy(e);
}

bool docs_put(struct sensor_docs *d, const char *path, const char *hash,
              const void *data, size_t len, uint64_t file_size, int64_t time_ms) {
  if (len > d->file_cap) len = d->file_cap;
  pthread_mutex_lock(&d->lock);
  for (struct doc *e = d->head; e; e = e->next) {
    if (strcmp(e->path, path) != 0) continue;
    if (hash[0] && strcmp(e->hash, hash) == 0) {
      unlink_doc(d, e);
      push_front(d, e);
      pthread_mutex_unlock(&d->lock);
      return false;
    }
    remove_doc(d, e);
    break;
  }
  while (d->tail && (d->bytes + len > d->budget || d->count >= SENSOR_DOCS_MAX_ENTRIES))
    remove_doc(d, d->tail);
  struct doc *e = vg_xcalloc(1, sizeof *e);
  e->path = vg_xstrdup(path);
  snprintf(e->hash, sizeof e->hash, "%s", hash);
  e->data = vg_xmemdup(data, len);
  e->len = len;
  e->file_size = file_size;
  e->time_ms = time_ms;
  push_front(d, e);
  d->count++;
  d->bytes += len;
  pthread_mutex_unlock(&d->lock);
  return true;
}

static bool doc_matches(const struct doc *e, const char *pattern, const char *hash) {
  if (hash && strcasecmp(e->hash, hash) != 0) return false;
  if (!pattern) return true;
  const char *subject = e->path;
  if (!strchr(pattern, '/')) {
    const char *slash = strrchr(e->path, '/');
    if (slash) subject = slash + 1;
  }
  return fnmatch(pattern, subject, 0) == 0;
}

size_t docs_find(struct sensor_docs *d, const char *pattern, const char *hash,
                 size_t max, struct docs_item **items) {
  *items = NULL;
  size_t n = 0;
  pthread_mutex_lock(&d->lock);
  for (struct doc *e = d->head; e && n < max; e = e->next) {
    if (!doc_matches(e, pattern, hash)) continue;
    *items = vg_xreallocarray(*items, n + 1, sizeof **items);
    struct docs_item *it = &(*items)[n++];
    it->path = vg_xstrdup(e->path);
    memcpy(it->hash, e->hash, sizeof it->hash);
    it->data = vg_xmemdup(e->data, e->len);
    it->len = e->len;
    it->file_size = e->file_size;
    it->truncated = e->len < e->file_size;
    it->time_ms = e->time_ms;
  }
  pthread_mutex_unlock(&d->lock);
  return n;
}

void docs_items_free(struct docs_item *items, size_t n) {
  for (size_t i = 0; i < n; i++) {
    free(items[i].path);
    free(items[i].data);
  }
  free(items);
}

void docs_stats(struct sensor_docs *d, size_t *entries, size_t *bytes) {
  pthread_mutex_lock(&d->lock);
  if (entries) *entries = d->count;
  if (bytes) *bytes = d->bytes;
  pthread_mutex_unlock(&d->lock);
}

/* Extensions of documents and scripts; a trailing '*' matches any suffix
 * (".doc*" is .doc, .docx, .docm). */
static const char *const doc_exts[] = {
    "sh", "bash", "zsh", "ksh", "csh", "py", "pyc", "js", "mjs", "pl", "pm", "php",
    "rb", "lua", "tcl", "ps1", "psm1", "bat", "cmd", "vbs", "vbe", "wsf", "hta",
    "exe", "dll", "scr", "com", "msi", "so", "ko", "elf", "bin", "jar", "war", "class",
    "apk", "deb", "rpm", "pdf", "rtf", "doc*", "xl*", "ppt*", "odt", "ods", "odp",
    "lnk", "xsl", "svg", "html", "htm", "iso", "img",
};

static bool ext_matches(const char *ext, size_t n) {
  for (size_t i = 0; i < sizeof doc_exts / sizeof doc_exts[0]; i++) {
    const char *x = doc_exts[i];
    size_t xl = strlen(x);
    if (x[xl - 1] == '*') {
      if (n >= xl - 1 && strncasecmp(ext, x, xl - 1) == 0) return true;
    } else if (n == xl && strncasecmp(ext, x, n) == 0) {
      return true;
    }
  }
  return false;
}

bool docs_is_document(const char *path) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  /* Walk the dots from the right: "libx.so.1.2" is a shared object. */
  const char *end = base + strlen(base);
  for (const char *p = end; p > base; p--) {
    if (p[-1] != '.') continue;
    if (p - 1 == base) break; /* ".bashrc": a hidden name, not an extension */
    const char *seg_end = strchr(p, '.');
    size_t n = seg_end ? (size_t)(seg_end - p) : strlen(p);
    if (ext_matches(p, n)) return !seg_end || strncasecmp(p, "so", 2) == 0;
    /* only numeric version segments may follow an extension */
    for (size_t i = 0; i < n; i++)
      if (p[i] < '0' || p[i] > '9') return false;
  }
  return false;
}
