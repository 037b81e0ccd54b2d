/* cmd_table.c — every sensor command: one row {name, usage, help, handler}
 * drives dispatch (tasks.c), `vigil-sensor --help-commands` and the
 * console's completion; docs/sensor-commands.md documents each row. Adding a
 * command = its handler in a cmd_<family>.c + its prototype + one row here.
 * Keep the rows sorted by name (test_cmd checks). */
#include "sensor/cmd.h"
#include "sensor/cmd_doc_cache.h"
#include "sensor/cmd_fim.h"
#include "sensor/cmds.h"

/* cmd_runtime.c */
int cmd_runtime_exfil_add(struct cmd_call *c, int argc, char **argv);
int cmd_runtime_exfil_del(struct cmd_call *c, int argc, char **argv);
int cmd_runtime_exfil_get(struct cmd_call *c, int argc, char **argv);
int cmd_runtime_history_dump(struct cmd_call *c, int argc, char **argv);
int cmd_runtime_restart(struct cmd_call *c, int argc, char **argv);
/* cmd_deny_tree.c */
int cmd_deny_tree_run(struct cmd_call *c, int argc, char **argv);

static const struct cmd table[] = {
    {"deny_tree", "deny_tree ATOM [ATOM...]",
     "kill the process trees rooted at the atoms and keep killing new children for a while",
     cmd_deny_tree_run},
    {"dir_find_hash", "dir_find_hash ROOT PATTERN DEPTH SHA256...",
     "files below ROOT (to DEPTH) matching PATTERN whose sha256 is one of those given", cmd_dir_find_hash},
    {"dir_list", "dir_list [-d DEPTH] ROOT PATTERN",
     "list entries below ROOT (to DEPTH levels) whose name matches PATTERN (* ? [..])", cmd_dir_list},
    {"dns_resolve", "dns_resolve NAME", "resolve a name with the host's resolver", cmd_net_dns_resolve},
    {"doc_cache_get", "doc_cache_get [-f PATTERN] [-s HASH]",
     "documents and scripts seen written, from the in-memory cache (even if deleted)",
     cmd_doc_cache_get},
    {"exfil_add", "exfil_add [-e EXPIRE_SEC] EVENT_TYPE",
     "send this event type too (a local addition to the backend's selection)",
     cmd_runtime_exfil_add},
    {"exfil_del", "exfil_del EVENT_TYPE", "remove a local selection addition",
     cmd_runtime_exfil_del},
    {"exfil_get", "exfil_get", "list the event selection (backend's and local additions)",
     cmd_runtime_exfil_get},
    {"file_del", "file_del PATH", "delete a file (not a directory)", cmd_file_del},
    {"file_get", "file_get [-o OFFSET] [-s MAXSIZE] PATH",
     "return up to MAXSIZE bytes (default 1 MiB, at most 10 MiB) from OFFSET, in 128 KiB chunks",
     cmd_file_get},
    {"file_hash", "file_hash PATH", "sha256, sha1 and md5 of a file", cmd_file_hash},
    {"file_info", "file_info PATH", "size, mode, owner and times of a file", cmd_file_info},
    {"file_mov", "file_mov SOURCE DESTINATION", "rename a file (same filesystem)", cmd_file_mov},
    {"fim_add", "fim_add --pattern PATTERN", "watch files matching a glob (FIM_HIT on change)",
     cmd_fim_add},
    {"fim_del", "fim_del --pattern PATTERN", "stop watching a FIM pattern", cmd_fim_del},
    {"fim_get", "fim_get", "list the FIM patterns", cmd_fim_get},
    {"history_dump", "history_dump [-r ROOT_ATOM] [-a ATOM] [-e EVENT_TYPE]",
     "send the unsent telemetry kept in the local ring buffer", cmd_runtime_history_dump},
    {"mem_find_string", "mem_find_string (-p PID | -a ATOM) STRING...",
     "addresses of the given strings in a process's readable memory", cmd_mem_find_string},
    {"mem_map", "mem_map (-p PID | -a ATOM)", "a process's memory regions (/proc/PID/maps)", cmd_mem_map},
    {"mem_read", "mem_read (-p PID | -a ATOM) ADDR SIZE", "read up to 128 KiB of a process's memory",
     cmd_mem_read},
    {"mem_strings", "mem_strings (-p PID | -a ATOM) [-m MINLEN]",
     "printable ASCII strings in a process's readable memory (bounded)", cmd_mem_strings},
    {"netstat", "netstat", "TCP and UDP sockets (v4 and v6) with their processes", cmd_net_netstat},
    {"os_autoruns", "os_autoruns",
     "what starts by itself: enabled systemd units, cron jobs, rc scripts, shell profiles, ld.so.preload",
     cmd_units_autoruns},
    {"os_kill_process", "os_kill_process (-p PID | -a ATOM)", "kill a process (SIGKILL)", cmd_proc_kill},
    {"os_packages", "os_packages", "installed packages (dpkg)", cmd_os_packages},
    {"os_processes", "os_processes [-p PID]", "running processes, or one", cmd_proc_list},
    {"os_resume", "os_resume (-p PID | -a ATOM)", "continue a suspended process (SIGCONT)", cmd_proc_resume},
    {"os_services", "os_services", "systemd services: unit files, enablement, live state when systemd runs",
     cmd_units_services},
    {"os_suspend", "os_suspend (-p PID | -a ATOM)", "stop a process (SIGSTOP)", cmd_proc_suspend},
    {"os_users", "os_users", "local user accounts (/etc/passwd)", cmd_os_users},
    {"os_version", "os_version", "kernel and distribution (uname, os-release)", cmd_os_version},
    {"pcap_ifaces", "pcap_ifaces", "network interfaces with their addresses", cmd_net_pcap_ifaces},
    {"rejoin_network", "rejoin_network", "undo segregate_network: delete exactly the isolation table",
     cmd_isolate_rejoin},
    {"restart", "restart", "stop the sensor cleanly and start it again", cmd_runtime_restart},
    {"segregate_network", "segregate_network",
     "isolate the host: only loopback and the backend connection pass (survives a restart)",
     cmd_isolate_segregate},
    {"yara_scan", "yara_scan [-p PID | -f FILE | -d ROOT PATTERN DEPTH] RULES",
     "scan a process, a file, files below ROOT, or every process with RULES (installed name, text or base64)",
     cmd_yara_scan},
    {"yara_update", "yara_update NAME RULES", "install (compile-checked) a named YARA rule set",
     cmd_yara_update},
};

const struct cmd *cmd_table(size_t *n) {
  *n = sizeof(table) / sizeof(table[0]);
  return table;
}
