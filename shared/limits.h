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
#define VG_LIMIT_PROTO_CTRL_BYTES   (64u << 10) /* one non-batch protocol message (hello, enroll…) */
#define VG_LIMIT_BATCH_EVENTS       2000        /* events in one sensor batch */
#define VG_LIMIT_EVENT_TYPE_BYTES   64          /* an event type name */
#define VG_LIMIT_ROUTING_KEYS       64          /* members of one routing object */
#define VG_LIMIT_HOSTNAME_BYTES     255
#define VG_LIMIT_TAGS               64          /* tags on one sensor */
#define VG_LIMIT_TAG_BYTES          64          /* one tag */
#define VG_LIMIT_IP_BYTES           45          /* routing/int_ip, ext_ip as text (INET6_ADDRSTRLEN - 1) */
#define VG_LIMIT_INVESTIGATION_ID_BYTES 128     /* routing/investigation_id */
/* A batch is a JSON array of events: it may nest VG_LIMIT_JSON_DEPTH + 1 deep,
 * be VG_LIMIT_MSG_BYTES long, hold VG_LIMIT_BATCH_EVENTS events, and each
 * element must itself fit VG_LIMIT_EVENT_BYTES. docs/events.md has the rest. */

/* vigild ingest: what a sensor batch may hold in flight before the gateway
 * stops reading (back-pressure, never a drop). */
#define VG_LIMIT_INGEST_QUEUE_BYTES   (64u << 20) /* batches queued for the ingest thread */
#define VG_LIMIT_INGEST_QUEUE_BATCHES 4096
#define VG_LIMIT_INGEST_GROUP_BYTES   (8u << 20)  /* one group commit reads at most this */
#define VG_LIMIT_GATEWAY_OUTBOX       1024        /* messages waiting to be written to one sensor */
#define VG_LIMIT_TASK_COMMAND_BYTES   4096        /* one sensor command line */
#define VG_LIMIT_TASKS_QUEUED_PER_SENSOR 100     /* tasks waiting for one offline sensor */
#define VG_LIMIT_TASKS_PENDING        10000       /* tasks awaiting replies, all sensors */
#define VG_LIMIT_HOOK_QUEUE_EVENTS    65536       /* stored events waiting for the hooks */

/* Client API (backend/api*.c, docs/api.md). An outbox is "full" for pushes
 * at VG_LIMIT_API_OUTBOX_MSGS messages or VG_LIMIT_API_OUTBOX_BYTES bytes (the
 * subscription is cancelled); responses may use twice that before the session
 * is closed for not reading. */
#define VG_LIMIT_API_MSG_BYTES      (1u << 20)  /* one request message (reassembled) */
#define VG_LIMIT_API_METHOD_BYTES   64          /* a method name */
#define VG_LIMIT_API_SESSIONS       1024        /* concurrent API sessions */
#define VG_LIMIT_API_OUTBOX_MSGS    1024        /* messages queued to one session */
#define VG_LIMIT_API_OUTBOX_BYTES   (16u << 20) /* bytes queued to one session */
#define VG_LIMIT_API_SUBS           64          /* open subscriptions (streams + tasks) per session */
#define VG_LIMIT_API_FILTER_ITEMS   256         /* sids / event types / tags in one filter */
#define VG_LIMIT_API_PAGE           1000        /* items one list call may return */
#define VG_LIMIT_API_AUTH_FAILURES  3           /* failed session.auth before the session is closed */
#define VG_LIMIT_API_NAME_BYTES     128         /* a key's or installation key's name */

/* Path selector (event/?/USER_NAME). */
#define VG_LIMIT_PATH_BYTES         1024        /* a path expression */
#define VG_LIMIT_PATH_SEGMENTS      32          /* segments in a path expression */
#define VG_LIMIT_PATH_MATCHES       4096        /* values one selection may return */
#define VG_LIMIT_PATH_DEPTH         64          /* levels a selection descends below the root */

/* YAML (config, rules, keymaps, themes). */
#define VG_LIMIT_YAML_BYTES         (4u << 20)  /* one YAML document/file */
#define VG_LIMIT_YAML_DEPTH         64          /* nesting */
#define VG_LIMIT_YAML_NODES         200000      /* nodes in one document */
#define VG_LIMIT_YAML_SCALAR_BYTES  (1u << 20)  /* one scalar */

/* Config. */
#define VG_LIMIT_CONFIG_KEY_BYTES   128
#define VG_LIMIT_FILE_PATH_BYTES    4096

