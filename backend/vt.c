/* vt.c — the VirusTotal resource's cache, queue, rate limit and worker
 * thread (vt.h). */
#include "backend/vt.h"

#include <ctype.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend/http_fetch.h"
#include "shared/alloc.h"
#include "shared/log.h"

#define COMP "vt"

struct qent {
  char hash[VT_HASH_BYTES + 1];
  int attempts;
};

struct vt {
  char *url, *key_header, *ca_file;
  int64_t ttl_ms;
  double rate, tokens; /* per minute; bucket */
  int64_t refill_ms;   /* when tokens was last refilled */
  int64_t hold_ms;     /* no request before (429 / 5xx back-off) */
  void (*on_answer)(void *ctx, const char *hash);
  void *ctx;
  pthread_mutex_t lock;
  pthread_cond_t cond;
  pthread_t thread;
  bool stop;
  struct qent q[VT_QUEUE_MAX];
  size_t qhead, qlen;
  json_t *pending; /* hash → true: queued or in flight */
  json_t *cache;   /* hash → {"exp": ms, "s": status, "r": report|null} */
  uint64_t requests, hits, misses, not_found, limited, errors, dropped;
  char last_error[VG_LIMIT_ERR_MSG_BYTES];
};

static int64_t mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

const char *vt_status_name(enum vt_status s) {
  switch (s) {
    case VT_FOUND: return "found";
    case VT_ABSENT: return "not_found";
    case VT_PENDING: return "pending";
    case VT_DROPPED: return "dropped";
    case VT_ERROR: return "error";
    case VT_INVALID: return "invalid";
  }
  return "?";
}

/* Lower-case hex of 32, 40 or 64 digits into out, or -1. */
static int norm_hash(const char *h, char *out) {
  size_t n = strlen(h);
  if (n != 32 && n != 40 && n != 64) return -1;
  for (size_t i = 0; i < n; i++) {
    if (!isxdigit((unsigned char)h[i])) return -1;
    out[i] = (char)tolower((unsigned char)h[i]);
  }
  out[n] = '\0';
  return 0;
}

/* ---- cache (lock held) ---- */

static void cache_put(struct vt *vt, const char *hash, enum vt_status s, json_t *report,
                      int64_t ttl_ms) {
  if (!json_object_get(vt->cache, hash) && json_object_size(vt->cache) >= VT_CACHE_MAX) {
    int64_t now = mono_ms();
    const char *k;
    json_t *v;
    void *t;
    json_object_foreach_safe(vt->cache, t, k, v) {
      if (json_integer_value(json_object_get(v, "exp")) <= now) json_object_del(vt->cache, k);
    }
    size_t drop = VT_CACHE_MAX / 16; /* still full: drop a slice, arbitrary (hash order) */
    json_object_foreach_safe(vt->cache, t, k, v) {
      if (json_object_size(vt->cache) < VT_CACHE_MAX || !drop--) break;
      json_object_del(vt->cache, k);
    }
  }
  json_object_set_new(vt->cache, hash,
                      json_pack("{s:I, s:i, s:o}", "exp", (json_int_t)(mono_ms() + ttl_ms), "s",
                                (int)s, "r", report ? report : json_null()));
}

enum vt_status vt_lookup(struct vt *vt, const char *hash, json_t **report) {
  char h[VT_HASH_BYTES + 1];
  if (report) *report = NULL;
  if (!vt || norm_hash(hash, h)) return VT_INVALID;
  enum vt_status s;
  pthread_mutex_lock(&vt->lock);
  json_t *c = json_object_get(vt->cache, h);
  if (c && json_integer_value(json_object_get(c, "exp")) > mono_ms()) {
    vt->hits++;
    s = (enum vt_status)json_integer_value(json_object_get(c, "s"));
    if (s == VT_FOUND && report) *report = json_incref(json_object_get(c, "r"));
  } else if (json_object_get(vt->pending, h)) {
    s = VT_PENDING;
  } else if (vt->qlen >= VT_QUEUE_MAX) {
    vt->dropped++;
    s = VT_DROPPED;
  } else {
    vt->misses++;
    struct qent *e = &vt->q[(vt->qhead + vt->qlen++) % VT_QUEUE_MAX];
    snprintf(e->hash, sizeof(e->hash), "%s", h);
    e->attempts = 0;
    json_object_set_new(vt->pending, h, json_true());
    pthread_cond_signal(&vt->cond);
    s = VT_PENDING;
  }
  pthread_mutex_unlock(&vt->lock);
  return s;
}

