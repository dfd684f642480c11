/*
 * The console as a file. Blocking reads get edited lines from the line
 * discipline (core/tty.c); non-blocking ones the raw bytes waiting.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <yolk/console.h>
#include <yolk/tty.h>
#include "console_file.h"

static ssize_t console_file_read(struct file *f, void *buf, size_t len)
{
	return (f->flags & O_NONBLOCK) ? tty_read_nowait(buf, len) : tty_read(buf, len);
}

static ssize_t console_file_write(struct file *f, const void *buf, size_t len)
{
	(void)f;
	console_write(buf, len);
	return (ssize_t)len;
}

static int console_file_fstat(struct file *f, struct stat *st)
{
	(void)f;
	st->st_mode = S_IFCHR | 0620;
	st->st_rdev = 0x0501; /* Linux's /dev/console: 5, 1 */
	st->st_blksize = 1024;
	return 0;
}

static int console_file_ioctl(struct file *f, unsigned long req, void *arg)
{
	switch (req) {
	case TCGETS:
		return 0;
	case TIOCGWINSZ:
		*(struct winsize *)arg = (struct winsize){.ws_row = 25, .ws_col = 80};
		return 0;
	case FIONBIO:
		f->flags = *(int *)arg ? f->flags | O_NONBLOCK : f->flags & ~O_NONBLOCK;
		return 0;
	default:
		return -ENOTTY;
	}
}

static short console_file_poll(struct file *f)
{
	(void)f;
	return (short)((tty_input_ready() ? POLLIN : 0) | POLLOUT);
}

const struct file_ops console_file_ops = {
	.read = console_file_read,
	.write = console_file_write,
	.fstat = console_file_fstat,
	.ioctl = console_file_ioctl,
	.poll = console_file_poll,
};

/*
 * Static, so the console works before the heap; the static reference (refs = 1)
 * is never dropped. Zeroed memory (.bss) that fd_init() fills in, rather than
 * 312 bytes of initial values in the image.
 */
struct file console_files[3];

void console_files_init(void)
{
	for (int i = 0; i < 3; i++) {
		console_files[i].ops = &console_file_ops;
		console_files[i].flags = i == 0 ? O_RDONLY : O_WRONLY;
		console_files[i].refs = 1;
		console_files[i].pos_lock = (struct kmutex)KMUTEX_INIT;
	}
}