/* WebSocket client (shared/ws_client.c). A queue is full when it holds
 * VG_LIMIT_WS_QUEUE_MSGS messages or VG_LIMIT_WS_QUEUE_BYTES bytes (an empty
 * queue always takes one message up to VG_LIMIT_MSG_BYTES). */
#define VG_LIMIT_WS_QUEUE_MSGS      1024        /* default send/receive queue length */
#define VG_LIMIT_WS_QUEUE_BYTES     (32u << 20) /* bytes queued in one direction */
#define VG_LIMIT_WS_FRAGMENT_BYTES  (64u << 10) /* payload of one frame we send */
#define VG_LIMIT_WS_REASON_BYTES    256         /* close reason / connect error text kept */
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


/* Expression engine and rules (shared/expr*.c, shared/rule.c, backend/rules*). */
#define VG_LIMIT_EXPR_CHILDREN      4096        /* sub-rules of one and/or node */
#define VG_LIMIT_EXPR_DEPTH         32          /* nesting of detect nodes */
#define VG_LIMIT_EXPR_VALUES        1024        /* values of one node (string distance lists) */
#define VG_LIMIT_EXPR_MATCHES       256         /* path matches one node tests */
#define VG_LIMIT_EXPR_EVENT_TYPES   64          /* event types named by one node */
#define VG_LIMIT_EXPR_STR_BYTES     4096        /* a value compared as text (longer: truncated) */
#define VG_LIMIT_EXPR_DISTANCE_BYTES 256        /* string distance: longer strings never match */
#define VG_LIMIT_EXPR_EXTERNAL_DEPTH 4          /* external rule splicing / detection chaining */
#define VG_LIMIT_RE_MATCH           100000      /* PCRE2 match limit (backtracking steps) */
#define VG_LIMIT_RE_DEPTH           1000        /* PCRE2 depth limit */
#define VG_LIMIT_RE_BYTES           4096        /* a regular expression's source */
#define VG_LIMIT_STATE_SENSORS      4096        /* sensors tracked by one stateful rule */
#define VG_LIMIT_STATE_ATOMS        4096        /* process atoms remembered per sensor */
#define VG_LIMIT_STATE_ARMED        256         /* armed parents per sensor and rule */
#define VG_LIMIT_STATE_ANCESTRY     64          /* ancestors walked by with descendant */
#define VG_LIMIT_RULES_PER_ORG      10000       /* rules in one organisation */
#define VG_LIMIT_RULE_NAME_BYTES    128         /* rule / feed / false-positive rule name */
#define VG_LIMIT_RULE_YAML_BYTES    (1u << 20)  /* the YAML of one rule */
#define VG_LIMIT_RULE_TEST_EVENTS   1000        /* events in one rule's tests: */
#define VG_LIMIT_RULE_ACTIONS       32          /* respond actions of one rule */
#define VG_LIMIT_SUPPRESS_KEYS      100000      /* suppression counters per action */
#define VG_LIMIT_TEMPLATE_BYTES     1024        /* a rendered name/key template */
#define VG_LIMIT_FEED_ENTRIES       (8u << 20)  /* entries of one threat feed */
#define VG_LIMIT_FEED_LINE_BYTES    1024        /* one line of a feed file */
#define VG_LIMIT_FEEDS_PER_ORG      64          /* lookup resources of one organisation */
#define VG_LIMIT_SENSOR_VARS        256         /* variables of one sensor */
#define VG_LIMIT_SENSOR_VAR_VALUES  1024        /* values of one sensor variable */
#define VG_LIMIT_DETECTION_SUBS     256         /* detections.subscribe subscribers */
#define VG_LIMIT_RULES_PENDING      4096        /* tasks/isolations waiting for the service thread */

#define VG_LIMIT_QUERY_BYTES        8192        /* the text of one Insight query */
#define VG_LIMIT_QUERY_TOKENS       1024        /* tokens of one query */
#define VG_LIMIT_QUERY_COLS         32          /* projection columns of one query */
#define VG_LIMIT_QUERY_NAME_BYTES   64          /* a projection column's name */
#define VG_LIMIT_QUERY_LITS         8           /* literals a query's prefilter requires */
#define VG_LIMIT_QUERY_GROUPS       10000       /* groups one aggregation may hold */
#define VG_LIMIT_QUERY_UNIQUE       100000      /* distinct values COUNT_UNIQUE tracks, all groups */

#endif
