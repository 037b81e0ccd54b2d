/* role.h — the semantic style roles every cell of the canvas carries. Themes
 * map them to colours and attributes (the themes dir); views never name a colour. */
#ifndef VIGIL_TUI_ROLE_H
#define VIGIL_TUI_ROLE_H

/* X(enum suffix, name in theme files, what it is for) */
#define ROLE_TABLE(X)                                                   \
  X(NORMAL, "normal", "ordinary text")                                  \
  X(DIM, "dim", "secondary text: ids, times, hints")                    \
  X(TITLE, "title", "the top bar")                                      \
  X(STATUS, "status-bar", "the bottom bar")                             \
  X(HEADER, "header", "column headers of a table")                      \
  X(SELECTED, "row-selected", "the selected row")                       \
  X(BORDER, "border", "frames and separators")                          \
  X(TAB, "tab", "an inactive tab")                                      \
  X(TAB_ACTIVE, "tab-active", "the active tab")                         \
  X(KEY, "key", "a key name in hints and help")                         \
  X(LABEL, "label", "a field label (Info tab, detail)")                 \
  X(ONLINE, "online", "a sensor that is connected")                     \
  X(OFFLINE, "offline", "a sensor that is not connected")               \
  X(ISOLATED, "isolated", "a sensor cut from the network")              \
  X(TAG, "tag", "a sensor tag")                                         \
  X(MATCH, "match", "text matching the filter")                         \
  X(PROMPT, "prompt", "the input line")                                 \
  X(SPINNER, "spinner", "a pending request")                            \
  X(PROGRESS, "progress", "the done part of a progress bar")            \
  X(BANNER, "banner-error", "connection lost, errors")                  \
  X(OK, "ok", "success messages")                                       \
  X(WARN, "severity-medium", "warnings")                                \
  X(CRIT, "severity-critical", "critical findings, destructive prompts") \
  X(JSON_KEY, "json-key", "a member name in JSON")                      \
  X(JSON_STR, "json-string", "a string in JSON")                        \
  X(JSON_NUM, "json-number", "a number, true, false, null in JSON")     \
  X(EVENT_TYPE, "event-type", "an event type name")

enum role {
#define ROLE_ENUM(e, n, d) ROLE_##e,
  ROLE_TABLE(ROLE_ENUM)
#undef ROLE_ENUM
  ROLE__COUNT
};

/* Name used in theme files ("row-selected"); "?" for an out-of-range role. */
const char *role_name(enum role r);
const char *role_description(enum role r);
/* Role by name; -1 if unknown. */
int role_by_name(const char *name);

#endif
