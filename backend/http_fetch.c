/* http_fetch.c — a libcurl easy handle per request (requests are rare:
 * a webhook delivery, a VirusTotal query), bounded in time and size. */
#include "backend/http_fetch.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "shared/alloc.h"

#define HTTP_FETCH_TIMEOUT_MS_DEFAULT 10000
#define HTTP_FETCH_CONNECT_MS 5000

static pthread_once_t once = PTHREAD_ONCE_INIT;
static void global_init(void) { curl_global_init(CURL_GLOBAL_DEFAULT); }

struct sink {
  char *buf;
  size_t len, cap, max;
  bool over;
  long retry_after;
};

static size_t on_body(char *p, size_t sz, size_t n, void *ud) {
  struct sink *s = ud;
  size_t add = sz * n;
  if (s->len + add > s->max) {
    s->over = true;
    return 0; /* aborts the transfer */
  }
  if (s->len + add + 1 > s->cap) {
    s->cap = (s->len + add + 1) * 2;
    if (s->cap > s->max + 1) s->cap = s->max + 1;
    s->buf = vg_xrealloc(s->buf, s->cap);
  }
  memcpy(s->buf + s->len, p, add);
  s->len += add;
  s->buf[s->len] = '\0';
  return add;
}

static size_t on_header(char *p, size_t sz, size_t n, void *ud) {
  struct sink *s = ud;
  size_t len = sz * n;
  static const char name[] = "retry-after:";
  if (len > sizeof(name) - 1 && strncasecmp(p, name, sizeof(name) - 1) == 0) {
    long v = 0;
    size_t i = sizeof(name) - 1;
    while (i < len && (p[i] == ' ' || p[i] == '\t')) i++;
    size_t d = 0;
    for (; i < len && p[i] >= '0' && p[i] <= '9' && d < 9; i++, d++) v = v * 10 + (p[i] - '0');
    if (d) s->retry_after = v; /* the HTTP-date form is ignored */
  }
  return len;
}

static int fail_code(CURLcode c) {
  switch (c) {
    case CURLE_OPERATION_TIMEDOUT: return VG_ETIMEOUT;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM: return VG_ETLS;
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT: return VG_EINVAL;
    default: return VG_EIO;
  }
}

/* The URL without any user:password@ part, for messages. */
static void url_for_msg(const char *url, char *out, size_t outlen) {
  const char *a = strstr(url, "://");
  const char *at = a ? strchr(a + 3, '@') : NULL;
  const char *slash = a ? strchr(a + 3, '/') : NULL;
  if (at && (!slash || at < slash)) snprintf(out, outlen, "%.*s%s", (int)(a + 3 - url), url, at + 1);
  else snprintf(out, outlen, "%s", url);
}

int http_fetch(const struct http_req *req, struct http_resp *resp, struct vg_err *err) {
  memset(resp, 0, sizeof(*resp));
  resp->retry_after = -1;
  char shown[512];
  url_for_msg(req->url, shown, sizeof(shown));
  if (strncmp(req->url, "http://", 7) && strncmp(req->url, "https://", 8))
    return vg_err_fail(err, VG_EINVAL, "%s: only http:// and https:// URLs", shown);
  pthread_once(&once, global_init);
  CURL *c = curl_easy_init();
  if (!c) return vg_err_fail(err, VG_EINTERNAL, "%s: curl_easy_init failed", shown);
  struct sink s = {.max = req->max_body ? req->max_body : HTTP_FETCH_BODY_MAX, .retry_after = -1};
  struct curl_slist *hl = NULL;
  for (int i = 0; i < HTTP_FETCH_HEADERS && req->headers[i]; i++)
    hl = curl_slist_append(hl, req->headers[i]);
  hl = curl_slist_append(hl, "Expect:"); /* no 100-continue round trip */
  char ebuf[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(c, CURLOPT_URL, req->url);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "vigild");
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS,
                   req->timeout_ms > 0 ? req->timeout_ms : (long)HTTP_FETCH_TIMEOUT_MS_DEFAULT);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)HTTP_FETCH_CONNECT_MS);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  if (req->ca_file) curl_easy_setopt(c, CURLOPT_CAINFO, req->ca_file);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &s);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
  if (req->method && strcmp(req->method, "POST") == 0) {
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, req->body ? req->body : "");
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(req->body ? req->body_len : 0));
  }
  CURLcode cc = curl_easy_perform(c);
  int rc = 0;
  if (s.over) {
    rc = vg_err_fail(err, VG_ELIMIT, "%s: response body over %zu bytes", shown, s.max);
  } else if (cc != CURLE_OK) {
    rc = vg_err_fail(err, fail_code(cc), "%s: %s", shown, ebuf[0] ? ebuf : curl_easy_strerror(cc));
  } else {
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp->status);
    resp->body = s.buf ? s.buf : vg_xstrdup("");
    resp->body_len = s.len;
    resp->retry_after = s.retry_after;
    s.buf = NULL;
  }
  free(s.buf);
  curl_slist_free_all(hl);
  curl_easy_cleanup(c);
  return rc;
}

void http_resp_free(struct http_resp *resp) {
  if (!resp) return;
  free(resp->body);
  resp->body = NULL;
}
