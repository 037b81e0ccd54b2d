/* test_vt.c — the api/vt lookup resource end to end: the real vigild
 * pointed (virustotal.url) at a stand-in HTTP server in the test that
 * answers like VirusTotal's v3 file report (200 with last_analysis_*, 404,
 * 429 with Retry-After, 401 without the right x-apikey); the seed's rule
 * (lookup event/HASH in lcr://api/vt, metadata_rules: more than 1 engine)
 * fires for a flagged hash after the answer arrives (parked evaluation),
 * fires again from the cache without a second request, stays silent for a
 * clean (404) hash and for a hash only one engine flags, survives a 429;
 * vt.lookup answers the console's hash check; the key is never logged. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shared/alloc.h"
#include "shared/event.h"
#include "tests/harness/api_sim.h"
#include "tests/harness/harness.h"
#include "tests/harness/http_stand_in.h"
#include "tests/harness/sensor_sim.h"

#define API_KEY "vt-test-key-0123456789"
#define NHASH 5

/* 64 hex digits of one repeated character. */
static const char *hashes[NHASH] = {
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", /* 3 engines flag it */
    "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", /* 1 engine */
    "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc", /* unknown: 404 */
    "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd", /* 429, then 2 engines */
    "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee", /* asked by vt.lookup only */
};
enum { MAL, ONE, CLEAN, LIMITED, API };

struct vt_state {
  pthread_mutex_t lock;
  int per_hash[NHASH];
  int bad_key, bad_path;
};

static char *report(int malicious) {
  json_t *res = json_object();
  static const char *const eng[] = {"Kaspersky", "ESET-NOD32", "Avast"};
  for (int i = 0; i < malicious; i++)
    json_object_set_new(res, eng[i], json_pack("{s:s, s:s, s:s}", "category", "malicious",
                                               "engine_name", eng[i], "result", "EICAR-Test-File"));
  json_object_set_new(res, "Panda", json_pack("{s:s, s:s, s:n}", "category", "undetected",
                                              "engine_name", "Panda", "result"));
  json_t *doc = json_pack(
      "{s:{s:s, s:s, s:{s:{s:i, s:i, s:i, s:i}, s:o}}}", "data", "type", "file", "id", "x",
      "attributes", "last_analysis_stats", "malicious", malicious, "suspicious", 0, "undetected", 1,
      "harmless", 0, "last_analysis_results", res);
  char *s = json_dumps(doc, JSON_COMPACT);
  json_decref(doc);
  return s;
}

static void vt_handle(void *ctx, const struct http_stand_in_req *rq, struct http_stand_in_reply *out) {
  struct vt_state *st = ctx;
  static const char pre[] = "/api/v3/files/";
  if (!strcasestr(rq->headers, "x-apikey: " API_KEY "\r\n")) {
    pthread_mutex_lock(&st->lock);
    st->bad_key++;
    pthread_mutex_unlock(&st->lock);
    out->status = 401;
    out->body = vg_xstrdup("{\"error\":{\"code\":\"WrongCredentialsError\",\"message\":\"bad key\"}}");
    return;
  }
  int h = -1;
  for (int i = 0; i < NHASH; i++)
    if (strncmp(rq->path, pre, sizeof(pre) - 1) == 0 && strcmp(rq->path + sizeof(pre) - 1, hashes[i]) == 0) h = i;
  pthread_mutex_lock(&st->lock);
  int nth = h >= 0 ? ++st->per_hash[h] : 0;
  if (h < 0 || strcmp(rq->method, "GET")) st->bad_path++;
  pthread_mutex_unlock(&st->lock);
  switch (h) {
    case MAL: out->body = report(3); break;
    case ONE: out->body = report(1); break;
    case LIMITED:
      if (nth == 1) {
        out->status = 429;
        snprintf(out->headers, sizeof(out->headers), "Retry-After: 1\r\n");
        out->body = vg_xstrdup("{\"error\":{\"code\":\"QuotaExceededError\",\"message\":\"Quota exceeded\"}}");
      } else {
        out->body = report(2);
      }
      break;
    case API: out->body = report(3); break;
    default:
      out->status = 404;
      out->body = vg_xstrdup("{\"error\":{\"code\":\"NotFoundError\",\"message\":\"File not found\"}}");
  }
}

static int count(struct vt_state *st, int h) {
  pthread_mutex_lock(&st->lock);
  int n = st->per_hash[h];
  pthread_mutex_unlock(&st->lock);
  return n;
}

