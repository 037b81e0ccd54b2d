/* test_vigilctl_data.c — the REAL vigilctl binary against the REAL vigild
 * over telemetry a simulated sensor sent: events (paging through cursors,
 * --end, --type, --limit, NDJSON), histogram totals, graph of a bash → sh →
 * sleep tree; rules set/get/list/test/enable/disable/delete, fp, feeds; the
 * wizard's rule is accepted by rules.set, a matching event makes a
 * detection that `detections --follow` prints and `detections --json`
 * lists; rules replay (stored rule and rule file, paging, --limit). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shared/alloc.h"
#include "shared/atom.h"
#include "shared/event.h"
#include "tests/harness/ctl_proc.h"
#include "tests/harness/harness.h"
#include "tests/harness/sensor_sim.h"

#define FILLER 1100 /* FILE_MODIFIED events of sh: more than one API page */
#define BATCH 550

static struct harness_vigild d;
static char *home, *ctl, *ce; /* ce: VIGIL_CREDS_FILE=vigild's credentials.yaml */
static struct sensor_sim s;
static int64_t T;
static char A_BASH[33], A_SH[33], A_SLEEP[33];
static uint64_t next_seq = 1;

static json_t *event(const char *type, int64_t t, const char *this_, const char *parent) {
  json_t *ev = vg_event_new(type, t);
  json_t *rt = vg_event_routing(ev);
  if (this_) json_object_set_new(rt, "this", json_string(this_));
  if (parent) json_object_set_new(rt, "parent", json_string(parent));
  return ev;
}

static json_t *proc(int64_t t, const char *this_, const char *parent, const char *path, int pid) {
  json_t *ev = event("NEW_PROCESS", t, this_, parent);
  json_object_set_new(vg_event_payload(ev), "FILE_PATH", json_string(path));
  json_object_set_new(vg_event_payload(ev), "PROCESS_ID", json_integer(pid));
  return ev;
}

static void send_and_ack(json_t *evs) {
  size_t n = json_array_size(evs);
  ck_assert_int_eq(sensor_sim_send_events(&s, next_seq, evs), 0);
  json_decref(evs);
  json_t *a = sensor_sim_recv(&s, "ack", 20000);
  ck_assert_ptr_nonnull(a);
  ck_assert_int_eq(json_integer_value(json_object_get(a, "seq")), (json_int_t)(next_seq + n - 1));
  json_decref(a);
  next_seq += n;
}

static void setup(void) {
  ck_assert_int_eq(harness_vigild_start(&d, NULL), 0);
  ce = vg_xasprintf("VIGIL_CREDS_FILE=%s/credentials.yaml", d.data_dir);
  home = harness_mkdtemp("vigilctl-data-home");
  ctl = harness_binary_path("cli/vigilctl");
  ctl_proc_init(home, ctl);
  struct vg_err e;
  ck_assert_msg(sensor_sim_enroll(&s, &d, NULL, "tree-host", &e) == 0, "enroll: %s", e.msg);
  json_decref(sensor_sim_connect(&s, &d, NULL, NULL));
  next_seq = 1;
}

static void teardown(void) {
  sensor_sim_disconnect(&s);
  sensor_sim_cleanup(&s);
  harness_vigild_cleanup(&d, false);
  harness_rm_rf(home);
  free(home);
  free(ctl);
  free(ce);
}

/* The tree (3 processes, a DNS request of sleep), then FILLER file events
 * of sh one second apart, from T. Returns how many were sent. */
static int send_tree(void) {
  T = vg_event_now_ms() - 2 * 3600000LL;
  vg_atom_new(A_BASH);
  vg_atom_new(A_SH);
  vg_atom_new(A_SLEEP);
  json_t *b = json_array();
  json_array_append_new(b, proc(T, A_BASH, NULL, "/usr/bin/bash", 100));
  json_array_append_new(b, proc(T + 10, A_SH, A_BASH, "/usr/bin/sh", 101));
  json_array_append_new(b, proc(T + 20, A_SLEEP, A_SH, "/usr/bin/sleep", 102));
  json_t *dns = event("DNS_REQUEST", T + 30, NULL, A_SLEEP);
  json_object_set_new(vg_event_payload(dns), "DOMAIN_NAME", json_string("tree.example"));
  json_array_append_new(b, dns);
  send_and_ack(b);
  for (int i = 0; i < FILLER; i += BATCH) {
    b = json_array();
    for (int k = i; k < i + BATCH && k < FILLER; k++)
      json_array_append_new(b, event("FILE_MODIFIED", T + 1000 + k * 1000LL, NULL, A_SH));
    send_and_ack(b);
  }
  return 4 + FILLER;
}

