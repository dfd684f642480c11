/*
 * Channels, after Go's runtime/chan.go. One spinlock, chan_lock, protects
 * every channel: a select works on several channels at once, and one lock
 * needs no order among them (Go sorts a select's channel locks by address;
 * per-channel locks taken that way are the step after this one). Blocked senders and receivers wait in per-channel queues as
 * `struct waiter`s; a select puts one waiter per case in the queues, all
 * sharing one `struct sel`, and whichever channel completes a case first
 * fires the sel and unparks the thread, which then takes its other waiters
 * back out.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arch/cpu.h>
#include <yolk/chan.h>
#include <yolk/spinlock.h>
#include <yolk/time.h>
#include "sched_internal.h"

static struct spinlock chan_lock = SPINLOCK_INIT("chan", LOCK_RANK_CHAN);

struct sel {
	struct thread *thread;
	int fired; /* index of the case that completed, or -1 */
};

struct waiter {
	struct sel *sel;
	int index;
	void *elem;
	int ok;
	struct waiter *next;
};

struct wqueue {
	struct waiter *head, *tail;
};

struct chan {
	size_t elem_size, cap, len, head;
	int closed;
	struct wqueue senders, receivers;
	unsigned char *buf;
};

struct chan *chan_new(size_t elem_size, size_t capacity)
{
	struct chan *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return NULL;
	c->elem_size = elem_size;
	c->cap = capacity;
	if (capacity && (c->buf = calloc(capacity, elem_size ? elem_size : 1)) == NULL) {
		free(c);
		return NULL;
	}
	return c;
}

void chan_free(struct chan *c)
{
	if (c) {
		free(c->buf);
		free(c);
	}
}

size_t chan_len(const struct chan *c) { return __atomic_load_n(&c->len, __ATOMIC_RELAXED); }

static void wq_push(struct wqueue *q, struct waiter *w)
{
	w->next = NULL;
	if (q->tail)
		q->tail->next = w;
	else
		q->head = w;
	q->tail = w;
}

/* The first waiter whose select has not fired yet (stale ones are dropped). */
static struct waiter *wq_pop(struct wqueue *q)
{
	while (q->head) {
		struct waiter *w = q->head;
		q->head = w->next;
		if (q->head == NULL)
			q->tail = NULL;
		if (w->sel->fired < 0)
			return w;
	}
	return NULL;
}

static void wq_remove(struct wqueue *q, struct waiter *w)
{
	struct waiter *prev = NULL;
	for (struct waiter *i = q->head; i; prev = i, i = i->next) {
		if (i == w) {
			if (prev)
				prev->next = w->next;
			else
				q->head = w->next;
			if (q->tail == w)
				q->tail = prev;
			return;
		}
	}
}

/* Completes w's case and wakes its thread; chan_lock held (the lock that thread parked with). */
static void fire(struct waiter *w, int ok)
{
	KASSERT(spin_held(&chan_lock));
	w->ok = ok;
	w->sel->fired = w->index;
	sched_unpark(w->sel->thread);
}

static void copy_elem(struct chan *c, void *dst, const void *src)
{
	if (dst && c->elem_size)
		memcpy(dst, src, c->elem_size);
}

static unsigned char *slot(struct chan *c, size_t i) { return c->buf + ((c->head + i) % c->cap) * c->elem_size; }

/* Sends if it can without waiting: 1 sent, 0 would block, -1 closed. */
static int try_send(struct chan *c, const void *elem)
{
	if (c->closed)
		return -1;
	struct waiter *r = wq_pop(&c->receivers);
	if (r) {
		copy_elem(c, r->elem, elem);
		fire(r, 1);
		return 1;
	}
	if (c->len < c->cap) {
		copy_elem(c, slot(c, c->len), elem);
		c->len++;
		return 1;
	}
	return 0;
}

