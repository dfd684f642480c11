/*
 * poll() and select(). Each file reports what is ready now (file_ops.poll).
 * A poller that finds nothing ready sleeps on a waiter of its own, listed
 * with the keys of the files it watches; a file whose state changes calls
 * file_notify_key() and wakes only the pollers that watch it, so one
 * connection's packet does not wake every server loop on every CPU to scan
 * all its descriptors again. The generation counter closes the window
 * between looking and sleeping: any notify in between (keyed or not) makes
 * the sleep return at once.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <yolk/file.h>
#include <yolk/lock_order.h>
#include <yolk/sched.h>
#include <yolk/time.h>

/* A sleeping poller; on the list while it sleeps, under file_poll_lock. */
struct poll_waiter {
	struct poll_waiter *next, **pprev;
	const void **keys; /* of the files it watches; NULL: wake at every notify */
	nfds_t nkeys;
	struct waitq q;
};

struct spinlock file_poll_lock = SPINLOCK_INIT("poll", LOCK_RANK_POLL);
static unsigned long file_poll_gen;
static struct poll_waiter *pollers; /* zero-initialized: no .data in the smallest images */

int file_pollers_waiting(void) { return __atomic_load_n(&pollers, __ATOMIC_RELAXED) != NULL; }

void (*file_poll_enter_hook)(void);

static int watches(const struct poll_waiter *w, const void *key)
{
	if (w->keys == NULL)
		return 1;
	for (nfds_t i = 0; i < w->nkeys; i++)
		if (w->keys[i] == key)
			return 1;
	return 0;
}

/* key NULL: every poller. */
static void notify(const void *key)
{
	int irq = spin_lock_irqsave(&file_poll_lock);
	__atomic_add_fetch(&file_poll_gen, 1, __ATOMIC_RELEASE);
	for (struct poll_waiter *w = pollers; w; w = w->next)
		if (key == NULL || watches(w, key))
			waitq_wake_all(&w->q);
	spin_unlock_irqrestore(&file_poll_lock, irq);
}

void file_notify(void) { notify(NULL); }

void file_notify_key(const void *key) { notify(key); }

/*
 * Ready events of one entry; files without a poll op are always ready (like
 * regular files). *key: what the file's changes are announced with, NULL if
 * nothing names them (then any notify must wake the poller).
 */
static short poll_one(struct pollfd *p, const void **key)
{
	*key = NULL;
	if (p->fd < 0)
		return 0;
	struct file *f = fd_file(p->fd);
	if (f == NULL)
		return POLLNVAL;
	short ready = f->ops->poll ? f->ops->poll(f) : (short)(POLLIN | POLLOUT);
	*key = f->ops->poll_key ? f->ops->poll_key(f) : f->priv;
	fd_put(f);
	return (short)(ready & (p->events | POLLERR | POLLHUP | POLLNVAL));
}

/* keys: room for n keys, or NULL (the poller then wakes at every notify). */
static int poll_scan(struct pollfd *fds, nfds_t n, const void **keys, int *any)
{
	int count = 0;
	*any = keys == NULL;
	for (nfds_t i = 0; i < n; i++) {
		const void *key;
		fds[i].revents = poll_one(&fds[i], &key);
		count += fds[i].revents != 0;
		if (keys)
			keys[i] = key;
		*any |= fds[i].fd >= 0 && key == NULL;
	}
	return count;
}

/* Waits for a notify of one of keys (any notify if keys is NULL) after generation `gen`, or the deadline. */
static int poll_wait(unsigned long gen, const void **keys, nfds_t n, uint64_t deadline)
{
	struct poll_waiter w = {NULL, NULL, keys, n, WAITQ_INIT};
	int r = 0, irq = spin_lock_irqsave(&file_poll_lock);
	if (file_poll_gen == gen) {
		w.next = pollers;
		w.pprev = &pollers;
		if (pollers)
			pollers->pprev = &w.next;
		pollers = &w;
		r = waitq_wait(&w.q, &file_poll_lock, deadline);
		*w.pprev = w.next;
		if (w.next)
			w.next->pprev = w.pprev;
	}
	spin_unlock_irqrestore(&file_poll_lock, irq);
	return r;
}

