/* The stream check shared by the network cases (net.c over loopback, nic.c through a card). */
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ktest.h"

unsigned char ktest_pattern(size_t i)
{
	return (unsigned char)(i * 13 + (i >> 10));
}

struct sender {
	int fd;
	size_t bytes;
};

/* Writes the pattern in one write() (the socket layer splits it), then shuts the sending side. */
static void *send_pattern(void *arg)
{
	struct sender *s = arg;
	static unsigned char buf[KTEST_ECHO_MAX];
	for (size_t i = 0; i < s->bytes; i++)
		buf[i] = ktest_pattern(i);
	CHECK(write(s->fd, buf, s->bytes) == (ssize_t)s->bytes);
	CHECK(shutdown(s->fd, SHUT_WR) == 0);
	return NULL;
}

size_t ktest_echo_stream(int fd, size_t bytes, size_t *wrong)
{
	struct sender s = {fd, bytes < KTEST_ECHO_MAX ? bytes : KTEST_ECHO_MAX};
	pthread_t t;
	pthread_create(&t, NULL, send_pattern, &s);
	static unsigned char buf[16384];
	size_t total = 0, bad = 0;
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++)
			bad += buf[i] != ktest_pattern(total + (size_t)i);
		total += (size_t)n;
	}
	CHECK(n == 0);
	pthread_join(t, NULL);
	*wrong = bad;
	return total;
}