/* NDJSON lines of text: each parsed (checked), in an array. */
static json_t *ndjson(const char *text) {
  json_t *arr = json_array();
  char *copy = vg_xstrdup(text), *save = NULL;
  for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
    json_error_t je;
    json_t *j = json_loads(l, 0, &je);
    ck_assert_msg(j, "not JSON: %s: %s", je.text, l);
    json_array_append_new(arr, j);
  }
  free(copy);
  return arr;
}

/* A DNS request of sleep, from a sensor that says which platform it is
 * (routing/plat: vigild does not stamp it, docs/vigilctl.md). */
static json_t *dns(const char *domain, int64_t t, unsigned plat) {
  json_t *ev = event("DNS_REQUEST", t, NULL, A_SLEEP);
  json_object_set_new(vg_event_routing(ev), "plat", json_integer(plat));
  json_object_set_new(vg_event_payload(ev), "DOMAIN_NAME", json_string(domain));
  return ev;
}

static char *ms(int64_t t) { return vg_xasprintf("%lld", (long long)t); }

START_TEST(t_events_histogram_graph) {
  int sent = send_tree();
  char *out, *err, *from = ms(T - 1), *end = ms(T + 3600000);

  /* Every event, through pages of 7 (cursors), in time order, each once. */
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, &err,
                                ARGS("--json", "events", s.id.sid, "--start", from, "--end", end, "--page-size", "7")),
                   0);
  json_t *evs = ndjson(out);
  ck_assert_int_eq(json_array_size(evs), sent);
  json_t *ids = json_object();
  int64_t last = 0;
  size_t i;
  json_t *ev;
  json_array_foreach(evs, i, ev) {
    ck_assert_str_eq(json_string_value(json_object_get(vg_event_routing(ev), "sid")), s.id.sid);
    ck_assert_int_ge(vg_event_get_time(ev), last);
    last = vg_event_get_time(ev);
    const char *id = json_string_value(json_object_get(vg_event_routing(ev), "event_id"));
    ck_assert_ptr_null(json_object_get(ids, id));
    json_object_set_new(ids, id, json_true());
  }
  ck_assert_str_eq(vg_event_get_type(json_array_get(evs, 0)), "NEW_PROCESS");
  json_decref(ids);
  json_decref(evs);
  free(out);
  free(err);
  /* The default page (1000) over 1104 events: two calls, same count. */
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL, ARGS("--json", "events", s.id.sid, "--start", from)), 0);
  evs = ndjson(out);
  ck_assert_int_eq(json_array_size(evs), sent);
  json_decref(evs);
  free(out);

  /* --end is exclusive: the tree and the first 10 file events. */
  char *end10 = ms(T + 1000 + 10 * 1000);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL,
                                ARGS("--json", "events", s.id.sid, "--start", from, "--end", end10, "--page-size", "3")),
                   0);
  evs = ndjson(out);
  ck_assert_int_eq(json_array_size(evs), 14);
  json_decref(evs);
  free(out);
  free(end10);
  /* --limit and --type. */
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL, ARGS("--json", "events", s.id.sid, "--start", from, "--limit", "5")), 0);
  evs = ndjson(out);
  ck_assert_int_eq(json_array_size(evs), 5);
  json_decref(evs);
  free(out);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL,
                                ARGS("events", s.id.sid, "--start", from, "--type", "DNS_REQUEST,NEW_PROCESS")),
                   0);
  int lines = 0;
  for (char *p = out; (p = strchr(p, '\n')); p++) lines++;
  ck_assert_int_eq(lines, 4);
  ck_assert_msg(strstr(out, " DNS_REQUEST ") && strstr(out, "tree.example"), "%s", out);
  free(out);
  /* Usage errors: exit 2, the usage printed. */
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, NULL, &err, ARGS("events", s.id.sid)), 2);
  ck_assert_msg(strstr(err, "--start is required") && strstr(err, "usage: vigilctl events"), "%s", err);
  free(err);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, NULL, &err, ARGS("events", s.id.sid, "--start", "yesterday")), 2);
  free(err);

  /* Histogram: the totals of the sensor and of the organisation. */
  char *hend = ms(T + 1000 + FILLER * 1000LL);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL,
                                ARGS("--json", "histogram", "--sid", s.id.sid, "--start", from, "--end", hend, "--per-type")),
                   0);
  json_t *h = json_loads(out, 0, NULL);
  ck_assert_ptr_nonnull(h);
  ck_assert_int_eq(json_integer_value(json_object_get(h, "total")), sent);
  ck_assert_str_eq(json_string_value(json_object_get(h, "granularity")), "minute");
  long long sum = 0, procs = 0;
  json_t *b;
  json_array_foreach(json_object_get(h, "buckets"), i, b) {
    sum += json_integer_value(json_object_get(b, "n"));
    procs += json_integer_value(json_object_get(json_object_get(b, "types"), "NEW_PROCESS"));
  }
  ck_assert_int_eq(sum, sent);
  ck_assert_int_eq(procs, 3);
  json_decref(h);
  free(out);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL, ARGS("histogram", "--start", from, "--end", hend)), 0);
  char *want = vg_xasprintf("\ntotal %d (minute buckets of 60000 ms, ", sent);
  ck_assert_msg(strstr(out, want) && !strncmp(out, "TIME", 4), "%s", out);
  free(want);
  free(out);
  /* Only file events. */
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL,
                                ARGS("--json", "histogram", "--start", from, "--end", hend, "--type", "FILE_MODIFIED")),
                   0);
  h = json_loads(out, 0, NULL);
  ck_assert_int_eq(json_integer_value(json_object_get(h, "total")), FILLER);
  json_decref(h);
  free(out);
  free(hend);

  /* search (pages until done), export, objects (feat/insight's methods). */
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, &err,
                                ARGS("--json", "search", "-3h | * | DNS_REQUEST | event/DOMAIN_NAME is \"tree.example\"")),
                   0);
  evs = ndjson(out);
  ck_assert_int_eq(json_array_size(evs), 1);
  ck_assert_str_eq(json_string_value(json_object_get(vg_event_routing(json_array_get(evs, 0)), "parent")), A_SLEEP);
  ck_assert_msg(strstr(err, "search: 1 row"), "%s", err);
  json_decref(evs);
  free(out);
  free(err);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL, ARGS("search", "-3h | * | FILE_MODIFIED | *", "--limit", "25")), 0);
  lines = 0;
  for (char *p = out; (p = strchr(p, '\n')); p++) lines++;
  ck_assert_int_eq(lines, 25);
  free(out);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL, ARGS("search", "-3h | * | DNS_REQUEST | event/DOMAIN_NAME is \"nope\"")), 1);
  free(out);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, NULL, &err, ARGS("search", "-3h | * | DNS_REQUEST | event/X is \"open")), 5);
  ck_assert_msg(strstr(err, "EPARSE") && strstr(err, "params.query:"), "%s", err);
  free(err);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL, ARGS("export", "-3h | * | NEW_PROCESS | *")), 0);
  evs = ndjson(out);
  ck_assert_int_eq(json_array_size(evs), 3);
  json_decref(evs);
  free(out);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL, ARGS("--json", "objects", "domain", "tree.example")), 0);
  json_t *ob = json_loads(out, 0, NULL);
  ck_assert_int_eq(json_integer_value(json_object_get(ob, "total")), 1);
  ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(ob, "sensors"), 0), "sid")), s.id.sid);
  json_decref(ob);
  free(out);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL, ARGS("objects", "domain", "tree.example")), 0);
  ck_assert_msg(strstr(out, "TOTAL") && strstr(out, "sim-host"), "%s", out);
  free(out);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, NULL, NULL, ARGS("objects", "domain", "never.example")), 1);

  /* Graph of sleep: bash → sh → sleep, and sleep's DNS request below it. */
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, &err, ARGS("graph", A_SLEEP)), 0);
  char *l_bash = strstr(out, " /usr/bin/bash (pid 100) "), *l_sh = strstr(out, "\n└─ "),
       *l_sleep = strstr(out, "\n   └─ "), *l_dns = strstr(out, "\n      └─ ");
  ck_assert_msg(l_bash && l_sh && l_sleep && l_dns && l_bash < l_sh && l_sh < l_sleep && l_sleep < l_dns, "%s", out);
  ck_assert_msg(strstr(l_sh, "/usr/bin/sh (pid 101)") && strstr(l_sleep, "/usr/bin/sleep (pid 102)") &&
                    strstr(l_sleep, "<==") && strstr(l_dns, "DNS_REQUEST"),
                "%s", out);
  ck_assert_ptr_nonnull(strstr(err, "2 ancestors, 1 child event"));
  free(out);
  free(err);
  /* Graph of sh as JSON: its chain, and every child (more than a page). */
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL, ARGS("--json", "graph", A_SH, "--limit", "5000")), 0);
  json_t *g = json_loads(out, 0, NULL);
  ck_assert_ptr_nonnull(g);
  ck_assert_int_eq(json_array_size(json_object_get(g, "chain")), 2);
  ck_assert_int_eq(json_array_size(json_object_get(g, "children")), FILLER + 1);
  json_decref(g);
  free(out);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL, ARGS("--json", "graph", A_SH, "--limit", "10")), 0);
  g = json_loads(out, 0, NULL);
  ck_assert_int_eq(json_array_size(json_object_get(g, "children")), 10);
  json_decref(g);
  free(out);
  /* An atom with no process event: exit 1; not an atom: exit 2. */
  char other[33];
  vg_atom_new(other);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, NULL, NULL, ARGS("graph", other)), 1);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, NULL, NULL, ARGS("graph", "xyz")), 2);
  free(from);
  free(end);
}
END_TEST