json_t *vt_stats(struct vt *vt) {
  pthread_mutex_lock(&vt->lock);
  json_t *o = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:s?}", "requests",
                        (json_int_t)vt->requests, "cache_hits", (json_int_t)vt->hits,
                        "cache_misses", (json_int_t)vt->misses, "cached",
                        (json_int_t)json_object_size(vt->cache), "queued", (json_int_t)vt->qlen,
                        "not_found", (json_int_t)vt->not_found, "rate_limited",
                        (json_int_t)vt->limited, "errors", (json_int_t)vt->errors, "dropped",
                        (json_int_t)vt->dropped, "last_error",
                        vt->last_error[0] ? vt->last_error : NULL);
  pthread_mutex_unlock(&vt->lock);
  return o;
}

/* ---- the worker ---- */

static void wait_until(struct vt *vt, int64_t at_ms) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  int64_t d = at_ms - mono_ms();
  if (d <= 0) return;
  ts.tv_sec += d / 1000;
  ts.tv_nsec += (d % 1000) * 1000000;
  if (ts.tv_nsec >= 1000000000) ts.tv_sec++, ts.tv_nsec -= 1000000000;
  pthread_cond_timedwait(&vt->cond, &vt->lock, &ts);
}

/* One request for e (lock not held). Returns the status to cache, or
 * VT_PENDING to try again (after vt->hold_ms), with *report / *retry_s. */
static enum vt_status fetch(struct vt *vt, const struct qent *e, json_t **report, long *retry_s,
                            char *eb, size_t el) {
  char *url = vg_xasprintf("%s/files/%s", vt->url, e->hash);
  struct http_req req = {.method = "GET",
                         .url = url,
                         .headers = {vt->key_header, "Accept: application/json"},
                         .ca_file = vt->ca_file,
                         .timeout_ms = VT_TIMEOUT_MS,
                         .max_body = VT_BODY_MAX};
  struct http_resp resp;
  struct vg_err err;
  vg_err_clear(&err);
  enum vt_status s = VT_PENDING;
  *retry_s = VT_RETRY_S;
  if (http_fetch(&req, &resp, &err)) {
    vg_err_str(&err, eb, el);
    free(url);
    return VT_PENDING;
  }
  char why[300];
  if (resp.status == 200) {
    *report = vt_parse_report(resp.body, resp.body_len, &err);
    if (*report) s = VT_FOUND;
    else snprintf(eb, el, "%s: %.150s", e->hash, err.msg), s = VT_ERROR;
  } else if (resp.status == 404) {
    s = VT_ABSENT;
  } else if (resp.status == 429) {
    vt_parse_error(resp.body, resp.body_len, why, sizeof(why));
    snprintf(eb, el, "HTTP 429 (%.200s)", why);
    if (resp.retry_after >= 0) *retry_s = resp.retry_after < VT_RETRY_MAX_S ? resp.retry_after : VT_RETRY_MAX_S;
    s = VT_PENDING;
  } else {
    vt_parse_error(resp.body, resp.body_len, why, sizeof(why));
    snprintf(eb, el, "HTTP %ld (%.200s)", resp.status, why);
    /* 5xx may pass; 401/403 (a bad key) and other 4xx will not. */
    s = resp.status >= 500 ? VT_PENDING : VT_ERROR;
  }
  http_resp_free(&resp);
  free(url);
  return s;
}

