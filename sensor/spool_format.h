/* spool_format.h — the on-disk record format of the sensor's spool, and its
 * one parser (a pure function: bytes in, records out; fuzzed).
 *
 * A spool is a directory of segment files named <first seq, 20 digits>.seg.
 * A segment is a sequence of records, each:
 *
 *   u32 magic  "VGSR" (0x52534756, little endian)
 *   u32 len    payload bytes, 1..VG_LIMIT_EVENT_BYTES
 *   u64 seq    the event's sequence number
 *   u32 crc    CRC-32 (IEEE) over the seq bytes and the payload
 *   payload    the event as the event codec encoded it
 *
 * all integers little endian. Seqs in one segment are consecutive. A torn
 * write (crash while appending) leaves a truncated or CRC-bad tail that the
 * parser reports with its byte offset; the spool truncates it away. */
#ifndef VIGIL_SENSOR_SPOOL_FORMAT_H
#define VIGIL_SENSOR_SPOOL_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "shared/err.h"

#define SPOOL_REC_MAGIC 0x52534756u
#define SPOOL_REC_HDR_BYTES 20u

/* One record found by spool_format_parse; data points into the buffer. */
struct spool_rec {
  uint64_t seq;
  const char *data;
  size_t len;
  size_t offset; /* of the record header in the buffer */
};

/* Return non-zero to stop the parse (spool_format_parse returns that). */
typedef int (*spool_rec_cb)(void *ctx, const struct spool_rec *r);

/* CRC-32 (IEEE 802.3, reflected, as zlib's crc32) continuing from crc
 * (0 to start). */
uint32_t spool_format_crc32(uint32_t crc, const void *p, size_t n);

/* Encode a record header for (seq, data[len]) into hdr. */
void spool_format_header(uint8_t hdr[SPOOL_REC_HDR_BYTES], uint64_t seq, const void *data,
                         size_t len);

/* Walk buf[len] record by record, calling cb (may be NULL) for each valid
 * one. *valid gets the length of the valid prefix. Returns 0 when the whole
 * buffer is valid records, -VG_EPARSE with err naming the byte offset and
 * what was wrong (bad magic, bad length, truncated record, CRC mismatch,
 * seq not following the previous one) at the first bad record, or cb's
 * non-zero value. *nrec (may be NULL) gets the valid records seen. */
int spool_format_parse(const void *buf, size_t len, spool_rec_cb cb, void *ctx, size_t *valid,
                       size_t *nrec, struct vg_err *err);

#endif
