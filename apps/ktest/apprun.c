/*
 * ktest apprun: descriptors an app leaves open are closed when its run ends,
 * and only then: returning from main, a thread still working for the app,
 * Ctrl-C (thread_kill) of an app that retries a read() or accept() after
 * EINTR, and listening sockets whose port is free again.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <yolk-config/net-lwip.h>
#include <yolk/app.h>
#include <yolk/sched.h>
#include <yolk/tty.h>
#include "ktest.h"

#ifdef CONFIG_NET_LWIP
#include <netinet/in.h>
#include <sys/socket.h>
#endif

static int app_fds[4];            /* what the current test app left open */
static struct thread *app_thread; /* the app's main thread, for the kill case */
static int pipe_in;               /* the kept thread's pipe: the test writes here */

static int is_open(int fd) { return fcntl(fd, F_GETFD) != -1; }

static int wait_closed(int fd)
{
	for (int i = 0; i < 200 && is_open(fd); i++) {
		struct timespec ms10 = {0, 10 * 1000 * 1000};
		nanosleep(&ms10, NULL);
	}
	return !is_open(fd);
}

/* Opens a file and a pipe and returns without closing them. */
static int leaver(int argc, char **argv)
{
	(void)argc, (void)argv;
	int p[2];
	app_fds[0] = open("/apprun-leaver", O_RDWR | O_CREAT, 0644);
	app_fds[1] = pipe(p) == 0 ? p[0] : -1;
	app_fds[2] = p[1];
	app_fds[3] = dup(app_fds[0]);
	return 7;
}

static void *reader(void *arg)
{
	char c;
	return (void *)(intptr_t)read((int)(intptr_t)arg, &c, 1);
}

/* Leaves a detached thread blocked on a pipe it opened: the run lasts until it ends. */
static int keeper(int argc, char **argv)
{
	(void)argc, (void)argv;
	int p[2];
	pthread_t t;
	pthread_attr_t attr;
	if (pipe(p) != 0)
		return 1;
	app_fds[0] = p[0];
	pipe_in = p[1];
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	int r = pthread_create(&t, &attr, reader, (void *)(intptr_t)p[0]);
	pthread_attr_destroy(&attr);
	return r;
}

/* Reads its own pipe until killed, retrying after EINTR as many programs do. */
static int blocker(int argc, char **argv)
{
	(void)argc, (void)argv;
	int p[2];
	if (pipe(p) != 0)
		return 1;
	app_fds[0] = p[0];
	app_fds[1] = p[1];
	app_thread = thread_self();
	char c;
	ssize_t n;
	while ((n = read(p[0], &c, 1)) < 0 && errno == EINTR)
		;
	return (int)n;
}

static void *run_app(void *app)
{
	const struct yolk_app *a = app;
	return (void *)(intptr_t)yolk_app_run(a, 1, (char *[]){(char *)a->name, NULL}, 1);
}

/* Starts app in a thread, kills it once it has set app_thread and blocked: its status. */
static intptr_t run_and_kill(const struct yolk_app *app)
{
	pthread_t t;
	void *status = NULL;
	__atomic_store_n(&app_thread, NULL, __ATOMIC_RELEASE);
	if (pthread_create(&t, NULL, run_app, (void *)app) != 0)
		return -1;
	for (int i = 0; i < 200 && __atomic_load_n(&app_thread, __ATOMIC_ACQUIRE) == NULL; i++)
		sched_yield();
	struct timespec ms50 = {0, 50 * 1000 * 1000};
	nanosleep(&ms50, NULL); /* let it block */
	CHECK(app_thread != NULL && is_open(app_fds[0]));
	if (app_thread)
		thread_kill(app_thread);
	CHECK(pthread_join(t, &status) == 0);
	return (intptr_t)status;
}

#ifdef CONFIG_NET_LWIP
/* Listens on port 7007 and returns, leaving the socket open. */
static int listener(int argc, char **argv)
{
	(void)argc, (void)argv;
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(7007)};
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	app_fds[0] = fd;
	return bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 && listen(fd, 4) == 0 ? 0 : 1;
}

/* Listens on port 7007 and accepts until killed, going on after errors like a server. */
static int acceptor(int argc, char **argv)
{
	if (listener(argc, argv) != 0)
		return 1;
	app_thread = thread_self();
	for (;;)
		accept(app_fds[0], NULL, NULL);
}
#endif

/* Ends its run with pthread_exit(): main never returns, so the app's own tty_forget is skipped. */
static int quitter(int argc, char **argv)
{
	(void)argc, (void)argv;
	pthread_exit((void *)5);
}

