/*
 * File descriptors. For now the table holds the console on 0, 1 and 2; the
 * VFS and sockets add their own file_ops to the same table later.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yolk/console.h>
#include <yolk/tty.h>

#define FD_MAX 64

struct file_ops {
	/* nonblock: return -EAGAIN instead of waiting when nothing is there */
	ssize_t (*read)(void *priv, void *buf, size_t len, int nonblock);
	ssize_t (*write)(void *priv, const void *buf, size_t len);
	int (*close)(void *priv);
	mode_t mode; /* S_IFCHR, S_IFREG ... for fstat */
};

struct file {
	const struct file_ops *ops;
	void *priv;
	int flags; /* O_NONBLOCK ... (fcntl F_GETFL/F_SETFL) */
};

static ssize_t console_file_read(void *priv, void *buf, size_t len, int nonblock)
{
	(void)priv;
	/* Blocking reads get edited lines (cooked mode); non-blocking ones raw bytes. */
	return nonblock ? console_read_nowait(buf, len) : tty_read(buf, len);
}

static ssize_t console_file_write(void *priv, const void *buf, size_t len)
{
	(void)priv;
	console_write(buf, len);
	return (ssize_t)len;
}

static const struct file_ops console_file_ops = {
	.read = console_file_read,
	.write = console_file_write,
	.mode = S_IFCHR | 0620,
};

static struct file fds[FD_MAX] = {
	[0] = {&console_file_ops, 0, O_RDONLY},
	[1] = {&console_file_ops, 0, O_WRONLY},
	[2] = {&console_file_ops, 0, O_WRONLY},
};

/* The open file behind fd, or NULL with errno = EBADF. */
static struct file *fd_get(int fd)
{
	if (fd < 0 || fd >= FD_MAX || fds[fd].ops == NULL) {
		errno = EBADF;
		return NULL;
	}
	return &fds[fd];
}

ssize_t read(int fd, void *buf, size_t len)
{
	struct file *f = fd_get(fd);
	if (f == NULL)
		return -1;
	if (f->ops->read == NULL) {
		errno = EBADF;
		return -1;
	}
	ssize_t n = f->ops->read(f->priv, buf, len, (f->flags & O_NONBLOCK) != 0);
	if (n < 0) {
		errno = (int)-n;
		return -1;
	}
	return n;
}

int fcntl(int fd, int cmd, ...)
{
	struct file *f = fd_get(fd);
	if (f == NULL)
		return -1;
	va_list ap;
	va_start(ap, cmd);
	int arg = va_arg(ap, int);
	va_end(ap);
	switch (cmd) {
	case F_GETFL:
		return f->flags;
	case F_SETFL:
		/* Only the status flags change; the access mode stays. */
		f->flags = (f->flags & O_ACCMODE) | (arg & O_NONBLOCK);
		return 0;
	case F_GETFD:
	case F_SETFD:
		return 0;
	default:
		errno = EINVAL;
		return -1;
	}
}

ssize_t write(int fd, const void *buf, size_t len)
{
	struct file *f = fd_get(fd);
	if (f == NULL)
		return -1;
	if (f->ops->write == NULL) {
		errno = EBADF;
		return -1;
	}
	return f->ops->write(f->priv, buf, len);
}

int close(int fd)
{
	struct file *f = fd_get(fd);
	if (f == NULL)
		return -1;
	int r = f->ops->close ? f->ops->close(f->priv) : 0;
	*f = (struct file){0};
	return r;
}

off_t lseek(int fd, off_t off, int whence)
{
	(void)off;
	(void)whence;
	if (fd_get(fd) == NULL)
		return -1;
	errno = ESPIPE;
	return -1;
}

int fstat(int fd, struct stat *st)
{
	struct file *f = fd_get(fd);
	if (f == NULL)
		return -1;
	memset(st, 0, sizeof(*st));
	st->st_mode = f->ops->mode;
	return 0;
}

int isatty(int fd)
{
	struct file *f = fd_get(fd);
	if (f == NULL)
		return 0;
	if (f->ops != &console_file_ops) {
		errno = ENOTTY;
		return 0;
	}
	return 1;
}

/* No filesystem is linked in yet: every path is absent. */
int open(const char *path, int flags, ...)
{
	(void)path;
	(void)flags;
	errno = ENOENT;
	return -1;
}

int stat(const char *path, struct stat *st)
{
	(void)path;
	(void)st;
	errno = ENOENT;
	return -1;
}

int unlink(const char *path)
{
	(void)path;
	errno = ENOENT;
	return -1;
}
