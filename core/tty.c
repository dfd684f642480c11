/*
 * The console's line discipline (cooked mode): read() on the console returns
 * whole lines that the user could edit first, like a Unix terminal with
 * readline-style keys. Edits are echoed with ANSI sequences relative to the
 * cursor, so the line editor needs no knowledge of the prompt.
 *
 *   printable      insert at the cursor       Left/Right, Ctrl-B/F  move
 *   Backspace      delete before the cursor   Delete                delete at it
 *   Home/End, Ctrl-A/E   start/end            Up/Down               history
 *   Ctrl-K / Ctrl-U      kill to end / start  Ctrl-W                kill word
 *   Ctrl-L         redraw the line            Ctrl-C                drop the line
 *   Ctrl-D         end of input on an empty line, else delete at the cursor
 *   Enter          deliver the line
 *
 * termios (tcsetattr on fd 0) turns off ICANON for raw bytes, ECHO for silent
 * input (passwords), ISIG for Ctrl-C as an ordinary byte.
 */
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <signal.h>
#include <termios.h>
#include <unistd.h>
#include <arch/cpu.h>
#include <yolk/console.h>
#include <yolk/file.h>
#include <yolk/panic.h>
#include <yolk/sched.h>
#include <yolk/signal.h>
#include <yolk/spinlock.h>
#include <yolk/tty.h>

#define LINE_MAX_LEN 1024
#define HISTORY 32

#define CTRL(c) ((c) & 0x1f)
#define DEL 0x7f
#define ESC 0x1b

enum key { K_NONE, K_LEFT, K_RIGHT, K_UP, K_DOWN, K_HOME, K_END, K_DELETE };

static char line[LINE_MAX_LEN];
static size_t len, cur;
static char history[HISTORY][LINE_MAX_LEN];
static int hist_count, hist_pos;
static char ready[LINE_MAX_LEN + 1]; /* a delivered line not yet read */
static size_t ready_len, ready_off;
static struct termios mode = {
	.c_iflag = ICRNL | IXON,
	.c_oflag = OPOST | ONLCR,
	.c_cflag = CS8 | CREAD,
	.c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | IEXTEN,
	.c_cc = {[VINTR] = CTRL('C'), [VERASE] = DEL, [VKILL] = CTRL('U'), [VEOF] = CTRL('D'), [VMIN] = 1},
	.c_ispeed = B115200,
	.c_ospeed = B115200,
};

static void out(const char *s, size_t n)
{
	if (mode.c_lflag & ECHO)
		console_write(s, n);
}
static void outs(const char *s) { out(s, strlen(s)); }

/*
 * While a shell waits for a foreground app, the timer tick polls the consoles
 * into this queue so a Ctrl-C reaches the app even when it is not reading.
 */
/* Protects inq, foreground and the delivered line's read offset (ready_off). */
static struct spinlock tty_lock = SPINLOCK_INIT("tty", LOCK_RANK_TTY);
static char inq[256];
static unsigned inq_head, inq_tail;
/* The apps Ctrl-C kills: one command, or every stage of a pipeline. */
static struct thread *foreground[TTY_FOREGROUND_MAX];
static unsigned nforeground; /* read without the lock only to skip polling */

void tty_set_foreground(struct thread *t)
{
	int irq = spin_lock_irqsave(&tty_lock);
	foreground[0] = t;
	nforeground = t != NULL;
	spin_unlock_irqrestore(&tty_lock, irq);
}

int tty_add_foreground(struct thread *t)
{
	int irq = spin_lock_irqsave(&tty_lock);
	int r = nforeground < TTY_FOREGROUND_MAX ? 0 : -ENOSPC;
	if (r == 0)
		foreground[nforeground++] = t;
	spin_unlock_irqrestore(&tty_lock, irq);
	return r;
}

struct thread *tty_foreground(void)
{
	int irq = spin_lock_irqsave(&tty_lock);
	struct thread *t = nforeground ? foreground[0] : NULL;
	spin_unlock_irqrestore(&tty_lock, irq);
	return t;
}

void tty_forget(struct thread *t)
{
	int irq = spin_lock_irqsave(&tty_lock);
	for (unsigned i = 0; i < nforeground; i++)
		if (foreground[i] == t)
			foreground[i--] = foreground[--nforeground];
	spin_unlock_irqrestore(&tty_lock, irq);
}

/*
 * A byte from the consoles: Ctrl-C for a foreground app is its SIGINT: a
 * handler it installed runs (core/signal.c), otherwise it is killed. tty_lock held.
 */
static int take_byte(void)
{
	KASSERT(spin_held(&tty_lock));
	char c;
	if (console_read_nowait(&c, 1) != 1)
		return -1;
	if (nforeground && (mode.c_lflag & ISIG) && (unsigned char)c == mode.c_cc[VINTR]) {
		console_write("^C\n", 3);
		for (unsigned i = 0; i < nforeground; i++)
			if (!signal_post(foreground[i], SIGINT))
				thread_kill(foreground[i]);
		return -1;
	}
	return (unsigned char)c;
}

