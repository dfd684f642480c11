/*
 * Open files and the descriptor table, and the system calls that only need
 * an fd: read, write, pread, pwrite, lseek, fstat, fsync, ftruncate, close,
 * dup, dup2, fcntl, ioctl, isatty (fcntl's record locks: core/file_lock.c).
 * A struct file is shared by every fd dup()ed from it (one position, one
 * set of status flags), as in POSIX.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <yolk/spinlock.h>
#include <yolk/app.h>
#include <yolk/file.h>
#include <yolk/file_lock.h>
#include <yolk/panic.h>
#include <yolk/sched.h>
#include <yolk/vfs.h>
#include "apprun.h"
#include "console_file.h"

/*
 * fds 3 and up: one table, each slot owned by the run that filled it. fds
 * 0-2 live in each run (core/apprun.h); the ones here serve the threads of
 * no run (boot, drivers, the image's main program).
 */
static struct file *fds[FD_MAX]; /* in .bss: an initializer would put all of it in the image */
static struct app_run *fd_run[FD_MAX]; /* the app run that installed each fd (NULL: none) */
static struct kmutex fd_lock = KMUTEX_INIT;

/* Where fd lives for the calling thread; 0 <= fd < FD_MAX, fd_lock held. */
static struct file **fd_slot(int fd)
{
	struct app_run *r = fd < 3 ? app_run_current() : NULL;
	return r ? &r->std[fd] : &fds[fd];
}

/* Puts f (or NULL) in slot fd, owned by the caller's app run; fd_lock held. */
static void fd_slot_set(int fd, struct file *f)
{
	*fd_slot(fd) = f;
	fd_run[fd] = f && fd >= 3 ? app_run_current() : NULL;
}

void fd_init(void)
{
	/*
	 * The slot holds a reference of its own on top of the console's static
	 * one, so close() or dup2() onto 0-2 never drops a console file to zero
	 * refs and frees an object that malloc never gave out.
	 */
	console_files_init();
	for (int fd = 0; fd < 3; fd++) {
		file_get(&console_files[fd]);
		fds[fd] = &console_files[fd];
	}
}

struct file *file_new(const struct file_ops *ops, void *priv, int flags)
{
	struct file *f = calloc(1, sizeof(*f));
	if (f == NULL)
		return NULL;
	f->ops = ops;
	f->priv = priv;
	f->flags = flags;
	f->refs = 1;
	f->pos_lock = (struct kmutex)KMUTEX_INIT;
	return f;
}

/* Only a holder takes another reference: refs is never raised from 0. */
void file_get(struct file *f)
{
	unsigned before = __atomic_fetch_add(&f->refs, 1, __ATOMIC_RELAXED);
	KASSERT(before > 0);
}

void file_put(struct file *f)
{
	unsigned before = __atomic_fetch_sub(&f->refs, 1, __ATOMIC_ACQ_REL);
	KASSERT(before > 0);
	if (before != 1)
		return;
	if (f->ops->release)
		f->ops->release(f);
	if (f->vn)
		vnode_put(f->vn);
	free(f);
}

int fd_install(struct file *f, int min)
{
	kmutex_lock(&fd_lock, WAIT_FOREVER);
	for (int fd = min < 0 ? 0 : min; fd < FD_MAX; fd++) {
		if (*fd_slot(fd) == NULL) {
			fd_slot_set(fd, f);
			kmutex_unlock(&fd_lock);
			return fd;
		}
	}
	kmutex_unlock(&fd_lock);
	return -EMFILE;
}

struct file *fd_file(int fd)
{
	if (fd < 0 || fd >= FD_MAX) {
		errno = EBADF;
		return NULL;
	}
	thread_hold_begin();
	kmutex_lock(&fd_lock, WAIT_FOREVER);
	struct file *f = *fd_slot(fd);
	if (f)
		file_get(f);
	kmutex_unlock(&fd_lock);
	if (f == NULL) {
		thread_hold_end();
		errno = EBADF;
	}
	return f;
}

void fd_put(struct file *f)
{
	file_put(f);
	thread_hold_end();
}

