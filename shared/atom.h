/* atom.h — atoms (128-bit random ids that link events into process trees) and
 * event ids (RFC 4122 version 4 UUIDs), in text and binary form.
 *
 * Text forms are canonical lower case: an atom is 32 hex digits, a UUID is
 * 8-4-4-4-12 hex digits (36 chars). Binary forms are 16 bytes, the order the
 * text reads in, so storage keys sort like the text. Randomness comes from
 * getrandom(2); failure to get it is fatal (it only blocks before the kernel
 * pool is seeded, early at boot). */
#ifndef VIGIL_ATOM_H
#define VIGIL_ATOM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VG_ATOM_BYTES    16  /* binary atom / UUID */
#define VG_ATOM_HEX_LEN  32  /* text atom, without the NUL */
#define VG_UUID_STR_LEN  36  /* text UUID, without the NUL */

/* Fill out with 16 random bytes. Never fails (aborts if getrandom does). */
void vg_atom_random(uint8_t out[VG_ATOM_BYTES]);

/* A fresh random atom as 32 lower-case hex digits plus NUL. */
void vg_atom_new(char out[VG_ATOM_HEX_LEN + 1]);

/* Render 16 bytes as 32 lower-case hex digits plus NUL. */
void vg_atom_format(const uint8_t a[VG_ATOM_BYTES], char out[VG_ATOM_HEX_LEN + 1]);

/* Parse exactly 32 hex digits (either case; s NUL-terminated, nothing after)
 * into 16 bytes. 0, or -VG_EINVAL (out untouched). s may be NULL (EINVAL). */
int vg_atom_parse(const char *s, uint8_t out[VG_ATOM_BYTES]);

/* True if s (may be NULL) is a canonical text atom: exactly 32 lower-case hex
 * digits. This is what routing/this, parent and target must hold. */
bool vg_atom_valid(const char *s);

/* True if all 16 bytes are zero (the "no atom" value in storage keys). */
bool vg_atom_is_zero(const uint8_t a[VG_ATOM_BYTES]);

/* A fresh random RFC 4122 version 4 UUID, lower case, plus NUL. */
void vg_atom_uuid_new(char out[VG_UUID_STR_LEN + 1]);

/* The event id vigild assigns to event seq of sensor sid: a version 8 UUID
 * (RFC 9562) of the sid's first 8 bytes and seq, so a resent event keeps its
 * id and the store need not keep it (it is derived from the key). */
void vg_atom_event_id(const uint8_t sid[VG_ATOM_BYTES], uint64_t seq,
                      char out[VG_UUID_STR_LEN + 1]);

/* Render 16 bytes as a UUID string (no version bits are forced). */
void vg_atom_uuid_format(const uint8_t u[VG_ATOM_BYTES], char out[VG_UUID_STR_LEN + 1]);

/* Parse an 8-4-4-4-12 UUID (either case, any version) into 16 bytes.
 * 0 or -VG_EINVAL (out untouched). s may be NULL (EINVAL). */
int vg_atom_uuid_parse(const char *s, uint8_t out[VG_ATOM_BYTES]);

/* True if s (may be NULL) is a canonical UUID: 8-4-4-4-12 lower-case hex.
 * Any version is accepted (ids made elsewhere need not be v4). */
bool vg_atom_uuid_valid(const char *s);

#endif