/* Moves waiting bytes into inq; 1 if any came. tty_lock held. */
static int fill_inq(void)
{
	KASSERT(spin_held(&tty_lock));
	int c, got = 0;
	while ((inq_tail - inq_head) < sizeof(inq) && (c = take_byte()) >= 0) {
		inq[inq_tail++ % sizeof(inq)] = (char)c;
		got = 1;
	}
	return got;
}

void tty_poll_input(void)
{
	/*
	 * Someone in poll()/select() also needs the tick: input has no interrupt.
	 * An unlocked look at the pollers is enough: a poller that just missed
	 * it is seen at the next tick.
	 */
	if (__atomic_load_n(&nforeground, __ATOMIC_RELAXED) == 0 &&
	    !file_pollers_waiting())
		return;
	spin_lock(&tty_lock);
	int got = fill_inq();
	spin_unlock(&tty_lock);
	if (got)
		file_notify();
}

/* The next queued byte, or -1. tty_lock held. */
static int take_queued(void)
{
	KASSERT(spin_held(&tty_lock));
	if (inq_head != inq_tail)
		return (unsigned char)inq[inq_head++ % sizeof(inq)];
	return take_byte();
}

int tty_input_ready(void)
{
	int irq = spin_lock_irqsave(&tty_lock);
	fill_inq();
	int ready_now = ready_off < ready_len;
	for (unsigned i = inq_head; !ready_now && i != inq_tail; i++) {
		unsigned char c = (unsigned char)inq[i % sizeof(inq)];
		/* A cooked reader only wakes for a whole line (or end of input). */
		ready_now = !(mode.c_lflag & ICANON) || c == '\r' || c == '\n' || c == mode.c_cc[VEOF];
	}
	spin_unlock_irqrestore(&tty_lock, irq);
	return ready_now;
}

ssize_t tty_read_nowait(char *buf, size_t n)
{
	size_t k = 0;
	int irq = spin_lock_irqsave(&tty_lock), c;
	while (k < n && ready_off < ready_len)
		buf[k++] = ready[ready_off++];
	while (k < n && (c = take_queued()) >= 0)
		buf[k++] = (char)c;
	spin_unlock_irqrestore(&tty_lock, irq);
	return k || n == 0 ? (ssize_t)k : -EAGAIN;
}

static int getc_blocking(void)
{
	for (;;) {
		int irq = spin_lock_irqsave(&tty_lock), c = take_queued();
		spin_unlock_irqrestore(&tty_lock, irq);
		if (c >= 0)
			return c;
		cpu_idle(); /* the next interrupt (a tick at the latest) ends it */
	}
}

static void cursor_left(size_t n)
{
	char buf[16];
	if (n == 0)
		return;
	int k = snprintf(buf, sizeof(buf), "\x1b[%zuD", n);
	out(buf, (size_t)k);
}

/* Rewrites from the cursor to the end (plus `erase` blanks) and puts the cursor back. */
static void redraw_tail(size_t erase)
{
	out(line + cur, len - cur);
	for (size_t i = 0; i < erase; i++)
		out(" ", 1);
	cursor_left(len - cur + erase);
}

static void insert(char c)
{
	if (len == LINE_MAX_LEN - 1)
		return;
	memmove(line + cur + 1, line + cur, len - cur);
	line[cur++] = c;
	len++;
	out(&c, 1);
	redraw_tail(0);
}

static void delete_range(size_t from, size_t to)
{
	if (to <= from)
		return;
	cursor_left(cur - from);
	memmove(line + from, line + to, len - to);
	len -= to - from;
	cur = from;
	redraw_tail(to - from);
}

/* Replaces the whole line (history), leaving the cursor at its end. */
static void set_line(const char *s)
{
	size_t old = len;
	cursor_left(cur);
	len = cur = strlen(s);
	memcpy(line, s, len);
	out(line, len);
	for (size_t i = len; i < old; i++)
		out(" ", 1);
	cursor_left(old > len ? old - len : 0);
}

/* Decodes the rest of an escape sequence (ESC already read). */
static enum key read_escape(void)
{
	int c = getc_blocking();
	if (c != '[' && c != 'O')
		return K_NONE;
	c = getc_blocking();
	switch (c) {
	case 'A': return K_UP;
	case 'B': return K_DOWN;
	case 'C': return K_RIGHT;
	case 'D': return K_LEFT;
	case 'H': return K_HOME;
	case 'F': return K_END;
	default: break;
	}
	if (c >= '0' && c <= '9' && getc_blocking() == '~')
		return c == '3' ? K_DELETE : (c == '1' || c == '7') ? K_HOME : (c == '4' || c == '8') ? K_END : K_NONE;
	return K_NONE;
}

