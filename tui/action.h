/* action.h — every action the console can perform, named in one table
 * (name, home context, description). Keymaps bind keys to these names
 * (keymaps/…), the help screen (`?`) and the command palette (`:`) are
 * generated from this table, and tests check that keymaps/default gives every
 * action a key. */
#ifndef VIGIL_TUI_ACTION_H
#define VIGIL_TUI_ACTION_H

/* Contexts a key can be bound in; a view looks its own context up first,
 * then the ones it inherits (a list view: "list"), then "global". */
#define CONTEXT_TABLE(X)                                       \
  X(GLOBAL, "global", "everywhere")                            \
  X(LIST, "list", "any list or scrollable pane")               \
  X(INPUT, "input", "an input line (filter, prompt, console)") \
  X(CONFIRM, "confirm", "a yes/no question")                   \
  X(FLEET, "fleet", "the fleet view")                          \
  X(LIVE, "live", "the Live View of a sensor (every tab)")     \
  X(INFO, "info", "Live View tab 1, Info")                     \
  X(TELEMETRY, "telemetry", "Live View tab 2, Telemetry")      \
  X(CONSOLE, "console", "Live View tab 3, Console")            \
  X(STREAM, "stream", "Live View tab 4, Stream")               \
  X(PROCESSES, "processes", "Live View tab 5, Processes")      \
  X(FILES, "files", "Live View tab 6, Files")

enum context {
#define CTX_ENUM(e, n, d) CTX_##e,
  CONTEXT_TABLE(CTX_ENUM)
#undef CTX_ENUM
  CTX__COUNT
};

/* X(enum suffix, name, home context, description) */
#define ACTION_TABLE(X)                                                               \
  X(QUIT, "quit", GLOBAL, "go back; quit from the fleet view")                         \
  X(BACK, "back", GLOBAL, "go back (close a dialog, leave a view)")                    \
  X(HELP, "help", GLOBAL, "show this help")                                           \
  X(PALETTE, "palette", GLOBAL, "command palette: run any action by name")             \
  X(FILTER, "filter", GLOBAL, "filter the current list by text")                       \
  X(PANE_NEXT, "pane-next", GLOBAL, "next pane")                                       \
  X(PANE_PREV, "pane-prev", GLOBAL, "previous pane")                                   \
  X(TAB_1, "tab-1", LIVE, "tab 1: Info")                                               \
  X(TAB_2, "tab-2", LIVE, "tab 2: Telemetry")                                          \
  X(TAB_3, "tab-3", LIVE, "tab 3: Console")                                            \
  X(TAB_4, "tab-4", LIVE, "tab 4: Stream")                                             \
  X(TAB_5, "tab-5", LIVE, "tab 5: Processes")                                          \
  X(TAB_6, "tab-6", LIVE, "tab 6: Files")                                              \
  X(ISOLATE, "isolate", LIVE, "isolate the host from the network (asks first)")        \
  X(REJOIN, "rejoin", LIVE, "rejoin the host to the network (asks first)")             \
  X(REFRESH, "refresh", GLOBAL, "reload the current view now")                         \
  X(UP, "up", LIST, "previous row")                                                    \
  X(DOWN, "down", LIST, "next row")                                                    \
  X(PAGE_UP, "page-up", LIST, "previous page")                                         \
  X(PAGE_DOWN, "page-down", LIST, "next page")                                         \
  X(TOP, "top", LIST, "first row")                                                     \
  X(BOTTOM, "bottom", LIST, "last row")                                                \
  X(SELECT, "select", LIST, "open the selected row")                                   \
  X(SORT, "sort", LIST, "sort by the next column")                                     \
  X(SORT_REVERSE, "sort-reverse", LIST, "reverse the sort order")                      \
  X(TAG_FILTER, "tag-filter", FLEET, "show only sensors with a tag")                   \
  X(TAG_ADD, "tag-add", INFO, "add a tag (with an optional TTL)")                      \
  X(TAG_REMOVE, "tag-remove", INFO, "remove the selected tag")                         \
  X(TOGGLE, "toggle", TELEMETRY, "turn the selected event type on or off")             \
  X(INPUT_FOCUS, "input-focus", CONSOLE, "type a command")                             \
  X(FOLD, "fold", CONSOLE, "fold or unfold the selected reply")                        \
  X(PAUSE, "pause", STREAM, "pause or resume the stream")                              \
  X(FOLLOW, "follow", STREAM, "follow the newest event")                               \
  X(TYPE_FILTER, "type-filter", STREAM, "show only one event type")                    \
  X(CLEAR, "clear", STREAM, "clear the buffered events")                               \
  X(TREE, "tree", PROCESSES, "tree or flat list")                                      \
  X(MEM_MAP, "mem-map", PROCESSES, "memory map of the process")                        \
  X(MEM_STRINGS, "mem-strings", PROCESSES, "strings in the process memory")            \
  X(MODULES, "modules", PROCESSES, "shared objects the process has mapped")             \
  X(HASH_CHECK, "hash-check", PROCESSES, "SHA-256 of the binary against the threat feeds") \
  X(KILL, "kill", PROCESSES, "kill the process (asks first)")                          \
  X(PARENT_DIR, "parent-dir", FILES, "go to the parent directory")                     \
  X(FILE_INFO, "file-info", FILES, "file information")                                 \
  X(FILE_HASH, "file-hash", FILES, "SHA-256 of the file")                              \
  X(DOWNLOAD, "download", FILES, "download the file to a local path")                  \
  X(JUMP, "jump", FILES, "go to a path")                                               \
  X(SUBMIT, "submit", INPUT, "accept the input")                                       \
  X(CANCEL, "cancel", INPUT, "abandon the input")                                      \
  X(COMPLETE, "complete", INPUT, "complete the command or flag")                       \
  X(HISTORY_PREV, "history-prev", INPUT, "previous input from the history")            \
  X(HISTORY_NEXT, "history-next", INPUT, "next input from the history")                \
  X(LINE_START, "line-start", INPUT, "cursor to the start")                            \
  X(LINE_END, "line-end", INPUT, "cursor to the end")                                  \
  X(CURSOR_LEFT, "cursor-left", INPUT, "cursor left")                                  \
  X(CURSOR_RIGHT, "cursor-right", INPUT, "cursor right")                               \
  X(DELETE_BACK, "delete-back", INPUT, "delete before the cursor")                     \
  X(DELETE_FORWARD, "delete-forward", INPUT, "delete under the cursor")                \
  X(DELETE_WORD, "delete-word", INPUT, "delete the word before the cursor")            \
  X(KILL_LINE, "kill-line", INPUT, "delete the whole line")                            \
  X(YES, "yes", CONFIRM, "answer yes")                                                 \
  X(NO, "no", CONFIRM, "answer no")

enum action {
  ACT_NONE = 0,
#define ACT_ENUM(e, n, c, d) ACT_##e,
  ACTION_TABLE(ACT_ENUM)
#undef ACT_ENUM
  ACT__COUNT
};

struct action_info {
  enum action id;
  const char *name;
  enum context context;
  const char *description;
};

/* Row of an action (ACT_NONE < a < ACT__COUNT), NULL otherwise. */
const struct action_info *action_info(enum action a);
/* Action by name; ACT_NONE if unknown. */
enum action action_by_name(const char *name);
const char *context_name(enum context c);
const char *context_description(enum context c);
/* Context by name; -1 if unknown. */
int context_by_name(const char *name);

#endif
