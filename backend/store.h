/* store.h — vigild's storage layer: a thin typed layer over RocksDB. It knows
 * nothing about JSON: callers pass pre-extracted key fields and the encoded
 * event bytes. docs/storage.md describes the column families and key layouts.
 *
 * This header: open/close, the event write path (group commit), retention,
 * stats. Reads: store_events.h, store_counters.h, store_meta.h, store_audit.h.
 *
 * Thread safety: one writer thread (store_write_events, store_retention_run,
 * metadata and audit writes may come from any thread) and any number of
 * reader threads may use one struct store concurrently. A rwlock guards the
 * map of event partitions: reads and writes hold it shared for the whole
 * call (so iterators never outlive a partition), retention and partition
 * creation hold it exclusive. Callbacks run under the shared lock and must
 * not call back into the store. store_close must not race with anything. */
#ifndef VIGILD_STORE_H
#define VIGILD_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/err.h"

#define STORE_ID_BYTES 16 /* oid, sid, atoms */
#define STORE_DAY_MS (86400LL * 1000)
#define STORE_DEFAULT_RETENTION_S (365LL * 86400)
#define STORE_MAX_RETENTION_S (100LL * 365 * 86400)
#define STORE_TIME_MAX_MS 253402300800000LL /* year 10000: read ranges are clamped to it */

struct store;

/* Compression of the event partitions. DEFAULT is the measured choice
 * (docs/performance.md): lz4 for the short-lived upper levels, zstd with a
 * 64 KiB trained dictionary for the bottommost level, where the bytes stay. */
enum store_compression {
  STORE_COMPRESSION_DEFAULT = 0,
  STORE_COMPRESSION_ZSTD,      /* zstd everywhere */
  STORE_COMPRESSION_LZ4_ZSTD,  /* lz4 upper levels, zstd bottommost */
  STORE_COMPRESSION_ZSTD_DICT, /* zstd everywhere + 64 KiB trained dictionary bottommost */
  STORE_COMPRESSION_LZ4,
  STORE_COMPRESSION_NONE,
};

/* Every field but path may be 0 for its default. */
struct store_opts {
  const char *path;    /* database directory (created if missing) */
  int64_t retention_s; /* events older than this are refused and dropped; 365 days (≤ 100 years) */
  size_t write_buffer_bytes;   /* memtable per column family; 64 MiB */
  size_t total_memtable_bytes; /* cap across all column families; 256 MiB */
  size_t block_cache_bytes;    /* shared LRU block cache; 128 MiB */
  size_t block_bytes;          /* data block size; 16 KiB */
  int max_background_jobs;     /* flush + compaction threads; 2 */
  int max_open_files;          /* table files kept open; 512 */
  enum store_compression compression;
  int64_t (*clock_ms)(void *ctx); /* "now" in ms since the epoch; NULL = wall clock */
  void *clock_ctx;
};

/* Objects an event names (store_objects.h): the kind and the hash of the
 * normalised value (store_objects_hash). */
enum store_obj_type {
  STORE_OBJ_DOMAIN = 1, /* event/DOMAIN_NAME */
  STORE_OBJ_IP,         /* event/IP_ADDRESS */
  STORE_OBJ_HASH,       /* event/HASH */
  STORE_OBJ_FILE_PATH,  /* event/FILE_PATH */
  STORE_OBJ_USER,       /* event/USER_NAME */
};
#define STORE_EVENT_OBJECTS 5 /* objects one event may add to the index */
struct store_object {
  uint8_t type; /* enum store_obj_type */
  uint64_t hash;
};

/* One event to store. The store copies what it needs; data is not retained. */
struct store_event {
  uint8_t oid[STORE_ID_BYTES], sid[STORE_ID_BYTES];
  int64_t time_ms;  /* event time (routing/event_time) */
  uint64_t seq;     /* per-sensor sequence number */
  uint16_t type_id; /* event type id (the caller's table), never 0 */
  bool has_this, has_parent;
  uint8_t this_atom[STORE_ID_BYTES], parent_atom[STORE_ID_BYTES];
  const char *data; /* encoded event, len bytes (≤ VG_LIMIT_EVENT_BYTES) */
  size_t len;
  uint8_t nobjs;    /* objects for the object index (0 = none) */
  struct store_object objs[STORE_EVENT_OBJECTS];
};

struct store_stats {
  uint64_t sst_bytes;        /* rocksdb.total-sst-files-size summed over column families */
  uint64_t wal_bytes;        /* *.log files in the directory */
  uint64_t disk_bytes;       /* sst_bytes + wal_bytes */
  uint64_t events_written;   /* since open, duplicates of stored events excluded */
  uint64_t events_duplicate; /* since open: already stored, rewritten in place */
  uint64_t events_refused;   /* since open: older than retention */
  uint64_t partitions;       /* event partitions (days) */
};

/* Open (creating on first use) the database at o->path with its column
 * families: every existing one is reopened. NULL on failure with err filled.
 * Free with store_close. */
struct store *store_open(const struct store_opts *o, struct vg_err *err);
/* Close and free; NULL is a no-op. Memtables are flushed to the WAL already
 * (every write goes through the WAL), so nothing written is lost. */
void store_close(struct store *s);

/* Store n events in ONE atomic WriteBatch (group commit), WAL on; sync=true
 * fsyncs the WAL before returning. Keys are deterministic, so an event
 * written twice (same oid, sid, time, seq) is stored once and counted once.
 * Events older than the retention horizon are refused (not stored). An event
 * more than one day in the future is keyed at the arrival time ("now") so a
 * bad sensor clock cannot create far-future partitions; the event bytes are
 * unchanged. Returns the number refused (≥ 0), or -VG_EINVAL (bad event),
 * -VG_ELIMIT (n or an event too large), -VG_EDB; on failure nothing is
 * stored. Thread-safety: one writer thread at a time. */
int store_write_events(struct store *s, const struct store_event *ev, size_t n, bool sync,
                       struct vg_err *err);

/* Drop whole event partitions (days) that end before now_ms - retention and
 * delete counters past retention (docs/storage.md). Safe while readers and
 * the writer run. Returns the number of partitions dropped or -VG_EDB. */
int store_retention_run(struct store *s, int64_t now_ms, struct vg_err *err);

/* Fill *out. 0 or -VG_EIO. */
int store_stats(struct store *s, struct store_stats *out, struct vg_err *err);

/* Flush every memtable to SST files; with compact, also compact every column
 * family fully (benchmarks, tests, maintenance). 0 or -VG_EDB. */
int store_flush(struct store *s, bool compact, struct vg_err *err);

/* The UTC day number of a time (floor(ms / 86400000)), saturated to int32. */
int32_t store_day_of(int64_t time_ms);

#endif
