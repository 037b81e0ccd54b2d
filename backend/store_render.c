/* store_render.c — the stored form of an event back to its full JSON. */
#include "backend/store_render.h"

#include <string.h>

#include "shared/atom.h"
#include "shared/event_codec.h"
#include "shared/routing.h"

#define PREFIX "{\"routing\":{"

static int render_slow(const struct store_rec *r, const char *oid, const char *sid,
                       const char *eid, struct vg_buf *out, struct vg_err *err) {
  json_t *ev = NULL;
  int rc = vg_event_codec_decode(r->data, r->len, &ev, err);
  if (rc) return rc;
  struct vg_routing rt;
  vg_routing_init(&rt);
  snprintf(rt.oid, sizeof(rt.oid), "%s", oid);
  snprintf(rt.sid, sizeof(rt.sid), "%s", sid);
  snprintf(rt.event_id, sizeof(rt.event_id), "%s", eid);
  rt.present = VG_RT_OID | VG_RT_SID | VG_RT_EVENT_ID;
  rc = vg_routing_set(ev, &rt, rt.present, err);
  if (!rc) rc = vg_event_codec_encode(ev, out, err);
  json_decref(ev);
  return rc;
}

int store_render(const struct store_rec *r, struct vg_buf *out, struct vg_err *err) {
  char oid[VG_UUID_STR_LEN + 1], sid[VG_UUID_STR_LEN + 1], eid[VG_UUID_STR_LEN + 1];
  vg_atom_uuid_format(r->oid, oid);
  vg_atom_uuid_format(r->sid, sid);
  vg_atom_event_id(r->sid, r->seq, eid);
  size_t plen = sizeof(PREFIX) - 1;
  if (r->len <= plen || memcmp(r->data, PREFIX, plen) != 0)
    return render_slow(r, oid, sid, eid, out, err);
  size_t mark = out->len;
  bool empty = r->data[plen] == '}';
  int rc = vg_buf_append(out, PREFIX, plen);
  if (!rc)
    rc = vg_buf_appendf(out, "\"oid\":\"%s\",\"sid\":\"%s\",\"event_id\":\"%s\"%s", oid, sid, eid,
                        empty ? "" : ",");
  if (!rc) rc = vg_buf_append(out, r->data + plen, r->len - plen);
  if (rc) {
    vg_buf_truncate(out, mark);
    return vg_err_fail(err, -rc, "render: output full");
  }
  return 0;
}
