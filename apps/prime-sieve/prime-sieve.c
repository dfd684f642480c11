/*
 * The concurrent prime sieve (Hoare, and Go's classic example): a generator
 * thread sends 2, 3, 4, ... down a channel; each prime found adds a filter
 * thread that passes on only the numbers its prime does not divide.
 *
 *   prime-sieve [N]     print the first N primes (default 100)
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <yolk/chan.h>

#define FILTER_STACK (16 * 1024)

struct filter {
	struct chan *in, *out;
	int prime;
};

static void *generate(void *arg)
{
	struct chan *out = arg;
	for (int i = 2;; i++)
		if (chan_send(out, &i) != 0)
			return NULL;
}

static void *filter(void *arg)
{
	struct filter *f = arg;
	int n, ok;
	for (;;) {
		chan_recv(f->in, &n, &ok);
		if (!ok)
			return NULL;
		if (n % f->prime != 0 && chan_send(f->out, &n) != 0)
			return NULL;
	}
}

static int start(void *(*fn)(void *), void *arg)
{
	pthread_t t;
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, FILTER_STACK);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	return pthread_create(&t, &attr, fn, arg);
}

int main(int argc, char **argv)
{
	int count = argc > 1 ? atoi(argv[1]) : 100;
	if (count <= 0) {
		fprintf(stderr, "usage: prime-sieve [N]  (N > 0, default 100)\n");
		return 2;
	}
	struct chan *ch = chan_new(sizeof(int), 0);
	if (ch == NULL || start(generate, ch) != 0)
		return 1;
	for (int i = 0; i < count; i++) {
		int prime, ok;
		chan_recv(ch, &prime, &ok);
		printf("%d\n", prime);
		struct filter *f = malloc(sizeof(*f));
		struct chan *next = chan_new(sizeof(int), 0);
		if (f == NULL || next == NULL)
			return 1;
		*f = (struct filter){ch, next, prime};
		if (start(filter, f) != 0)
			return 1;
		ch = next;
	}
	return 0;
}