static void history_move(int delta)
{
	int pos = hist_pos + delta;
	if (pos < 0 || pos > hist_count)
		return;
	hist_pos = pos;
	set_line(pos == hist_count ? "" : history[pos]);
}

static void remember(void)
{
	if (len == 0 || (hist_count && strcmp(history[hist_count - 1], line) == 0))
		return;
	if (hist_count == HISTORY) {
		memmove(history[0], history[1], sizeof(history[0]) * (HISTORY - 1));
		hist_count--;
	}
	memcpy(history[hist_count++], line, len + 1);
}

static void on_key(enum key k)
{
	switch (k) {
	case K_LEFT: if (cur) { cursor_left(1); cur--; } break;
	case K_RIGHT: if (cur < len) { out(line + cur, 1); cur++; } break;
	case K_HOME: cursor_left(cur); cur = 0; break;
	case K_END: out(line + cur, len - cur); cur = len; break;
	case K_UP: history_move(-1); break;
	case K_DOWN: history_move(1); break;
	case K_DELETE: delete_range(cur, cur + (cur < len)); break;
	default: break;
	}
}

/* Edits one line; returns 1 when delivered (Enter), 0 at end of input. */
static int edit_line(void)
{
	len = cur = 0;
	hist_pos = hist_count;
	for (;;) {
		int c = getc_blocking();
		line[len] = '\0';
		if (c == '\r' || c == '\n') {
			line[len] = '\0';
			outs("\n");
			remember();
			return 1;
		} else if (c == CTRL('D')) {
			if (len == 0)
				return 0;
			delete_range(cur, cur + (cur < len));
		} else if (c == DEL || c == CTRL('H')) {
			if (cur)
				delete_range(cur - 1, cur);
		} else if (c == ESC) {
			on_key(read_escape());
		} else if (c == CTRL('A')) {
			on_key(K_HOME);
		} else if (c == CTRL('E')) {
			on_key(K_END);
		} else if (c == CTRL('B')) {
			on_key(K_LEFT);
		} else if (c == CTRL('F')) {
			on_key(K_RIGHT);
		} else if (c == CTRL('K')) {
			delete_range(cur, len);
		} else if (c == CTRL('U')) {
			delete_range(0, cur);
		} else if (c == CTRL('W')) {
			size_t from = cur;
			while (from && line[from - 1] == ' ')
				from--;
			while (from && line[from - 1] != ' ')
				from--;
			delete_range(from, cur);
		} else if (c == CTRL('L')) {
			outs("\x1b[2K\r");
			out(line, len);
			cursor_left(len - cur);
		} else if (c == CTRL('C') && (mode.c_lflag & ISIG)) {
			outs("^C\n");
			len = cur = 0;
		} else if (c >= ' ') {
			insert((char)c);
		}
	}
}

ssize_t tty_read(char *buf, size_t n)
{
	if (n == 0)
		return 0;
	/* Raw mode: whatever bytes are there, waiting for the first (VMIN 1). */
	if (!(mode.c_lflag & ICANON) && ready_off == ready_len) {
		size_t k = 0;
		buf[k++] = (char)getc_blocking();
		int c, irq = spin_lock_irqsave(&tty_lock);
		while (k < n && (c = take_queued()) >= 0)
			buf[k++] = (char)c;
		spin_unlock_irqrestore(&tty_lock, irq);
		return (ssize_t)k;
	}
	if (ready_off == ready_len) {
		if (!edit_line())
			return 0;
		memcpy(ready, line, len);
		ready[len] = '\n';
		ready_len = len + 1;
		ready_off = 0;
	}
	size_t k = ready_len - ready_off < n ? ready_len - ready_off : n;
	memcpy(buf, ready + ready_off, k);
	ready_off += k;
	return (ssize_t)k;
}

/* isatty() sets errno (EBADF, ENOTTY) when it is not. */
static int is_console(int fd) { return isatty(fd); }

int tcgetattr(int fd, struct termios *t)
{
	if (!is_console(fd))
		return -1;
	*t = mode;
	return 0;
}

int tcsetattr(int fd, int when, const struct termios *t)
{
	(void)when;
	if (!is_console(fd))
		return -1;
	mode = *t;
	return 0;
}

void cfmakeraw(struct termios *t)
{
	t->c_iflag &= ~(tcflag_t)(ICRNL | IXON);
	t->c_oflag &= ~(tcflag_t)OPOST;
	t->c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
	t->c_cflag |= CS8;
	t->c_cc[VMIN] = 1;
	t->c_cc[VTIME] = 0;
}

speed_t cfgetospeed(const struct termios *t) { return t->c_ospeed; }
speed_t cfgetispeed(const struct termios *t) { return t->c_ispeed; }
