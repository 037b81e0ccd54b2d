/* cmd_doc_cache.c — doc_cache_get (cmd_doc_cache.h). */
#include "sensor/cmd_doc_cache.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "sensor/collect_limits.h"
#include "sensor/docs.h"
#include "shared/alloc.h"

static json_t *b64(const unsigned char *p, size_t n) {
  char *out = vg_xmalloc(4 * ((n + 2) / 3) + 1);
  EVP_EncodeBlock((unsigned char *)out, p, (int)n);
  json_t *s = json_string(out);
  free(out);
  return s;
}

int cmd_doc_cache_get(struct cmd_call *c, int argc, char **argv) {
  const char *pattern = NULL, *hash = NULL;
  for (int i = 1; i < argc; i++) {
    if ((strcmp(argv[i], "-f") == 0 || strcmp(argv[i], "-s") == 0) && i + 1 < argc) {
      if (argv[i][1] == 'f') pattern = argv[++i]; else hash = argv[++i];
    } else {
      return cmd_error(c, -VG_EINVAL, "doc_cache_get: unexpected argument '%s' (usage: "
                       "doc_cache_get [-f PATTERN] [-s HASH])", argv[i]);
    }
  }
  if (!c->ctx->docs)
    return cmd_error(c, -VG_EUNSUPPORTED, "doc_cache_get: the file collector is not running");
  struct docs_item *items;
  size_t n = docs_find(c->ctx->docs, pattern, hash, SENSOR_DOCS_MAX_REPLIES, &items);
  if (n == 0) {
    docs_items_free(items, n);
    return cmd_error(c, -VG_ENOTFOUND, "doc_cache_get: no cached document matches");
  }
  for (size_t i = 0; i < n; i++) {
    const struct docs_item *it = &items[i];
    size_t off = 0;
    do {
      size_t take = it->len - off < SENSOR_DOCS_CHUNK_BYTES ? it->len - off : SENSOR_DOCS_CHUNK_BYTES;
      json_t *b = json_object();
      json_object_set_new(b, "FILE_PATH", json_string(it->path));
      if (it->hash[0]) json_object_set_new(b, "HASH", json_string(it->hash));
      json_object_set_new(b, "FILE_SIZE", json_integer((json_int_t)it->file_size));
      json_object_set_new(b, "OFFSET", json_integer((json_int_t)off));
      json_object_set_new(b, "FILE_CONTENT", b64(it->data + off, take));
      json_object_set_new(b, "IS_TRUNCATED", json_boolean(it->truncated));
      json_object_set_new(b, "IS_LAST", json_boolean(off + take == it->len));
      json_object_set_new(b, "TIMESTAMP", json_integer(it->time_ms));
      cmd_reply(c, b);
      off += take;
    } while (off < it->len);
  }
  docs_items_free(items, n);
  return 0;
}