static void *worker(void *arg) {
  struct vt *vt = arg;
  pthread_mutex_lock(&vt->lock);
  while (!vt->stop) {
    int64_t now = mono_ms();
    if (!vt->qlen) {
      wait_until(vt, now + 1000);
      continue;
    }
    if (now < vt->hold_ms) {
      wait_until(vt, vt->hold_ms);
      continue;
    }
    vt->tokens += (double)(now - vt->refill_ms) * vt->rate / 60000.0;
    if (vt->tokens > vt->rate) vt->tokens = vt->rate;
    vt->refill_ms = now;
    if (vt->tokens < 1.0) {
      wait_until(vt, now + (int64_t)((1.0 - vt->tokens) * 60000.0 / vt->rate) + 1);
      continue;
    }
    vt->tokens -= 1.0;
    struct qent e = vt->q[vt->qhead];
    vt->qhead = (vt->qhead + 1) % VT_QUEUE_MAX;
    vt->qlen--;
    vt->requests++;
    pthread_mutex_unlock(&vt->lock);

    json_t *report = NULL;
    long retry_s = 0;
    char eb[VG_LIMIT_ERR_MSG_BYTES] = "";
    enum vt_status s = fetch(vt, &e, &report, &retry_s, eb, sizeof(eb));

    pthread_mutex_lock(&vt->lock);
    bool answered = true;
    if (eb[0]) {
      snprintf(vt->last_error, sizeof(vt->last_error), "%s", eb);
      if (strncmp(eb, "HTTP 429", 8) == 0) vt->limited++;
      else vt->errors++;
      vg_warn(COMP, "%s: %s", e.hash, eb);
    }
    if (s == VT_PENDING) {
      vt->hold_ms = mono_ms() + retry_s * 1000;
      if (++e.attempts < VT_ATTEMPTS_MAX) { /* back to the front: it waited longest */
        vt->qhead = (vt->qhead + VT_QUEUE_MAX - 1) % VT_QUEUE_MAX;
        vt->q[vt->qhead] = e;
        vt->qlen++;
        answered = false;
      } else {
        s = VT_ERROR;
      }
    }
    if (answered) {
      if (s == VT_ABSENT) vt->not_found++;
      cache_put(vt, e.hash, s, report, s == VT_ERROR ? VT_ERROR_TTL_S * 1000LL : vt->ttl_ms);
      json_object_del(vt->pending, e.hash);
      vg_debug(COMP, "%s: %s", e.hash, vt_status_name(s));
      pthread_mutex_unlock(&vt->lock);
      if (vt->on_answer) vt->on_answer(vt->ctx, e.hash);
      pthread_mutex_lock(&vt->lock);
    }
  }
  pthread_mutex_unlock(&vt->lock);
  return NULL;
}

struct vt *vt_create(const struct vt_opts *o, void (*on_answer)(void *ctx, const char *hash),
                     void *ctx) {
  if (!o->api_key || !o->api_key[0]) return NULL;
  struct vt *vt = vg_xcalloc(1, sizeof(*vt));
  size_t ul = strlen(o->url);
  while (ul && o->url[ul - 1] == '/') ul--;
  vt->url = vg_xasprintf("%.*s", (int)ul, o->url);
  vt->key_header = vg_xasprintf("x-apikey: %s", o->api_key);
  vt->ca_file = o->ca_file && o->ca_file[0] ? vg_xstrdup(o->ca_file) : NULL;
  vt->ttl_ms = o->cache_ttl_s * 1000;
  vt->rate = o->rate_per_minute > 0 ? o->rate_per_minute : 1;
  vt->tokens = vt->rate;
  vt->refill_ms = mono_ms();
  vt->on_answer = on_answer;
  vt->ctx = ctx;
  vt->pending = json_object();
  vt->cache = json_object();
  pthread_mutex_init(&vt->lock, NULL);
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&vt->cond, &ca);
  pthread_condattr_destroy(&ca);
  if (pthread_create(&vt->thread, NULL, worker, vt)) {
    vt->thread = 0;
    vt_free(vt);
    return NULL;
  }
  vg_info(COMP, "VirusTotal resource on: %s, %d requests/minute, cache TTL %llds", vt->url,
          (int)vt->rate, (long long)o->cache_ttl_s);
  return vt;
}

void vt_free(struct vt *vt) {
  if (!vt) return;
  if (vt->thread) {
    pthread_mutex_lock(&vt->lock);
    vt->stop = true;
    pthread_cond_signal(&vt->cond);
    pthread_mutex_unlock(&vt->lock);
    pthread_join(vt->thread, NULL);
  }
  pthread_mutex_destroy(&vt->lock);
  pthread_cond_destroy(&vt->cond);
  json_decref(vt->pending);
  json_decref(vt->cache);
  free(vt->url);
  free(vt->key_header);
  free(vt->ca_file);
  free(vt);
}
