/*
 * posix-signals: sigaction/signal/raise/sigprocmask/sigpending from their
 * pages (errors included), the delivery of a signal posted from outside the
 * thread (as the console's Ctrl-C is: signal_post) at a timer interrupt,
 * with the interrupted code's integer and SSE registers intact, and the other
 * POSIX pieces Lua's LUA_USE_POSIX build needs: _setjmp/_longjmp,
 * fflush(NULL), mkstemp in /tmp, popen and system failing cleanly.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yolk/sched.h>
#include <yolk/signal.h>
#include <yolk/time.h>
#include "posix.h"

static volatile int hits, nested_blocked, last_sig;
static volatile struct thread *ran_in;
static volatile double handler_sum;

static void on_sig(int sig)
{
	hits++;
	last_sig = sig;
	ran_in = thread_self();
	sigset_t now;
	sigprocmask(SIG_BLOCK, NULL, &now);
	nested_blocked = sigismember(&now, sig);
	/* SSE work in the handler: the interrupted code's xmm registers must survive it. */
	double s = 0;
	for (int i = 1; i < 100; i++)
		s += 1.0 / i;
	handler_sum = s;
}

static void on_info(int sig, siginfo_t *info, void *ctx)
{
	(void)ctx;
	hits++;
	last_sig = info->si_signo == sig ? sig : -1;
}

static void actions(void)
{
	struct sigaction sa = {.sa_handler = on_sig}, old;
	sigemptyset(&sa.sa_mask);
	EXPECT_ERRNO(sigaction(SIGKILL, &sa, NULL), EINVAL);
	EXPECT_ERRNO(sigaction(SIGSTOP, &sa, NULL), EINVAL);
	EXPECT_ERRNO(sigaction(0, &sa, NULL), EINVAL);
	EXPECT_ERRNO(sigaction(_NSIG, NULL, &old), EINVAL);
	EXPECT_ERRNO(sigaction(SIGKILL, NULL, &old), 0); /* querying SIGKILL is allowed */
	EXPECT_ERRNO(sigaction(SIGUSR1, &sa, NULL), 0);
	EXPECT_ERRNO(sigaction(SIGUSR1, NULL, &old), 0);
	CHECK(old.sa_handler == on_sig && old.sa_flags == 0);
	hits = 0;
	EXPECT_ERRNO(raise(SIGUSR1), 0);
	CHECK(hits == 1 && last_sig == SIGUSR1 && ran_in == thread_self());
	CHECK(nested_blocked == 1); /* the signal is held while its handler runs */
	/* SA_NODEFER: not held; SA_RESETHAND: back to SIG_DFL once taken. */
	sa.sa_flags = SA_NODEFER | SA_RESETHAND;
	EXPECT_ERRNO(sigaction(SIGUSR2, &sa, NULL), 0);
	EXPECT_ERRNO(raise(SIGUSR2), 0);
	CHECK(hits == 2 && nested_blocked == 0);
	EXPECT_ERRNO(sigaction(SIGUSR2, NULL, &old), 0);
	CHECK(old.sa_handler == SIG_DFL);
	/* SA_SIGINFO: the three-argument handler with si_signo. */
	struct sigaction si = {.sa_sigaction = on_info, .sa_flags = SA_SIGINFO};
	EXPECT_ERRNO(sigaction(SIGUSR2, &si, NULL), 0);
	EXPECT_ERRNO(raise(SIGUSR2), 0);
	CHECK(hits == 3 && last_sig == SIGUSR2);
	/* signal(): the previous handler back; SIG_IGN ignores; SIG_ERR for a bad number. */
	CHECK(signal(SIGUSR2, SIG_IGN) == (_sig_func_ptr)(void (*)(void))on_info);
	EXPECT_ERRNO(raise(SIGUSR2), 0);
	CHECK(hits == 3);
	CHECK(signal(SIGUSR2, SIG_DFL) == SIG_IGN);
	errno = 0;
	CHECK(signal(-1, SIG_IGN) == SIG_ERR && errno == EINVAL);
	EXPECT_ERRNO(raise(0), EINVAL);
	/* SIGCHLD's default action is to ignore it. */
	EXPECT_ERRNO(raise(SIGCHLD), 0);
}

