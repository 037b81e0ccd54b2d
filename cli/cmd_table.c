/* cmd_table.c — every vigilctl command: name, usage, one-line help,
 * handler. Adding a command = a handler in cli/cmd_<group>.c and one row. */
#include "cli/cmd_table.h"

#include <string.h>

const struct cli_cmd cmd_table[] = {
    {"login", "[--env NAME] [--no-default] [--url URL --oid OID --api-key KEY [--ca FILE]]",
     "store credentials in the user file (asks for what is not given), after checking them",
     cmd_login},
    {"use", "NAME", "make environment NAME of the user file the default", cmd_login_use},
    {"whoami", "", "the organisation, key and role in use, and where the credentials came from",
     cmd_login_whoami},
    {"sensors list",
     "[--tag TAG] [--platform linux|windows|macos] [--online|--offline] [--hostname TEXT] [--limit N]",
     "the organisation's sensors", cmd_sensors_list},
    {"sensors get", "SID", "one sensor's record", cmd_sensors_get},
    {"sensors delete", "SID", "forget a sensor (admin): its certificate is refused from now on",
     cmd_sensors_delete},
    {"sensors isolate", "SID on|off", "isolate a sensor's host from the network, or rejoin it",
     cmd_sensors_isolate},
    {"sensors events", "SID [EVENT_TYPE,...]", "show, or replace, the event types a sensor sends",
     cmd_sensors_selection},
    {"tag add", "SID TAG [--ttl DURATION]", "tag a sensor (for DURATION: 90, 90s, 5m, 2h, 7d, 1w)",
     cmd_sensors_tag},
    {"tag remove", "SID TAG", "remove a tag from a sensor", cmd_sensors_tag},
    {"task", "SID 'COMMAND ARGS' [--wait SECONDS] [--queue-ttl DURATION]",
     "send a sensor command and print the replies as they arrive", cmd_task},
    {"stream", "[--sid SID]... [--type EVENT_TYPE]... [--tag TAG]... [--count N] [--for SECONDS]",
     "print live events as they are stored (NDJSON with --json)", cmd_task_stream},
    {"keys list", "", "API keys (admin)", cmd_keys_list},
    {"keys create", "NAME --role viewer|analyst|admin", "a new API key; its secret is shown once",
     cmd_keys_create},
    {"keys revoke", "KEY_ID", "revoke an API key; its sessions are closed", cmd_keys_revoke},
    {"installation-keys list", "", "installation keys (admin)", cmd_keys_inst_list},
    {"installation-keys create", "NAME", "a new installation key for enrolling sensors; shown once",
     cmd_keys_inst_create},
    {"installation-keys revoke", "IID", "revoke an installation key (enrolled sensors keep working)",
     cmd_keys_inst_revoke},
    {"audit", "[--start TIME] [--end TIME] [--limit N]",
     "the audit trail, newest first (admin); TIME: RFC 3339, epoch ms, now, -2h, -30m, -7d",
     cmd_audit},
    {"events", "SID --start TIME [--end TIME] [--type T[,T]]... [--limit N] [--page-size N]",
     "a sensor's stored events in time order (Insight timeline; NDJSON with --json)", cmd_insight_events},
    {"histogram",
     "--start TIME [--end TIME] [--sid SID] [--type T] [--per-type] [--granularity minute|hour|day]",
     "stored event counts per time bucket, of a sensor or the organisation", cmd_insight_histogram},
    {"search", "'QUERY' [--text S] [--limit N]",
     "Insight search (docs/query.md): events or projected rows, every page until done (NDJSON with --json); "
     "exit 1 when nothing matched",
     cmd_search},
    {"export", "'QUERY' [--text S] [--limit N]", "Insight export: the query's rows as NDJSON, every page",
     cmd_export},
    {"objects", "domain|ip|hash|file_path|user_name VALUE",
     "where an indicator was seen: totals, first/last seen, per sensor; exit 1 if never", cmd_objects},
    {"graph", "ATOM [--limit N]",
     "a process's ancestors and its children and events, as a tree (Insight process graph)", cmd_graph},
    {"detections", "[--start TIME] [--end TIME] [--limit N] [--follow [--count N] [--for DURATION]]",
     "detections, oldest first (100 unless --limit); --follow: then new ones as they are made", cmd_detections},
    {"rules list", "[--namespace general|managed]", "detection & response rules with their counters",
     cmd_rules_list},
    {"rules get", "NAME [--namespace NS]", "a rule's YAML (the whole record with --json)", cmd_rules_get},
    {"rules set", "FILE|- [--name NAME] [--namespace NS] [--disabled] [--expire TIME]",
     "store a rule from a YAML file (name: the file's, without extension) (admin)", cmd_rules_set},
    {"rules delete", "NAME [--namespace NS]", "delete a rule (admin)", cmd_rules_delete},
    {"rules enable", "NAME [--namespace NS]", "enable a rule (admin)", cmd_rules_enable},
    {"rules disable", "NAME [--namespace NS]", "disable a rule (admin)", cmd_rules_disable},
    {"rules test", "FILE --events FILE",
     "evaluate a rule over events (a JSON array or NDJSON, as `--json events` prints), no responses; "
     "exit 1 when none match",
     cmd_rules_test},
    {"rules replay", "NAME [--namespace NS] | --file FILE, --start TIME [--end TIME] [--sid SID] [--limit N] [--page-size N] | --events EVENTS.jsonl [--limit N]",
     "evaluate a stored rule or a rule file over stored events (no responses), paging to the end of the range; "
     "or, with --events, over a JSONL file of event envelopes, here, in order, with one rule state "
     "(no feeds, variables or stored rules offline: lookups do not match); "
     "the matched events (1000 unless --limit); exit 1 when none match",
     cmd_rules_replay},
    {"fp list", "", "false-positive rules (they drop the detections they match)", cmd_fp_list},
    {"fp set", "FILE|- [--name NAME]", "store a false-positive rule from a YAML file (admin)", cmd_fp_set},
    {"fp delete", "NAME", "delete a false-positive rule (admin)", cmd_fp_delete},
    {"feeds list", "", "lookup feeds (rules use them as hive://lookup/NAME)", cmd_feeds_list},
    {"feeds set", "NAME FILE", "load a feed from FILE under the server's <data_dir>/feeds/ (admin)", cmd_feeds_set},
    {"feeds delete", "NAME", "delete a feed (admin)", cmd_feeds_delete},
    {"wizard",
     "--name NAME (--domain D | --ip A | --hash SHA256 | --path-suffix S)... [--platform linux|windows|macos]...\n"
     "          [--respond report|kill|isolate|tag:TAG]... [--priority N] [--apply]\n"
     "  values may be comma separated (not --path-suffix); prints the rule's YAML; --apply stores it",
     "the IOC wizard: indicators, platforms and responses → a rule", cmd_wizard},
    {"spotcheck",
     "[--tags A,B] [--no-linux] [--no-macos] [--no-windows] [-n N] [--timeout DURATION]\n"
     "          [--retry-interval DURATION] [--task-timeout DURATION] [-t TAG [--tag-ttl DURATION]] CHECK...\n"
     "  checks (any number of each):\n"
     "    -f  --file PATH                              file_info PATH (+ file_hash PATH)\n"
     "    -fp --file-pattern DIR PATTERN DEPTH         dir_list -d DEPTH DIR PATTERN\n"
     "    -fh --file-hash DIR PATTERN DEPTH SHA256     dir_find_hash DIR PATTERN DEPTH SHA256\n"
     "    -y  --yara SIGFILE                           yara_scan RULE (system-wide)\n"
     "    -yf --yara-file SIGFILE DIR PATTERN DEPTH    yara_scan -d DIR PATTERN DEPTH RULE\n"
     "    -yp --yara-process SIGFILE PROCESS_PATTERN   yara_scan -e PROCESS_PATTERN RULE\n"
     "    -rk --registry-key KEY, -rv --registry-value KEY VALUE   Windows only (not applicable on Linux)\n"
     "  output: '> (SID / host)' started, '! (SID / host): {json}' hit, '. (SID / host)' done,\n"
     "  '? (SID / host)' offline (retried until --timeout, default 1h), 'X (SID / host): error';\n"
     "  exit 0 found, 1 nothing found, 7 nothing found but not every sensor was checked",
     "check many sensors for files, hashes and YARA hits (see `vigilctl help spotcheck`)",
     cmd_spotcheck},
    {"help", "[COMMAND]", "this list, or one command's usage and help", cmd_help},
    {NULL, NULL, NULL, NULL},
};

const struct cli_cmd *cmd_table_find(int argc, char **argv, int *used) {
  const struct cli_cmd *one = NULL;
  for (const struct cli_cmd *t = cmd_table; t->name; t++) {
    const char *sp = strchr(t->name, ' ');
    if (!sp) {
      if (argc >= 1 && !strcmp(t->name, argv[0])) one = t;
      continue;
    }
    size_t n = (size_t)(sp - t->name);
    if (argc >= 2 && strlen(argv[0]) == n && !strncmp(t->name, argv[0], n) && !strcmp(sp + 1, argv[1])) {
      *used = 2;
      return t;
    }
  }
  *used = one ? 1 : 0;
  return one;
}