static const char *rule_yaml =
    "detect:\n"
    "  event: NEW_PROCESS\n"
    "  op: ends with\n"
    "  path: event/FILE_PATH\n"
    "  value: /sleep\n"
    "respond:\n"
    "  - action: report\n"
    "    name: sleep seen\n";

/* The row of a --json list whose member key is value, or NULL. */
static json_t *row(json_t *rows, const char *key, const char *value) {
  size_t i;
  json_t *r;
  json_array_foreach(rows, i, r) {
    const char *v = json_string_value(json_object_get(r, key));
    if (v && !strcmp(v, value)) return r;
  }
  return NULL;
}

START_TEST(t_rules_wizard_detections) {
  send_tree();
  char *out, *err;
  char *rule_file = vg_xasprintf("%s/sleepers.yaml", home);
  harness_write_file(rule_file, rule_yaml);

  /* set (name from the file), list, get round-trips the YAML. */
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, NULL, &err, ARGS("rules", "set", rule_file)), 0);
  ck_assert_ptr_nonnull(strstr(err, "'sleepers' set"));
  free(err);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL, ARGS("--json", "rules", "list")), 0);
  json_t *rows = ndjson(out);
  json_t *r = row(rows, "name", "sleepers");
  ck_assert_ptr_nonnull(r);
  ck_assert(json_is_true(json_object_get(r, "enabled")));
  ck_assert_ptr_nonnull(json_object_get(r, "stats"));
  json_decref(rows);
  free(out);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL, ARGS("rules", "get", "sleepers")), 0);
  ck_assert_str_eq(out, rule_yaml);
  free(out);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL, ARGS("rules", "list")), 0);
  ck_assert_msg(!strncmp(out, "NAME", 4) && strstr(out, "\nsleepers ") && strstr(out, " yes "), "%s", out);
  free(out);

  /* test over events vigilctl itself fetched (NDJSON round trip). */
  char *from = ms(T - 1), *end = ms(T + 100);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL, ARGS("--json", "events", s.id.sid, "--start", from, "--end", end)), 0);
  char *ev_file = vg_xasprintf("%s/tree.ndjson", home);
  harness_write_file(ev_file, out);
  free(out);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, &err, ARGS("--json", "rules", "test", rule_file, "--events", ev_file)), 0);
  json_t *t = json_loads(out, 0, NULL);
  ck_assert_ptr_nonnull(t);
  ck_assert_int_eq(json_array_size(json_object_get(t, "matches")), 1);
  ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(json_object_get(t, "matches"), 0), "index")), 2);
  ck_assert_ptr_nonnull(strstr(err, "1 of 4 events match"));
  json_decref(t);
  free(out);
  free(err);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL, ARGS("rules", "test", rule_file, "--events", ev_file)), 0);
  ck_assert_msg(strstr(out, "INDEX") && strstr(out, "\n2 ") && strstr(out, "NEW_PROCESS") && strstr(out, "report"), "%s", out);
  free(out);
  /* No match: exit 1; a bad events file: exit 2 naming file:line. */
  char *none_file = vg_xasprintf("%s/none.json", home);
  harness_write_file(none_file, "[{\"routing\":{\"event_type\":\"NEW_PROCESS\",\"event_time\":1},\"event\":{\"FILE_PATH\":\"/bin/ls\"}}]");
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, NULL, NULL, ARGS("rules", "test", rule_file, "--events", none_file)), 1);
  harness_write_file(none_file, "{\"routing\":{},\"event\":{}}\n{\"routing\":{}}\n");
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, NULL, &err, ARGS("rules", "test", rule_file, "--events", none_file)), 2);
  ck_assert_msg(strstr(err, "none.json:2: event 2 is not an envelope"), "%s", err);
  free(err);

  /* disable / enable / delete; unknown: exit 1; a bad rule: exit 5 naming line:col. */
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, NULL, NULL, ARGS("rules", "disable", "sleepers")), 0);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL, ARGS("--json", "rules", "get", "sleepers")), 0);
  ck_assert_ptr_nonnull(strstr(out, "\"enabled\":false"));
  free(out);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, NULL, NULL, ARGS("rules", "enable", "sleepers")), 0);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, NULL, NULL, ARGS("rules", "delete", "sleepers")), 0);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, NULL, NULL, ARGS("rules", "get", "sleepers")), 1);
  char *bad_file = vg_xasprintf("%s/bad.yaml", home);
  harness_write_file(bad_file, "detect:\n  op: is\n  path: event/X\n  vaule: 1\n");
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, NULL, &err, ARGS("rules", "set", bad_file)), 5);
  ck_assert_msg(strstr(err, "general/bad:4:3") && strstr(err, "vaule"), "%s", err);
  free(err);

  /* The wizard: its YAML is what rules.set stores. */
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, &err,
                                ARGS("wizard", "--name", "evil-dns", "--domain", "Evil.Example.COM,bad.example",
                                     "--platform", "linux", "--respond", "report", "--priority", "4", "--apply")),
                   0);
  ck_assert_msg(strstr(out, "evil.example.com") && strstr(out, "DNS_REQUEST") && strstr(err, "'evil-dns' set"), "%s%s",
                out, err);
  char *stored;
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &stored, NULL, ARGS("rules", "get", "evil-dns")), 0);
  ck_assert_str_eq(stored, out);
  free(stored);
  free(out);
  free(err);
  /* Bad wizard input: exit 2, naming it. */
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, NULL, &err, ARGS("wizard", "--name", "x", "--ip", "300.1.2.3")), 2);
  ck_assert_ptr_nonnull(strstr(err, "ip '300.1.2.3'"));
  free(err);

  /* Follow detections, then the sensor asks for the evil domain: the
   * follower prints the detection; a harmless request makes none. */
  struct ctl_proc f;
  ctl_proc_start(&f, ENV(ce), NULL, ARGS("--json", "detections", "--follow", "--limit", "0", "--count", "1", "--for", "60"));
  usleep(1000 * 1000); /* subscribed */
  json_t *bt = json_array();
  int64_t now = vg_event_now_ms();
  json_array_append_new(bt, dns("good.example", now, 0x20000000u));
  /* (plat is the backend's: the sensor enrolled as linux, so a claimed
   * windows plat would be overwritten; platform filtering is covered by
   * tests/unit/test_wizard.c.) */
  json_array_append_new(bt, dns("EVIL.example.com", now + 1, 0x20000000u));
  send_and_ack(bt);
  char *line = ctl_proc_next_line(&f, 30000);
  ck_assert_ptr_nonnull(line);
  json_t *det = json_loads(line, 0, NULL);
  ck_assert_msg(det, "%s", line);
  ck_assert_str_eq(json_string_value(json_object_get(det, "rule")), "evil-dns");
  ck_assert_str_eq(json_string_value(json_object_get(det, "cat")), "evil-dns");
  ck_assert_int_eq(json_integer_value(json_object_get(det, "priority")), 4);
  ck_assert_str_eq(json_string_value(json_object_get(json_object_get(json_object_get(det, "detect"), "event"), "DOMAIN_NAME")),
                   "EVIL.example.com");
  const char *det_id = json_string_value(json_object_get(det, "detect_id"));
  ck_assert_int_eq(ctl_proc_finish(&f, NULL, NULL), 0);
  free(line);

  /* detections --json lists it (and only it); the table shows it. */
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL, ARGS("--json", "detections", "--start", "-1h")), 0);
  rows = ndjson(out);
  ck_assert_int_eq(json_array_size(rows), 1);
  ck_assert_ptr_nonnull(row(rows, "detect_id", det_id));
  json_decref(rows);
  free(out);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL, ARGS("detections")), 0);
  ck_assert_msg(strstr(out, "CATEGORY") && strstr(out, "evil-dns") && strstr(out, "sim-host"), "%s", out);
  free(out);
  /* A range before it: nothing. */
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL, ARGS("--json", "detections", "--end", "-1h")), 0);
  ck_assert_str_eq(out, "");
  free(out);

  /* A false-positive rule drops the next one; fp list shows it; deleted, they come back. */
  char *fp_file = vg_xasprintf("%s/not-bad.yaml", home);
  harness_write_file(fp_file, "op: is\npath: detect/event/DOMAIN_NAME\nvalue: bad.example\n");
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, NULL, NULL, ARGS("fp", "set", fp_file)), 0);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL, ARGS("--json", "fp", "list")), 0);
  ck_assert_ptr_nonnull(strstr(out, "\"name\":\"not-bad\""));
  free(out);
  ctl_proc_start(&f, ENV(ce), NULL, ARGS("--json", "detections", "--follow", "--limit", "0", "--count", "1", "--for", "60"));
  usleep(1000 * 1000);
  bt = json_array();
  now = vg_event_now_ms();
  json_array_append_new(bt, dns("bad.example", now, 0x20000000u));
  json_array_append_new(bt, dns("evil.example.com", now + 1, 0x20000000u));
  send_and_ack(bt);
  line = ctl_proc_next_line(&f, 30000);
  ck_assert_ptr_nonnull(line);
  ck_assert_msg(strstr(line, "\"DOMAIN_NAME\":\"evil.example.com\""), "%s", line);
  ck_assert_int_eq(ctl_proc_finish(&f, NULL, NULL), 0);
  free(line);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, NULL, NULL, ARGS("fp", "delete", "not-bad")), 0);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL, ARGS("fp", "list")), 0);
  ck_assert_ptr_null(strstr(out, "not-bad"));
  free(out);

  /* Feeds: an empty list; a file outside <data_dir>/feeds is refused (5). */
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL, ARGS("feeds", "list")), 0);
  ck_assert_str_eq(out, "NAME  FILE  ENTRIES  ERROR\n");
  free(out);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, NULL, NULL, ARGS("feeds", "set", "x", "../credentials.yaml")), 5);

  json_decref(det);
  free(fp_file);
  free(bad_file);
  free(none_file);
  free(ev_file);
  free(from);
  free(end);
  free(rule_file);
}
END_TEST