static void masks(void)
{
	sigset_t set, old, pend;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGKILL);
	hits = 0;
	EXPECT_ERRNO(sigprocmask(SIG_BLOCK, &set, &old), 0);
	CHECK(!sigismember(&old, SIGUSR1));
	EXPECT_ERRNO(sigprocmask(SIG_BLOCK, NULL, &old), 0);
	CHECK(sigismember(&old, SIGUSR1) && !sigismember(&old, SIGKILL)); /* SIGKILL cannot be blocked */
	EXPECT_ERRNO(raise(SIGUSR1), 0);
	CHECK(hits == 0);
	EXPECT_ERRNO(sigpending(&pend), 0);
	CHECK(sigismember(&pend, SIGUSR1));
	/* Unblocking delivers it before sigprocmask returns. */
	EXPECT_ERRNO(sigprocmask(SIG_UNBLOCK, &set, NULL), 0);
	CHECK(hits == 1);
	EXPECT_ERRNO(sigpending(&pend), 0);
	CHECK(!sigismember(&pend, SIGUSR1));
	EXPECT_ERRNO(sigprocmask(42, &set, NULL), EINVAL);
	EXPECT_RC(pthread_sigmask(42, &set, NULL), EINVAL);
	EXPECT_RC(pthread_sigmask(SIG_SETMASK, NULL, &old), 0);
}

/*
 * A signal posted from outside (the console's way) runs at a timer
 * interrupt while this thread computes: the loop's integer and double
 * results must be what they are without the interruption.
 */
static void async_delivery(void)
{
	hits = 0;
	handler_sum = 0;
	CHECK(signal_post(thread_self(), SIGUSR1) == 1);
	uint64_t end = time_monotonic_ns() + 2000000000ull;
	volatile unsigned long rounds = 0;
	int ok = 1;
	while (hits == 0 && time_monotonic_ns() < end) {
		double a = 0.5, b = 0;
		unsigned long x = 1;
		for (int i = 0; i < 1000; i++) {
			b += a * i;
			x = x * 6364136223846793005ul + 1442695040888963407ul;
		}
		if (b != 249750.0)
			ok = 0;
		(void)x;
		rounds++;
	}
	CHECK(hits == 1 && ran_in == thread_self());
	CHECK(handler_sum > 5.17 && handler_sum < 5.18);
	CHECK(ok);
	printf("posix-signals: posted signal ran at an interrupt after %lu rounds\n", (unsigned long)rounds);
	/* Ignored: posting reports it handled, nothing runs. */
	signal(SIGUSR2, SIG_IGN);
	CHECK(signal_post(thread_self(), SIGUSR2) == 1);
	signal(SIGUSR2, SIG_DFL);
	CHECK(signal_post(thread_self(), SIGUSR2) == 0); /* the default: the caller acts (kills) */
	signal(SIGUSR1, SIG_DFL);
}

static jmp_buf env;

/* Jumps out from depth frames down (through a pointer: GCC sees no way out of the recursion). */
static void jump(int depth);
static void (*volatile jumper)(int) = jump;
static void jump(int depth)
{
	if (depth > 0)
		jumper(depth - 1);
	_longjmp(env, 7);
}

static void libc_pieces(void)
{
	volatile int calls = 0;
	int r = _setjmp(env);
	if (r == 0) {
		calls++;
		jump(5);
	}
	CHECK(r == 7 && calls == 1);
	/* fflush(NULL): every stream written so far reaches its file. */
	char name[] = "/tmp/ktest_XXXXXX";
	int fd = mkstemp(name);
	CHECK(fd >= 0 && strncmp(name, "/tmp/ktest_", 11) == 0 && strcmp(name + 11, "XXXXXX") != 0);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	FILE *g = fopen("/tmp/ktest_second", "w");
	CHECK(f != NULL && g != NULL);
	if (f && g) {
		fputs("buffered one", f);
		fputs("buffered two", g);
		EXPECT_ERRNO(fflush(NULL), 0);
		char buf[32] = {0};
		int rfd = open(name, O_RDONLY);
		CHECK(rfd >= 0 && read(rfd, buf, sizeof(buf)) == 12 && strcmp(buf, "buffered one") == 0);
		close(rfd);
		memset(buf, 0, sizeof(buf));
		rfd = open("/tmp/ktest_second", O_RDONLY);
		CHECK(rfd >= 0 && read(rfd, buf, sizeof(buf)) == 12 && strcmp(buf, "buffered two") == 0);
		close(rfd);
		fclose(f);
		fclose(g);
		EXPECT_ERRNO(fflush(NULL), 0); /* closed streams are no longer listed */
	}
	unlink(name);
	unlink("/tmp/ktest_second");
	/* No processes: popen and system fail with an error, system(NULL) says no shell. */
	errno = 0;
	CHECK(popen("ls", "r") == NULL && errno == ENOSYS);
	CHECK(system(NULL) == 0);
	CHECK(system("ls") == -1 && errno != 0);
	clock_t c = clock();
	CHECK(c != (clock_t)-1);
}

int ktest_posix_signals(int argc, char **argv)
{
	(void)argc, (void)argv;
	actions();
	masks();
	async_delivery();
	libc_pieces();
	return posix_report("posix-signals");
}