static void send_hash(struct sensor_sim *s, uint64_t seq, int h) {
  json_t *evs = json_array();
  json_t *ev = vg_event_new("CODE_IDENTITY", s->t0 + (int64_t)seq);
  json_t *p = vg_event_payload(ev);
  char path[64];
  snprintf(path, sizeof(path), "/tmp/sample-%c", hashes[h][0]);
  json_object_set_new(p, "FILE_PATH", json_string(path));
  json_object_set_new(p, "HASH", json_string(hashes[h]));
  json_array_append_new(evs, ev);
  ck_assert_int_eq(sensor_sim_send_events(s, seq, evs), 0);
  json_decref(evs);
}

/* The detection's hash, from a push (NULL after timeout_ms). */
static char *next_detection(struct client *c, int64_t sub, int timeout_ms) {
  json_t *push = next_push(c, sub, timeout_ms);
  if (!push) return NULL;
  json_t *det = json_object_get(push, "detection");
  ck_assert_str_eq(json_string_value(json_object_get(det, "cat")), "virustotal");
  const char *h = json_string_value(json_object_get(json_object_get(json_object_get(det, "detect"), "event"), "HASH"));
  char *out = vg_xstrdup(h ? h : "?");
  json_decref(push);
  return out;
}

static const char *vt_rule;

/* rules.test of the rule over one event with hash h: how many matched. */
static size_t test_matches(struct client *c, int h) {
  json_t *t = result_of(c, "rules.test",
                        json_pack("{s:s, s:[{s:{s:s, s:I}, s:{s:s}}]}", "yaml", vt_rule, "events",
                                  "routing", "event_type", "CODE_IDENTITY", "event_time",
                                  (json_int_t)1, "event", "HASH", hashes[h]));
  size_t n = json_array_size(json_object_get(t, "matches"));
  json_decref(t);
  return n;
}

static const char *vt_rule =
    "detect:\n"
    "  event: CODE_IDENTITY\n"
    "  op: lookup\n"
    "  path: event/HASH\n"
    "  resource: 'lcr://api/vt'\n"
    "  metadata_rules:\n"
    "    op: is greater than\n"
    "    value: 1\n"
    "    path: /\n"
    "    length of: true\n"
    "respond:\n"
    "  - action: report\n"
    "    name: virustotal\n";

