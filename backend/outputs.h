/* outputs.h — where detections go besides the store (docs/outputs.md): per
 * organisation named outputs of three kinds — `file` (JSON lines under
 * <data_dir>/outputs/, rotated by size), `syslog` (RFC 5424 over UDP or TCP)
 * and `webhook` (HTTP POST of JSON) — stored in the meta column family
 * (STORE_META_OUTPUT, id = name, value = the configuration as JSON).
 *
 * Every detection goes to each output of its organisation whose filter
 * (categories, min_priority) passes; the rules' `output` action sends to one
 * named output regardless of its filter. Delivery is from one bounded queue
 * on the outputs' own thread: callers (the ingest hook thread) only enqueue.
 * Failures are retried with exponential back-off up to
 * OUTPUTS_MAX_ATTEMPTS; a full queue drops its oldest item. Both are counted
 * per output (outputs_list "stats").
 *
 * Threads: every function is thread-safe (one mutex); outputs_enqueue never
 * blocks on I/O. */
#ifndef VIGILD_OUTPUTS_H
#define VIGILD_OUTPUTS_H

#include <jansson.h>
#include <stdbool.h>

#include "shared/err.h"

#define OUTPUTS_PER_ORG 32            /* outputs one organisation may have */
#define OUTPUTS_QUEUE_MAX 4096        /* deliveries waiting (all organisations) */
#define OUTPUTS_MAX_ATTEMPTS 5        /* tries per delivery before it counts as failed */
#define OUTPUTS_BACKOFF_MS 200        /* first retry delay; doubles per attempt */
#define OUTPUTS_BACKOFF_MAX_MS 30000  /* retry delay cap */
#define OUTPUTS_IO_TIMEOUT_MS 5000    /* connect / send / receive timeout of one try */
#define OUTPUTS_NAME_BYTES 64         /* output name */
#define OUTPUTS_FIELD_BYTES 1024      /* path, dest, url */
#define OUTPUTS_CATEGORIES 64         /* filter categories */
#define OUTPUTS_FILE_MAX_BYTES_DEFAULT (64LL << 20)
#define OUTPUTS_FILE_MIN_BYTES 256    /* smallest rotation size accepted */
#define OUTPUTS_FILE_KEEP_DEFAULT 5   /* rotated files kept: <path>.1 .. <path>.N */
#define OUTPUTS_FILE_KEEP_MAX 100

struct vigild;
struct outputs;

/* Starts the delivery thread. NULL if it cannot start. */
struct outputs *outputs_create(struct vigild *vd);
/* Stops the thread; deliveries still queued are discarded (logged). */
void outputs_free(struct outputs *o);

/* Validate cfg (the outputs.set params: name, type, and the type's fields;
 * see docs/outputs.md), store it and use it from the next detection on
 * (replacing an output of that name; its stats restart). Returns the record
 * (new reference) or NULL with err naming the field. */
json_t *outputs_set(struct outputs *o, const char *oid, const json_t *cfg, struct vg_err *err);
int outputs_delete(struct outputs *o, const char *oid, const char *name, struct vg_err *err);
/* [{name, type, …, stats:{queued, sent, failed, retries, dropped, last_error}}] */
json_t *outputs_list(struct outputs *o, const char *oid);

/* Queue rec (a detection record: "cat", "priority" read by filters) for
 * every output of oid whose filter passes (name NULL), or for the output
 * called name only (filter ignored; unknown name: false). */
bool outputs_enqueue(struct outputs *o, const char *oid, const char *name, const json_t *rec);

/* ---- internal, outputs_send.c ---- */
/* Check one configuration (fills defaults into cfg). 0 or -VG_EINVAL. */
int outputs_send_validate(json_t *cfg, struct vg_err *err);
/* Deliver one JSON text to the output cfg. 0, or -1 with why in errbuf. */
int outputs_send(const json_t *cfg, const char *data_dir, const char *oid, const json_t *rec,
                 const char *line, char *errbuf, size_t errlen);
/* Parse "host:port" / "[v6]:port" into host and port. 0 or -1. */
int outputs_send_hostport(const char *s, char *host, size_t hostlen, char *port, size_t portlen);
/* Parse "http://host[:port][/path]" (port defaults to 80). 0 or -1. */
int outputs_send_url(const char *url, char *host, size_t hostlen, char *port, size_t portlen,
                     const char **path);
/* Status code of an HTTP/1.x response head, or -1 if it is not one. */
int outputs_send_http_status(const char *buf, size_t len);
/* The RFC 5424 message (no framing) for rec, into a heap string. */
char *outputs_send_syslog_line(const char *oid, const json_t *rec, const char *line);

#endif
