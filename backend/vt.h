/* vt.h — the VirusTotal lookup resource (`resource: lcr://api/vt`): a cache
 * of v3 file reports (hash → report or "not found", with a TTL, bounded)
 * in front of one worker thread that fetches misses from a bounded queue at
 * most rate_per_minute times a minute (token bucket, burst = the rate),
 * honouring 429's Retry-After. Callers never wait on the network: a miss
 * queues the hash and answers VT_PENDING; when the answer is cached (or the
 * hash failed for good) the worker calls on_answer(ctx, hash) without any
 * vt lock held, so on_answer may call vt_lookup.
 *
 * Threads: vt_lookup / vt_stats from any thread (one mutex). The report
 * returned is immutable: a refresh replaces it, never changes it. */
#ifndef VIGILD_VT_H
#define VIGILD_VT_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "shared/err.h"

#define VT_BODY_MAX (2 << 20)     /* bytes of one VirusTotal answer */
#define VT_ENGINES_MAX 1024       /* engines in one report */
#define VT_FIELD_BYTES 256        /* an engine's name or verdict (longer verdicts are cut) */
#define VT_QUEUE_MAX 1024         /* hashes waiting for the worker */
#define VT_CACHE_MAX 65536        /* cached answers */
#define VT_ATTEMPTS_MAX 5         /* tries of one hash (429 and errors) before it fails */
#define VT_ERROR_TTL_S 300        /* a failed hash answers VT_ERROR this long before a new try */
#define VT_RETRY_S 60             /* wait after a 429 without Retry-After, or a 5xx */
#define VT_RETRY_MAX_S 3600       /* cap of a Retry-After */
#define VT_TIMEOUT_MS 10000       /* one request */
#define VT_HASH_BYTES 64          /* sha256 hex; md5 (32) and sha1 (40) are accepted too */

enum vt_status {
  VT_FOUND = 1,  /* *report: {"engines": {engine: verdict} of malicious verdicts, "stats": {…}} */
  VT_ABSENT,     /* VirusTotal has no report of the hash */
  VT_PENDING,    /* queued or in flight; on_answer follows */
  VT_DROPPED,    /* the queue is full: not queued */
  VT_ERROR,      /* the last try failed (see vt_stats last_error); retried after VT_ERROR_TTL_S */
  VT_INVALID     /* not a hex md5 / sha1 / sha256 */
};

struct vt_opts {
  const char *url;        /* base, e.g. https://www.virustotal.com/api/v3 */
  const char *api_key;    /* x-apikey; never logged */
  const char *ca_file;    /* PEM bundle for a private CA, NULL = system store */
  int64_t cache_ttl_s;
  int rate_per_minute;
};

struct vt;
/* NULL when opts->api_key is empty (the resource is off) or the thread
 * cannot start. */
struct vt *vt_create(const struct vt_opts *opts, void (*on_answer)(void *ctx, const char *hash),
                     void *ctx);
/* Stops the worker (waits for a request in flight, at most VT_TIMEOUT_MS). */
void vt_free(struct vt *vt);
/* hash: case-insensitive hex. *report (VT_FOUND only) is a new reference. */
enum vt_status vt_lookup(struct vt *vt, const char *hash, json_t **report);
/* {requests, cache_hits, cache_misses, cached, queued, not_found, rate_limited, errors, dropped,
 * last_error} */
json_t *vt_stats(struct vt *vt);
const char *vt_status_name(enum vt_status s);

/* vt_parse.c. The report of a 200 answer → {"engines", "stats"} (new
 * reference) or NULL with err naming the field. */
json_t *vt_parse_report(const char *body, size_t len, struct vg_err *err);
/* "code: message" of an error answer, or a fixed text. */
void vt_parse_error(const char *body, size_t len, char *out, size_t outlen);

#endif