int fd_inherit(struct app_run *r, const int io[3])
{
	int err = 0;
	kmutex_lock(&fd_lock, WAIT_FOREVER);
	for (int i = 0; i < 3; i++) {
		int from = io ? io[i] : i;
		struct file *f = from >= 0 && from < FD_MAX ? *fd_slot(from) : NULL;
		if (f == NULL && io) {
			err = -EBADF;
			break;
		}
		if (f)
			file_get(f);
		r->std[i] = f;
	}
	kmutex_unlock(&fd_lock);
	if (err)
		fd_close_run(r);
	return err;
}

void fd_close_run(struct app_run *r)
{
	for (int fd = 0; fd < 3; fd++) {
		kmutex_lock(&fd_lock, WAIT_FOREVER);
		struct file *f = r->std[fd];
		r->std[fd] = NULL;
		kmutex_unlock(&fd_lock);
		if (f)
			file_put(f);
	}
	for (int fd = 3; fd < FD_MAX; fd++) {
		kmutex_lock(&fd_lock, WAIT_FOREVER);
		struct file *f = fd_run[fd] == r ? fds[fd] : NULL;
		if (f)
			fd_slot_set(fd, NULL);
		kmutex_unlock(&fd_lock);
		/* Outside the table lock: releasing a socket waits for the network thread. */
		if (f) {
			file_lock_closed(f);
			file_put(f);
		}
	}
}

/*
 * Turns an op's result (count or -errno) into the libc convention. The way
 * back to the app holds nothing: a pending kill ends the thread here, as a
 * signal is delivered on return from a system call.
 */
