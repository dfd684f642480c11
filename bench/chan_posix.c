/*
 * include/yolk/chan.h on POSIX threads, for running yolk's channel programs
 * (benchmarks) as ordinary Linux programs: one mutex per channel and
 * condition variables, with Go's semantics for send, recv and close. Only
 * what the benchmarks use: no chan_select.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <yolk/chan.h>

struct chan {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	size_t elem_size, cap, len, head;
	unsigned long sent, taken; /* an unbuffered send waits until its value is taken */
	int closed;
	unsigned char *buf;
};

struct chan *chan_new(size_t elem_size, size_t capacity)
{
	struct chan *c = calloc(1, sizeof(*c));
	c->elem_size = elem_size;
	c->cap = capacity ? capacity : 1; /* one slot carries an unbuffered hand-off */
	c->buf = calloc(c->cap, elem_size);
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->changed, NULL);
	return c;
}

int chan_send(struct chan *c, const void *elem)
{
	pthread_mutex_lock(&c->lock);
	while (!c->closed && c->len == c->cap)
		pthread_cond_wait(&c->changed, &c->lock);
	if (c->closed) {
		pthread_mutex_unlock(&c->lock);
		return EPIPE;
	}
	memcpy(c->buf + ((c->head + c->len) % c->cap) * c->elem_size, elem, c->elem_size);
	c->len++;
	unsigned long mine = ++c->sent;
	pthread_cond_broadcast(&c->changed);
	while (c->cap == 1 && c->taken < mine && !c->closed)
		pthread_cond_wait(&c->changed, &c->lock);
	pthread_mutex_unlock(&c->lock);
	return 0;
}

int chan_recv(struct chan *c, void *elem, int *ok)
{
	pthread_mutex_lock(&c->lock);
	while (!c->closed && c->len == 0)
		pthread_cond_wait(&c->changed, &c->lock);
	if (c->len) {
		memcpy(elem, c->buf + c->head * c->elem_size, c->elem_size);
		c->head = (c->head + 1) % c->cap;
		c->len--;
		c->taken++;
		*ok = 1;
	} else {
		memset(elem, 0, c->elem_size);
		*ok = 0;
	}
	pthread_cond_broadcast(&c->changed);
	pthread_mutex_unlock(&c->lock);
	return 0;
}

int chan_close(struct chan *c)
{
	pthread_mutex_lock(&c->lock);
	int was = c->closed;
	c->closed = 1;
	pthread_cond_broadcast(&c->changed);
	pthread_mutex_unlock(&c->lock);
	return was ? EPIPE : 0;
}
