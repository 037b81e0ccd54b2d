/* event_types.h — the event-type registry: every event type Vigil knows, with
 * a stable numeric id, and the rules for type names it does not know.
 *
 * IDS ARE STABLE. Storage keys carry them, so an id is never reused,
 * renumbered or removed: a new type is appended at the END of the list below
 * with the next id (tests check ids are 1..N in order and names unique). A
 * retired type keeps its line. Id 0 means "unregistered": detections fed back
 * as `_<rulename>` and types from newer sensors are valid and storable, they
 * just have no id (storage keeps their name).
 *
 * A reply type (flag VG_EVENT_TYPE_REPLY) answers one sensor command; the
 * command named is the one that produces it (fim_add/fim_del also answer with
 * FIM_LIST_REP; yara_scan's hits are YARA_DETECTION events, YARA_SCAN_REP
 * closes the scan). Commands without a reply of their own (deny_tree, run,
 * restart, uninstall, exfil_add/del) are acknowledged by RECEIPT. */
#ifndef VIGIL_EVENT_TYPES_H
#define VIGIL_EVENT_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VG_EVENT_TYPE_REPLY 0x1u /* a `*_REP`-style answer to a sensor command */
/* Its routing/this names a process instance that other events point to with
 * routing/parent: the store indexes these atoms (atom → event). */
#define VG_EVENT_TYPE_ATOM 0x2u
/* The id storage keys use for a valid name that is not registered (detections
 * "_rule-name", types from newer sensors). Never a registered id. */
#define VG_EVENT_TYPE_OTHER 0xFFFFu

/* X(id, NAME, flags, "command" or NULL). Append only. */
#define VG_EVENT_TYPES(X)                                               \
  X(1, NEW_PROCESS, VG_EVENT_TYPE_ATOM, NULL)                                          \
  X(2, TERMINATE_PROCESS, 0, NULL)                                      \
  X(3, EXISTING_PROCESS, VG_EVENT_TYPE_ATOM, NULL)                                     \
  X(4, CODE_IDENTITY, 0, NULL)                                          \
  X(5, MODULE_LOAD, 0, NULL)                                            \
  X(6, DNS_REQUEST, 0, NULL)                                            \
  X(7, NEW_TCP4_CONNECTION, 0, NULL)                                    \
  X(8, TERMINATE_TCP4_CONNECTION, 0, NULL)                              \
  X(9, NEW_UDP4_CONNECTION, 0, NULL)                                    \
  X(10, TERMINATE_UDP4_CONNECTION, 0, NULL)                             \
  X(11, NEW_TCP6_CONNECTION, 0, NULL)                                   \
  X(12, TERMINATE_TCP6_CONNECTION, 0, NULL)                             \
  X(13, NEW_UDP6_CONNECTION, 0, NULL)                                   \
  X(14, TERMINATE_UDP6_CONNECTION, 0, NULL)                             \
  X(15, NETWORK_SUMMARY, 0, NULL)                                       \
  X(16, NETWORK_CONNECTIONS, 0, NULL)                                   \
  X(17, FILE_CREATE, 0, NULL)                                           \
  X(18, FILE_DELETE, 0, NULL)                                           \
  X(19, FILE_MODIFIED, 0, NULL)                                         \
  X(20, NEW_DOCUMENT, 0, NULL)                                          \
  X(21, USER_OBSERVED, 0, NULL)                                         \
  X(22, FIM_HIT, 0, NULL)                                               \
  X(23, YARA_DETECTION, 0, NULL)                                        \
  X(24, CONNECTED, 0, NULL)                                             \
  X(25, STARTING_UP, 0, NULL)                                           \
  X(26, SHUTTING_DOWN, 0, NULL)                                         \
  X(27, DATA_DROPPED, 0, NULL)                                          \
  X(28, RECEIPT, 0, NULL)                                               \
  X(29, CLOUD_NOTIFICATION, 0, NULL)                                    \
  X(30, SERVICE_CHANGE, 0, NULL)                                        \
  X(31, AUTORUN_CHANGE, 0, NULL)                                        \
  X(32, PROCESS_ENVIRONMENT, 0, NULL)                                   \
  X(33, EXEC_OOB, 0, NULL)                                              \
  X(34, MODULE_MEM_DISK_MISMATCH, 0, NULL)                              \
  X(35, FILE_GET_REP, VG_EVENT_TYPE_REPLY, "file_get")                  \
  X(36, FILE_INFO_REP, VG_EVENT_TYPE_REPLY, "file_info")                \
  X(37, FILE_HASH_REP, VG_EVENT_TYPE_REPLY, "file_hash")                \
  X(38, FILE_DEL_REP, VG_EVENT_TYPE_REPLY, "file_del")                  \
  X(39, FILE_MOV_REP, VG_EVENT_TYPE_REPLY, "file_mov")                  \
  X(40, DIR_LIST_REP, VG_EVENT_TYPE_REPLY, "dir_list")                  \
  X(41, DIR_FINDHASH_REP, VG_EVENT_TYPE_REPLY, "dir_find_hash")         \
  X(42, MEM_MAP_REP, VG_EVENT_TYPE_REPLY, "mem_map")                    \
  X(43, MEM_STRINGS_REP, VG_EVENT_TYPE_REPLY, "mem_strings")            \
  X(44, MEM_READ_REP, VG_EVENT_TYPE_REPLY, "mem_read")                  \
  X(45, MEM_FIND_STRING_REP, VG_EVENT_TYPE_REPLY, "mem_find_string")    \
  X(46, OS_PROCESSES_REP, VG_EVENT_TYPE_REPLY, "os_processes")          \
  X(47, OS_KILL_PROCESS_REP, VG_EVENT_TYPE_REPLY, "os_kill_process")    \
  X(48, OS_SUSPEND_REP, VG_EVENT_TYPE_REPLY, "os_suspend")              \
  X(49, OS_RESUME_REP, VG_EVENT_TYPE_REPLY, "os_resume")                \
  X(50, OS_SERVICES_REP, VG_EVENT_TYPE_REPLY, "os_services")            \
  X(51, OS_AUTORUNS_REP, VG_EVENT_TYPE_REPLY, "os_autoruns")            \
  X(52, OS_VERSION_REP, VG_EVENT_TYPE_REPLY, "os_version")              \
  X(53, OS_PACKAGES_REP, VG_EVENT_TYPE_REPLY, "os_packages")            \
  X(54, GET_EXFIL_EVENT_REP, VG_EVENT_TYPE_REPLY, "exfil_get")          \
  X(55, HISTORY_DUMP_REP, VG_EVENT_TYPE_REPLY, "history_dump")          \
  X(56, FIM_LIST_REP, VG_EVENT_TYPE_REPLY, "fim_get")                   \
  X(57, YARA_UPDATE_REP, VG_EVENT_TYPE_REPLY, "yara_update")            \
  X(58, YARA_SCAN_REP, VG_EVENT_TYPE_REPLY, "yara_scan")                \
  X(59, GET_DOCUMENT_REP, VG_EVENT_TYPE_REPLY, "doc_cache_get")         \
  X(60, SEGREGATE_NETWORK, VG_EVENT_TYPE_REPLY, "segregate_network")    \
  X(61, REJOIN_NETWORK, VG_EVENT_TYPE_REPLY, "rejoin_network")          \
  X(62, NETSTAT_REP, VG_EVENT_TYPE_REPLY, "netstat")                    \
  X(63, PCAP_LIST_INTERFACES_REP, VG_EVENT_TYPE_REPLY, "pcap_ifaces")   \
  X(64, OS_USERS_REP, VG_EVENT_TYPE_REPLY, "os_users")                  \
  X(65, DNS_RESOLVE_REP, VG_EVENT_TYPE_REPLY, "dns_resolve")            \
  X(66, LOG_GET_REP, VG_EVENT_TYPE_REPLY, "log_get")

