/*
 * poll() and select(). Each file reports what is ready now (file_ops.poll);
 * a file whose state changes calls file_notify(), which wakes every poller
 * to look again. The generation counter closes the window between looking
 * and sleeping: a notify in between makes the sleep return at once.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/select.h>
#include <yolk/file.h>
#include <yolk/sched.h>
#include <yolk/time.h>

extern unsigned long file_poll_gen;

/* Ready events of one entry; files without a poll op are always ready (like regular files). */
static short poll_one(struct pollfd *p)
{
	if (p->fd < 0)
		return 0;
	struct file *f = fd_file(p->fd);
	if (f == NULL)
		return POLLNVAL;
	short ready = f->ops->poll ? f->ops->poll(f) : (short)(POLLIN | POLLOUT);
	fd_put(f);
	return (short)(ready & (p->events | POLLERR | POLLHUP | POLLNVAL));
}

static int poll_scan(struct pollfd *fds, nfds_t n)
{
	int count = 0;
	for (nfds_t i = 0; i < n; i++) {
		fds[i].revents = poll_one(&fds[i]);
		count += fds[i].revents != 0;
	}
	return count;
}

/* Waits for any file_notify() after generation `gen`, or the deadline: 0, -ETIMEDOUT or -EINTR. */
static int poll_wait(unsigned long gen, uint64_t deadline)
{
	int r = 0, irq = spin_lock_irqsave(&file_poll_lock);
	if (file_poll_gen == gen)
		r = waitq_wait(&file_pollq, &file_poll_lock, deadline);
	spin_unlock_irqrestore(&file_poll_lock, irq);
	return r;
}

static uint64_t deadline_after_ms(int ms)
{
	return ms < 0 ? WAIT_FOREVER : time_monotonic_ns() + (uint64_t)ms * 1000000u;
}

static int poll_uncancelled(struct pollfd *fds, nfds_t n, int timeout_ms)
{
	uint64_t deadline = deadline_after_ms(timeout_ms);
	for (;;) {
		unsigned long gen = __atomic_load_n(&file_poll_gen, __ATOMIC_ACQUIRE);
		int count = poll_scan(fds, n);
		if (count || timeout_ms == 0)
			return count;
		int r = poll_wait(gen, deadline);
		if (r == -EINTR) {
			thread_kill_point();
			errno = EINTR;
			return -1;
		}
		if (r)
			return 0;
	}
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
