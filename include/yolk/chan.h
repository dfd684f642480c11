/*
 * Go-style channels for C threads. A channel carries fixed-size elements;
 * capacity 0 makes it unbuffered (a send waits for a receiver, and the value
 * passes straight from one to the other), capacity n buffers n elements.
 *
 *   struct chan *c = chan_new(sizeof(int), 0);
 *   chan_send(c, &v);                 // 0, or -EPIPE if c is closed
 *   chan_recv(c, &v, &ok);            // ok = 0: closed and drained, v zeroed
 *   chan_close(c);                    // receivers drain, then see ok = 0
 *
 * chan_select() waits on several sends and receives at once, like Go's
 * select: the first case that can proceed does (ready cases are picked at
 * random, so none starves); timeout_ns 0 is Go's `default:`, -1 waits forever.
 */
#ifndef YOLK_CHAN_H
#define YOLK_CHAN_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

struct chan;

enum chan_dir { CHAN_SEND, CHAN_RECV };

struct chan_case {
	struct chan *chan;
	enum chan_dir dir;
	void *elem; /* SEND: the value to send; RECV: where the value goes (may be NULL) */
	int ok;     /* out: RECV 1 = got a value, 0 = closed; SEND 0 = channel closed */
};

#define CHAN_SELECT_MAX 64
#define CHAN_WOULDBLOCK (-EAGAIN) /* timeout 0 and no case was ready */
#define CHAN_TIMEOUT (-ETIMEDOUT) /* the timeout passed */

/* A new channel, or NULL if out of memory. */
struct chan *chan_new(size_t elem_size, size_t capacity);

/* Frees a channel no thread is using any more. */
void chan_free(struct chan *c);

/*
 * Sends *elem, waiting for room or a receiver: 0, -EPIPE (c is closed) or
 * -EINTR (the thread was killed or cancelled while waiting; nothing sent).
 */
int chan_send(struct chan *c, const void *elem);
/*
 * Receives into elem (may be NULL), waiting for a value: 0 with *ok = 1, or
 * 0 with *ok = 0 once c is closed and drained; -EINTR (killed or cancelled
 * while waiting, *ok = 0, nothing received).
 */
int chan_recv(struct chan *c, void *elem, int *ok);

/* Closes c: waiting receivers get ok = 0, waiting senders -EPIPE. -EPIPE if already closed. */
int chan_close(struct chan *c);

/* Elements waiting in the buffer. */
size_t chan_len(const struct chan *c);

/*
 * Waits until one of n cases proceeds and returns its index (its `ok` says
 * how), or CHAN_WOULDBLOCK, CHAN_TIMEOUT, -EINTR (the thread was killed or
 * cancelled while waiting) or -EINVAL (n < 0 or above CHAN_SELECT_MAX). A
 * case with a NULL channel never proceeds, as in Go.
 */
int chan_select(struct chan_case *cases, int n, int64_t timeout_ns);

#endif
