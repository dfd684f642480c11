/*
 * Channel logic on the host, one thread: what must happen without blocking
 * (buffers, hand-off to a parked receiver, close, select's default case and
 * its fairness). The scheduler is faked: parking times out at once unless a
 * channel operation fired the waiter first.
 */
#include <errno.h>
#include <string.h>
#include <yolk/chan.h>
#include <yolk/time.h>
#include "check.h"
#include "../../core/sched_internal.h"

static struct thread self;
static int unparks;

struct thread *thread_self(void) { return &self; }
void sched_unpark(struct thread *t) { unparks += t == &self; }
static int park_result = -ETIMEDOUT; /* what a wait that nothing fires ends with */
/* Parking hands the channel lock over and takes it back, as the real one does. */
int sched_park(struct spinlock *held, uint64_t deadline)
{
	(void)deadline;
	CHECK(held && spin_held(held));
	return park_result;
}
uint64_t time_monotonic_ns(void) { return 0; }
void sched_preempt_point_voluntary(void) {}

int main(void)
{
	int v, ok;
	struct chan *b = chan_new(sizeof(int), 3);
	for (int i = 1; i <= 3; i++)
		CHECK(chan_send(b, &i) == 0);
	CHECK(chan_len(b) == 3);
	struct chan_case full = {b, CHAN_SEND, &v, 0};
	CHECK(chan_select(&full, 1, 0) == CHAN_WOULDBLOCK);
	CHECK(chan_select(&full, 1, 1000) == CHAN_TIMEOUT);
	for (int i = 1; i <= 3; i++) {
		chan_recv(b, &v, &ok);
		CHECK(v == i && ok == 1); /* FIFO */
	}
	struct chan_case empty = {b, CHAN_RECV, &v, 0};
	CHECK(chan_select(&empty, 1, 0) == CHAN_WOULDBLOCK);
	v = 9;
	chan_send(b, &v);
	CHECK(chan_close(b) == 0);
	CHECK(chan_close(b) == -EPIPE);
	CHECK(chan_send(b, &v) == -EPIPE);
	v = 0;
	chan_recv(b, &v, &ok);
	CHECK(v == 9 && ok == 1); /* buffered values survive close */
	v = 5;
	chan_recv(b, &v, &ok);
	CHECK(v == 0 && ok == 0); /* then zero value, ok = 0 */

	/* Unbuffered: nobody is receiving, so a send cannot proceed. */
	struct chan *u = chan_new(sizeof(int), 0);
	struct chan_case send_u = {u, CHAN_SEND, &v, 0};
	CHECK(chan_select(&send_u, 1, 0) == CHAN_WOULDBLOCK);

	/* A wait cut short by a kill says so: not "closed" (recv) nor -EPIPE (send). */
	park_result = -EINTR;
	ok = 1;
	CHECK(chan_recv(u, &v, &ok) == -EINTR && ok == 0);
	CHECK(chan_send(u, &v) == -EINTR);
	CHECK(chan_select(&send_u, 1, -1) == -EINTR);
	park_result = -ETIMEDOUT;
	CHECK(chan_select(&send_u, -1, 0) == -EINVAL);

	/* Fairness: of two always-ready cases, each is picked about half the time. */
	struct chan *x = chan_new(sizeof(int), 4000), *y = chan_new(sizeof(int), 4000);
	for (int i = 0; i < 4000; i++) {
		chan_send(x, &i);
		chan_send(y, &i);
	}
	int hits[2] = {0, 0};
	for (int i = 0; i < 4000; i++) {
		struct chan_case cs[2] = {{x, CHAN_RECV, &v, 0}, {y, CHAN_RECV, &v, 0}};
		int r = chan_select(cs, 2, -1);
		CHECK(r == 0 || r == 1);
		if (r >= 0)
			hits[r]++;
	}
	CHECK(hits[0] > 1800 && hits[1] > 1800);

	/* A NULL channel never proceeds; a closed one always does. */
	struct chan_case nil[2] = {{NULL, CHAN_RECV, &v, 0}, {b, CHAN_RECV, &v, 0}};
	CHECK(chan_select(nil, 2, 0) == 1 && nil[1].ok == 0);
	CHECK(chan_select(nil, 1, 0) == CHAN_WOULDBLOCK);
	CHECK(unparks == 0);
	chan_free(b);
	chan_free(u);
	chan_free(x);
	chan_free(y);
	return check_report();
}
