/* console.c (bench) — the console's frame cost and latency (docs/performance.md,
 * "Console"):
 *  1. a full frame of the Live View with 10,000 processes in the Processes tab
 *     and with 100,000 events pushed into the Stream tab (its ring keeps the
 *     newest STREAM ring size): app_draw into the canvas + canvas_to_text (the
 *     golden tests' path), and app_draw + term_render into ncurses on a pseudo
 *     terminal whose output a thread drains; each frame scrolls a page so every
 *     row changes. Median and p99 ms per frame, RSS before and after.
 *  2. keypress-to-screen latency of a local API call: the real `vigil` under
 *     tmux against the real vigild (loopback) with a simulated sensor; Space
 *     on the Telemetry tab (sensors.events.set, the row flips when the answer
 *     arrives), beside a key answered locally (`?` help) as the baseline of
 *     tmux's own cost.
 *   build/bench/bench_console [--frames N] [--keys N] */
#include <fcntl.h>
#include <locale.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "shared/alloc.h"
#include "tests/harness/harness.h"
#include "tests/harness/sensor_sim.h"
#include "tui/app.h"
#include "tui/canvas.h"
#include "tui/keymap.h"
#include "tui/settings.h"
#include "tui/term.h"
#include "tui/theme.h"
#include "tui/view_fleet.h"
#include "tui/view_live.h"

#define NPROC 10000
#define NEVENTS 100000
#define FRAMES_DEFAULT 300
#define KEYS_DEFAULT 20
#define SENSOR_SID "0f8e6b52-2c3d-4e5f-8a9b-0c1d2e3f4a5b"
#define NOW_MS 1764340000000LL

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static long rss_kib(void) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  long kb = -1;
  while (f && fgets(line, sizeof line, f))
    if (strncmp(line, "VmRSS:", 6) == 0) kb = strtol(line + 6, NULL, 10);
  if (f) fclose(f);
  return kb;
}

