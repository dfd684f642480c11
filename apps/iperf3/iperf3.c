/*
 * iperf3: upstream's main.c (unmodified, its main() renamed iperf3_main by
 * the overlay in subprojects/packagefiles/iperf3) as a yolk app, with the
 * same options as iperf3(1):
 *
 *   iperf3 -s [-p PORT] [-1] [-J] [-V]    serve tests (-1: one, then exit)
 *   iperf3 -c HOST [-p PORT] [-t S] [-R]  run one against another server
 *
 * Started from the shell or at boot (CONFIG_MAIN_APP="iperf3"), it runs in
 * the app's own thread; iperf3 3.9 drives every stream of a test from one
 * select() loop in that thread, so Ctrl-C (iperf3's SIGINT handler prints
 * the summary) or the end of a -1 test closes every socket it opened. An
 * idle server waits in select() without a timeout, and yolk cuts no wait
 * short (core/signal.c): its SIGINT handler runs once select() returns.
 */
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <yolk/sched.h>

#define IPERF3_MAX_ARGS 64

int iperf3_main(int argc, char **argv);

/* Whether the arguments choose an address family themselves (-4, -6, or an address to bind). */
static int names_family(int argc, char **argv)
{
	static const char *const picks[] = {"-4", "-6", "--version4", "--version6", "-B", "--bind"};
	for (int i = 1; i < argc; i++)
		for (size_t k = 0; k < sizeof(picks) / sizeof(picks[0]); k++)
			if (strcmp(argv[i], picks[k]) == 0 || (k >= 4 && strncmp(argv[i], picks[k], strlen(picks[k])) == 0))
				return 1;
	return 0;
}

/* Whether the network stack has IPv6 (NET_LWIP_IPV6): socket(AF_INET6) says. */
static int have_ipv6(void)
{
	int s = socket(AF_INET6, SOCK_STREAM, 0);
	if (s < 0)
		return 0;
	close(s);
	return 1;
}

int main(int argc, char **argv)
{
	/* Booted as the image's program without arguments (configs/iperf3_defconfig):
	 * be the server the image is for, rather than print usage and power off. */
	static char *serve[] = {"iperf3", "-s", NULL};
	if (argc == 1 && !thread_is_app(thread_self())) {
		argc = 2;
		argv = serve;
	}
	/*
	 * iperf3 listens on the wildcard address of AF_INET6 unless told a
	 * family (dual stack: IPv4 peers arrive as mapped addresses). A stack
	 * without IPv6 has no such socket, as a Linux booted with IPv6 off,
	 * where iperf3 -s fails the same way; IPv4 is then the only meaning
	 * iperf3 -s can have, so say -4 for the user.
	 */
	char *args[IPERF3_MAX_ARGS + 2];
	if (argc <= IPERF3_MAX_ARGS && !names_family(argc, argv) && !have_ipv6()) {
		args[0] = argv[0];
		args[1] = "-4";
		memcpy(&args[2], &argv[1], (size_t)argc * sizeof(char *)); /* the NULL too */
		return iperf3_main(argc + 1, args);
	}
	return iperf3_main(argc, argv);
}