static uint64_t deadline_after_ms(int ms)
{
	return ms < 0 ? WAIT_FOREVER : time_monotonic_ns() + (uint64_t)ms * 1000000u;
}

#define POLL_STACK_KEYS 64

static int poll_uncancelled(struct pollfd *fds, nfds_t n, int timeout_ms)
{
	if (file_poll_enter_hook)
		file_poll_enter_hook();
	uint64_t deadline = deadline_after_ms(timeout_ms);
	const void *stack_keys[POLL_STACK_KEYS];
	/* Out of memory for a long list: wake at every notify instead. */
	const void **keys = n <= POLL_STACK_KEYS ? stack_keys : malloc(n * sizeof(*keys));
	int count;
	for (;;) {
		unsigned long gen = __atomic_load_n(&file_poll_gen, __ATOMIC_ACQUIRE);
		int any;
		count = poll_scan(fds, n, keys, &any);
		if (count || timeout_ms == 0)
			break;
		int r = poll_wait(gen, any ? NULL : keys, n, deadline);
		if (r == -EINTR) {
			if (keys != stack_keys)
				free(keys);
			thread_kill_point();
			errno = EINTR;
			return -1;
		}
		if (r) {
			count = 0;
			break;
		}
	}
	if (keys != stack_keys)
		free(keys);
	return count;
}

/* A cancellation point (POSIX.1-2017 2.9.5.2): a request acts at entry or if the call was cut short. */
int poll(struct pollfd *fds, nfds_t n, int timeout_ms)
{
	int point = thread_cancel_point_begin();
	int r = poll_uncancelled(fds, n, timeout_ms);
	thread_cancel_point_end(point, r < 0 && errno == EINTR);
	return r;
}

static int timeval_ms(const struct timeval *tv)
{
	if (tv == NULL)
		return -1;
	long long ms = (long long)tv->tv_sec * 1000 + (tv->tv_usec + 999) / 1000;
	return ms > 0x7fffffff ? 0x7fffffff : (int)ms;
}

/* select() on top of poll(): one pollfd per fd named in any set. */
int select(int n, fd_set *rd, fd_set *wr, fd_set *ex, struct timeval *tv)
{
	if (n < 0 || n > FD_SETSIZE || (tv && (tv->tv_sec < 0 || tv->tv_usec < 0))) {
		errno = EINVAL;
		return -1;
	}
	struct pollfd p[FD_SETSIZE];
	int np = 0;
	for (int fd = 0; fd < n; fd++) {
		short ev = (short)((rd && FD_ISSET(fd, rd) ? POLLIN : 0) | (wr && FD_ISSET(fd, wr) ? POLLOUT : 0) |
				   (ex && FD_ISSET(fd, ex) ? POLLPRI : 0));
		if (ev)
			p[np++] = (struct pollfd){fd, ev, 0};
	}
	int r = poll(p, (nfds_t)np, timeval_ms(tv));
	if (r < 0)
		return r;
	for (int i = 0; i < np; i++) {
		if (p[i].revents & POLLNVAL) {
			errno = EBADF;
			return -1;
		}
	}
	int count = 0;
	for (int i = 0; i < np; i++) {
		int fd = p[i].fd;
		short re = p[i].revents;
		if (rd && FD_ISSET(fd, rd) && !(re & (POLLIN | POLLHUP | POLLERR)))
			FD_CLR(fd, rd);
		count += rd && FD_ISSET(fd, rd);
		if (wr && FD_ISSET(fd, wr) && !(re & (POLLOUT | POLLERR)))
			FD_CLR(fd, wr);
		count += wr && FD_ISSET(fd, wr);
		if (ex && FD_ISSET(fd, ex) && !(re & POLLPRI))
			FD_CLR(fd, ex);
		count += ex && FD_ISSET(fd, ex);
	}
	return count;
}