/* rules replay: a stored rule and a rule file over the stored tree, paging
 * through the cursor (--page-size), --sid, --limit, table and NDJSON, exit
 * 1 when nothing matches, usage errors. */
START_TEST(t_rules_replay) {
  int sent = send_tree();
  char *out, *err;
  char *rule_file = vg_xasprintf("%s/sleepers.yaml", home);
  harness_write_file(rule_file, rule_yaml);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, NULL, NULL, ARGS("rules", "set", rule_file)), 0);
  char *from = ms(T - 1000), *to = ms(T + 1000 + FILLER * 1000LL);

  /* The stored rule by name: sleep's NEW_PROCESS, one table row, over every
   * event of the range in pages of 300 (at least 4 calls). */
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, &err,
                                ARGS("rules", "replay", "sleepers", "--start", from, "--end", to, "--page-size", "300")),
                   0);
  ck_assert_msg(!strncmp(out, "TIME", 4) && strstr(out, "EVENT_TYPE") && strstr(out, "ATOM"), "%s", out);
  int nl = 0;
  for (const char *q = out; *q; q++) nl += *q == '\n';
  ck_assert_int_eq(nl, 2); /* header + one row */
  ck_assert_msg(strstr(out, "NEW_PROCESS") && strstr(out, A_SLEEP) && strstr(out, s.id.sid), "%s", out);
  char *want = vg_xasprintf("rules replay: 1 matches over %d events scanned", sent);
  ck_assert_msg(strstr(err, want), "%s", err);
  free(want);
  long long calls = 0;
  const char *cp = strstr(err, " ns, ");
  ck_assert_ptr_nonnull(cp);
  calls = strtoll(cp + 5, NULL, 10);
  ck_assert_msg(calls >= (sent + 299) / 300, "%s", err);
  free(out);
  free(err);

  /* A rule file (not stored) matching every file event of sh, --json:
   * NDJSON of the API's match records, all FILLER of them across pages. */
  char *all_file = vg_xasprintf("%s/sh-files.yaml", home);
  char *all_yaml = vg_xasprintf("detect:\n  event: FILE_MODIFIED\n  op: is\n  path: routing/parent\n  value: %s\n"
                                "respond:\n  - action: report\n    name: sh wrote\n",
                                A_SH);
  harness_write_file(all_file, all_yaml);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, &err,
                                ARGS("--json", "rules", "replay", "--file", all_file, "--start", from, "--end", to,
                                     "--sid", s.id.sid, "--page-size", "400", "--limit", "5000")),
                   0);
  json_t *rows = ndjson(out);
  ck_assert_int_eq(json_array_size(rows), FILLER);
  int64_t prev = 0;
  size_t i;
  json_t *m;
  json_array_foreach(rows, i, m) {
    json_t *ev = json_object_get(m, "event");
    ck_assert_str_eq(vg_event_get_type(ev), "FILE_MODIFIED");
    ck_assert_int_ge(vg_event_get_time(ev), prev); /* time order, none twice */
    ck_assert_int_ne(vg_event_get_time(ev), prev);
    prev = vg_event_get_time(ev);
  }
  json_decref(rows);
  ck_assert_msg(strstr(err, "rules replay: 1100 matches"), "%s", err);
  free(out);
  free(err);

  /* --limit stops early (and says so); nothing stored is reported. */
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, &err,
                                ARGS("--json", "rules", "replay", "--file", all_file, "--start", from, "--end", to,
                                     "--limit", "7")),
                   0);
  rows = ndjson(out);
  ck_assert_int_eq(json_array_size(rows), 7);
  json_decref(rows);
  ck_assert_msg(strstr(err, "(stopped at --limit)"), "%s", err);
  free(out);
  free(err);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL, ARGS("--json", "detections")), 0);
  ck_assert_msg(!strcmp(out, ""), "a replay made a detection: %s", out);
  free(out);

  /* The end bounds the range: before the first file event, nothing. */
  char *early = ms(T + 500);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, &err,
                                ARGS("rules", "replay", "--file", all_file, "--start", from, "--end", early)),
                   1);
  ck_assert_str_eq(out, "");
  ck_assert_ptr_nonnull(strstr(err, "rules replay: 0 matches"));
  free(out);
  free(err);
  free(early);

  /* Errors: an unknown rule is "not found" (1, the API's message); a bad
   * command line is 2. */
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, NULL, &err, ARGS("rules", "replay", "nosuch", "--start", from)), 1);
  ck_assert_msg(strstr(err, "nosuch"), "%s", err);
  free(err);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, NULL, &err, ARGS("rules", "replay", "sleepers")), 2);
  ck_assert_ptr_nonnull(strstr(err, "--start is required"));
  free(err);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, NULL, NULL,
                                ARGS("rules", "replay", "sleepers", "--file", all_file, "--start", from)),
                   2);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, NULL, NULL,
                                ARGS("rules", "replay", "sleepers", "--start", from, "--page-size", "10001")),
                   2);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL, ARGS("help", "rules", "replay")), 0);
  ck_assert_ptr_nonnull(strstr(out, "--page-size"));
  free(out);

  /* --events: the same stored events exported as NDJSON and replayed here,
   * the stored rule by name (its YAML through rules.get) … */
  char *jl = vg_xasprintf("%s/events.jsonl", home);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL,
                                ARGS("--json", "events", s.id.sid, "--start", from, "--end", to, "--limit",
                                     "100000")),
                   0);
  harness_write_file(jl, out);
  free(out);
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, &err, ARGS("rules", "replay", "sleepers", "--events", jl)), 0);
  ck_assert_msg(!strncmp(out, "LINE", 4) && strstr(out, A_SLEEP), "%s", out);
  want = vg_xasprintf("rules replay: 1 matches over %d events", sent);
  ck_assert_msg(strstr(err, want), "%s", err);
  free(want), free(out), free(err);
  /* … and a stateful rule file: one rule state across the whole file, so
   * bash's child sh completes the chain and bash is reported */
  char *st_file = vg_xasprintf("%s/bash-sh.yaml", home);
  harness_write_file(st_file, "detect:\n  event: NEW_PROCESS\n  op: ends with\n  path: event/FILE_PATH\n"
                              "  value: /bash\n  with child:\n    event: NEW_PROCESS\n    op: ends with\n"
                              "    path: event/FILE_PATH\n    value: /sh\n"
                              "respond:\n  - action: report\n    name: bash ran sh\n");
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, &out, NULL,
                                ARGS("--json", "rules", "replay", "--file", st_file, "--events", jl)),
                   0);
  rows = ndjson(out);
  ck_assert_int_eq(json_array_size(rows), 1);
  json_t *rep = json_object_get(json_array_get(rows, 0), "event");
  ck_assert_str_eq(json_string_value(json_object_get(json_object_get(rep, "routing"), "this")), A_BASH);
  json_decref(rows);
  free(out);
  /* a malformed line is refused with file:line */
  harness_write_file(jl, "{\"routing\":{\"event_type\":\"X\",\"event_time\":1},\"event\":{}}\n{\"routing\":1}\n");
  ck_assert_int_eq(ctl_proc_run(ENV(ce), NULL, NULL, &err, ARGS("rules", "replay", "--file", st_file, "--events", jl)), 2);
  ck_assert_msg(strstr(err, "events.jsonl:2:"), "%s", err);
  free(err);
  free(st_file);
  free(jl);

  free(from);
  free(to);
  free(all_yaml);
  free(all_file);
  free(rule_file);
}
END_TEST

static Suite *suite(void) {
  Suite *su = suite_create("vigilctl_data");
  TCase *tc = tcase_create("vigilctl_data");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 240);
  tcase_add_test(tc, t_events_histogram_graph);
  tcase_add_test(tc, t_rules_wizard_detections);
  tcase_add_test(tc, t_rules_replay);
  suite_add_tcase(su, tc);
  return su;
}

VG_CHECK_MAIN(suite)
