/*
 * pipe(): a ring buffer between two files. Readers wait for data or for the
 * last writer to close (end of file); writers wait for room, and get EPIPE
 * once no reader is left. Writes of at most PIPE_BUF bytes are never
 * interleaved with other writers' bytes.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <yolk/file.h>
#include <yolk/sched.h>

#define PIPE_SIZE 65536

struct pipe {
	struct kmutex lock;
	struct kcond readable, writable;
	size_t head, count; /* bytes at buf[head..], wrapping */
	unsigned readers, writers;
	char buf[PIPE_SIZE];
};

static ssize_t pipe_read(struct file *f, void *dst, size_t len)
{
	struct pipe *p = f->priv;
	kmutex_lock(&p->lock, WAIT_FOREVER);
	while (p->count == 0 && p->writers > 0 && len > 0) {
		if (f->flags & O_NONBLOCK) {
			kmutex_unlock(&p->lock);
			return -EAGAIN;
		}
		if (kcond_wait(&p->readable, &p->lock, WAIT_FOREVER) == -EINTR) {
			kmutex_unlock(&p->lock);
			return -EINTR;
		}
	}
	size_t n = len < p->count ? len : p->count;
	for (size_t i = 0; i < n; i++)
		((char *)dst)[i] = p->buf[(p->head + i) % PIPE_SIZE];
	p->head = (p->head + n) % PIPE_SIZE;
	p->count -= n;
	kcond_broadcast(&p->writable);
	kmutex_unlock(&p->lock);
	if (n)
		file_notify_key(p);
	return (ssize_t)n;
}

/* Room the writer waits for: all of a small write at once, any for a big one. */
static size_t room_needed(size_t left) { return left <= PIPE_BUF ? left : 1; }

static ssize_t pipe_write(struct file *f, const void *src, size_t len)
{
	struct pipe *p = f->priv;
	size_t done = 0;
	kmutex_lock(&p->lock, WAIT_FOREVER);
	while (done < len) {
		if (p->readers == 0) {
			done = done ? done : (size_t)-EPIPE;
			break;
		}
		if (PIPE_SIZE - p->count < room_needed(len - done)) {
			if (f->flags & O_NONBLOCK) {
				done = done ? done : (size_t)-EAGAIN;
				break;
			}
			if (kcond_wait(&p->writable, &p->lock, WAIT_FOREVER) == -EINTR) {
				done = done ? done : (size_t)-EINTR;
				break;
			}
			continue;
		}
		size_t n = len - done < PIPE_SIZE - p->count ? len - done : PIPE_SIZE - p->count;
		for (size_t i = 0; i < n; i++)
			p->buf[(p->head + p->count + i) % PIPE_SIZE] = ((const char *)src)[done + i];
		p->count += n;
		done += n;
		kcond_broadcast(&p->readable);
		file_notify_key(p);
	}
	kmutex_unlock(&p->lock);
	return (ssize_t)done;
}

static short pipe_poll(struct file *f)
{
	struct pipe *p = f->priv;
	kmutex_lock(&p->lock, WAIT_FOREVER);
	short r = 0;
	if ((f->flags & O_ACCMODE) == O_RDONLY)
		r = (short)((p->count ? POLLIN : 0) | (p->writers == 0 ? POLLHUP : 0));
	else
		r = (short)(p->readers == 0 ? POLLERR : PIPE_SIZE - p->count >= PIPE_BUF ? POLLOUT : 0);
	kmutex_unlock(&p->lock);
	return r;
}

static int pipe_fstat(struct file *f, struct stat *st)
{
	struct pipe *p = f->priv;
	st->st_mode = S_IFIFO | 0600;
	st->st_size = (off_t)p->count;
	st->st_blksize = PIPE_BUF;
	return 0;
}

static int pipe_ioctl(struct file *f, unsigned long req, void *arg)
{
	struct pipe *p = f->priv;
	if (req != FIONREAD)
		return -ENOTTY;
	kmutex_lock(&p->lock, WAIT_FOREVER);
	*(int *)arg = (int)p->count;
	kmutex_unlock(&p->lock);
	return 0;
}

static void pipe_release(struct file *f)
{
	struct pipe *p = f->priv;
	kmutex_lock(&p->lock, WAIT_FOREVER);
	if ((f->flags & O_ACCMODE) == O_RDONLY)
		p->readers--;
	else
		p->writers--;
	int last = p->readers == 0 && p->writers == 0;
	kcond_broadcast(&p->readable);
	kcond_broadcast(&p->writable);
	kmutex_unlock(&p->lock);
	file_notify_key(p);
	if (last)
		free(p);
}

static const struct file_ops pipe_ops = {
	.read = pipe_read,
	.write = pipe_write,
	.fstat = pipe_fstat,
	.ioctl = pipe_ioctl,
	.poll = pipe_poll,
	.release = pipe_release,
};

/* The two files and their fds: 0, or -ENOMEM / -EMFILE with nothing left behind. */
static int pipe_make(int fd[2])
{
	struct pipe *p = calloc(1, sizeof(*p));
	struct file *r = p ? file_new(&pipe_ops, p, O_RDONLY) : NULL;
	struct file *w = r ? file_new(&pipe_ops, p, O_WRONLY) : NULL;
	if (w == NULL) {
		free(r);
		free(p);
		return -ENOMEM;
	}
	p->lock = (struct kmutex)KMUTEX_INIT;
	p->readable = (struct kcond)KCOND_INIT;
	p->writable = (struct kcond)KCOND_INIT;
	p->readers = p->writers = 1;
	fd[0] = fd_install(r, 0);
	fd[1] = fd[0] < 0 ? -EMFILE : fd_install(w, 0);
	if (fd[1] < 0) {
		if (fd[0] >= 0)
			close(fd[0]);
		else
			file_put(r);
		file_put(w);
		return -EMFILE;
	}
	return 0;
}

int pipe(int fd[2])
{
	thread_hold_begin(); /* a kill between the two fd_installs would leave half a pipe */
	int r = pipe_make(fd);
	thread_hold_end();
	thread_kill_point();
	if (r < 0) {
		errno = -r;
		return -1;
	}
	return 0;
}