static int cmp_d(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* The backend: every call answered at once; task.send and stream.subscribe get sub 100. */
static void bench_call(void *ctx, int owner, int tag, const char *method, json_t *params,
                       int timeout_ms) {
  (void)timeout_ms;
  struct app *a = ctx;
  json_t *res = NULL;
  if (!strcmp(method, "task.send") || !strcmp(method, "stream.subscribe"))
    res = json_pack("{s:i, s:s, s:b}", "sub", 100, "task_id", "t", "queued", 0);
  else if (!strcmp(method, "stream.unsubscribe"))
    res = json_pack("{s:i, s:b}", "sub", 100, "unsubscribed", 1);
  json_decref(params);
  if (res) {
    app_deliver_result(a, owner, tag, res, NULL);
    json_decref(res);
  }
}

static void open_live(struct app *a, struct keymap *km) {
  struct vg_err e = {0};
  keymap_init(km);
  const char *def = keymap_builtin("default");
  if (keymap_load_text(km, "keymaps/default", def, strlen(def), &e) != 0) {
    fprintf(stderr, "keymap: %s\n", e.msg);
    exit(1);
  }
  app_init(a, km);
  a->now_ms = NOW_MS;
  app_set_online(a, true, NULL);
  snprintf(a->where, sizeof a->where, "bench");
  a->be.call = bench_call;
  a->be.ctx = a;
  struct view *f = view_fleet_create(a);
  app_push_view(a, f);
  json_t *page = json_pack(
      "{s:[{s:s, s:s, s:i, s:i, s:s, s:s, s:s, s:[s], s:I, s:I, s:b, s:b, s:{}}], s:n}", "sensors",
      "sid", SENSOR_SID, "hostname", "bench-host", "plat", 536870912, "arch", 2, "int_ip",
      "10.0.0.5", "ext_ip", "203.0.113.7", "version", "0.1.0", "collectors", "proc", "first_seen",
      (json_int_t)(NOW_MS - 86400000), "last_connect", (json_int_t)(NOW_MS - 60000), "online", 1,
      "isolated", 0, "tags", "next");
  f->ops->result(f, a, VIEW_FLEET_TAG_LIST, page, NULL);
  json_decref(page);
  app_run_action(a, ACT_SELECT);
}

static void push_event(struct app *a, const char *type, json_t *body) {
  json_t *p = json_pack("{s:i, s:{s:{s:s, s:s, s:I, s:s}, s:o}}", "sub", 100, "event", "routing",
                        "event_type", type, "sid", SENSOR_SID, "event_time", (json_int_t)NOW_MS,
                        "this", "0123456789abcdef0123456789abcdef", "event", body);
  app_deliver_push(a, p);
  json_decref(p);
}

static void fill_processes(struct app *a) {
  app_run_action(a, ACT_TAB_5);
  json_t *all = json_array();
  for (int i = 0; i < NPROC; i++) {
    char cl[160], name[32], path[64];
    snprintf(name, sizeof name, "worker-%d", i % 97);
    snprintf(path, sizeof path, "/usr/lib/app/bin/%s", name);
    snprintf(cl, sizeof cl, "%s --config /etc/app/%d.yaml --threads %d --listen 10.0.%d.%d:%d", path,
             i, i % 16, i % 250, i % 200, 1024 + i);
    json_array_append_new(all, json_pack("{s:i, s:i, s:s, s:s, s:s, s:s, s:I, s:I}", "PROCESS_ID",
                                         1000 + i, "PARENT_PROCESS_ID", i ? 1000 + (i - 1) / 8 : 1,
                                         "USER_NAME", i % 3 ? "www-data" : "root", "PROCESS_NAME",
                                         name, "FILE_PATH", path, "COMMAND_LINE", cl, "MEMORY_USAGE",
                                         (json_int_t)(4096 * (i % 5000 + 1)), "TIMESTAMP",
                                         (json_int_t)(NOW_MS / 1000 - i)));
  }
  /* in parts of 1000, as the sensor sends them */
  for (int part = 0; part * 1000 < NPROC; part++) {
    json_t *slice = json_array();
    for (int i = part * 1000; i < (part + 1) * 1000 && i < NPROC; i++)
      json_array_append(slice, json_array_get(all, (size_t)i));
    bool more = (part + 1) * 1000 < NPROC;
    push_event(a, "OS_PROCESSES_REP",
               json_pack("{s:o, s:i, s:b}", "PROCESSES", slice, "PART", part + 1, "MORE", more));
  }
  json_decref(all);
}

static void fill_stream(struct app *a) {
  app_run_action(a, ACT_TAB_4);
  for (int i = 0; i < NEVENTS; i++) {
    char cl[128];
    snprintf(cl, sizeof cl, "/usr/bin/curl -s https://example.com/item/%d -o /tmp/out.%d", i, i);
    push_event(a, i % 2 ? "NEW_PROCESS" : "DNS_REQUEST",
               i % 2 ? json_pack("{s:s, s:s, s:i, s:i}", "FILE_PATH", "/usr/bin/curl",
                                 "COMMAND_LINE", cl, "PROCESS_ID", 4000 + i, "PARENT_PROCESS_ID", 3999)
                     : json_pack("{s:s, s:s, s:i}", "DOMAIN_NAME", "example.com", "IP_ADDRESS",
                                 "93.184.216.34", "PROCESS_ID", 4000 + i));
  }
}

static void report(const char *what, double *t, int n) {
  qsort(t, (size_t)n, sizeof *t, cmp_d);
  printf("  %-44s median %7.3f ms  p99 %7.3f ms  (%d frames)\n", what, t[n / 2],
         t[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1], n);
}

/* Frames through the canvas → text path: each frame pages down (or back up). */
static void frames_text(struct app *a, int w, int h, int n, const char *label) {
  double *t = vg_xmalloc(sizeof(double) * (size_t)n);
  struct canvas *c = canvas_create(w, h);
  for (int i = 0; i < n; i++) {
    app_run_action(a, (i / 20) % 2 ? ACT_PAGE_UP : ACT_PAGE_DOWN);
    double t0 = now_ms();
    app_draw(a, c);
    char *s = canvas_to_text(c);
    t[i] = now_ms() - t0;
    free(s);
  }
  canvas_free(c);
  char what[96];
  snprintf(what, sizeof what, "%s %dx%d canvas→text", label, w, h);
  report(what, t, n);
  free(t);
}

/* The ncurses path into a pseudo terminal (stdin/stdout moved onto its slave). */
static int pty_master = -1;
static void *drain(void *arg) {
  (void)arg;
  char buf[65536];
  while (read(pty_master, buf, sizeof buf) > 0) {
  }
  return NULL;
}

static int term_on_pty(int w, int h, int *saved_out) {
  pty_master = posix_openpt(O_RDWR | O_NOCTTY);
  if (pty_master < 0 || grantpt(pty_master) || unlockpt(pty_master)) return -1;
  int slave = open(ptsname(pty_master), O_RDWR | O_NOCTTY);
  if (slave < 0) return -1;
  struct winsize ws = {.ws_row = (unsigned short)h, .ws_col = (unsigned short)w};
  ioctl(slave, TIOCSWINSZ, &ws);
  pthread_t th;
  pthread_create(&th, NULL, drain, NULL);
  pthread_detach(th);
  fflush(stdout);
  *saved_out = dup(1);
  dup2(slave, 0);
  dup2(slave, 1);
  close(slave);
  setenv("TERM", "xterm-256color", 1);
  struct theme th_;
  theme_init(&th_);
  const char *dark = theme_builtin("dark");
  struct vg_err e = {0};
  if (dark) theme_load_text(&th_, "themes/dark", dark, strlen(dark), &e);
  return term_start(&th_, false);
}

static void frames_term(struct app *a, int w, int h, int n, const char *label, double *t) {
  struct canvas *c = canvas_create(w, h);
  for (int i = 0; i < n; i++) {
    app_run_action(a, (i / 20) % 2 ? ACT_PAGE_UP : ACT_PAGE_DOWN);
    double t0 = now_ms();
    app_draw(a, c);
    term_render(c);
    t[i] = now_ms() - t0;
  }
  canvas_free(c);
  (void)label;
}

/* --- keypress to screen through tmux --- */
static char sock[64];
static char *tmux_out(const char *a1, const char *a2, const char *a3, const char *a4,
                      const char *a5) {
  char *argv[] = {"/usr/bin/tmux", "-L", sock, "-f", "/dev/null", (char *)a1, (char *)a2,
                  (char *)a3, (char *)a4, (char *)a5, NULL};
  char *out = NULL;
  harness_run(argv, &out);
  return out;
}
static char *screen(void) { return tmux_out("capture-pane", "-p", "-t", "B", NULL); }
/* ms until the screen shows needle (-1 after 10 s). */
static double until(const char *needle, double t0) {
  for (;;) {
    char *s = screen();
    bool ok = s && strstr(s, needle);
    free(s);
    double dt = now_ms() - t0;
    if (ok) return dt;
    if (dt > 10000) return -1;
  }
}

static int key_latency(int nkeys) {
  struct harness_vigild d;
  if (harness_vigild_start(&d, NULL) != 0) return -1;
  struct sensor_sim s;
  memset(&s, 0, sizeof s);
  struct vg_err e = {0};
  if (sensor_sim_enroll(&s, &d, NULL, "bench-sensor", &e) != 0) {
    fprintf(stderr, "enroll: %s\n", e.msg);
    return -1;
  }
  json_t *w = sensor_sim_connect(&s, &d, NULL, NULL);
  if (!w) return -1;
  json_decref(w);
  snprintf(sock, sizeof sock, "vigil-bench-%d", (int)getpid());
  char *home = harness_mkdtemp("vigil-bench-home");
  char *vigil = harness_binary_path("tui/vigil");
  char *cmd = vg_xasprintf("env TERM=tmux-256color LANG=C.UTF-8 HOME=%s "
                           "VIGIL_CREDS_FILE=%s/credentials.yaml %s 2>/dev/null",
                           home, d.data_dir, vigil);
  char *argv[] = {"/usr/bin/tmux", "-L", sock, "-f", "/dev/null", "new-session", "-d", "-s", "B",
                  "-x", "80", "-y", "24", cmd, NULL};
  char *out = NULL;
  harness_run(argv, &out);
  free(out);
  int rc = -1;
  double *api = vg_xmalloc(sizeof(double) * (size_t)nkeys * 2), *loc = api + nkeys;
  if (until("sim-host", now_ms()) < 0) goto done;
  free(tmux_out("send-keys", "-t", "B", "Enter", NULL));
  free(tmux_out("send-keys", "-t", "B", "2", NULL));
  if (until("[x] NEW_PROCESS", now_ms()) < 0) goto done;
  /* baseline: the polling loop's own cost on a key answered locally */
  for (int i = 0; i < nkeys; i++) {
    double t0 = now_ms();
    free(tmux_out("send-keys", "-t", "B", "?", NULL));
    loc[i] = until("show this help", t0);
    free(tmux_out("send-keys", "-t", "B", "Escape", NULL));
    if (loc[i] < 0 || until("[x] NEW_PROCESS", now_ms()) < 0) goto done;
  }
  for (int i = 0; i < nkeys; i++) {
    double t0 = now_ms();
    free(tmux_out("send-keys", "-t", "B", "Space", NULL));
    api[i] = until(i % 2 ? "[x] NEW_PROCESS" : "[ ] NEW_PROCESS", t0);
    if (api[i] < 0) goto done;
  }
  printf("keypress → screen under tmux, 80x24, real vigild on loopback (send-keys + capture-pane "
         "polling included):\n");
  qsort(loc, (size_t)nkeys, sizeof *loc, cmp_d);
  qsort(api, (size_t)nkeys, sizeof *api, cmp_d);
  printf("  %-44s median %7.2f ms  max %7.2f ms  (%d keys)\n", "local key (? help), baseline",
         loc[nkeys / 2], loc[nkeys - 1], nkeys);
  printf("  %-44s median %7.2f ms  max %7.2f ms  (%d keys)\n",
         "Space on Telemetry (sensors.events.set)", api[nkeys / 2], api[nkeys - 1], nkeys);
  rc = 0;
done:
  if (rc) fprintf(stderr, "keypress latency: the screen did not show what was expected\n");
  free(api);
  free(tmux_out("kill-server", NULL, NULL, NULL, NULL));
  sensor_sim_disconnect(&s);
  sensor_sim_cleanup(&s);
  harness_rm_rf(home);
  free(home), free(vigil), free(cmd);
  harness_vigild_cleanup(&d, false);
  return rc;
}

int main(int argc, char **argv) {
  setlocale(LC_ALL, "C.UTF-8");
  int frames = FRAMES_DEFAULT, keys = KEYS_DEFAULT;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!strcmp(argv[i], "--frames")) frames = (int)strtol(argv[i + 1], NULL, 10);
    else if (!strcmp(argv[i], "--keys")) keys = (int)strtol(argv[i + 1], NULL, 10);
  }
  if (frames < 10 || keys < 2) {
    fprintf(stderr, "usage: bench_console [--frames N≥10] [--keys N≥2]\n");
    return 2;
  }
  if (!getenv("VIGIL_BINARY_DIR")) setenv("VIGIL_BINARY_DIR", BENCH_BINARY_DIR, 1);

  struct keymap km1, km2;
  struct app pa, sa;
  long r0 = rss_kib();
  open_live(&pa, &km1);
  double t0 = now_ms();
  fill_processes(&pa);
  double tp = now_ms() - t0;
  long r1 = rss_kib();
  open_live(&sa, &km2);
  t0 = now_ms();
  fill_stream(&sa);
  double ts = now_ms() - t0;
  long r2 = rss_kib();
  printf("console frames (one core, default keymap, dark theme):\n");
  printf("  RSS: start %ld KiB; +%ld KiB with %d processes (received in %.0f ms); "
         "+%ld KiB after %d stream events (pushed in %.0f ms)\n",
         r0, r1 - r0, NPROC, tp, r2 - r1, NEVENTS, ts);
  frames_text(&pa, 80, 24, frames, "Processes 10k");
  frames_text(&pa, 132, 43, frames, "Processes 10k");
  frames_text(&pa, 250, 80, frames, "Processes 10k");
  frames_text(&sa, 80, 24, frames, "Stream 100k pushed");
  frames_text(&sa, 132, 43, frames, "Stream 100k pushed");
  frames_text(&sa, 250, 80, frames, "Stream 100k pushed");
  /* a second 100,000 events: the ring is bounded, RSS must not grow with them */
  fill_stream(&sa);
  long r3 = rss_kib();
  printf("  RSS after another %d stream events: %+ld KiB\n", NEVENTS, r3 - r2);

  /* ncurses into a pseudo terminal */
  int saved = -1;
  double *tp1 = vg_xmalloc(sizeof(double) * (size_t)frames), *tp2 = vg_xmalloc(sizeof(double) * (size_t)frames);
  if (term_on_pty(132, 43, &saved) == 0) {
    frames_term(&pa, 132, 43, frames, "processes", tp1);
    frames_term(&sa, 132, 43, frames, "stream", tp2);
    term_stop();
    fflush(stdout);
    dup2(saved, 1);
    report("Processes 10k 132x43 ncurses→pty", tp1, frames);
    report("Stream 100k pushed 132x43 ncurses→pty", tp2, frames);
  } else {
    if (saved >= 0) dup2(saved, 1);
    printf("  ncurses→pty: could not start curses on a pseudo terminal\n");
  }
  free(tp1), free(tp2);
  app_cleanup(&pa);
  app_cleanup(&sa);
  fflush(stdout);
  return key_latency(keys) == 0 ? 0 : 1;
}
