/*
 * The line discipline of an SSH session with a pty. The client's terminal
 * is in raw mode and sends every key; this edits the line and echoes it,
 * with the keys of the console's line editor (core/tty.c):
 *
 *   printable      insert at the cursor       Left/Right, Ctrl-B/F  move
 *   Backspace      delete before the cursor   Delete (ESC [3~)      delete at it
 *   Home/End, Ctrl-A/E   start/end            Ctrl-K / Ctrl-U       kill to end / start
 *   Ctrl-W         kill word                  Ctrl-C                interrupt, drop the line
 *   Ctrl-D         end of input on an empty line
 *   Enter          deliver the line
 *
 * It is a copy of that editor's logic (without history) on a per-session
 * state: core/tty.c keeps the console's state in statics.
 */
#include <stdio.h>
#include <string.h>
#include "pty.h"

#define CTRL(c) ((c) & 0x1f)

static void out(struct pty *p, const char *s, size_t n) { p->echo(p->ctx, s, n); }
static void outs(struct pty *p, const char *s) { out(p, s, strlen(s)); }

static void cursor_left(struct pty *p, size_t n)
{
	char buf[24];
	if (n)
		out(p, buf, (size_t)snprintf(buf, sizeof(buf), "\x1b[%zuD", n));
}

/* Rewrites from the cursor to the end (plus `erase` blanks) and puts the cursor back. */
static void redraw_tail(struct pty *p, size_t erase)
{
	out(p, p->line + p->cur, p->len - p->cur);
	for (size_t i = 0; i < erase; i++)
		out(p, " ", 1);
	cursor_left(p, p->len - p->cur + erase);
}

static void insert(struct pty *p, char c)
{
	if (p->len == PTY_LINE_MAX - 1)
		return;
	memmove(p->line + p->cur + 1, p->line + p->cur, p->len - p->cur);
	p->line[p->cur++] = c;
	p->len++;
	out(p, &c, 1);
	redraw_tail(p, 0);
}

static void delete_range(struct pty *p, size_t from, size_t to)
{
	if (to <= from)
		return;
	cursor_left(p, p->cur - from);
	memmove(p->line + from, p->line + to, p->len - to);
	p->len -= to - from;
	p->cur = from;
	redraw_tail(p, to - from);
}

static void move(struct pty *p, int k)
{
	if (k == 'D' && p->cur) {
		cursor_left(p, 1);
		p->cur--;
	} else if (k == 'C' && p->cur < p->len) {
		out(p, p->line + p->cur, 1);
		p->cur++;
	} else if (k == 'H') {
		cursor_left(p, p->cur);
		p->cur = 0;
	} else if (k == 'F') {
		out(p, p->line + p->cur, p->len - p->cur);
		p->cur = p->len;
	}
}

/* The rest of an escape sequence: ESC [ X, ESC O X, ESC [ N ~. 1 while it goes on. */
static int escape(struct pty *p, unsigned char c)
{
	if (p->esc == 1) {
		p->esc = (c == '[' || c == 'O') ? 2 : 0;
		return p->esc != 0;
	}
	if (p->esc == 2 && c >= '0' && c <= '9') {
		p->esc_digit = (char)c;
		p->esc = 3;
		return 1;
	}
	if (p->esc == 3) {
		p->esc = 0;
		if (c == '~' && p->esc_digit == '3')
			delete_range(p, p->cur, p->cur + (p->cur < p->len));
		else if (c == '~' && (p->esc_digit == '1' || p->esc_digit == '7'))
			move(p, 'H');
		else if (c == '~' && (p->esc_digit == '4' || p->esc_digit == '8'))
			move(p, 'F');
		return 0;
	}
	p->esc = 0;
	move(p, c);
	return 0;
}

enum pty_event pty_input(struct pty *p, unsigned char c, char *line_out, size_t *out_len)
{
	if (p->esc) {
		escape(p, c);
		return PTY_NONE;
	}
	if (c == '\r' || c == '\n') {
		outs(p, "\r\n");
		memcpy(line_out, p->line, p->len);
		line_out[p->len] = '\n';
		*out_len = p->len + 1;
		p->len = p->cur = 0;
		return PTY_LINE;
	}
	if (c == CTRL('C')) {
		outs(p, "^C\r\n");
		p->len = p->cur = 0;
		return PTY_INTR;
	}
	if (c == CTRL('D')) {
		if (p->len == 0)
			return PTY_EOF;
		delete_range(p, p->cur, p->cur + (p->cur < p->len));
	} else if (c == 0x7f || c == CTRL('H')) {
		if (p->cur)
			delete_range(p, p->cur - 1, p->cur);
	} else if (c == 0x1b) {
		p->esc = 1;
	} else if (c == CTRL('A')) {
		move(p, 'H');
	} else if (c == CTRL('E')) {
		move(p, 'F');
	} else if (c == CTRL('B')) {
		move(p, 'D');
	} else if (c == CTRL('F')) {
		move(p, 'C');
	} else if (c == CTRL('K')) {
		delete_range(p, p->cur, p->len);
	} else if (c == CTRL('U')) {
		delete_range(p, 0, p->cur);
	} else if (c == CTRL('W')) {
		size_t from = p->cur;
		while (from && p->line[from - 1] == ' ')
			from--;
		while (from && p->line[from - 1] != ' ')
			from--;
		delete_range(p, from, p->cur);
	} else if (c == CTRL('L')) {
		outs(p, "\x1b[2K\r");
		out(p, p->line, p->len);
		cursor_left(p, p->len - p->cur);
	} else if (c >= ' ') {
		insert(p, (char)c);
	}
	return PTY_NONE;
}

size_t pty_onlcr(const char *in, size_t n, char *o)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (in[i] == '\n')
			o[k++] = '\r';
		o[k++] = in[i];
	}
	return k;
}
