/* spool.h — the sensor's on-disk spool: every event that will be sent gets
 * its sequence number here and stays on disk until the backend acks it.
 *
 * Format: spool_format.h (a directory of length+CRC framed segment files
 * named by their first seq). Durability: an append is one writev(2) on an
 * O_APPEND file, done before spool_append returns, so a crashed or killed
 * sensor loses nothing that was appended (the data is in the page cache).
 * Against power loss the active segment is fdatasync'ed by spool_sync (the
 * runtime calls it every SPOOL_FSYNC_MS), and so are the segments finished
 * since the last call and the directory (up to SPOOL_PENDING_SYNCS rotated
 * segments; past that the append that rotates syncs, as a bound): an append
 * never waits for the disk otherwise. On open, a torn tail
 * (truncated or CRC-bad record) is cut off, and the next seq continues after
 * the last record (the newest segment is never deleted, and its name keeps
 * the counter even when it is empty): seqs are never reused.
 *
 * Full spool: appending past max_bytes deletes the oldest segments and
 * reports how many unacknowledged events went with them.
 *
 * Thread-safe (one mutex). */
#ifndef VIGIL_SENSOR_SPOOL_H
#define VIGIL_SENSOR_SPOOL_H

#include <stddef.h>
#include <stdint.h>

#include "sensor/spool_format.h"
#include "shared/err.h"

#define SPOOL_DEFAULT_MAX_BYTES (256ull << 20) /* default bound on the spool */
#define SPOOL_MIN_MAX_BYTES (64ull << 10)      /* smallest bound accepted */
#define SPOOL_SEGMENT_MAX_BYTES (8u << 20)     /* a segment is rotated past this */
#define SPOOL_MAX_SEGMENTS 4096                /* segment files kept (ever) */
#define SPOOL_READ_CHUNK_BYTES (1u << 20)      /* one read from a segment */
#define SPOOL_FSYNC_MS 1000                    /* data at risk of power loss */
#define SPOOL_PENDING_SYNCS 16                 /* rotated segments awaiting spool_sync */

struct spool;

struct spool_stats {
  uint64_t bytes;        /* on disk, all segments */
  uint64_t segments;
  uint64_t next_seq;     /* the seq the next append gets */
  uint64_t acked;        /* highest seq acked (or below the oldest kept) */
  uint64_t dropped;      /* unacked events dropped because the spool was full, since open */
  uint64_t recovered;    /* records found at open */
  uint64_t torn;         /* bad tails cut off at open */
};

/* Open (creating, mode 0700) the spool in dir, bounded to max_bytes (0 →
 * SPOOL_DEFAULT_MAX_BYTES). NULL with err on failure. */
struct spool *spool_open(const char *dir, uint64_t max_bytes, struct vg_err *err);
/* Sync and close; NULL is a no-op. */
void spool_close(struct spool *s);

/* What an append deleted to make room: count unacked events, seqs lo..hi
 * (contiguous: the oldest go first); count 0 when nothing was. */
struct spool_drop {
  uint64_t count, lo, hi;
};

/* Append one event (data[len], 1..VG_LIMIT_EVENT_BYTES) with the next seq
 * (*seq); *drop says what went to make room. 0, -VG_ELIMIT, or -VG_EIO
 * (nothing appended). */
int spool_append(struct spool *s, const void *data, size_t len, uint64_t *seq,
                 struct spool_drop *drop, struct vg_err *err);

/* Everything up to and including seq is stored by the backend: delete the
 * segments that hold nothing newer (never the newest one). */
void spool_ack(struct spool *s, uint64_t seq);

/* Call cb for the records with seq >= from, in order and consecutive, at
 * most max_events of them and about max_bytes of payload (at least one
 * record if any), all from one segment. data passed to cb is valid during
 * the call only; the lock is held, so cb must not call into the spool.
 * Returns the number of records passed (0: nothing at or after from). When
 * from is older than the oldest record, reading starts at the oldest. */
int spool_read(struct spool *s, uint64_t from, size_t max_events, size_t max_bytes,
               spool_rec_cb cb, void *ctx);

/* Make the next append get seq next (if higher than it would be): used
 * when the backend has acked more than this spool ever held (a lost spool
 * with a kept identity), so seqs are never reused. Starts a new segment. */
int spool_advance(struct spool *s, uint64_t next, struct vg_err *err);

/* The oldest seq on disk that is not acked, or next_seq if none. */
uint64_t spool_first_unacked(struct spool *s);
uint64_t spool_next_seq(struct spool *s);

/* fdatasync the newest segment if it changed since the last sync. */
void spool_sync(struct spool *s);

void spool_stats(struct spool *s, struct spool_stats *out);

#endif