/*
 * ktest foreground: an app run that ends while it is the terminal's
 * foreground leaves no foreground behind (join frees its thread), and a
 * Ctrl-C typed afterwards (tests/ctrlc-late-input.txt) is read as a byte.
 */
#define CTRL_C '\003'

int ktest_foreground(int argc, char **argv)
{
	(void)argc, (void)argv;
	static const struct yolk_app quit = {"quitter", quitter};
	int ok = 1;
	for (int i = 0; i < 50; i++) {
		ok &= yolk_app_run(&quit, 1, (char *[]){"quitter", NULL}, 1) == 5;
		ok &= tty_foreground() == NULL;
	}
	CHECK(ok);
	for (int i = 0; i < 64; i++)
		free(calloc(1, 2048)); /* memory a freed thread's kill_pending would have landed in */
	/*
	 * The host types Ctrl-C only after this line: typed during the runs it
	 * would end one of them. With no foreground it is an ordinary byte that
	 * poll() sees; a foreground left behind would take it as its SIGINT
	 * (the freed thread's), and poll() would time out.
	 */
	struct termios saved, raw;
	CHECK(tcgetattr(0, &saved) == 0);
	raw = saved;
	raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO); /* ISIG stays on */
	CHECK(tcsetattr(0, TCSANOW, &raw) == 0);
	printf("foreground: runs done, type Ctrl-C\n");
	fflush(stdout);
	struct pollfd in = {.fd = 0, .events = POLLIN};
	char c = 0;
	CHECK(poll(&in, 1, 20000) == 1 && read(0, &c, 1) == 1 && c == CTRL_C);
	tcsetattr(0, TCSANOW, &saved);
	CHECK(tty_foreground() == NULL);
	if (ok && c == CTRL_C)
		printf("foreground: 50 runs ended by pthread_exit, none left as foreground; Ctrl-C read as a byte\n");
	return ktest_result("foreground");
}

int ktest_apprun(int argc, char **argv)
{
	(void)argc, (void)argv;
	int mine = open("/apprun-mine", O_RDWR | O_CREAT, 0644); /* not an app's: must stay */
	CHECK(mine >= 3);

	static const struct yolk_app leave = {"leaver", leaver};
	CHECK(yolk_app_run(&leave, 1, (char *[]){"leaver", NULL}, 1) == 7);
	for (int i = 0; i < 4; i++) {
		CHECK(app_fds[i] >= 3);
		CHECK(!is_open(app_fds[i]));
	}
	CHECK(is_open(mine));
	printf("apprun: returned app's 4 fds closed, other fds kept\n");

	static const struct yolk_app keep = {"keeper", keeper};
	CHECK(yolk_app_run(&keep, 1, (char *[]){"keeper", NULL}, 1) == 0);
	CHECK(is_open(app_fds[0]) && is_open(pipe_in));
	CHECK(write(pipe_in, "x", 1) == 1); /* the kept thread reads it and ends */
	CHECK(wait_closed(app_fds[0]) && wait_closed(pipe_in));
	printf("apprun: fds kept while a thread of the app runs, closed when it ends\n");

	static const struct yolk_app block = {"blocker", blocker};
	intptr_t status = run_and_kill(&block);
	CHECK(status == 130);
	CHECK(!is_open(app_fds[0]) && !is_open(app_fds[1]));
	printf("apprun: killed app's fds closed (status %d)\n", (int)status);

#ifdef CONFIG_NET_LWIP
	static const struct yolk_app listen_app = {"listener", listener};
	CHECK(yolk_app_run(&listen_app, 1, (char *[]){"listener", NULL}, 1) == 0);
	CHECK(!is_open(app_fds[0]));
	CHECK(yolk_app_run(&listen_app, 1, (char *[]){"listener", NULL}, 1) == 0);
	CHECK(!is_open(app_fds[0]));
	printf("apprun: a listening socket left open is closed: its port binds again\n");
	static const struct yolk_app accept_app = {"acceptor", acceptor};
	status = run_and_kill(&accept_app);
	CHECK(status == 130);
	CHECK(!is_open(app_fds[0]));
	CHECK(yolk_app_run(&listen_app, 1, (char *[]){"listener", NULL}, 1) == 0);
	printf("apprun: killed in accept() (status %d): its port binds again\n", (int)status);
#endif

	CHECK(close(mine) == 0);
	return ktest_result("apprun");
}
