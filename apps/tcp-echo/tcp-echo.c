/*
 * tcp-echo: echoes every TCP connection back, one thread per connection.
 *
 *   tcp-echo [PORT]     (default CONFIG_APP_TCP_ECHO_PORT)
 */
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <yolk-config/app-tcp-echo.h>

static void *echo(void *arg)
{
	int fd = (int)(intptr_t)arg;
	char buf[4096];
	ssize_t n;
	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0)
		for (ssize_t off = 0; off < n;) {
			ssize_t w = send(fd, buf + off, (size_t)(n - off), 0);
			if (w < 0) {
				perror("tcp-echo: send");
				goto out;
			}
			off += w;
		}
	if (n < 0)
		perror("tcp-echo: recv");
out:
	close(fd);
	return NULL;
}

int main(int argc, char **argv)
{
	int port = argc > 1 ? atoi(argv[1]) : CONFIG_APP_TCP_ECHO_PORT;
	if (argc > 2 || port < 1 || port > 65535) {
		fprintf(stderr, "usage: tcp-echo [PORT]  (PORT 1..65535)\n");
		return 2;
	}
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(fd, 16) != 0) {
		perror("tcp-echo: socket/bind/listen");
		return 1;
	}
	printf("tcp-echo: listening on port %d\n", port);
	fflush(stdout);
	for (;;) {
		int c = accept(fd, NULL, NULL);
		if (c < 0) {
			perror("tcp-echo: accept");
			continue;
		}
		pthread_t t;
		pthread_attr_t attr;
		pthread_attr_init(&attr);
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		if (pthread_create(&t, &attr, echo, (void *)(intptr_t)c) != 0) {
			fprintf(stderr, "tcp-echo: no thread for a connection\n");
			close(c);
		}
		pthread_attr_destroy(&attr);
	}
}
