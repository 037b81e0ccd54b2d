/* store_bench.c — the storage layer against raw RocksDB on a realistic event
 * mix (DESIGN.md §3 envelope, 100 sensors): (a) raw batched puts, (b)
 * store_write_events with a sync per batch, (c) bytes per event on disk
 * after flush + compaction, for one or more compression modes.
 *
 *   store_bench [events=1000000] [dir=/tmp/store_bench.XXXXXX] [modes=default]
 *   modes: comma list of default,zstd,lz4_zstd,zstd_dict,lz4,none
 * Only the write calls are timed; event generation is excluded.
 * STORE_BENCH_NOSYNC=1 runs (b) without the per-batch sync;
 * STORE_BENCH_BLOCK_KB=n sets the store's block size. */
#include <rocksdb/c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend/store.h"
#include "shared/alloc.h"

#define BATCH 1000
#define SENSORS 100
#define ORGS 4

static uint64_t rng = 0x9e3779b97f4a7c15u;
static uint64_t rnd(void) {
  rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
  return rng;
}
static int pick(int n) {
  return (int)(rnd() % (uint64_t)n);
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void hex(char *out, const uint8_t *b, size_t n) {
  static const char d[] = "0123456789abcdef";
  for (size_t i = 0; i < n; i++) out[2 * i] = d[b[i] >> 4], out[2 * i + 1] = d[b[i] & 15];
  out[2 * n] = '\0';
}
static void rand_id(uint8_t *b) {
  uint64_t a = rnd(), c = rnd();
  memcpy(b, &a, 8);
  memcpy(b + 8, &c, 8);
}

struct sensor {
  uint8_t oid[16], sid[16];
  char iid[33], host[32], ip[16], ext[16];
  uint64_t seq;
  uint8_t procs[16][16]; /* recent process atoms: parents of what follows */
};
static struct sensor sensors[SENSORS];

static const char *const bins[] = {"/usr/bin/bash",
                                   "/usr/bin/curl",
                                   "/usr/bin/python3.11",
                                   "/usr/sbin/sshd",
                                   "/usr/bin/git",
                                   "/usr/bin/ls",
                                   "/usr/bin/grep",
                                   "/usr/lib/systemd/systemd-journald",
                                   "/usr/bin/cron",
                                   "/usr/bin/node",
                                   "/opt/app/bin/server",
                                   "/usr/bin/docker",
                                   "/usr/bin/containerd-shim",
                                   "/usr/bin/sudo",
                                   "/usr/bin/tar",
                                   "/usr/bin/gzip",
                                   "/usr/sbin/nginx",
                                   "/usr/bin/psql"};
static const char *const args[] = {"-c 'ls -la /var/log'",
                                   "-fsSL https://get.example.com/x.sh",
                                   "manage.py runserver 0.0.0.0:8000",
                                   "-D -R",
                                   "pull --rebase origin main",
                                   "--color=auto -l /tmp",
                                   "-r ERROR /var/log/app",
                                   "",
                                   "-f",
                                   "dist/index.js --port 3000",
                                   "--config /etc/app.yaml",
                                   "ps -a",
                                   "-namespace moby -id 4f1c",
                                   "-u postgres psql -c 'select 1'",
                                   "czf /backup/home.tgz /home",
                                   "-9 dump.sql",
                                   "-g 'daemon off;'",
                                   "-h db.internal -U app"};
static const char *const users[] = {"root", "www-data", "alice", "bob", "postgres", "deploy"};
static const char *const domains[] = {"api.github.com",
                                      "registry.npmjs.org",
                                      "deb.debian.org",
                                      "s3.eu-west-1.amazonaws.com",
                                      "login.microsoftonline.com",
                                      "www.google.com",
                                      "ocsp.digicert.com",
                                      "pypi.org",
                                      "files.pythonhosted.org",
                                      "db.internal",
                                      "metrics.internal.corp",
                                      "x9f2k.badcdn.top",
                                      "ntp.ubuntu.com",
                                      "hooks.slack.com",
                                      "sentry.io",
                                      "cdn.jsdelivr.net"};
static const char *const dirs[] = {"/var/log/app",
                                   "/tmp",
                                   "/home/alice/projects/web/src",
                                   "/etc/nginx/conf.d",
                                   "/var/lib/postgresql/15/main",
                                   "/home/bob/.cache/pip",
                                   "/opt/app/data",
                                   "/var/spool/cron"};
static const char *const exts[] = {".log", ".py", ".js", ".conf", ".tmp", ".json", ".so", ""};
static const char *const libs[] = {"/usr/lib/x86_64-linux-gnu/libc.so.6",
                                   "/usr/lib/x86_64-linux-gnu/libssl.so.3",
                                   "/usr/lib/x86_64-linux-gnu/libcrypto.so.3",
                                   "/usr/lib/x86_64-linux-gnu/libz.so.1",
                                   "/usr/lib/x86_64-linux-gnu/libpthread.so.0",
                                   "/usr/lib/python3.11/lib-dynload/_ssl.cpython-311.so"};
#define N(a) ((int)(sizeof(a) / sizeof(a[0])))

static const char *const types[] = {"",
                                    "NEW_PROCESS",
                                    "TERMINATE_PROCESS",
                                    "DNS_REQUEST",
                                    "NEW_TCP4_CONNECTION",
                                    "FILE_CREATE",
                                    "FILE_MODIFIED",
                                    "FILE_DELETE",
                                    "MODULE_LOAD"};
static const int weights[] = {0, 22, 10, 20, 14, 8, 12, 3, 11}; /* percent */

static int pick_type(void) {
  int r = pick(100);
  for (int t = 1; t < N(types); t++)
    if ((r -= weights[t]) < 0) return t;
  return 1;
}

/* A sha256-like digest that is stable per string (a binary has one hash). */
static void fake_hash(char *out, const char *s) {
  uint64_t h = 1469598103934665603u;
  for (const char *p = s; *p; p++) h = (h ^ (uint8_t)*p) * 1099511628211u;
  for (int i = 0; i < 4; i++) {
    h ^= h >> 33, h *= 0xff51afd7ed558ccdu, h ^= h >> 33;
    snprintf(out + 16 * i, 17, "%016llx", (unsigned long long)h);
  }
}

/* The type-specific "event" object into b. */
static int body(char *b, size_t n, int type, struct sensor *s) {
  char hash[65], path[160];
  const char *bin = bins[pick(N(bins))];
  int pid = 1000 + pick(60000);
  switch (type) {
    case 1: {
      const char *pbin = bins[pick(N(bins))];
      char phash[65];
      fake_hash(hash, bin);
      fake_hash(phash, pbin);
      return snprintf(
          b, n,
          "{\"FILE_PATH\":\"%s\",\"COMMAND_LINE\":\"%s %s\",\"PROCESS_ID\":%d,"
          "\"PARENT_PROCESS_ID\":%d,\"USER_NAME\":\"%s\",\"USER_ID\":%d,\"HASH\":\"%s\","
          "\"PARENT\":{\"FILE_PATH\":\"%s\",\"COMMAND_LINE\":\"%s\",\"PROCESS_ID\":%d,"
          "\"USER_NAME\":\"%s\",\"HASH\":\"%s\"}}",
          bin, bin, args[pick(N(args))], pid, pid - 1 - pick(500), users[pick(N(users))],
          pick(2000), hash, pbin, pbin, pid - 7, users[pick(N(users))], phash);
    }
    case 2:
      return snprintf(b, n, "{\"PROCESS_ID\":%d,\"FILE_PATH\":\"%s\",\"EXIT_CODE\":%d}", pid, bin,
                      pick(4) ? 0 : pick(255));
    case 3:
      return snprintf(b, n,
                      "{\"DOMAIN_NAME\":\"%s\",\"DNS_TYPE\":%d,\"IP_ADDRESS\":\"%d.%d.%d.%d\","
                      "\"MESSAGE_ID\":%d,\"PROCESS_ID\":%d,\"FILE_PATH\":\"%s\"}",
                      domains[pick(N(domains))], pick(3) ? 1 : 28, 10 + pick(200), pick(256),
                      pick(256), pick(256), pick(65536), pid, bin);
    case 4:
      return snprintf(b, n,
                      "{\"NETWORK_ACTIVITY\":{\"SOURCE\":{\"IP_ADDRESS\":\"%s\",\"PORT\":%d},"
                      "\"DESTINATION\":{\"IP_ADDRESS\":\"%d.%d.%d.%d\",\"PORT\":%d},"
                      "\"PROTOCOL\":\"tcp4\"},\"PROCESS_ID\":%d,\"FILE_PATH\":\"%s\"}",
                      s->ip, 32768 + pick(28000), 10 + pick(200), pick(256), pick(256), pick(256),
                      (int[]){443, 80, 5432, 22, 8080, 6379}[pick(6)], pid, bin);
    case 5:
    case 6:
    case 7:
      snprintf(path, sizeof(path), "%s/%s%d%s", dirs[pick(N(dirs))],
               (const char *[]){"app", "cache", "session", "data", "index", "out"}[pick(6)],
               pick(5000), exts[pick(N(exts))]);
      return snprintf(b, n, "{\"FILE_PATH\":\"%s\",\"PROCESS_ID\":%d,\"USER_NAME\":\"%s\"}", path,
                      pid, users[pick(N(users))]);
    default: {
      const char *lib = libs[pick(N(libs))];
      fake_hash(hash, lib);
      return snprintf(b, n,
                      "{\"FILE_PATH\":\"%s\",\"MODULE_SIZE\":%d,\"BASE_ADDRESS\":%llu,"
                      "\"PROCESS_ID\":%d,\"HASH\":\"%s\"}",
                      lib, 40000 + pick(4000000),
                      (unsigned long long)(0x7f0000000000ull + (rnd() & 0xffffffffff)), pid, hash);
    }
  }
}

/* One event: full envelope into buf (≤ 2048 bytes); e filled. */
static void gen_event(struct store_event *e, char *buf, int64_t t) {
  struct sensor *s = &sensors[pick(SENSORS)];
  int type = pick_type();
  char thisx[33], parentx[33], bodyx[1400];
  memset(e, 0, sizeof(*e));
  memcpy(e->oid, s->oid, 16);
  memcpy(e->sid, s->sid, 16);
  e->time_ms = t;
  e->seq = ++s->seq;
  e->type_id = (uint16_t)type;
  /* What ingest hands the store: an atom index only for process events, and
   * no oid, sid or event_id in the bytes (the key holds them; docs/storage.md). */
  e->has_this = type == 1;
  e->has_parent = true;
  rand_id(e->this_atom);
  memcpy(e->parent_atom, s->procs[pick(16)], 16);
  if (type == 1) memcpy(s->procs[pick(16)], e->this_atom, 16);
  hex(thisx, e->this_atom, 16);
  hex(parentx, e->parent_atom, 16);
  body(bodyx, sizeof(bodyx), type, s);
  int n = snprintf(buf, 2048,
                   "{\"routing\":{\"iid\":\"%s\",\"hostname\":\"%s\","
                   "\"event_type\":\"%s\",\"event_time\":%lld,"
                   "\"int_ip\":\"%s\",\"ext_ip\":\"%s\",\"plat\":536870912,\"arch\":2,"
                   "\"this\":\"%s\",\"parent\":\"%s\",\"moduleid\":2},\"event\":%s}",
                   s->iid, s->host, types[type], (long long)t, s->ip, s->ext, thisx, parentx,
                   bodyx);
  e->data = buf;
  e->len = (size_t)n;
}

static void init_sensors(void) {
  rng = 0x9e3779b97f4a7c15u;
  uint8_t orgs[ORGS][16], iids[ORGS][16];
  for (int o = 0; o < ORGS; o++) rand_id(orgs[o]), rand_id(iids[o]);
  for (int i = 0; i < SENSORS; i++) {
    struct sensor *s = &sensors[i];
    memset(s, 0, sizeof(*s));
    memcpy(s->oid, orgs[i % ORGS], 16);
    rand_id(s->sid);
    hex(s->iid, iids[i % ORGS], 16);
    snprintf(s->host, sizeof(s->host), "%s-%02d",
             (const char *[]){"web", "db", "build", "dev"}[i % 4], i);
    snprintf(s->ip, sizeof(s->ip), "10.0.%d.%d", i / 50, 10 + i % 50);
    snprintf(s->ext, sizeof(s->ext), "203.0.113.%d", 1 + i % 30);
    for (int p = 0; p < 16; p++) rand_id(s->procs[p]);
  }
}

/* Generate the whole stream again, BATCH at a time, and hand each batch to
 * fn; returns the seconds spent inside fn. */
typedef int (*batch_fn)(void *ctx, struct store_event *ev, size_t n);
static double run(size_t total, int64_t t0, batch_fn fn, void *ctx, size_t *bytes) {
  static struct store_event ev[BATCH];
  static char bufs[BATCH][2048];
  init_sensors();
  double spent = 0;
  *bytes = 0;
  for (size_t done = 0; done < total;) {
    size_t n = total - done < BATCH ? total - done : BATCH;
    for (size_t i = 0; i < n; i++) {
      gen_event(&ev[i], bufs[i], t0 + (int64_t)((done + i) * 20)); /* 50k events/s of event time */
      *bytes += ev[i].len;
    }
    double a = now_s();
    if (fn(ctx, ev, n) != 0) exit(1);
    spent += now_s() - a;
    done += n;
  }
  return spent;
}

struct raw {
  rocksdb_t *db;
  rocksdb_writeoptions_t *wo;
};
static int raw_batch(void *ctx, struct store_event *ev, size_t n) {
  struct raw *r = ctx;
  rocksdb_writebatch_t *b = rocksdb_writebatch_create();
  for (size_t i = 0; i < n; i++) {
    uint8_t k[49] = {'E'};
    memcpy(k + 1, ev[i].oid, 16);
    memcpy(k + 17, ev[i].sid, 16); /* the store's event key: oid sid time seq */
    for (int j = 0; j < 8; j++) k[33 + j] = (uint8_t)((uint64_t)ev[i].time_ms >> (56 - 8 * j));
    for (int j = 0; j < 8; j++) k[41 + j] = (uint8_t)(ev[i].seq >> (56 - 8 * j));
    rocksdb_writebatch_put(b, (const char *)k, sizeof(k), ev[i].data, ev[i].len);
  }
  char *err = NULL;
  rocksdb_write(r->db, r->wo, b, &err);
  rocksdb_writebatch_destroy(b);
  if (err) fprintf(stderr, "raw write: %s\n", err);
  return err ? -1 : 0;
}

static int store_batch(void *ctx, struct store_event *ev, size_t n) {
  struct vg_err e = {0};
  int r = store_write_events(ctx, ev, n, !getenv("STORE_BENCH_NOSYNC"), &e);
  if (r != 0) fprintf(stderr, "store write: %d %s\n", r, e.msg);
  return r;
}

static double raw_phase(const char *dir, size_t total, int64_t t0) {
  char *path = vg_xasprintf("%s/raw", dir);
  rocksdb_options_t *o = rocksdb_options_create();
  rocksdb_options_set_create_if_missing(o, 1);
  rocksdb_options_set_compression(o, rocksdb_lz4_compression);
  rocksdb_options_set_write_buffer_size(o, 64 << 20);
  rocksdb_options_set_max_background_jobs(o, 2);
  char *err = NULL;
  struct raw r = {rocksdb_open(o, path, &err), rocksdb_writeoptions_create()};
  if (err) {
    fprintf(stderr, "raw open: %s\n", err);
    exit(1);
  }
  size_t bytes;
  double spent = run(total, t0, raw_batch, &r, &bytes);
  printf(
      "(a) raw RocksDB puts, batch %d, WAL on, no sync: %.0f events/s (%.1f MB/s, mean event "
      "%.0f B)\n",
      BATCH, (double)total / spent, (double)bytes / spent / 1e6, (double)bytes / (double)total);
  rocksdb_writeoptions_destroy(r.wo);
  rocksdb_close(r.db);
  rocksdb_options_destroy(o);
  free(path);
  return (double)total / spent;
}

/* Bytes on disk per key kind: reopen the closed store read-only and ask
 * RocksDB for the approximate size of each tag's key range. */
static void breakdown(const char *path, size_t total) {
  rocksdb_options_t *o = rocksdb_options_create();
  char *err = NULL;
  size_t n = 0;
  char **names = rocksdb_list_column_families(o, path, &n, &err);
  if (err) {
    free(err);
    rocksdb_options_destroy(o);
    return;
  }
  const rocksdb_options_t **opts = vg_xcalloc(n, sizeof(*opts));
  rocksdb_column_family_handle_t **h = vg_xcalloc(n, sizeof(*h));
  for (size_t i = 0; i < n; i++) opts[i] = o;
  rocksdb_t *db = rocksdb_open_for_read_only_column_families(
      o, path, (int)n, (const char *const *)names, opts, h, 0, &err);
  if (!err) {
    static const char tags[] = "ESAC";
    uint64_t sum[5] = {0};
    for (size_t i = 0; i < n; i++) {
      if (strncmp(names[i], "ev_", 3) == 0) {
        for (int t = 0; t < 4; t++) {
          char lo[1] = {tags[t]}, hi[1] = {(char)(tags[t] + 1)};
          const char *los[] = {lo}, *his[] = {hi};
          size_t ll[] = {1}, hl[] = {1};
          uint64_t sz = 0;
          rocksdb_approximate_sizes_cf(db, h[i], 1, los, ll, his, hl, &sz, &err);
          if (!err) sum[t] += sz;
        }
      } else if (strcmp(names[i], "counters") == 0) {
        uint64_t v = 0;
        rocksdb_property_int_cf(db, h[i], "rocksdb.total-sst-files-size", &v);
        sum[4] += v;
      }
      rocksdb_column_family_handle_destroy(h[i]);
    }
    printf("    per event: event E %.1f, (retired S %.1f), atom A %.1f, child C %.1f, counters %.1f B\n",
           (double)sum[0] / (double)total, (double)sum[1] / (double)total,
           (double)sum[2] / (double)total, (double)sum[3] / (double)total,
           (double)sum[4] / (double)total);
    rocksdb_close(db);
  }
  free(err);
  rocksdb_list_column_families_destroy(names, n);
  free(opts);
  free(h);
  rocksdb_options_destroy(o);
}

static const char *const mode_names[] = {"default", "zstd", "lz4_zstd", "zstd_dict", "lz4", "none"};

static void store_phase(const char *dir, size_t total, int64_t t0, int mode, double raw_rate) {
  char *path = vg_xasprintf("%s/store_%s", dir, mode_names[mode]);
  struct store_opts o = {.path = path, .compression = (enum store_compression)mode};
  if (getenv("STORE_BENCH_BLOCK_KB"))
    o.block_bytes = strtoul(getenv("STORE_BENCH_BLOCK_KB"), NULL, 10) << 10;
  struct vg_err e = {0};
  struct store *s = store_open(&o, &e);
  if (!s) {
    fprintf(stderr, "store_open: %s\n", e.msg);
    exit(1);
  }
  size_t bytes;
  double spent = run(total, t0, store_batch, s, &bytes);
  double rate = (double)total / spent;
  double a = now_s();
  if (store_flush(s, true, &e) < 0) fprintf(stderr, "flush: %s\n", e.msg);
  double compact = now_s() - a;
  struct store_stats st;
  store_stats(s, &st, &e);
  printf("(b) store_write_events [%s], batch %d, sync per batch: %.0f events/s, b/a = %.2f\n",
         mode_names[mode], BATCH, rate, rate / raw_rate);
  printf(
      "(c) on disk [%s] after flush+compaction (%.1f s): %.1f B/event (sst %.1f, wal %.1f; "
      "raw JSON %.0f B/event)\n",
      mode_names[mode], compact, (double)st.disk_bytes / (double)total,
      (double)st.sst_bytes / (double)total, (double)st.wal_bytes / (double)total,
      (double)bytes / (double)total);
  store_close(s);
  breakdown(path, total);
  free(path);
}

int main(int argc, char **argv) {
  size_t total = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
  char tmpl[] = "/tmp/store_bench.XXXXXX";
  const char *dir = argc > 2 && argv[2][0] ? argv[2] : mkdtemp(tmpl);
  const char *modes = argc > 3 ? argv[3] : "default";
  if (!dir || total == 0) {
    fprintf(stderr, "usage: store_bench [events] [dir] [modes]\n");
    return 2;
  }
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  int64_t t0 = (int64_t)ts.tv_sec * 1000 - (int64_t)total * 20; /* stream ends now */
  printf("store_bench: %zu events, %d sensors, dir %s\n", total, SENSORS, dir);
  double raw_rate = raw_phase(dir, total, t0);
  char *list = vg_xstrdup(modes), *save = NULL;
  for (char *m = strtok_r(list, ",", &save); m; m = strtok_r(NULL, ",", &save)) {
    int mode = -1;
    for (int i = 0; i < N(mode_names); i++)
      if (strcmp(m, mode_names[i]) == 0) mode = i;
    if (mode < 0) {
      fprintf(stderr, "unknown mode %s\n", m);
      return 2;
    }
    store_phase(dir, total, t0, mode, raw_rate);
  }
  free(list);
  return 0;
}