static ssize_t sysret(ssize_t r)
{
	thread_kill_point();
	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

/* f's status; -ENOSYS for a file without the (optional) fstat op. */
static int file_fstat(struct file *f, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	return f->ops->fstat ? f->ops->fstat(f, st) : -ENOSYS;
}

/*
 * O_APPEND: every write starts at the end of the file. The size comes from
 * fstat; without it the end is unknown and the write fails with fstat's
 * error rather than landing at a stale position.
 */
static ssize_t file_append_write(struct file *f, void *buf, size_t len)
{
	struct stat st;
	int r = file_fstat(f, &st);
	if (r < 0)
		return r;
	f->pos = st.st_size;
	return f->ops->pwrite(f, buf, len, f->pos);
}

/* Files with pread keep a position here; the rest (console, pipes) stream. */
static ssize_t file_rw(struct file *f, void *buf, size_t len, int is_write)
{
	if (!(f->ops->pread || f->ops->pwrite))
		return is_write ? (f->ops->write ? f->ops->write(f, buf, len) : -EBADF)
				: (f->ops->read ? f->ops->read(f, buf, len) : -EBADF);
	kmutex_lock(&f->pos_lock, WAIT_FOREVER);
	ssize_t r;
	if (!is_write)
		r = f->ops->pread ? f->ops->pread(f, buf, len, f->pos) : -EBADF;
	else if (!f->ops->pwrite)
		r = -EBADF;
	else if (f->flags & O_APPEND)
		r = file_append_write(f, buf, len);
	else
		r = f->ops->pwrite(f, buf, len, f->pos);
	if (r > 0)
		f->pos += r;
	kmutex_unlock(&f->pos_lock);
	return r;
}

static int readable(const struct file *f) { return (f->flags & O_ACCMODE) != O_WRONLY; }
static int writable(const struct file *f) { return (f->flags & O_ACCMODE) != O_RDONLY; }

static ssize_t read_uncancelled(int fd, void *buf, size_t len)
{
	struct file *f = fd_file(fd);
	if (f == NULL)
		return -1;
	ssize_t r = readable(f) ? file_rw(f, buf, len, 0) : -EBADF;
	fd_put(f);
	return sysret(r);
}

/* A cancellation point (POSIX.1-2017 2.9.5.2): a request acts at entry or if the call was cut short. */
ssize_t read(int fd, void *buf, size_t len)
{
	int point = thread_cancel_point_begin();
	ssize_t r = read_uncancelled(fd, buf, len);
	thread_cancel_point_end(point, r < 0 && errno == EINTR);
	return r;
}

ssize_t file_write(struct file *f, const void *buf, size_t len)
{
	return writable(f) ? file_rw(f, (void *)buf, len, 1) : -EBADF;
}

static ssize_t write_uncancelled(int fd, const void *buf, size_t len)
{
	struct file *f = fd_file(fd);
	if (f == NULL)
		return -1;
	ssize_t r = writable(f) ? file_rw(f, (void *)buf, len, 1) : -EBADF;
	fd_put(f);
	return sysret(r);
}

/* A cancellation point (POSIX.1-2017 2.9.5.2): a request acts at entry or if the call was cut short. */
ssize_t write(int fd, const void *buf, size_t len)
{
	int point = thread_cancel_point_begin();
	ssize_t r = write_uncancelled(fd, buf, len);
	thread_cancel_point_end(point, r < 0 && errno == EINTR);
	return r;
}

static ssize_t pread_uncancelled(int fd, void *buf, size_t len, off_t off)
{
	struct file *f = fd_file(fd);
	if (f == NULL)
		return -1;
	ssize_t r = off < 0 ? -EINVAL : !readable(f) ? -EBADF : f->ops->pread ? f->ops->pread(f, buf, len, off) : -ESPIPE;
	fd_put(f);
	return sysret(r);
}

/* A cancellation point (POSIX.1-2017 2.9.5.2): a request acts at entry or if the call was cut short. */
ssize_t pread(int fd, void *buf, size_t len, off_t off)
{
	int point = thread_cancel_point_begin();
	ssize_t r = pread_uncancelled(fd, buf, len, off);
	thread_cancel_point_end(point, r < 0 && errno == EINTR);
	return r;
}

static ssize_t pwrite_uncancelled(int fd, const void *buf, size_t len, off_t off)
{
	struct file *f = fd_file(fd);
	if (f == NULL)
		return -1;
	ssize_t r = off < 0 ? -EINVAL : !writable(f) ? -EBADF : f->ops->pwrite ? f->ops->pwrite(f, buf, len, off) : -ESPIPE;
	fd_put(f);
	return sysret(r);
}

/* A cancellation point (POSIX.1-2017 2.9.5.2): a request acts at entry or if the call was cut short. */
ssize_t pwrite(int fd, const void *buf, size_t len, off_t off)
{
	int point = thread_cancel_point_begin();
	ssize_t r = pwrite_uncancelled(fd, buf, len, off);
	thread_cancel_point_end(point, r < 0 && errno == EINTR);
	return r;
}

static off_t file_seek(struct file *f, off_t off, int whence)
{
	if (!f->ops->pread && !f->ops->readdir)
		return -ESPIPE;
	kmutex_lock(&f->pos_lock, WAIT_FOREVER);
	off_t base = 0, r;
	struct stat st;
	switch (whence) {
	case SEEK_SET:
		break;
	case SEEK_CUR:
		base = f->pos;
		break;
	case SEEK_END:
		r = file_fstat(f, &st);
		if (r < 0)
			goto out;
		base = st.st_size;
		break;
	default:
		r = -EINVAL;
		goto out;
	}
	if (off > 0 && base > INT64_MAX - off) {
		r = -EOVERFLOW;
	} else if (base + off < 0) {
		r = -EINVAL;
	} else {
		f->pos = base + off;
		r = f->pos;
	}
out:
	kmutex_unlock(&f->pos_lock);
	return r;
}

off_t lseek(int fd, off_t off, int whence)
{
	struct file *f = fd_file(fd);
	if (f == NULL)
		return -1;
	off_t r = file_seek(f, off, whence);
	fd_put(f);
	return sysret(r);
}

int fstat(int fd, struct stat *st)
{
	struct file *f = fd_file(fd);
	if (f == NULL)
		return -1;
	memset(st, 0, sizeof(*st));
	int r = f->ops->fstat ? f->ops->fstat(f, st) : -EBADF;
	fd_put(f);
	return (int)sysret(r);
}

static int fsync_uncancelled(int fd)
{
	struct file *f = fd_file(fd);
	if (f == NULL)
		return -1;
	int r = f->ops->fsync ? f->ops->fsync(f) : -EINVAL;
	fd_put(f);
	return (int)sysret(r);
}

/* A cancellation point (POSIX.1-2017 2.9.5.2): a request acts at entry or if the call was cut short. */
int fsync(int fd)
{
	int point = thread_cancel_point_begin();
	int r = fsync_uncancelled(fd);
	thread_cancel_point_end(point, r < 0 && errno == EINTR);
	return r;
}

int fdatasync(int fd) { return fsync(fd); }

int ftruncate(int fd, off_t len)
{
	struct file *f = fd_file(fd);
	if (f == NULL)
		return -1;
	int r = len < 0 ? -EINVAL : !writable(f) ? -EBADF : f->ops->ftruncate ? f->ops->ftruncate(f, len) : -EINVAL;
	fd_put(f);
	return (int)sysret(r);
}

static int close_uncancelled(int fd)
{
	if (fd < 0 || fd >= FD_MAX) {
		errno = EBADF;
		return -1;
	}
	thread_hold_begin(); /* from the slot to file_put, the reference is only in f */
	kmutex_lock(&fd_lock, WAIT_FOREVER);
	struct file *f = *fd_slot(fd);
	fd_slot_set(fd, NULL);
	kmutex_unlock(&fd_lock);
	if (f == NULL) {
		thread_hold_end();
		errno = EBADF;
		return -1;
	}
	file_lock_closed(f);
	fd_put(f);
	return (int)sysret(0);
}

/*
 * A cancellation point (POSIX.1-2017 2.9.5.2), acting only once fd is closed:
 * close() never waits, and a request acting first would leave the fd open
 * for good, since a cancelled thread cannot retry.
 */
int close(int fd)
{
	int r = close_uncancelled(fd);
	thread_cancel_point();
	return r;
}

int dup(int fd)
{
	struct file *f = fd_file(fd);
	if (f == NULL)
		return -1;
	file_get(f); /* the new slot's */
	int r = fd_install(f, 0);
	if (r < 0)
		file_put(f);
	fd_put(f);
	return (int)sysret(r);
}

int dup2(int fd, int fd2)
{
	if (fd2 < 0 || fd2 >= FD_MAX) {
		errno = EBADF;
		return -1;
	}
	struct file *f = fd_file(fd);
	if (f == NULL)
		return -1;
	file_get(f); /* the slot's */
	kmutex_lock(&fd_lock, WAIT_FOREVER);
	struct file *old = *fd_slot(fd2);
	fd_slot_set(fd2, f);
	kmutex_unlock(&fd_lock);
	/* dup2(fd, fd) leaves the table as it was: old is f, and both extra references go. */
	if (old && fd != fd2)
		file_lock_closed(old); /* fd2 was closed: POSIX drops the process's locks on its file */
	if (old)
		file_put(old);
	fd_put(f);
	return (int)sysret(fd2);
}

int fcntl(int fd, int cmd, ...)
{
	va_list ap;
	va_start(ap, cmd);
	if (cmd == F_GETLK || cmd == F_SETLK || cmd == F_SETLKW) {
		struct flock *fl = va_arg(ap, struct flock *); /* a pointer, not the int the others take */
		va_end(ap);
		int r = file_lock_fcntl(fd, cmd, fl);
		thread_kill_point();
		return r;
	}
	int arg = va_arg(ap, int);
	va_end(ap);
	struct file *f = fd_file(fd);
	if (f == NULL)
		return -1;
	int r = 0;
	switch (cmd) {
	case F_GETFL:
		r = f->flags;
		break;
	case F_SETFL:
		/* Only the status flags change; the access mode stays. */
		f->flags = (f->flags & ~(O_NONBLOCK | O_APPEND)) | (arg & (O_NONBLOCK | O_APPEND));
		break;
	case F_DUPFD:
		file_get(f);
		r = fd_install(f, arg);
		if (r < 0)
			file_put(f);
		break;
	case F_GETFD:
	case F_SETFD:
		break; /* nothing is ever exec()ed: close-on-exec has no meaning */
	default:
		r = -EINVAL;
	}
	fd_put(f);
	return (int)sysret(r);
}

int ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	va_start(ap, req);
	void *arg = va_arg(ap, void *);
	va_end(ap);
	struct file *f = fd_file(fd);
	if (f == NULL)
		return -1;
	int r = f->ops->ioctl ? f->ops->ioctl(f, req, arg) : -ENOTTY;
	fd_put(f);
	return (int)sysret(r);
}

int isatty(int fd)
{
	struct file *f = fd_file(fd);
	if (f == NULL)
		return 0;
	int r = f->ops->ioctl ? f->ops->ioctl(f, FILE_IOCTL_ISATTY, NULL) : -ENOTTY;
	fd_put(f);
	if (r < 0) {
		errno = -r;
		return 0;
	}
	return 1;
}
