/* limits.h — every limit that untrusted input drives, in one place.
 * Sensors, API clients, rule authors and config files are all untrusted:
 * each parser checks its input against these and fails with VG_ELIMIT.
 * docs/architecture.md lists them; change a value here and nowhere else. */
#ifndef VIGIL_LIMITS_H
#define VIGIL_LIMITS_H

/* JSON (event codec, protocol, API). */
#define VG_LIMIT_JSON_DEPTH         32          /* nesting of objects/arrays in one event */
#define VG_LIMIT_EVENT_BYTES        (1u << 20)  /* one encoded event */
#define VG_LIMIT_STRING_BYTES       (256u << 10) /* one string value inside an event */
#define VG_LIMIT_MSG_BYTES          (8u << 20)  /* one websocket message (a batch) */
#define VG_LIMIT_BATCH_EVENTS       2000        /* events in one sensor batch */
#define VG_LIMIT_EVENT_TYPE_BYTES   64          /* an event type name */
#define VG_LIMIT_HOSTNAME_BYTES     255
#define VG_LIMIT_TAGS               64          /* tags on one sensor */
#define VG_LIMIT_TAG_BYTES          64          /* one tag */

/* Path selector (event/?/USER_NAME). */
#define VG_LIMIT_PATH_BYTES         1024        /* a path expression */
#define VG_LIMIT_PATH_SEGMENTS      32          /* segments in a path expression */
#define VG_LIMIT_PATH_MATCHES       4096        /* values one selection may return */

/* YAML (config, rules, keymaps, themes). */
#define VG_LIMIT_YAML_BYTES         (4u << 20)  /* one YAML document/file */
#define VG_LIMIT_YAML_DEPTH         64          /* nesting */
#define VG_LIMIT_YAML_NODES         200000      /* nodes in one document */
#define VG_LIMIT_YAML_SCALAR_BYTES  (1u << 20)  /* one scalar */

/* Config. */
#define VG_LIMIT_CONFIG_KEY_BYTES   128
#define VG_LIMIT_FILE_PATH_BYTES    4096

/* Storage (backend/store*). */
#define VG_LIMIT_STORE_BATCH_EVENTS 65536       /* events in one store_write_events() call */
#define VG_LIMIT_STORE_PAGE         10000       /* events one timeline page may return */
#define VG_LIMIT_STORE_TYPE_FILTER  64          /* event types in one timeline filter */
#define VG_LIMIT_STORE_META_ID_BYTES 512        /* id part of a metadata key */
#define VG_LIMIT_STORE_META_VALUE_BYTES (4u << 20) /* one metadata value or audit record */
#define VG_LIMIT_STORE_META_BATCH   4096        /* records in one atomic metadata batch */

/* Logging: one formatted line is truncated past this. */
#define VG_LIMIT_LOG_LINE_BYTES     4096

/* Errors: a message inside struct vg_err is truncated past this. */
#define VG_LIMIT_ERR_MSG_BYTES      256

#endif
