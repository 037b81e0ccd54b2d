/* proto.h — the sensor ⇄ gateway protocol (docs/protocol.md): version,
 * subprotocol names, and the one place its messages are framed and parsed.
 *
 * Every message is a JSON object whose FIRST member is "t" (the type), so a
 * receiver can route a message before parsing it. A batch is framed exactly
 * as {"t":"batch","first":N,"events":[…]} (members in that order; whitespace
 * allowed) so the gateway can hand the events array to the event codec
 * without parsing the message twice. */
#ifndef VIGIL_PROTO_H
#define VIGIL_PROTO_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/buf.h"
#include "shared/err.h"

#define VG_PROTO_VERSION 1
#define VG_PROTO_SENSOR "vigil-sensor.v1"
#define VG_PROTO_ENROLL "vigil-enroll.v1"
#define VG_PROTO_TYPE_BYTES 32

/* The type of a message (its leading "t" member) into type[VG_PROTO_TYPE_BYTES].
 * -VG_EPROTO if the message does not start with {"t":"<type>". */
int vg_proto_peek_type(const char *msg, size_t len, char type[VG_PROTO_TYPE_BYTES],
                       struct vg_err *err);

/* Split a batch message: *first = N, events and elen = the events array's bytes
 * (pointing into msg). -VG_EPROTO with the byte position on any deviation. */
int vg_proto_batch_split(const char *msg, size_t len, uint64_t *first, const char **events,
                         size_t *elen, struct vg_err *err);

/* Append {"t":"batch","first":first,"events":<codec batch>} to out. */
int vg_proto_batch_encode(struct vg_buf *out, uint64_t first, const json_t *events,
                          struct vg_err *err);

/* Parse a control message (anything but a batch): at most
 * VG_LIMIT_PROTO_CTRL_BYTES, an object with a string "t", no duplicate keys.
 * New reference or NULL with err (-VG_EPROTO / -VG_ELIMIT, with position). */
json_t *vg_proto_parse(const char *msg, size_t len, struct vg_err *err);

/* Append a control message (compact) to out. 0 or -VG_ELIMIT. */
int vg_proto_encode(const json_t *msg, struct vg_buf *out);

/* A new {"t":"error","code":<vg_code_name>,"message":msg} message. */
json_t *vg_proto_error(int code, const char *msg);

#endif
