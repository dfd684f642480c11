/*
 * The guest half of the boot tests: one image, the command line picks the
 * case, tests/qemu_test.py checks what it prints and how it exits.
 */
#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <yolk-config/app-ktest.h>
#include <yolk-config/net-lwip.h>
#include <yolk/mm.h>
#include <yolk/waitq.h>
#include "ktest.h"
#include "posix.h"

static uint64_t now_ns(clockid_t clk)
{
	struct timespec ts;
	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmd_argv(int argc, char **argv)
{
	printf("argc=%d\n", argc);
	for (int i = 0; i < argc; i++)
		printf("argv[%d]=<%s>\n", i, argv[i]);
	return 0;
}

static int cmd_sleep(int argc, char **argv)
{
	long ms = argc > 2 ? strtol(argv[2], NULL, 10) : 100;
	struct timespec req = {ms / 1000, (ms % 1000) * 1000000};
	uint64_t t0 = now_ns(CLOCK_MONOTONIC);
	if (nanosleep(&req, NULL) != 0)
		return 1;
	uint64_t t1 = now_ns(CLOCK_MONOTONIC);
	printf("slept_us=%llu requested_us=%ld\n", (unsigned long long)(t1 - t0) / 1000, ms * 1000);
	return 0;
}

static int cmd_clock(void)
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	printf("realtime=%lld year=%d\n", (long long)t, tm.tm_year + 1900);
	uint64_t a = now_ns(CLOCK_MONOTONIC), b = now_ns(CLOCK_MONOTONIC);
	printf("monotonic_ok=%d\n", b >= a);
	return 0;
}

static int cmd_malloc(void)
{
	enum { N = 64, SIZE = 256 * 1024 };
	size_t free0 = pmm_free_pages();
	char *p[N];
	for (int i = 0; i < N; i++) {
		p[i] = malloc(SIZE);
		if (p[i] == NULL) {
			printf("malloc failed at %d\n", i);
			return 1;
		}
		memset(p[i], i, SIZE);
	}
	size_t heap_full = heap_mapped_bytes();
	for (int i = 0; i < N; i++)
		for (int j = 0; j < SIZE; j += 4096)
			if (p[i][j] != (char)i) {
				printf("heap corrupted in block %d\n", i);
				return 1;
			}
	for (int i = N - 1; i >= 0; i--)
		free(p[i]);
	size_t free1 = pmm_free_pages();
	printf("heap_full_kib=%zu heap_after_free_kib=%zu pages_lost=%ld\n", heap_full / 1024,
	       heap_mapped_bytes() / 1024, (long)free0 - (long)free1);
	void *huge = malloc((size_t)1 << 40);
	printf("huge_malloc=%s errno=%s\n", huge ? "non-null" : "NULL", errno == ENOMEM ? "ENOMEM" : "other");
	return 0;
}

static int cmd_libc(void)
{
	char buf[128];
	snprintf(buf, sizeof(buf), "%d|%5.2f|%lld|%s|%x", -42, 3.14159, 1234567890123ll, "str", 255);
	printf("fmt=%s\n", buf);
	errno = 0;
	long v = strtol("99999999999999999999999", NULL, 10);
	printf("strtol=%ld errno_erange=%d\n", v, errno == ERANGE);
	qsort(buf, strlen(buf), 1, (int (*)(const void *, const void *))strcmp);
	assert(1 + 1 == 2);
	printf("libc ok\n");
	return 0;
}

__attribute__((noinline)) static int cmd_assert(int argc)
{
	assert(argc == 12345);
	return 0;
}

/* --- faults: each must end in a clean panic with a backtrace --- */

#pragma GCC diagnostic ignored "-Warray-bounds"
#pragma GCC diagnostic ignored "-Winfinite-recursion"
#pragma GCC diagnostic ignored "-Wstringop-overflow"


__attribute__((noinline)) static int fault_null(void)
{
	return *(volatile int *)(uintptr_t)0x8;
}

