/* output.h — how vigilctl prints records: a readable table (columns from a
 * table of {title, member, kind}) or, with --json, one compact JSON object
 * per line (NDJSON for lists and streams, one object for single records). */
#ifndef VIGIL_CLI_OUTPUT_H
#define VIGIL_CLI_OUTPUT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define OUTPUT_CELL_MAX 60 /* a table cell is cut to this many bytes ("…" marks it) */

enum output_kind {
  OUTPUT_TEXT,  /* string or number as is; other JSON compact */
  OUTPUT_TIME,  /* epoch ms → RFC 3339 UTC; 0 or absent → "-" */
  OUTPUT_BOOL,  /* yes / no */
  OUTPUT_KEYS,  /* an object's keys, comma separated (tags) */
  OUTPUT_COUNT, /* an array's or object's size */
};

struct output_col {
  const char *title;
  const char *member; /* "a" or "a.b" */
  enum output_kind kind;
};

/* items (array of objects) as a table with cols, or NDJSON with json. */
void output_list(FILE *f, const json_t *items, const struct output_col *cols, bool json);
/* One object: "title: value" lines with cols (NULL: every member), or one
 * JSON line with json. */
void output_record(FILE *f, const json_t *obj, const struct output_col *cols, bool json);
/* v as one compact JSON line. */
void output_json_line(FILE *f, const json_t *v);
/* One event {routing, event}: "TIME TYPE SID {payload}", or the envelope as
 * one JSON line with json; flushed. */
void output_event(FILE *f, const json_t *ev, bool json);
/* ms since the epoch as RFC 3339 UTC with milliseconds into buf. */
const char *output_time(int64_t ms, char *buf, size_t n);

#endif
