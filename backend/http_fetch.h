/* http_fetch.h — one blocking HTTP(S) request through libcurl, used by the
 * webhook output (outputs_send.c) and the VirusTotal resource (vt.c). Only
 * those modules' own threads call it: it waits on the network.
 *
 * https verifies the server's certificate and host name against the
 * system's CA store, or against ca_file (a PEM bundle) when given. Only
 * http:// and https:// URLs are followed; redirects are not. */
#ifndef VIGILD_HTTP_FETCH_H
#define VIGILD_HTTP_FETCH_H

#include <stddef.h>

#include "shared/err.h"

#define HTTP_FETCH_HEADERS 8            /* extra request headers */
#define HTTP_FETCH_BODY_MAX (4u << 20)  /* default cap of a response body */

struct http_req {
  const char *method;                        /* "GET" or "POST" */
  const char *url;                           /* http:// or https:// */
  const char *headers[HTTP_FETCH_HEADERS];   /* "Name: value", NULL-terminated */
  const char *body;                          /* POST body or NULL */
  size_t body_len;
  const char *ca_file;                       /* PEM bundle, NULL = system store */
  long timeout_ms;                           /* whole transfer; 0 = 10 s */
  size_t max_body;                           /* 0 = HTTP_FETCH_BODY_MAX */
};

struct http_resp {
  long status;       /* HTTP status, 0 if none arrived */
  char *body;        /* NUL-terminated, malloc'd (free it), never NULL on success */
  size_t body_len;
  long retry_after;  /* seconds from a Retry-After header (delta form), -1 = none */
};

/* 0 once a response arrived (any status: the caller judges it), or
 * -VG_EIO / -VG_ETLS / -VG_ETIMEOUT / -VG_ELIMIT (body over max_body) /
 * -VG_EINVAL (scheme) with err naming the URL (never a header's value). */
int http_fetch(const struct http_req *req, struct http_resp *resp, struct vg_err *err);
void http_resp_free(struct http_resp *resp);

#endif
