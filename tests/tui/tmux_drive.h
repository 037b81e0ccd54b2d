/* tmux_drive.h — drive the real `vigil` binary inside a private tmux server
 * (`tmux -L <socket>`): start it at a size, send keys, read the screen with
 * capture-pane, wait for text (failing the Check test with the screen and
 * vigil's stderr when it never shows). One session ("T") per test program. */
#ifndef VIGIL_TMUX_DRIVE_H
#define VIGIL_TMUX_DRIVE_H

#include <stdbool.h>

#define TMUX_WAIT_MS 15000

/* Start `cmd` (a shell command line) in a new detached session of w×h; its
 * stderr is expected in stderr_path (printed when a wait fails). */
void tmux_start(const char *cmd, int w, int h, const char *stderr_path);
/* tmux with up to 6 arguments after the socket options; its output (caller frees). */
char *tmux_cmd(const char *a1, const char *a2, const char *a3, const char *a4, const char *a5,
               const char *a6);
/* The visible screen, one line per row (caller frees). */
char *tmux_capture(void);
/* send-keys: a key name ("Enter", "C-u", "q") / literal text (-l). */
void tmux_keys(const char *k);
void tmux_text(const char *s);
/* Wait up to ms for the screen to contain needle; returns the screen (caller
 * frees); fails the test if it never does. */
char *tmux_wait_ms(const char *needle, int ms);
static inline char *tmux_wait(const char *needle) { return tmux_wait_ms(needle, TMUX_WAIT_MS); }
/* Wait until needle shows starting past column min_col (after a resize the old,
 * narrower screen may still show it); returns the screen (caller frees). */
char *tmux_wait_past(const char *needle, int min_col);
/* Resize the window and wait until the pane has h lines; fails otherwise. */
void tmux_resize(int w, int h);
/* true once the session has ended (waits up to 5 s). */
bool tmux_gone(void);
void tmux_kill_server(void);
int tmux_count_lines(const char *s);

#endif
