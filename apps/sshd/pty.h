/*
 * A session's terminal (pty.c): what an SSH client with a pty types is
 * edited into lines here, as core/tty.c does for the console (the same
 * keys, echoed with the same ANSI sequences), and what apps write gets
 * "\r\n" line ends (ONLCR).
 */
#ifndef APPS_SSHD_PTY_H
#define APPS_SSHD_PTY_H

#include <stddef.h>

#define PTY_LINE_MAX 1024

struct pty {
	char line[PTY_LINE_MAX];
	size_t len, cur;
	int esc;          /* bytes of an escape sequence seen so far (ESC, '[', digit) */
	char esc_digit;
	int cols, rows;   /* the client's window (pty-req, window-change) */
	/* Where edits are echoed (the channel), and what the editor decided. */
	void (*echo)(void *ctx, const char *s, size_t n);
	void *ctx;
};

enum pty_event { PTY_NONE, PTY_LINE, PTY_INTR, PTY_EOF };

/*
 * Feeds one typed byte: PTY_LINE when Enter delivered line[0..len) (the
 * line is then empty again for the next), PTY_INTR for Ctrl-C (the line
 * is dropped), PTY_EOF for Ctrl-D on an empty line.
 */
enum pty_event pty_input(struct pty *p, unsigned char c, char *out, size_t *out_len);

/* Copies in[0..n) to out with every "\n" as "\r\n"; returns out's length (out holds 2n). */
size_t pty_onlcr(const char *in, size_t n, char *out);

#endif
