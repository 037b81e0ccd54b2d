/* ws_queue.h — a bounded FIFO of heap messages, the send and receive queues
 * of the WebSocket client (and its test server). Not thread-safe: the owner
 * holds its own lock around every call. */
#ifndef VIGIL_WS_QUEUE_H
#define VIGIL_WS_QUEUE_H

#include <stdbool.h>
#include <stddef.h>

struct vg_ws_msg {
  struct vg_ws_msg *next;
  char *data;  /* heap, NUL-terminated at len; NULL for an error entry */
  size_t len;
  int err;     /* 0, or a negative -VG_E… reported in order with messages */
};

struct vg_ws_queue {
  struct vg_ws_msg *head, *tail;
  size_t count, bytes;       /* messages and payload bytes queued */
  size_t max_msgs, max_bytes;
};

void vg_ws_queue_init(struct vg_ws_queue *q, size_t max_msgs, size_t max_bytes);
/* Frees every queued message. */
void vg_ws_queue_cleanup(struct vg_ws_queue *q);
/* Would a message of len bytes overflow q? An empty queue takes any one
 * message; len 0 asks "is q at its bounds already". */
bool vg_ws_queue_full(const struct vg_ws_queue *q, size_t len);
/* Append (no bound check: call vg_ws_queue_full first). Takes ownership of
 * data (heap, may be NULL for an error entry). */
void vg_ws_queue_push(struct vg_ws_queue *q, char *data, size_t len, int err);
/* Detach the oldest message (NULL when empty); free it with vg_ws_msg_free. */
struct vg_ws_msg *vg_ws_queue_pop(struct vg_ws_queue *q);
void vg_ws_msg_free(struct vg_ws_msg *m);  /* NULL is a no-op */

#endif