__attribute__((noinline)) static int fault_write_text(void)
{
	volatile unsigned char *code = (volatile unsigned char *)(uintptr_t)&fault_null;
	*code = 0xcc;
	return 0;
}

static unsigned char data_code[16] = {0xc3}; /* ret */

__attribute__((noinline)) static int fault_exec_data(void)
{
	void (*fn)(void) = (void (*)(void))(uintptr_t)data_code;
	fn();
	return 0;
}

__attribute__((noinline)) static int fault_overflow(int depth)
{
	volatile char frame[1024];
	frame[0] = (char)depth;
	return fault_overflow(depth + 1) + frame[0];
}

__attribute__((noinline)) static int fault_canary(const char *src)
{
	char small[8];
	/* Deliberately write past the array to trip the stack protector. */
	memcpy(small, src, strlen(src) + 1);
	return small[0];
}

/* Echoes stdin lines until "quit" or EOF: the serial console as stdin. */
static int cmd_echo(int argc, char **argv)
{
	char line[128];
	(void)argc, (void)argv;
	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (strcmp(line, "quit") == 0)
			return 0;
		printf("got <%s>\n", line);
	}
	printf("eof\n");
	return 0;
}

/*
 * Prints its arguments, one per line, then waits a minute (for screendumps).
 * "show --charset ..." first prints every printable ASCII character, in order.
 */
static int cmd_show(int argc, char **argv)
{
	int first = 2;
	if (argc > 2 && strcmp(argv[2], "--charset") == 0) {
		for (int c = ' '; c <= '~'; c++)
			putchar(c);
		putchar('\n');
		first = 3;
	}
	for (int i = first; i < argc; i++)
		printf("%s\n", argv[i]);
	fflush(stdout);
	sleep(60);
	return 0;
}

/* termios: raw bytes (no editing, no echo), then a cooked line without echo. */
static int cmd_raw(int argc, char **argv)
{
	struct termios saved, raw;
	(void)argc, (void)argv;
	if (tcgetattr(0, &saved) != 0)
		return 1;
	raw = saved;
	cfmakeraw(&raw);
	tcsetattr(0, TCSANOW, &raw);
	printf("raw:");
	for (int i = 0; i < 6; i++) {
		unsigned char c;
		if (read(0, &c, 1) != 1)
			return 1;
		printf(" %02x", c);
	}
	printf("\n");
	struct termios quiet = saved;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	tcsetattr(0, TCSANOW, &quiet);
	char line[64];
	if (fgets(line, sizeof(line), stdin) == NULL)
		return 1;
	line[strcspn(line, "\n")] = '\0';
	tcsetattr(0, TCSANOW, &saved);
	printf("quiet line <%s>, isatty(1)=%d tcgetattr(5)=%d\n", line, isatty(1), tcgetattr(5, &raw));
	return 0;
}

static int cmd_exit(int argc, char **argv) { return argc > 2 ? atoi(argv[2]) : 0; }
static int run_null(int argc, char **argv) { (void)argc, (void)argv; return fault_null(); }
static int run_write_text(int argc, char **argv) { (void)argc, (void)argv; return fault_write_text(); }
static int run_exec_data(int argc, char **argv) { (void)argc, (void)argv; return fault_exec_data(); }
static int run_overflow(int argc, char **argv) { (void)argc, (void)argv; return fault_overflow(0); }
static int run_clock(int argc, char **argv) { (void)argc, (void)argv; return cmd_clock(); }
static int run_malloc(int argc, char **argv) { (void)argc, (void)argv; return cmd_malloc(); }
static int run_libc(int argc, char **argv) { (void)argc, (void)argv; return cmd_libc(); }
static int run_assert(int argc, char **argv) { (void)argv; return cmd_assert(argc); }

static int run_canary(int argc, char **argv)
{
	(void)argc, (void)argv;
	return fault_canary("this string is far longer than eight bytes, to smash the frame");
}

