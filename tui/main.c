/* main.c — vigil, the console: options, keymap/theme/credentials, then the
 * event loop (keys, worker messages, ticks, frames). */
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shared/creds.h"
#include "shared/log.h"
#include "shared/version.h"
#include "tui/app.h"
#include "tui/history.h"
#include "tui/keys.h"
#include "tui/settings.h"
#include "tui/term.h"
#include "tui/view_fleet.h"
#include "tui/worker.h"

#define MAIN_TICK_MS 1000
#define MAIN_SPIN_MS 100

static volatile sig_atomic_t got_signal;

static void on_signal(int sig) { got_signal = sig; }

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void usage(FILE *out) {
  fprintf(out,
          "usage: vigil [options]\n"
          "The Vigil console: fleet and Live View of your sensors, over SSH.\n\n"
          "  --url URL --oid OID --api-key KEY [--ca FILE]   where vigild's API is\n"
          "  --env NAME        an environment of ~/.config/vigil/credentials.yaml\n"
          "                    (credentials resolve as for vigilctl: flags, VIGIL_URL/\n"
          "                    VIGIL_OID/VIGIL_API_KEY/VIGIL_CA, VIGIL_CREDS_FILE, the user file)\n"
          "  --keymap NAME|FILE  default, vi, emacs or a file ($VIGIL_KEYMAP)\n"
          "  --theme NAME|FILE   dark, light, high-contrast, mono or a file ($VIGIL_THEME)\n"
          "  --mouse           report clicks and the wheel\n"
          "  --log FILE        log here (default ~/.local/state/vigil/vigil.log)\n"
          "  --help, --version\n\n"
          "Keys: ? lists every action and its keys; : runs any action by name.\n"
          "docs/console.md, docs/keymaps.md, docs/themes.md.\n");
}

static void drain(struct app *a, struct worker *w) {
  for (struct worker_msg *m = worker_take(w), *n; m; m = n) {
    n = m->next;
    switch (m->kind) {
    case WORKER_RESULT: app_deliver_result(a, m->owner, m->tag, m->json, &m->err); break;
    case WORKER_PUSH: app_deliver_push(a, m->json); break;
    case WORKER_CONN: app_set_online(a, m->online, m->err.msg); break;
    }
    worker_msg_free(m);
  }
}

static void default_log(char *buf, size_t n) {
  const char *state = getenv("XDG_STATE_HOME");
  const char *home = getenv("HOME");
  if (state && state[0] == '/')
    snprintf(buf, n, "%s/vigil", state);
  else
    snprintf(buf, n, "%s/.local/state/vigil", home ? home : "/tmp");
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s", buf);
  for (char *p = tmp + 1; *p; p++)
    if (*p == '/') {
      *p = '\0';
      if (access(tmp, F_OK) != 0) {
        int r = mkdir(tmp, 0700);
        (void)r;
      }
      *p = '/';
    }
  int r = mkdir(buf, 0700);
  (void)r;
  size_t len = strlen(buf);
  snprintf(buf + len, n - len, "/vigil.log");
}

