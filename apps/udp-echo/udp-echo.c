/*
 * udp-echo: sends every datagram back to where it came from.
 *
 *   udp-echo [PORT]     (default CONFIG_APP_UDP_ECHO_PORT)
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <yolk-config/app-udp-echo.h>

int main(int argc, char **argv)
{
	int port = argc > 1 ? atoi(argv[1]) : CONFIG_APP_UDP_ECHO_PORT;
	if (argc > 2 || port < 1 || port > 65535) {
		fprintf(stderr, "usage: udp-echo [PORT]  (PORT 1..65535)\n");
		return 2;
	}
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		perror("udp-echo: socket/bind");
		return 1;
	}
	printf("udp-echo: listening on port %d\n", port);
	fflush(stdout);
	static char buf[65536];
	for (;;) {
		struct sockaddr_in from;
		socklen_t len = sizeof(from);
		ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len);
		if (n < 0) {
			perror("udp-echo: recvfrom");
			return 1;
		}
		if (sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from, len) < 0)
			perror("udp-echo: sendto");
	}
}
