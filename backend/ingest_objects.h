/* ingest_objects.h — the objects of an event for the object index
 * (store_objects.h): the string values of the top-level keys DOMAIN_NAME,
 * IP_ADDRESS, HASH, FILE_PATH and USER_NAME of the event payload, hashed as
 * the index keys them. Ingest reads them from the members its scan noted
 * (ingest_objects_from_span); a payload with more string members than a
 * span holds is walked again with the scanner (ingest_objects_extract). */
#ifndef VIGILD_INGEST_OBJECTS_H
#define VIGILD_INGEST_OBJECTS_H

#include <stddef.h>

#include "backend/store.h"

/* ev[0..len) is the event payload object. Sets se->nobjs and se->objs
 * (nested values, empty strings and non-strings are not indexed). */
void ingest_objects_extract(const char *ev, size_t len, struct store_event *se);

/* The same from the payload's string members the ingest scan noted
 * (sp->str, offsets into data); walks the payload only if it had more of
 * them than a span holds. */
struct vg_event_span;
void ingest_objects_from_span(const char *data, const struct vg_event_span *sp,
                              struct store_event *se);

#endif
