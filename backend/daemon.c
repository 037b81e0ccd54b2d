/* daemon.c — vigild start-up, signal loop and shutdown. */
#include "backend/daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend/api.h"
#include "backend/bootstrap.h"
#include "backend/gateway.h"
#include "backend/ingest.h"
#include "backend/registry.h"
#include "backend/outputs.h"
#include "backend/rules.h"
#include "backend/server.h"
#include "backend/store.h"
#include "backend/tasks.h"
#include "backend/vigild.h"
#include "backend/vigild_config.h"
#include "backend/vt.h"
#include "shared/alloc.h"
#include "shared/event.h"
#include "shared/log.h"

#define COMP "vigild"

static int mkdir_p(const char *path, mode_t mode) {
  char *p = vg_xstrdup(path);
  int r = 0;
  for (char *s = p + 1; *s && !r; s++) {
    if (*s != '/') continue;
    *s = '\0';
    if (mkdir(p, mode) < 0 && errno != EEXIST) r = -1;
    *s = '/';
  }
  if (!r && mkdir(p, mode) < 0 && errno != EEXIST) r = -1;
  struct stat st;
  if (!r && (stat(p, &st) < 0 || !S_ISDIR(st.st_mode))) r = -1;
  free(p);
  return r;
}

static int apply_logging(const struct vigild_config *cfg) {
  enum vg_log_level lvl = VG_LOG_INFO;
  vg_log_level_parse(cfg->log_level, &lvl); /* the table's enum check already ran */
  vg_log_set_level(lvl);
  if (vg_log_open(cfg->log_file[0] ? cfg->log_file : NULL)) {
    fprintf(stderr, "vigild: cannot open log file %s: %s\n", cfg->log_file, strerror(errno));
    return -1;
  }
  return 0;
}

static int load_config(const struct daemon_opts *o, struct vigild_config *cfg) {
  struct vg_err err;
  vg_err_clear(&err);
  memset(cfg, 0, sizeof(*cfg));
  if (vigild_config_load(cfg, o->config_path, o->sets, o->nsets, &err) == 0) return 0;
  char msg[512];
  vg_err_str(&err, msg, sizeof(msg));
  vg_error(COMP, "configuration: %s", msg);
  vigild_config_cleanup(cfg);
  return -1;
}

/* Exclusive lock on the data dir: two daemons must never share one store. */
static int lock_data_dir(const char *dir) {
  char *path = vg_xasprintf("%s/vigild.lock", dir);
  int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  free(path);
  if (fd < 0) return -1;
  if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
    close(fd);
    return -2;
  }
  return fd;
}

static int write_pid_file(const char *path) {
  char *tmp = vg_xasprintf("%s.tmp", path);
  FILE *f = fopen(tmp, "w");
  int r = -1;
  if (f) {
    fprintf(f, "%ld\n", (long)getpid());
    r = fclose(f) == 0 ? rename(tmp, path) : -1;
  }
  free(tmp);
  return r;
}

static void reload(const struct daemon_opts *o, struct vigild_config *cfg) {
  struct vigild_config next;
  if (load_config(o, &next)) {
    vg_warn(COMP, "SIGHUP: configuration rejected, keeping the running one");
    return;
  }
  if (strcmp(next.sensor_listen, cfg->sensor_listen) || strcmp(next.api_listen, cfg->api_listen) ||
      strcmp(next.data_dir, cfg->data_dir))
    vg_warn(COMP, "SIGHUP: listeners and data_dir change only on restart");
  if (strcmp(next.vt_api_key, cfg->vt_api_key) || strcmp(next.vt_url, cfg->vt_url) ||
      strcmp(next.vt_ca_file, cfg->vt_ca_file) || next.vt_cache_ttl != cfg->vt_cache_ttl ||
      next.vt_rate_per_minute != cfg->vt_rate_per_minute)
    vg_warn(COMP, "SIGHUP: virustotal.* changes only on restart");
  if (apply_logging(&next) == 0) {
    vigild_config_cleanup(cfg);
    *cfg = next;
    vg_info(COMP, "SIGHUP: configuration reloaded (log level %s)", cfg->log_level);
  } else {
    vigild_config_cleanup(&next);
    apply_logging(cfg);
  }
}

static void wake_server(void *ctx) {
  struct vigild *vd = ctx;
  server_wake(vd->server);
}

