/* collect_limits.h — the bounds of the file, DNS and network collectors and
 * of the document cache / FIM (documented in docs/sensor-collectors.md). */
#ifndef VIGIL_SENSOR_COLLECT_LIMITS_H
#define VIGIL_SENSOR_COLLECT_LIMITS_H

/* Document cache: total bytes held, bytes kept of one file, entries. */
#define SENSOR_DOCS_BUDGET_BYTES     (32u << 20)
#define SENSOR_DOCS_FILE_CAP_BYTES   (1u << 20)
/* Raw bytes per GET_DOCUMENT_REP (base64 stays under VG_LIMIT_STRING_BYTES). */
#define SENSOR_DOCS_CHUNK_BYTES      (128u << 10)
#define SENSOR_DOCS_MAX_ENTRIES      4096
/* A document bigger than this is not hashed (NEW_DOCUMENT without HASH). */
#define SENSOR_DOCS_HASH_MAX_BYTES   (64u << 20)
/* GET_DOCUMENT_REP events one doc_cache_get may send. */
#define SENSOR_DOCS_MAX_REPLIES      64

/* FIM: patterns held, bytes of one pattern. */
#define SENSOR_FIM_MAX_PATTERNS      256
#define SENSOR_FIM_PATTERN_BYTES     1024

/* fanotify: read buffer, filesystems marked, "written since open" set. */
#define SENSOR_FILE_READ_BYTES       (64u << 10)
#define SENSOR_FILE_MAX_FILESYSTEMS  128
#define SENSOR_FILE_DIRTY_SLOTS      8192

/* DNS: captured bytes per packet, pending queries, their lifetime. */
#define SENSOR_DNS_SNAPLEN           65535
#define SENSOR_DNS_PENDING           1024
#define SENSOR_DNS_PENDING_MS        10000
/* Parser bounds: records per section, name pointer hops, answers kept. */
#define DNS_PARSE_MAX_RECORDS        64
#define DNS_PARSE_MAX_HOPS           32
#define DNS_PARSE_MAX_ANSWERS        32

/* Network: poll interval, sockets tracked, activity entries per summary. */
#define SENSOR_NET_POLL_MS           250
/* A socket inode not in the pid cache rescans /proc/PID/fd at most this often. */
#define SENSOR_SOCKPID_RESCAN_MS     20
#define SENSOR_SOCKPID_MISSES        64    /* inodes remembered as ownerless */
#define SENSOR_SOCKPID_MISS_MS       1000  /* … for this long (no forced rescan for them) */
#define SENSOR_NET_MAX_SOCKETS       65536
#define SENSOR_NET_SUMMARY_ENTRIES   10
#define SENSOR_NET_MAX_PROCS         4096

#endif
