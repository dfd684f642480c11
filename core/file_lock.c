/*
 * fcntl() record locks (yolk/file_lock.h): one lock list per locked file,
 * found by its vnode, all in one table under one mutex. A list never
 * outlives its vnode: every open file holds the vnode, and the close of
 * any fd of the file drops the process's locks (and the entry with them).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yolk/file.h>
#include <yolk/file_lock.h>
#include <yolk/reclock.h>
#include <yolk/sync.h>

struct lock_file {
	struct vnode *vn;
	struct reclock *locks;
	struct lock_file *next;
};

static struct lock_file *lock_files;
static struct kmutex lock_files_lock = KMUTEX_INIT;

/* The one process (core/process.c) owns every lock. */
static long lock_owner(void)
{
	return getpid();
}

/* vn's entry, made if `make` (NULL: none, or out of memory); lock_files_lock held. */
static struct lock_file *lock_file_find(struct vnode *vn, int make)
{
	for (struct lock_file *e = lock_files; e; e = e->next)
		if (e->vn == vn)
			return e;
	struct lock_file *e = make ? calloc(1, sizeof(*e)) : NULL;
	if (e) {
		e->vn = vn;
		e->next = lock_files;
		lock_files = e;
	}
	return e;
}

/* Drops vn's entry once it has no locks; lock_files_lock held. */
static void lock_file_tidy(struct lock_file *e)
{
	if (e == NULL || e->locks)
		return;
	for (struct lock_file **p = &lock_files; *p; p = &(*p)->next)
		if (*p == e) {
			*p = e->next;
			free(e);
			return;
		}
}

/* fl's byte range as [*start, *end): l_whence, l_start and l_len as POSIX defines them. */
static int flock_range(struct file *f, const struct flock *fl, off_t *start, off_t *end)
{
	off_t base;
	struct stat st;
	switch (fl->l_whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = __atomic_load_n(&f->pos, __ATOMIC_RELAXED);
		break;
	case SEEK_END:
		memset(&st, 0, sizeof(st));
		if (f->ops->fstat == NULL || f->ops->fstat(f, &st) < 0)
			return -EINVAL;
		base = st.st_size;
		break;
	default:
		return -EINVAL;
	}
	off_t s;
	if (__builtin_add_overflow(base, (off_t)fl->l_start, &s))
		return -EOVERFLOW;
	off_t e = RECLOCK_EOF;
	if (fl->l_len > 0 && __builtin_add_overflow(s, (off_t)fl->l_len, &e))
		return -EOVERFLOW;
	if (fl->l_len < 0) { /* the l_len bytes before l_start */
		e = s;
		s += fl->l_len;
	}
	if (s < 0)
		return -EINVAL;
	*start = s;
	*end = e;
	return 0;
}

/* The checks POSIX lists before any lock is looked at: 0 or -errno. */
static int flock_check(struct file *f, int cmd, const struct flock *fl)
{
	if (f->vn == NULL)
		return -EINVAL; /* console, pipes, sockets: nothing to lock */
	int acc = f->flags & O_ACCMODE;
	switch (fl->l_type) {
	case F_RDLCK:
		return cmd != F_GETLK && acc == O_WRONLY ? -EBADF : 0;
	case F_WRLCK:
		return cmd != F_GETLK && acc == O_RDONLY ? -EBADF : 0;
	case F_UNLCK:
		return cmd == F_GETLK ? -EINVAL : 0;
	default:
		return -EINVAL;
	}
}

/* F_GETLK: the first conflicting lock into fl, or l_type F_UNLCK; lock_files_lock held. */
static void flock_get(struct lock_file *e, struct flock *fl, off_t start, off_t end)
{
	const struct reclock *c = e ? reclock_conflict(e->locks, lock_owner(), fl->l_type, start, end) : NULL;
	if (c == NULL) {
		fl->l_type = F_UNLCK;
		return;
	}
	fl->l_type = c->type;
	fl->l_whence = SEEK_SET;
	fl->l_start = c->start;
	fl->l_len = c->end == RECLOCK_EOF ? 0 : c->end - c->start;
	fl->l_pid = (short)c->owner;
}

/* F_SETLK/F_SETLKW: 0 or -errno; lock_files_lock held. */
static int flock_set(struct vnode *vn, int cmd, int type, off_t start, off_t end)
{
	struct lock_file *e = lock_file_find(vn, type != F_UNLCK);
	if (e == NULL)
		return type == F_UNLCK ? 0 : -ENOLCK;
	if (reclock_conflict(e->locks, lock_owner(), type, start, end)) {
		/*
		 * Only another process could hold it, and there is none: with one
		 * owner this never happens. F_SETLKW would wait for itself.
		 */
		return cmd == F_SETLKW ? -EDEADLK : -EAGAIN;
	}
	int r = reclock_set(&e->locks, lock_owner(), type, start, end);
	lock_file_tidy(e);
	return r;
}

int file_lock_fcntl(int fd, int cmd, struct flock *fl)
{
	struct file *f = fd_file(fd);
	if (f == NULL)
		return -1;
	off_t start = 0, end = 0;
	int r = fl == NULL ? -EFAULT : flock_check(f, cmd, fl);
	if (r == 0)
		r = flock_range(f, fl, &start, &end);
	if (r == 0) {
		kmutex_lock(&lock_files_lock, WAIT_FOREVER);
		if (cmd == F_GETLK)
			flock_get(lock_file_find(f->vn, 0), fl, start, end);
		else
			r = flock_set(f->vn, cmd, fl->l_type, start, end);
		kmutex_unlock(&lock_files_lock);
	}
	fd_put(f);
	if (r < 0) {
		errno = -r;
		return -1;
	}
	return 0;
}

void file_lock_closed(struct file *f)
{
	if (f->vn == NULL)
		return;
	kmutex_lock(&lock_files_lock, WAIT_FOREVER);
	struct lock_file *e = lock_file_find(f->vn, 0);
	if (e) {
		reclock_release_owner(&e->locks, lock_owner());
		lock_file_tidy(e);
	}
	kmutex_unlock(&lock_files_lock);
}

int file_lock_count(int fd)
{
	struct file *f = fd_file(fd);
	if (f == NULL)
		return -1;
	int n = 0;
	kmutex_lock(&lock_files_lock, WAIT_FOREVER);
	struct lock_file *e = f->vn ? lock_file_find(f->vn, 0) : NULL;
	for (const struct reclock *l = e ? e->locks : NULL; l; l = l->next)
		n++;
	kmutex_unlock(&lock_files_lock);
	fd_put(f);
	return n;
}