/* A kernel contract broken on purpose: waking a wait queue needs its lock, so interrupts off (KASSERT). */
__attribute__((noinline)) static int fault_kassert(void)
{
	struct waitq q = WAITQ_INIT;
	return waitq_wake_one(&q);
}

static int run_kassert(int argc, char **argv)
{
	(void)argc, (void)argv;
	return fault_kassert();
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} cases[] = {
	{"echo", cmd_echo},         {"show", cmd_show},       {"raw", cmd_raw},         {"argv", cmd_argv},         {"exit", cmd_exit},       {"sleep", cmd_sleep},
	{"clock", run_clock},       {"malloc", run_malloc},   {"libc", run_libc},
	{"assert", run_assert},     {"null", run_null},       {"write-text", run_write_text},
	{"exec-data", run_exec_data}, {"overflow", run_overflow}, {"canary", run_canary}, {"kassert", run_kassert}, {"lock", ktest_lock},
	{"threads", ktest_threads}, {"mutex", ktest_mutex}, {"pingpong", ktest_pingpong}, {"idle-count", ktest_idle_count},
	{"select", ktest_select}, {"chan-close", ktest_chan_close},
	{"thread-overflow", ktest_thread_overflow}, {"tls", ktest_tls}, {"preempt", ktest_preempt},
	{"ps", ktest_ps}, {"sync", ktest_sync}, {"apprun", ktest_apprun}, {"foreground", ktest_foreground},
	{"stdio-runs", ktest_stdio_runs},
	{"console-fds", ktest_console_fds}, {"kill-storm", ktest_kill_storm}, {"append", ktest_append}, {"reclock", ktest_reclock},
	{"thread-churn", ktest_thread_churn}, {"thread-concurrent", ktest_thread_concurrent},
	{"files", ktest_files}, {"pipe", ktest_pipe}, {"devfs", ktest_devfs}, {"tree", ktest_tree},
	{"fatwrite", ktest_fatwrite}, {"fatcrash", ktest_fatcrash},
	{"blk", ktest_blk}, {"pciirq", ktest_pciirq}, {"irqroute", ktest_irqroute},
	{"posix-threads", ktest_posix_threads}, {"posix-locks", ktest_posix_locks}, {"posix-sem", ktest_posix_sem},
	{"posix-clock", ktest_posix_clock}, {"posix-sysconf", ktest_posix_sysconf},
	{"posix-header", ktest_posix_header}, {"posix-timers", ktest_posix_timers}, {"posix-signals", ktest_posix_signals}, {"posix-barrier-stress", ktest_posix_barrier_stress},
	{"posix-sem-stress", ktest_posix_sem_stress},
	{"posix-cancel", ktest_posix_cancel}, {"posix-sched", ktest_posix_sched},
	{"smp", ktest_smp}, {"smp-fault", ktest_smp_fault}, {"smp-overflow", ktest_smp_fault}, {"smp-nmi", ktest_smp_nmi},
	{"smp-sched", ktest_smp_sched}, {"smp-pingpong", ktest_smp_pingpong}, {"smp-tlb", ktest_smp_tlb},
#ifdef CONFIG_NET_LWIP
	{"net", ktest_net}, {"netdev", ktest_netdev}, {"nic", ktest_nic}, {"sendmsg", ktest_sendmsg},
	{"tcp-churn", ktest_tcp_churn},
	{"listen-burst", ktest_listen_burst},
#endif
};

int main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : "";
	if (CONFIG_APP_KTEST_BANNER[0])
		printf("%s\n", CONFIG_APP_KTEST_BANNER);
	if (argc < 2) {
		printf("ktest: no case given; cases:");
		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
			printf(" %s", cases[i].name);
		printf("\n");
		return 0;
	}
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (strcmp(cases[i].name, name) == 0) {
			int rc = cases[i].fn(argc, argv);
			/* Work after the call keeps main's frame in fault backtraces. */
			fflush(stdout);
			return rc;
		}
	}
	fprintf(stderr, "ktest: unknown case '%s'\n", name);
	return 2;
}
