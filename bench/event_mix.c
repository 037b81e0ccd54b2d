/* event_mix.c — the benchmark event generator. */
#include "bench/event_mix.h"

#include <stdio.h>
#include <string.h>

#include "shared/atom.h"
#include "shared/event.h"
#include "shared/pki.h"

static uint64_t rnd(struct event_mix *m) {
  m->rng ^= m->rng << 13;
  m->rng ^= m->rng >> 7;
  m->rng ^= m->rng << 17;
  return m->rng;
}
static int pick(struct event_mix *m, int n) { return (int)(rnd(m) % (uint64_t)n); }
#define PICK(m, a) (a)[pick(m, (int)(sizeof(a) / sizeof((a)[0])))]

static const char *const bins[] = {
    "/usr/bin/bash", "/usr/bin/python3.11", "/usr/sbin/nginx", "/usr/bin/curl", "/usr/bin/git",
    "/usr/lib/postgresql/15/bin/postgres", "/usr/bin/node", "/usr/bin/ssh", "/usr/bin/cron",
    "/usr/bin/systemctl", "/opt/app/bin/worker", "/usr/bin/tar", "/usr/bin/grep"};
static const char *const args[] = {"-c 'ls -la /var/log'", "-fsSL https://get.example.com/x.sh",
                                   "--config /etc/app/config.yaml --workers 4", "status nginx",
                                   "pull --rebase origin main", "-m http.server 8080",
                                   "-czf /tmp/backup.tgz /srv/data", "-rn TODO src/"};
static const char *const users[] = {"root", "www-data", "alice", "bob", "postgres", "deploy"};
static const char *const domains[] = {
    "api.github.com", "deb.debian.org", "s3.eu-west-1.amazonaws.com", "registry.npmjs.org",
    "updates.example.com", "pool.minexmr.com", "login.microsoftonline.com", "cdn.jsdelivr.net",
    "ocsp.digicert.com", "db-primary.internal.corp"};
static const char *const dirs[] = {"/var/log/app", "/tmp", "/home/alice/projects/web/src",
                                   "/etc/nginx/sites-enabled", "/srv/data/uploads", "/var/lib/app"};
static const char *const exts[] = {".log", ".py", ".js", ".conf", ".tmp", ".json", ".sh", ""};
static const char *const libs[] = {"/usr/lib/x86_64-linux-gnu/libc.so.6",
                                   "/usr/lib/x86_64-linux-gnu/libssl.so.3",
                                   "/usr/lib/x86_64-linux-gnu/libz.so.1",
                                   "/usr/lib/x86_64-linux-gnu/libpthread.so.0"};

void event_mix_init(struct event_mix *m, uint64_t seed, const char *hostname, int64_t t0_ms) {
  m->rng = seed * 0x9e3779b97f4a7c15ULL + 1;
  snprintf(m->hostname, sizeof(m->hostname), "%s", hostname);
  m->time_ms = t0_ms;
  for (int i = 0; i < 16; i++) vg_atom_new(m->procs[i]);
}

static json_t *process(struct event_mix *m, int pid, int ppid) {
  const char *bin = PICK(m, bins);
  char cmd[256], h[65];
  snprintf(cmd, sizeof(cmd), "%s %s", bin, PICK(m, args));
  vg_sha256_hex(bin, strlen(bin), h); /* one stable hash per binary */
  int uid = pick(m, 6);
  return json_pack("{s:s, s:s, s:i, s:i, s:i, s:s, s:s, s:i, s:I}", "FILE_PATH", bin,
                   "COMMAND_LINE", cmd, "PROCESS_ID", pid, "PARENT_PROCESS_ID", ppid, "USER_ID",
                   uid ? 1000 + uid : 0, "USER_NAME", users[uid], "HASH", h, "THREADS",
                   1 + pick(m, 16), "MEMORY_USAGE", (json_int_t)(1 + pick(m, 500)) << 20);
}

