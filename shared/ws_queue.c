/* ws_queue.c — bounded FIFO of heap messages for the WebSocket client. */
#include "shared/ws_queue.h"

#include <stdlib.h>

#include "shared/alloc.h"

void vg_ws_queue_init(struct vg_ws_queue *q, size_t max_msgs, size_t max_bytes) {
  q->head = q->tail = NULL;
  q->count = q->bytes = 0;
  q->max_msgs = max_msgs;
  q->max_bytes = max_bytes;
}

void vg_ws_queue_cleanup(struct vg_ws_queue *q) {
  struct vg_ws_msg *m;
  while ((m = vg_ws_queue_pop(q))) vg_ws_msg_free(m);
}

bool vg_ws_queue_full(const struct vg_ws_queue *q, size_t len) {
  if (q->count == 0) return false;
  return q->count >= q->max_msgs || q->bytes + len > q->max_bytes;
}

void vg_ws_queue_push(struct vg_ws_queue *q, char *data, size_t len, int err) {
  struct vg_ws_msg *m = vg_xcalloc(1, sizeof(*m));
  m->data = data;
  m->len = len;
  m->err = err;
  if (q->tail)
    q->tail->next = m;
  else
    q->head = m;
  q->tail = m;
  q->count++;
  q->bytes += len;
}

struct vg_ws_msg *vg_ws_queue_pop(struct vg_ws_queue *q) {
  struct vg_ws_msg *m = q->head;
  if (!m) return NULL;
  q->head = m->next;
  if (!q->head) q->tail = NULL;
  m->next = NULL;
  q->count--;
  q->bytes -= m->len;
  return m;
}

void vg_ws_msg_free(struct vg_ws_msg *m) {
  if (!m) return;
  free(m->data);
  free(m);
}