/* VG_EVT_NEW_PROCESS = 1, ... for code that names a type. */
enum vg_event_type_id {
  VG_EVT_UNREGISTERED = 0,
#define VG_EVENT_TYPE_ENUM(id, name, flags, cmd) VG_EVT_##name = id,
  VG_EVENT_TYPES(VG_EVENT_TYPE_ENUM)
#undef VG_EVENT_TYPE_ENUM
};

struct vg_event_type {
  uint32_t id;         /* >= 1, stable */
  const char *name;    /* "NEW_PROCESS" */
  unsigned flags;      /* VG_EVENT_TYPE_* */
  const char *command; /* sensor command producing a reply type, else NULL */
};

/* The registry in id order (entry i has id i+1); *n gets the count. Static. */
const struct vg_event_type *vg_event_type_table(size_t *n);

/* Registered type by exact name (O(log n)); NULL if name is NULL or not
 * registered. Thread-safe. */
const struct vg_event_type *vg_event_type_by_name(const char *name);
/* Registered type by id; NULL for 0 or an id past the table. O(1). */
const struct vg_event_type *vg_event_type_by_id(uint32_t id);
/* The reply type a sensor command produces; NULL if it has none. */
const struct vg_event_type *vg_event_type_by_command(const char *command);

/* Id of a name, 0 if unregistered (or NULL). */
uint32_t vg_event_type_id(const char *name);
/* Name of an id, NULL if unregistered. */
const char *vg_event_type_name(uint32_t id);
/* True if the type is registered as a reply. */
bool vg_event_type_is_reply(uint32_t id);

/* True if name is an acceptable event type, registered or not:
 * 1..VG_LIMIT_EVENT_TYPE_BYTES bytes, and either [A-Z0-9][A-Z0-9_]* (sensor
 * types) or '_' followed by one or more rule-name characters [A-Za-z0-9_.:-]
 * (a detection re-entering the engine; "__x" is the unpublished form).
 * NULL -> false. */
bool vg_event_type_valid_name(const char *name);
/* True if name is a valid detection type (starts with '_'). */
bool vg_event_type_is_detection(const char *name);

#endif