/* Everything between the data-dir lock and the signal loop. */
static int services_start(struct vigild *vd, const struct vigild_config *cfg) {
  struct vg_err err;
  vg_err_clear(&err);
  char msg[512];
  if (bootstrap_open(vd, cfg, &err)) goto fail;
  vd->gw = gateway_create(vd);
  vd->api = api_create(vd);
  vd->tasks = tasks_create(vd);
  vd->ingest = ingest_create(vd, wake_server, vd);
  ingest_add_hook(vd->ingest, tasks_on_event, vd->tasks);
  ingest_add_hook(vd->ingest, api_on_event, vd->api);
  vd->outputs = outputs_create(vd);
  if (!vd->outputs) {
    vg_err_fail(&err, VG_EINTERNAL, "cannot start the outputs thread");
    goto fail;
  }
  vd->rules = rules_create(vd);
  ingest_add_hook(vd->ingest, rules_on_event, vd->rules);
  struct vt_opts vo = {.url = cfg->vt_url,
                       .api_key = cfg->vt_api_key,
                       .ca_file = cfg->vt_ca_file,
                       .cache_ttl_s = cfg->vt_cache_ttl,
                       .rate_per_minute = (int)cfg->vt_rate_per_minute};
  vd->vt = vt_create(&vo, rules_vt_answered, vd->rules);
  if (!vd->vt && cfg->vt_api_key[0]) {
    vg_err_fail(&err, VG_EINTERNAL, "cannot start the VirusTotal thread");
    goto fail;
  }
  struct server_opts so = {.sensor_listen = cfg->sensor_listen,
                           .api_listen = cfg->api_listen,
                           .cert = vd->cert_path,
                           .key = vd->key_path,
                           .ca = vd->ca_path,
                           .sensor_protocols = gateway_protocols,
                           .api_protocols = api_protocols,
                           .user = vd};
  vd->server = server_create(&so, &err);
  if (!vd->server) goto fail;
  if (ingest_start(vd->ingest) || server_start(vd->server)) {
    vg_err_fail(&err, VG_EINTERNAL, "cannot start threads");
    goto fail;
  }
  return 0;
fail:
  vg_error(COMP, "start-up: %s", vg_err_str(&err, msg, sizeof(msg)));
  return -1;
}

/* Reverse order: stop reading sockets, finish queued writes and hooks, then
 * free what they used. */
static void services_stop(struct vigild *vd) {
  server_free(vd->server);
  vd->server = NULL;
  ingest_free(vd->ingest);
  vd->ingest = NULL;
  vt_free(vd->vt); /* its worker calls into the rules */
  vd->vt = NULL;
  rules_free(vd->rules);
  vd->rules = NULL;
  outputs_free(vd->outputs);
  vd->outputs = NULL;
  tasks_free(vd->tasks);
  vd->tasks = NULL;
  api_free(vd->api);
  vd->api = NULL;
  gateway_free(vd->gw);
  vd->gw = NULL;
  bootstrap_cleanup(vd);
}

/* Once a second on the main thread: expiries and retention. */
static void housekeeping(struct vigild *vd, int64_t *next_retention) {
  int64_t now = vg_event_now_ms();
  int n = registry_expire_tags(vd->reg, now);
  if (n) vg_info(COMP, "%d tags expired", n);
  tasks_expire(vd->tasks, now);
  rules_housekeeping(vd->rules, now);
  if (now >= *next_retention) {
    int dropped = store_retention_run(vd->store, now, NULL);
    if (dropped > 0) vg_info(COMP, "retention: %d day partitions dropped", dropped);
    *next_retention = now + 3600 * 1000LL;
  }
}

int daemon_run(const struct daemon_opts *o) {
  struct vigild_config cfg;
  struct vigild vd;
  memset(&vd, 0, sizeof(vd));
  if (load_config(o, &cfg)) return 1;
  vd.cfg = &cfg;
  if (apply_logging(&cfg)) goto fail_cfg;
  if (mkdir_p(cfg.data_dir, 0700)) {
    vg_error(COMP, "data dir %s: %s", cfg.data_dir, strerror(errno));
    goto fail_cfg;
  }
  int lock = lock_data_dir(cfg.data_dir);
  if (lock < 0) {
    vg_error(COMP, "data dir %s: %s", cfg.data_dir,
             lock == -2 ? "in use by another vigild" : strerror(errno));
    goto fail_cfg;
  }

  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, NULL); /* before any thread starts */
  signal(SIGPIPE, SIG_IGN);

  if (o->create_org) {
    struct vg_err err;
    vg_err_clear(&err);
    char msg[512];
    int r = bootstrap_open(&vd, &cfg, &err);
    if (!r) r = bootstrap_create_org(&vd, &cfg, o->create_org, &err);
    if (r) vg_error(COMP, "--create-org: %s", vg_err_str(&err, msg, sizeof(msg)));
    bootstrap_cleanup(&vd);
    close(lock);
    vigild_config_cleanup(&cfg);
    return r ? 1 : 0;
  }

  if (services_start(&vd, &cfg)) {
    services_stop(&vd);
    close(lock);
    goto fail_cfg;
  }
  char *pid_path = vg_xasprintf("%s/vigild.pid", cfg.data_dir);
  if (write_pid_file(pid_path)) vg_error(COMP, "pid file %s: %s", pid_path, strerror(errno));
  vg_info(COMP, "ready: data dir %s, sensor gateway %s, API %s (pid %ld)", cfg.data_dir,
          cfg.sensor_listen, cfg.api_listen, (long)getpid());

  int64_t next_retention = 0;
  struct timespec tick = {1, 0};
  for (;;) {
    int sig = sigtimedwait(&set, NULL, &tick);
    if (sig < 0) {
      housekeeping(&vd, &next_retention);
      continue;
    }
    if (sig == SIGHUP) {
      reload(o, &cfg);
      continue;
    }
    vg_info(COMP, "signal %d: shutting down", sig);
    break;
  }
  services_stop(&vd);
  unlink(pid_path);
  free(pid_path);
  close(lock);
  vg_info(COMP, "stopped");
  vigild_config_cleanup(&cfg);
  vg_log_close();
  return 0;

fail_cfg:
  vigild_config_cleanup(&cfg);
  return 1;
}
