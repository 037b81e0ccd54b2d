/* store_keys.h — the byte layout of every store key: big-endian fixed-width
 * fields, organisation first, so the main reads are range scans and byte
 * order is time order. Layouts are documented in docs/storage.md. Pure
 * functions, thread-safe. Every encoder writes into a caller buffer of the
 * stated size and returns the number of bytes written. */
#ifndef VIGILD_STORE_KEYS_H
#define VIGILD_STORE_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "backend/store.h"

/* Event partitions (column family ev_YYYYMMDD). Events are keyed sensor
 * first, so one block holds a run of one sensor's events (they compress
 * together) and a sensor's timeline is one range scan. */
#define STORE_KEY_EVENT 'E'    /* E | oid | sid | time | seq          → type id (2) | event bytes */
#define STORE_KEY_ATOM 'A'     /* A | oid | this                      → suffix */
#define STORE_KEY_CHILD 'C'    /* C | oid | parent | time | sid | seq → (empty) */
#define STORE_KEY_EVENT_LEN 49
#define STORE_KEY_ATOM_LEN 33
#define STORE_KEY_CHILD_LEN 65
#define STORE_KEY_PREFIX_LEN 33 /* tag | oid | (sid or atom) */
#define STORE_KEY_SUFFIX_LEN 32 /* sid | time | seq: the event key after tag | oid */
#define STORE_VALUE_HEAD_LEN 2  /* the type id in front of the event bytes */

/* Counters column family: gran | period | oid | sid | bucket | type → u64 LE. */
#define STORE_KEY_COUNTER_LEN 47
#define STORE_KEY_COUNTER_PREFIX_LEN 37 /* gran | period | oid | sid */

/* Partition column family name "ev_YYYYMMDD" (buf ≥ 16 bytes). */
void store_keys_part_name(int32_t day, char *buf, size_t n);
/* Day of an "ev_YYYYMMDD" name; 0 and *day set, or -1 if not a partition. */
int store_keys_part_parse(const char *name, int32_t *day);

void store_keys_put_be16(uint8_t *p, uint16_t v);
void store_keys_put_be32(uint8_t *p, uint32_t v);
void store_keys_put_be64(uint8_t *p, uint64_t v);
uint16_t store_keys_get_be16(const uint8_t *p);
uint32_t store_keys_get_be32(const uint8_t *p);
uint64_t store_keys_get_be64(const uint8_t *p);

/* tag | oid | id: the 33-byte prefix of E (id = sid), A and C (id = atom). */
size_t store_keys_prefix(uint8_t *k, char tag, const uint8_t *oid, const uint8_t *id);
/* E key (49 bytes). */
size_t store_keys_event(uint8_t *k, const uint8_t *oid, const uint8_t *sid, int64_t time_ms,
                        uint64_t seq);
/* C key (65 bytes). */
size_t store_keys_child(uint8_t *k, const uint8_t *oid, const uint8_t *parent, int64_t time_ms,
                        const uint8_t *sid, uint64_t seq);
/* sid | time | seq (32 bytes): the value of A keys. */
size_t store_keys_suffix(uint8_t *v, const uint8_t *sid, int64_t time_ms, uint64_t seq);
/* E key from oid and a suffix. */
size_t store_keys_event_from_suffix(uint8_t *k, const uint8_t *oid, const uint8_t *suffix);

/* Counter key (47 bytes). */
size_t store_keys_counter(uint8_t *k, int gran, uint32_t period, const uint8_t *oid,
                          const uint8_t *sid, int64_t bucket_ms, uint16_t type_id);

#endif
