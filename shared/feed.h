/* feed.h — a threat feed: a set of indicators (domains, IP addresses, CIDR
 * prefixes, hashes, any token) loaded from a local file, so that a lookup is
 * one hash probe (plus one per distinct CIDR prefix length for addresses).
 *
 * File formats: one indicator per line (the first whitespace-separated token;
 * blank lines and lines starting with '#' are skipped), or JSON: an array of
 * strings, or an object whose keys are indicators and whose values are their
 * metadata (returned by lookups, for metadata_rules). Text entries are
 * compared case-insensitively (stored lower case). At most
 * VG_LIMIT_FEED_ENTRIES entries; a line past VG_LIMIT_FEED_LINE_BYTES is an
 * error naming the file and line. Immutable once loaded: lookups may run
 * from any thread. */
#ifndef VIGIL_FEED_H
#define VIGIL_FEED_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "shared/err.h"

struct vg_feed;

/* Load path. NULL with err (-VG_EIO, -VG_EPARSE at file:line, -VG_ELIMIT). */
struct vg_feed *vg_feed_load(const char *path, struct vg_err *err);
void vg_feed_free(struct vg_feed *f);
size_t vg_feed_size(const struct vg_feed *f);
/* True if value is in the feed (an address also matches a CIDR entry that
 * contains it). *mtd (may be NULL) gets the entry's metadata, borrowed from
 * the feed, or NULL. */
bool vg_feed_has(const struct vg_feed *f, const char *value, const json_t **mtd);

#endif