int main(int argc, char **argv) {
  setlocale(LC_ALL, "");
  struct vg_creds_flags cf = {0};
  const char *keymap_name = getenv("VIGIL_KEYMAP"), *theme_name = getenv("VIGIL_THEME");
  const char *log_path = NULL;
  bool mouse = false;
  static const struct option opts[] = {
      {"url", required_argument, 0, 'u'},    {"oid", required_argument, 0, 'o'},
      {"api-key", required_argument, 0, 'k'}, {"ca", required_argument, 0, 'c'},
      {"env", required_argument, 0, 'e'},    {"keymap", required_argument, 0, 'K'},
      {"theme", required_argument, 0, 'T'},  {"mouse", no_argument, 0, 'm'},
      {"log", required_argument, 0, 'l'},    {"help", no_argument, 0, 'h'},
      {"version", no_argument, 0, 'V'},      {0, 0, 0, 0}};
  int o;
  while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (o) {
    case 'u': cf.url = optarg; break;
    case 'o': cf.oid = optarg; break;
    case 'k': cf.api_key = optarg; break;
    case 'c': cf.ca_file = optarg; break;
    case 'e': cf.env = optarg; break;
    case 'K': keymap_name = optarg; break;
    case 'T': theme_name = optarg; break;
    case 'm': mouse = true; break;
    case 'l': log_path = optarg; break;
    case 'h': usage(stdout); return 0;
    case 'V': vg_version_print(stdout, "vigil"); return 0;
    default: usage(stderr); return 2;
    }
  }
  if (optind < argc) {
    fprintf(stderr, "vigil: unexpected argument '%s'\n", argv[optind]);
    usage(stderr);
    return 2;
  }
  static struct keymap km;
  struct theme theme;
  struct vg_err err = {0};
  char ebuf[512];
  if (settings_keymap(&km, keymap_name, &err) || settings_theme(&theme, theme_name, &err)) {
    fprintf(stderr, "vigil: %s\n", vg_err_str(&err, ebuf, sizeof ebuf));
    return 2;
  }
  struct vg_creds creds;
  if (vg_creds_resolve(&cf, &creds, &err) < 0) {
    fprintf(stderr, "vigil: %s\n", vg_err_str(&err, ebuf, sizeof ebuf));
    return 2;
  }
  char lp[4096];
  if (!log_path) {
    default_log(lp, sizeof lp);
    log_path = lp;
  }
  if (vg_log_open(log_path) < 0) fprintf(stderr, "vigil: cannot open log %s\n", log_path);

  struct sigaction sa = {0};
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);

  struct worker *w = worker_start(&creds);
  static struct app app;
  app_init(&app, &km);
  app.be.ctx = w;
  app.be.call = worker_call;
  snprintf(app.where, sizeof app.where, "%.120s", creds.url);
  char hp[4096];
  app.history = history_open(history_default_path(hp, sizeof hp) == 0 ? hp : NULL);
  const char *home = getenv("HOME");
  snprintf(app.download_dir, sizeof app.download_dir, "%s", home ? home : ".");
  memset(&creds, 0, sizeof creds);

  if (term_start(&theme, mouse) < 0) {
    fprintf(stderr, "vigil: cannot start the terminal (TERM=%s)\n", getenv("TERM"));
    worker_stop(w);
    return 1;
  }
  int tw, th;
  term_size(&tw, &th);
  struct canvas *cv = canvas_create(tw, th);
  app.now_ms = now_ms();
  app_push_view(&app, view_fleet_create(&app));
  int64_t last_tick = 0;
  while (!app.quit && !got_signal) {
    app.now_ms = now_ms();
    drain(&app, w);
    if (app.now_ms - last_tick >= MAIN_TICK_MS) {
      last_tick = app.now_ms;
      app_tick(&app);
    } else if (app.pending) {
      app.frame++;
    }
    if (app.quit) break;
    app_draw(&app, cv);
    term_render(cv);
    struct pollfd pf[2] = {{STDIN_FILENO, POLLIN, 0}, {worker_fd(w), POLLIN, 0}};
    int r = poll(pf, 2, app.pending ? MAIN_SPIN_MS : MAIN_TICK_MS / 2);
    if (r < 0 && errno != EINTR) break;
    struct term_mouse m;
    int key;
    while ((key = term_key(&m)) != -1) {
      app.now_ms = now_ms();
      if (key == VK_RESIZE) {
        term_size(&tw, &th);
        canvas_resize(cv, tw, th);
        continue;
      }
      if (key == VK_MOUSE) {
        if (m.wheel) app_run_action(&app, m.wheel < 0 ? ACT_UP : ACT_DOWN);
        continue;
      }
      app_key(&app, key);
      if (app.quit) break;
    }
  }
  term_stop();
  app_cleanup(&app);
  canvas_free(cv);
  history_free(app.history);
  worker_stop(w);
  vg_log_close();
  return 0;
}