json_t *event_mix_next(struct event_mix *m) {
  static const char *const types[] = {"NEW_PROCESS", "TERMINATE_PROCESS", "DNS_REQUEST",
                                      "NEW_TCP4_CONNECTION", "FILE_CREATE", "FILE_MODIFIED",
                                      "MODULE_LOAD", "CODE_IDENTITY"};
  static const int weights[] = {22, 10, 20, 14, 8, 12, 11, 3}; /* percent */
  int r = pick(m, 100), t = 0;
  while (r >= weights[t]) r -= weights[t++];
  m->time_ms += 1 + pick(m, 5);
  json_t *ev = vg_event_new(types[t], m->time_ms);
  json_t *rt = vg_event_routing(ev), *p = vg_event_payload(ev);
  json_object_set_new(rt, "parent", json_string(m->procs[pick(m, 16)]));
  if (t == 0) /* a new process: later events may be its children */
    snprintf(m->procs[pick(m, 16)], sizeof(m->procs[0]), "%s",
             json_string_value(json_object_get(rt, "this")));
  json_object_set_new(rt, "hostname", json_string(m->hostname));
  json_object_set_new(rt, "plat", json_integer(0x20000000));
  json_object_set_new(rt, "arch", json_integer(2));
  json_object_set_new(rt, "int_ip", json_string("10.0.3.17"));
  int pid = 1000 + pick(m, 60000);
  char path[256], ip[32], h[65];
  switch (t) {
    case 0:
      p = process(m, pid, 1 + pick(m, 2000)); /* replaces the empty payload */
      json_object_set_new(p, "PARENT", process(m, 1 + pick(m, 2000), 1));
      json_object_set_new(ev, "event", p);
      break;
    case 1:
      json_object_set_new(p, "PROCESS_ID", json_integer(pid));
      json_object_set_new(p, "PARENT_PROCESS_ID", json_integer(1 + pick(m, 2000)));
      json_object_set_new(p, "TIMESTAMP", json_integer(m->time_ms));
      break;
    case 2:
      snprintf(ip, sizeof(ip), "%d.%d.%d.%d", 1 + pick(m, 223), pick(m, 256), pick(m, 256),
               1 + pick(m, 254));
      json_object_set_new(p, "DOMAIN_NAME", json_string(PICK(m, domains)));
      json_object_set_new(p, "DNS_TYPE", json_integer(pick(m, 4) ? 1 : 28));
      json_object_set_new(p, "IP_ADDRESS", json_string(ip));
      json_object_set_new(p, "MESSAGE_ID", json_integer(pick(m, 65536)));
      json_object_set_new(p, "PROCESS_ID", json_integer(pid));
      break;
    case 3:
      snprintf(ip, sizeof(ip), "%d.%d.%d.%d", 1 + pick(m, 223), pick(m, 256), pick(m, 256),
               1 + pick(m, 254));
      json_object_set_new(p, "PROCESS_ID", json_integer(pid));
      json_object_set_new(p, "SOURCE", json_pack("{s:s, s:i}", "IP_ADDRESS", "10.0.3.17",
                                                 "PORT", 32768 + pick(m, 28000)));
      json_object_set_new(p, "DESTINATION", json_pack("{s:s, s:i}", "IP_ADDRESS", ip, "PORT",
                                                      pick(m, 3) ? 443 : 5432));
      json_object_set_new(p, "STATE", json_integer(1));
      json_object_set_new(p, "TIMESTAMP", json_integer(m->time_ms));
      break;
    case 4:
    case 5:
      snprintf(path, sizeof(path), "%s/%s-%d%s", PICK(m, dirs), PICK(m, users), pick(m, 5000),
               PICK(m, exts));
      json_object_set_new(p, "FILE_PATH", json_string(path));
      json_object_set_new(p, "PROCESS_ID", json_integer(pid));
      json_object_set_new(p, "TIMESTAMP", json_integer(m->time_ms));
      break;
    case 6:
      snprintf(path, sizeof(path), "%s", PICK(m, libs));
      json_object_set_new(p, "FILE_PATH", json_string(path));
      json_object_set_new(p, "MODULE_NAME", json_string(strrchr(path, '/') + 1));
      json_object_set_new(p, "BASE_ADDRESS", json_integer(0x7f0000000000LL + pick(m, 1 << 30)));
      json_object_set_new(p, "MEMORY_SIZE", json_integer(4096 * (1 + pick(m, 4000))));
      json_object_set_new(p, "PROCESS_ID", json_integer(pid));
      break;
    default: {
      const char *bin = PICK(m, bins);
      vg_sha256_hex(bin, strlen(bin), h);
      json_object_set_new(p, "FILE_PATH", json_string(bin));
      json_object_set_new(p, "HASH", json_string(h));
      json_object_set_new(p, "MEMORY_SIZE", json_integer(4096 * (1 + pick(m, 4000))));
      break;
    }
  }
  return ev;
}
