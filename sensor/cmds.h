/* cmds.h — the command handlers of cmd_table.c, by file, with their limits. */
#ifndef VIGIL_SENSOR_CMDS_H
#define VIGIL_SENSOR_CMDS_H

#include "sensor/cmd.h"

/* cmd_file.c: file_get: bytes one command may return (-s), its default, the raw bytes of
 * one FILE_GET_REP (base64 makes it 4/3 of that, under
 * VG_LIMIT_STRING_BYTES), and the largest file whose whole-file FILE_HASH is
 * computed. */
#define CMD_FILE_GET_MAX_BYTES (10ll << 20)
#define CMD_FILE_GET_DEFAULT_BYTES (1ll << 20)
#define CMD_FILE_GET_CHUNK_BYTES (128u << 10)
#define CMD_FILE_GET_HASH_MAX_BYTES (1ull << 30)

/* cmd_dir.c: dir_list / dir_find_hash: deepest -d, entries listed, directory entries
 * visited in one walk. */
#define CMD_DIR_MAX_DEPTH 32
#define CMD_DIR_MAX_ENTRIES 10000
#define CMD_DIR_MAX_VISITS 500000
/* dir_find_hash: hashes one command may look for. */
#define CMD_DIR_MAX_HASHES 32

/* stat of path (not following a final symlink) as a DIR_LIST_REP entry /
 * FILE_INFO_REP body: FILE_PATH, FILE_NAME (when name), FILE_SIZE,
 * ATTRIBUTES ("0644"), FILE_TYPE, IS_DIRECTORY, USER_ID, GROUP_ID,
 * CREATION_TIME (when the fs has it), MODIFICATION_TIME, ACCESS_TIME,
 * CHANGE_TIME (ms), SYMLINK_TARGET. NULL with *err = errno. */
json_t *cmd_file_stat_json(const char *path, const char *name, int *err);

int cmd_file_info(struct cmd_call *c, int argc, char **argv);
int cmd_file_hash(struct cmd_call *c, int argc, char **argv);
int cmd_file_get(struct cmd_call *c, int argc, char **argv);
int cmd_file_del(struct cmd_call *c, int argc, char **argv);
int cmd_file_mov(struct cmd_call *c, int argc, char **argv);
int cmd_dir_list(struct cmd_call *c, int argc, char **argv);
int cmd_dir_find_hash(struct cmd_call *c, int argc, char **argv);



/* cmd_proc.c: processes listed by one os_processes; bytes of a command line kept. */
#define CMD_PROC_MAX_LIST 20000
#define CMD_PROC_MAX_CMDLINE 8192
/* One process as an OS_PROCESSES_REP entry (PROCESS_ID, PARENT_PROCESS_ID,
 * PROCESS_NAME, STATE, THREADS, MEMORY_USAGE (RSS bytes), USER_TIME,
 * KERNEL_TIME (ms), TIMESTAMP (start, ms), FILE_PATH, COMMAND_LINE, USER_ID,
 * USER_NAME, THIS_ATOM when known); NULL if it is gone. */
json_t *cmd_proc_describe(const struct sensor_ctx *ctx, pid_t pid);
int cmd_proc_list(struct cmd_call *c, int argc, char **argv);
int cmd_proc_kill(struct cmd_call *c, int argc, char **argv);
int cmd_proc_suspend(struct cmd_call *c, int argc, char **argv);
int cmd_proc_resume(struct cmd_call *c, int argc, char **argv);

/* cmd_os.c: largest /etc/passwd or os-release read, dpkg status read,
 * users and packages listed. */
#define CMD_OS_MAX_FILE_BYTES (4u << 20)
#define CMD_OS_MAX_DPKG_BYTES (64u << 20)
#define CMD_OS_DPKG_STATUS "/var/lib/dpkg/status"
#define CMD_OS_MAX_USERS 20000
#define CMD_OS_MAX_PACKAGES 50000
int cmd_os_version(struct cmd_call *c, int argc, char **argv);
int cmd_os_users(struct cmd_call *c, int argc, char **argv);
int cmd_os_packages(struct cmd_call *c, int argc, char **argv);

/* cmd_units.c: units / autorun entries listed, a unit or crontab read, the
 * largest file hashed for an autorun entry. */
#define CMD_UNITS_MAX 10000
#define CMD_UNITS_MAX_FILE_BYTES (1u << 20)
#define CMD_UNITS_MAX_HASH_BYTES (256ll << 20)
int cmd_units_services(struct cmd_call *c, int argc, char **argv);
int cmd_units_autoruns(struct cmd_call *c, int argc, char **argv);


/* cmd_mem.c: regions kept from one maps file (and its bytes), bytes read per
 * pread, bytes scanned by one mem_strings / mem_find_string, strings
 * reported, the longest string kept (and needle accepted), default minimum
 * string length, needles per command, hits reported, bytes per mem_read. */
#define CMD_MEM_MAX_REGIONS 65536
#define CMD_MEM_MAX_MAPS_BYTES (16u << 20)
#define CMD_MEM_CHUNK (1u << 20)
#define CMD_MEM_MAX_SCAN_BYTES (1ull << 30)
#define CMD_MEM_MAX_STRINGS 20000
#define CMD_MEM_STRING_MAX 256
#define CMD_MEM_STRING_MIN 6
#define CMD_MEM_MAX_NEEDLES 16
#define CMD_MEM_MAX_HITS 1000
#define CMD_MEM_READ_MAX (128ll << 10)
int cmd_mem_map(struct cmd_call *c, int argc, char **argv);
int cmd_mem_strings(struct cmd_call *c, int argc, char **argv);
int cmd_mem_find_string(struct cmd_call *c, int argc, char **argv);
int cmd_mem_read(struct cmd_call *c, int argc, char **argv);


/* cmd_net.c: sockets listed (and socket fds indexed), a /proc/net file read,
 * addresses per family one dns_resolve returns, interfaces listed. */
#define CMD_NET_MAX_SOCKETS 100000
#define CMD_NET_MAX_FILE_BYTES (64u << 20)
#define CMD_NET_MAX_ADDRS 64
#define CMD_NET_MAX_IFACES 1024
int cmd_net_netstat(struct cmd_call *c, int argc, char **argv);
int cmd_net_dns_resolve(struct cmd_call *c, int argc, char **argv);
int cmd_net_pcap_ifaces(struct cmd_call *c, int argc, char **argv);


/* cmd_isolate.c (limits in isolate.h). */
int cmd_isolate_segregate(struct cmd_call *c, int argc, char **argv);
int cmd_isolate_rejoin(struct cmd_call *c, int argc, char **argv);


/* cmd_yara.c: a rule set's name, the largest stored rule set read, seconds
 * one target's scan may take, detections one scan reports. */
#define CMD_YARA_NAME_MAX 64
#define CMD_YARA_MAX_RULES_BYTES (4u << 20)
#define CMD_YARA_TIMEOUT_S 60
#define CMD_YARA_MAX_HITS 1000
int cmd_yara_update(struct cmd_call *c, int argc, char **argv);
int cmd_yara_scan(struct cmd_call *c, int argc, char **argv);

#endif