START_TEST(t_vt_end_to_end) {
  struct vt_state st = {.lock = PTHREAD_MUTEX_INITIALIZER};
  struct http_stand_in srv;
  ck_assert_int_eq(http_stand_in_start(&srv, NULL, NULL, vt_handle, &st), 0);
  char url[128];
  snprintf(url, sizeof(url), "virustotal.url=http://127.0.0.1:%d/api/v3/", srv.port);
  const char *args[] = {"--set", "virustotal.api_key=" API_KEY, "--set", url,
                        "--set", "virustotal.rate_per_minute=120", NULL};
  struct harness_vigild d;
  ck_assert_int_eq(harness_vigild_start(&d, args), 0);
  struct sensor_sim s;
  struct vg_err e;
  ck_assert_msg(sensor_sim_up(&s, &d, "vt-host", &e) == 0, "sensor: %s", e.msg);
  struct client ca;
  admin_open(&ca, &d);
  json_decref(result_of(&ca, "rules.set", json_pack("{s:s, s:s}", "name", "vt", "yaml", vt_rule)));
  json_t *sub = result_of(&ca, "detections.subscribe", NULL);
  int64_t sub_id = json_integer_value(json_object_get(sub, "sub"));
  json_decref(sub);

  /* A flagged hash: a miss, the rule parks, the answer re-runs it. */
  send_hash(&s, 1, MAL);
  char *h = next_detection(&ca, sub_id, 15000);
  ck_assert_msg(h != NULL, "no detection for the flagged hash");
  ck_assert_str_eq(h, hashes[MAL]);
  free(h);
  ck_assert_int_eq(count(&st, MAL), 1);
  ck_assert_int_eq(test_matches(&ca, MAL), 1); /* a cache hit answers at once */

  /* The same hash again: from the cache, no second request. */
  send_hash(&s, 2, MAL);
  h = next_detection(&ca, sub_id, 10000);
  ck_assert_msg(h != NULL, "no detection for the cached hash");
  ck_assert_str_eq(h, hashes[MAL]);
  free(h);
  ck_assert_int_eq(count(&st, MAL), 1);

  /* Unknown to VirusTotal (404) and flagged by one engine only: asked,
   * answered, no detection. */
  send_hash(&s, 3, CLEAN);
  send_hash(&s, 4, ONE);
  for (int i = 0; i < 100 && (count(&st, CLEAN) < 1 || count(&st, ONE) < 1); i++) usleep(100000);
  ck_assert_int_eq(count(&st, CLEAN), 1);
  ck_assert_int_eq(count(&st, ONE), 1);
  h = next_detection(&ca, sub_id, 2000);
  ck_assert_msg(h == NULL, "unexpected detection for %s", h ? h : "");

  /* Rate-limited (429, Retry-After: 1): retried, then it fires. */
  send_hash(&s, 5, LIMITED);
  h = next_detection(&ca, sub_id, 20000);
  ck_assert_msg(h != NULL, "no detection after the 429");
  ck_assert_str_eq(h, hashes[LIMITED]);
  free(h);
  ck_assert_int_eq(count(&st, LIMITED), 2);

  /* vt.lookup: cached answers at once; an unseen hash is pending, then found. */
  json_t *r = result_of(&ca, "vt.lookup", json_pack("{s:s}", "hash", hashes[MAL]));
  ck_assert_str_eq(json_string_value(json_object_get(r, "status")), "found");
  /* Counters: 5 requests (MAL, CLEAN, ONE, LIMITED twice), one 429; four
   * evaluations parked, two fired (MAL, LIMITED), none waiting. */
  json_t *stt = json_object_get(r, "stats");
  ck_assert_int_eq(json_integer_value(json_object_get(stt, "requests")), 5);
  ck_assert_int_eq(json_integer_value(json_object_get(stt, "rate_limited")), 1);
  ck_assert_int_eq(json_integer_value(json_object_get(stt, "not_found")), 1);
  ck_assert_int_eq(json_integer_value(json_object_get(stt, "parked")), 4);
  ck_assert_int_eq(json_integer_value(json_object_get(stt, "fired")), 2);
  ck_assert_int_eq(json_integer_value(json_object_get(stt, "waiting")), 0);
  json_t *eng = json_object_get(json_object_get(r, "report"), "engines");
  ck_assert_int_eq(json_object_size(eng), 3);
  ck_assert_str_eq(json_string_value(json_object_get(eng, "Kaspersky")), "EICAR-Test-File");
  ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(json_object_get(r, "report"), "stats"), "malicious")), 3);
  json_decref(r);
  r = result_of(&ca, "vt.lookup", json_pack("{s:s}", "hash", hashes[CLEAN]));
  ck_assert_str_eq(json_string_value(json_object_get(r, "status")), "not_found");
  json_decref(r);
  r = result_of(&ca, "vt.lookup", json_pack("{s:s}", "hash", hashes[API]));
  ck_assert_str_eq(json_string_value(json_object_get(r, "status")), "pending");
  json_decref(r);
  const char *status = "pending";
  for (int i = 0; i < 100 && strcmp(status, "found"); i++) {
    usleep(100000);
    r = result_of(&ca, "vt.lookup", json_pack("{s:s}", "hash", hashes[API]));
    status = strcmp(json_string_value(json_object_get(r, "status")), "found") ? "pending" : "found";
    json_decref(r);
  }
  ck_assert_str_eq(status, "found");
  EXPECT(&ca, "vt.lookup", json_pack("{s:s}", "hash", "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"), "EINVAL");
  EXPECT(&ca, "vt.lookup", json_pack("{s:s}", "hash", "abc"), "EINVAL");

  /* Exactly three detections stored: MAL twice, LIMITED once. */
  json_t *dl = result_of(&ca, "detections.list", NULL);
  ck_assert_int_eq(json_array_size(json_object_get(dl, "detections")), 3);
  json_decref(dl);
  pthread_mutex_lock(&st.lock);
  ck_assert_int_eq(st.bad_key, 0);
  ck_assert_int_eq(st.bad_path, 0);
  pthread_mutex_unlock(&st.lock);

  client_close(&ca);
  sensor_sim_disconnect(&s);
  sensor_sim_cleanup(&s);
  ck_assert_int_eq(harness_vigild_stop(&d), 0);
  char *log = harness_read_file(d.log_path, NULL);
  ck_assert_ptr_nonnull(log);
  ck_assert_msg(strstr(log, API_KEY) == NULL, "the API key is in the log");
  ck_assert_ptr_nonnull(strstr(log, "VirusTotal resource on"));
  free(log);
  harness_vigild_cleanup(&d, false);
  http_stand_in_stop(&srv);
}
END_TEST

/* Without a key the resource is off: vt.lookup says so, the rule never
 * matches and nothing is asked. */
START_TEST(t_vt_not_configured) {
  struct harness_vigild d;
  ck_assert_int_eq(harness_vigild_start(&d, NULL), 0);
  struct client ca;
  admin_open(&ca, &d);
  EXPECT(&ca, "vt.lookup", json_pack("{s:s}", "hash", hashes[MAL]), "EUNSUPPORTED");
  ck_assert_int_eq(test_matches(&ca, MAL), 0);
  client_close(&ca);
  harness_vigild_cleanup(&d, false);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("vt");
  TCase *tc = tcase_create("e2e");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, t_vt_end_to_end);
  tcase_add_test(tc, t_vt_not_configured);
  suite_add_tcase(s, tc);
  return s;
}

VG_CHECK_MAIN(suite)