/* Receives if it can without waiting: 1 done (*ok says how), 0 would block. */
static int try_recv(struct chan *c, void *elem, int *ok)
{
	struct waiter *s;
	if (c->len) {
		copy_elem(c, elem, slot(c, 0));
		c->head = (c->head + 1) % c->cap;
		c->len--;
		/* A waiting sender's value takes the freed slot, keeping FIFO order. */
		if ((s = wq_pop(&c->senders)) != NULL) {
			copy_elem(c, slot(c, c->len), s->elem);
			c->len++;
			fire(s, 1);
		}
		*ok = 1;
		return 1;
	}
	if ((s = wq_pop(&c->senders)) != NULL) {
		copy_elem(c, elem, s->elem);
		fire(s, 1);
		*ok = 1;
		return 1;
	}
	if (c->closed) {
		if (elem && c->elem_size)
			memset(elem, 0, c->elem_size);
		*ok = 0;
		return 1;
	}
	return 0;
}

static int try_case(struct chan_case *k)
{
	if (k->chan == NULL)
		return 0;
	if (k->dir == CHAN_SEND) {
		int r = try_send(k->chan, k->elem);
		k->ok = r > 0;
		return r != 0;
	}
	return try_recv(k->chan, k->elem, &k->ok);
}

/* chan_lock held: it protects x too. */
static unsigned select_random(void)
{
	static unsigned x = 2463534242u;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return x;
}

int chan_select(struct chan_case *cases, int n, int64_t timeout_ns)
{
	struct waiter waiters[CHAN_SELECT_MAX];
	if (n < 0 || n > CHAN_SELECT_MAX)
		return -EINVAL;
	int irq = spin_lock_irqsave(&chan_lock);
	unsigned start = n ? select_random() % (unsigned)n : 0;
	for (int k = 0; k < n; k++) {
		int i = (int)((start + (unsigned)k) % (unsigned)n);
		if (try_case(&cases[i])) {
			spin_unlock_irqrestore(&chan_lock, irq);
			return i;
		}
	}
	if (timeout_ns == 0) {
		spin_unlock_irqrestore(&chan_lock, irq);
		return CHAN_WOULDBLOCK;
	}
	struct sel sel = {thread_self(), -1};
	for (int i = 0; i < n; i++) {
		waiters[i] = (struct waiter){&sel, i, cases[i].elem, 0, NULL};
		if (cases[i].chan)
			wq_push(cases[i].dir == CHAN_SEND ? &cases[i].chan->senders : &cases[i].chan->receivers,
				&waiters[i]);
	}
	uint64_t deadline = timeout_ns < 0 ? WAIT_FOREVER : time_monotonic_ns() + (uint64_t)timeout_ns;
	int r = 0;
	while (sel.fired < 0 && (r = sched_park(&chan_lock, deadline)) == 0)
		;
	for (int i = 0; i < n; i++)
		if (cases[i].chan)
			wq_remove(cases[i].dir == CHAN_SEND ? &cases[i].chan->senders : &cases[i].chan->receivers,
				  &waiters[i]);
	spin_unlock_irqrestore(&chan_lock, irq);
	if (sel.fired < 0)
		return r; /* CHAN_TIMEOUT, or -EINTR */
	cases[sel.fired].ok = waiters[sel.fired].ok;
	return sel.fired;
}

int chan_send(struct chan *c, const void *elem)
{
	struct chan_case k = {c, CHAN_SEND, (void *)elem, 0};
	int r = chan_select(&k, 1, -1);
	return r < 0 ? r : k.ok ? 0 : -EPIPE;
}

int chan_recv(struct chan *c, void *elem, int *ok)
{
	struct chan_case k = {c, CHAN_RECV, elem, 0};
	int r = chan_select(&k, 1, -1);
	if (ok)
		*ok = k.ok;
	return r < 0 ? r : 0;
}

int chan_close(struct chan *c)
{
	int irq = spin_lock_irqsave(&chan_lock);
	if (c->closed) {
		spin_unlock_irqrestore(&chan_lock, irq);
		return -EPIPE;
	}
	c->closed = 1;
	struct waiter *w;
	while ((w = wq_pop(&c->receivers)) != NULL) {
		if (w->elem && c->elem_size)
			memset(w->elem, 0, c->elem_size);
		fire(w, 0);
	}
	while ((w = wq_pop(&c->senders)) != NULL)
		fire(w, 0);
	spin_unlock_irqrestore(&chan_lock, irq);
	sched_preempt_point_voluntary();
	return 0;
}
