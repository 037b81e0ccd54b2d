/* cmd_doc_cache.h — doc_cache_get [-f PATTERN] [-s HASH]: the documents in
 * the cache (docs.h) as GET_DOCUMENT_REP events, each document in chunks of
 * SENSOR_DOCS_CHUNK_BYTES: {FILE_PATH, HASH, FILE_SIZE, OFFSET, FILE_CONTENT
 * (base64), IS_TRUNCATED, IS_LAST, TIMESTAMP}. Nothing matching: one reply
 * with ERROR -VG_ENOTFOUND. */
#ifndef VIGIL_SENSOR_CMD_DOC_CACHE_H
#define VIGIL_SENSOR_CMD_DOC_CACHE_H

#include "sensor/cmd.h"

int cmd_doc_cache_get(struct cmd_call *c, int argc, char **argv);

#endif
