/* api_request.h — parsing and validation of one client API request
 * (docs/api.md), as pure functions: bytes in, struct out, no I/O, no
 * globals. The protocol (api.c), the fuzz target and the unit test share
 * them.
 *
 * A request is one JSON object {"id": n, "method": "area.verb", "params": {…}}:
 *   id      integer 0..2^53-1, required (echoed in the response)
 *   method  1..VG_LIMIT_API_METHOD_BYTES of [a-z0-9_.], required
 *   params  object, optional (absent = {})
 * Any other member is an error; so are duplicate keys, nesting deeper than
 * VG_LIMIT_JSON_DEPTH and more than VG_LIMIT_API_MSG_BYTES. */
#ifndef VIGILD_API_REQUEST_H
#define VIGILD_API_REQUEST_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/err.h"

#define API_REQUEST_ID_MAX 9007199254740991LL /* 2^53 - 1: exact in every JSON reader */

struct api_request {
  json_t *root;       /* owned; NULL when the text was not JSON */
  bool has_id;        /* id was read (even if something else failed) */
  int64_t id;
  const char *method; /* borrowed from root; NULL unless parsing succeeded */
  json_t *params;     /* borrowed from root (or a fresh {} owned via root); NULL on failure */
};

/* Parse and validate text[0..len) (need not be NUL-terminated) into req.
 * 0, or -VG_ELIMIT (too long / too deep), -VG_EPARSE (not JSON), -VG_ETYPE,
 * -VG_EMISSING, -VG_EUNKNOWN, -VG_EINVAL, -VG_ERANGE with err naming the
 * member. Even on failure req->has_id/id say whether an id could be read, so
 * the error response can echo it. Always call api_request_cleanup. */
int api_request_parse(const char *text, size_t len, struct api_request *req,
                      struct vg_err *err);
void api_request_cleanup(struct api_request *req);

/* True if name is a well-formed method name (does not say it exists). */
bool api_method_name_valid(const char *name);

/* Parameter specs: each method declares its params as a table terminated by
 * {NULL}; api_params_check validates an object against it in one pass.
 *   STRING   string, byte length in [min, max]
 *   UUID     canonical lower-case UUID string
 *   INT      integer in [min, max]
 *   BOOL     true/false
 *   STRINGS  array of at most max strings, each 1..item_max bytes
 *   UUIDS    array of at most max UUID strings
 *   CURSOR   string of 1..512 bytes (an opaque cursor a list call returned)
 *   OBJECTS  array of at most max objects (events given to rules.test) */
enum api_ptype { API_P_STRING, API_P_UUID, API_P_INT, API_P_BOOL, API_P_STRINGS, API_P_UUIDS,
                 API_P_CURSOR, API_P_OBJECTS };

struct api_param {
  const char *name;
  enum api_ptype type;
  bool required;
  int64_t min, max;
  size_t item_max;
};

/* 0, or -VG_ETYPE / -VG_EUNKNOWN / -VG_EMISSING / -VG_ERANGE / -VG_ELIMIT /
 * -VG_EINVAL with err naming "params.<member>". spec NULL means "no params". */
int api_params_check(const json_t *params, const struct api_param *spec, struct vg_err *err);

/* Typed reads after api_params_check (NULL / def when absent). Borrowed. */
const char *api_param_str(const json_t *params, const char *name);
int64_t api_param_int(const json_t *params, const char *name, int64_t def);
int api_param_bool(const json_t *params, const char *name, int def);

#endif
