/* spotcheck_check.h — spotcheck's checks: the flags (one table), the sensor
 * command each becomes, and which replies are hits. The commands are the
 * real sensor's (sensor/cmd_table.c, docs/sensor-commands.md):
 *   --file PATH                         file_info PATH, then file_hash PATH when it
 *                                       is a file (its hashes join the hit, as the seed did)
 *   --file-pattern DIR PATTERN DEPTH    dir_list -d DEPTH DIR PATTERN
 *   --file-hash DIR PATTERN DEPTH SHA   dir_find_hash DIR PATTERN DEPTH SHA
 *   --yara SIGFILE                      yara_scan RULE_BASE64
 *   --yara-file SIG DIR PATTERN DEPTH   yara_scan -d DIR PATTERN DEPTH RULE_BASE64
 *   --yara-process SIG PROC_PATTERN     yara_scan RULE_BASE64 (every process: the sensor has
 *                                       no process filter); hits whose PROCESS.PROCESS_NAME
 *                                       matches PROC_PATTERN (fnmatch) are kept
 *   --registry-key KEY                  reg_list KEY (Windows only)
 *   --registry-value KEY VALUE          reg_list KEY (Windows only; hit if VALUE is listed) */
#ifndef VIGIL_CLI_SPOTCHECK_CHECK_H
#define VIGIL_CLI_SPOTCHECK_CHECK_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#define SPOTCHECK_MAX_CHECKS 64
#define SPOTCHECK_RULE_BYTES (64u << 10) /* a YARA signature file */

struct spotcheck_kind {
  const char *flag;  /* long flag without dashes: "file-pattern" */
  const char *alias; /* the seed's short form without the dash: "fp" */
  int nargs;
  const char *args;  /* for usage: "DIR PATTERN DEPTH" */
  bool windows_only;
};

extern const struct spotcheck_kind spotcheck_kinds[];

struct spotcheck_check {
  const struct spotcheck_kind *kind;
  char *command; /* the sensor command line (heap) */
  char *value;   /* --registry-value: the value name looked for */
  char *followup; /* run after a hit that is a file, its reply merged into the hit (--file: file_hash) */
  char *proc_pattern; /* --yara-process: the PROCESS_NAME pattern hits must match */
};

/* The kind for argv word a ("--file", "-fp"…), or NULL. */
const struct spotcheck_kind *spotcheck_check_kind(const char *a);
/* Build the check from its arguments (args[0..kind->nargs)); reads YARA
 * files. 0, or -1 after printing a usage error. */
int spotcheck_check_init(struct spotcheck_check *c, const struct spotcheck_kind *k, char **args);
void spotcheck_check_cleanup(struct spotcheck_check *c);
/* Merge a follow-up reply (FILE_HASH_REP: HASH, HASH_SHA1, HASH_MD5) into
 * hit; replies with an error leave it as it is. */
void spotcheck_check_merge(const json_t *ev, json_t *hit);
/* The hits in one reply event ({routing, event}) of c's command, appended
 * to hits as objects {"check": flag, …entry}. A reply with an error other
 * than "not found" is returned as a message in *error (heap). */
void spotcheck_check_hits(const struct spotcheck_check *c, const json_t *ev, json_t *hits, char **error);

#endif
