/*
 * yolk's shell: a prompt, words split with shell quoting, built-in commands,
 * and every application linked into the image runnable by name
 * (`prime-sieve 50`, or `prime-sieve 50 &` in the background), with
 * redirections and pipelines (pipeline.c: `cat f | grep x > out &`).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <yolk/app.h>
#include <yolk/cmdline.h>
#include <yolk/exit.h>
#include <yolk/mm.h>
#include <yolk/netdev.h>
#include <yolk/panic.h>
#include <yolk/sched.h>
#include <yolk/time.h>

#include "shell.h"

#define MAX_WORDS 64

/* The shell's own commands (below), then the file commands (files.c). */
#define NTABLES 3
static const struct builtin *const tables[NTABLES];

const struct builtin *shell_find_builtin(const char *name)
{
	for (size_t t = 0; t < NTABLES; t++)
		for (const struct builtin *b = tables[t]; b->name; b++)
			if (strcmp(name, b->name) == 0)
				return b;
	return NULL;
}

static int sh_help(int argc, char **argv)
{
	(void)argc, (void)argv;
	printf("built-in commands:\n");
	for (size_t t = 0; t < NTABLES; t++)
		for (const struct builtin *b = tables[t]; b->name; b++)
			printf("  %-24s %s\n", b->usage, b->help);
	printf("applications (run with arguments; end with & to run in the background):\n ");
	for (unsigned i = 0; i < yolk_napps; i++)
		printf(" %s", yolk_apps[i].name);
	printf("\n");
	return 0;
}

static int sh_echo(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		printf("%s%s", argv[i], i + 1 < argc ? " " : "");
	printf("\n");
	return 0;
}

static void print_thread(const struct thread_info *t, void *arg)
{
	(void)arg;
	printf("%4d  %-16s %-9s %4d %3u %10llu %8zu\n", t->id, t->name, t->state, t->prio, t->cpu,
	       (unsigned long long)t->cpu_ticks, t->stack_size / 1024);
}

static int sh_ps(int argc, char **argv)
{
	(void)argc, (void)argv;
	printf("  ID  NAME             STATE     PRIO CPU      TICKS STACK(K)\n");
	thread_list(print_thread, NULL);
	return 0;
}

static int sh_free(int argc, char **argv)
{
	(void)argc, (void)argv;
	size_t total = pmm_total_pages() * 4, free_kib = pmm_free_pages() * 4;
	printf("memory: %zu KiB free of %zu KiB; heap %zu KiB\n", free_kib, total, heap_mapped_bytes() / 1024);
	return 0;
}

static int sh_uptime(int argc, char **argv)
{
	(void)argc, (void)argv;
	uint64_t ms = time_monotonic_ns() / 1000000;
	printf("up %llu.%03llu s\n", (unsigned long long)(ms / 1000), (unsigned long long)(ms % 1000));
	return 0;
}

static int sh_date(int argc, char **argv)
{
	(void)argc, (void)argv;
	time_t t = time(NULL);
	struct tm tm;
	char buf[64];
	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", &tm);
	printf("%s\n", buf);
	return 0;
}

static int sh_sleep(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: sleep SECONDS\n");
		return 2;
	}
	double s = atof(argv[1]);
	struct timespec d = {(time_t)s, (long)((s - (time_t)s) * 1e9)};
	return nanosleep(&d, NULL) ? 1 : 0;
}

static int sh_cat(int argc, char **argv)
{
	int status = 0;
	for (int i = argc > 1; i < argc; i++) {
		int fd = i == 0 ? 0 : open(argv[i], O_RDONLY);
		if (fd < 0) {
			fprintf(stderr, "cat: %s: %s\n", argv[i], strerror(errno));
			status = 1;
			continue;
		}
		char buf[512];
		ssize_t n;
		while ((n = read(fd, buf, sizeof(buf))) > 0)
			fwrite(buf, 1, (size_t)n, stdout);
		if (fd != 0)
			close(fd);
	}
	return status;
}

__attribute__((noreturn)) static int sh_poweroff(int argc, char **argv)
{
	int code = argc > 1 ? atoi(argv[1]) : 0;
	printf("powering off\n");
	fflush(stdout);
	machine_exit(code);
}

static int sh_reboot(int argc, char **argv)
{
	(void)argc, (void)argv;
	printf("rebooting\n");
	fflush(stdout);
	/* The keyboard controller's reset line: the classic PC reboot. */
	__asm__ volatile("outb %0, $0x64" ::"a"((unsigned char)0xfe));
	return 1;
}

/* An IPv4 address in network byte order, dotted. */
static void print_ip(const char *label, uint32_t a)
{
	const unsigned char *b = (const unsigned char *)&a;
	printf(" %s %u.%u.%u.%u", label, b[0], b[1], b[2], b[3]);
}

/* Network devices from core's list; addresses from the stack, if one is linked. */
static int sh_ifconfig(int argc, char **argv)
{
	(void)argc, (void)argv;
	struct netdev *d = netdev_at(0);
	if (d == NULL)
		printf("ifconfig: no network devices\n");
	for (unsigned i = 1; d; d = netdev_at(i++)) {
		const uint8_t *m = d->mac;
		printf("%s: mac %02x:%02x:%02x:%02x:%02x:%02x mtu %u link %s\n", d->name, m[0], m[1], m[2], m[3], m[4],
		       m[5], d->mtu, d->link_up ? "up" : "down");
		struct netdev_addr a;
		if (netdev_addr(d, &a) == 0) {
			printf("   ");
			print_ip("inet", a.ip);
			print_ip("netmask", a.netmask);
			print_ip("gateway", a.gateway);
			printf("%s\n", a.dhcp ? " (dhcp)" : "");
		}
		printf("    rx %lu frames (%lu dropped), tx %lu frames (%lu errors)\n", d->rx_frames, d->rx_dropped,
		       d->tx_frames, d->tx_errors);
	}
	return 0;
}

static const struct builtin builtins[] = {
	{"help", "help", "this list", sh_help},
	{"echo", "echo WORDS...", "print the words", sh_echo},
	{"cat", "cat [FILE...]", "print files (or what comes in)", sh_cat},
	{"ps", "ps", "threads: id, name, state, priority, CPU (running or last), CPU ticks", sh_ps},
	{"free", "free", "memory in use and free", sh_free},
	{"cpuinfo", "cpuinfo", "CPUs: count, model, features, which are online", sh_cpuinfo},
	{"irqs", "irqs [VECTOR CPU]", "device interrupts: vector, CPU, taken per CPU; or move one", sh_irqs},
	{"uptime", "uptime", "time since boot", sh_uptime},
	{"date", "date", "the time of day (UTC)", sh_date},
	{"sleep", "sleep SECONDS", "wait", sh_sleep},
	{"wait", "wait", "until the commands started with & have ended", shell_wait},
	{"ifconfig", "ifconfig", "network devices and their addresses", sh_ifconfig},
	{"reboot", "reboot", "restart the machine", sh_reboot},
	{"poweroff", "poweroff [STATUS]", "stop the machine (QEMU exits with STATUS)", sh_poweroff},
	{0, 0, 0, 0},
};
static const struct builtin *const tables[NTABLES] = {builtins, shell_file_builtins, shell_text_builtins};

/* A plain command: a built-in in the shell's own thread (cd must change the shell's directory), an app waited for. */
static int run_command(int argc, char **argv)
{
	const struct builtin *b = shell_find_builtin(argv[0]);
	if (b)
		return b->run(argc, argv);
	const struct yolk_app *app = yolk_app_find(argv[0]);
	if (app == NULL) {
		fprintf(stderr, "sh: %s: command not found (try help)\n", argv[0]);
		return 127;
	}
	int status = yolk_app_run(app, argc, argv, 1);
	if (status < 0)
		fprintf(stderr, "sh: %s: cannot start: %s\n", argv[0], strerror(-status));
	return status;
}

/* Whether a word is one of pipeline.c's operators. */
static int is_operator(const char *w)
{
	static const char *const ops[] = {"|", "<", ">", ">>", "2>", "2>>", "2>&1"};
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strcmp(w, ops[i]) == 0)
			return 1;
	return 0;
}

/* Runs one command line; returns its status. */
static int run_line(char *line)
{
	char *argv[MAX_WORDS + 1];
	const char *err;
	int argc = cmdline_split(line, argv, MAX_WORDS, &err);
	if (argc < 0) {
		fprintf(stderr, "sh: %s\n", err);
		return 2;
	}
	if (argc == 0)
		return 0;
	int background = strcmp(argv[argc - 1], "&") == 0;
	if (background)
		argv[--argc] = NULL;
	int piped = 0;
	for (int i = 0; i < argc; i++)
		piped |= is_operator(argv[i]);
	if (argc == 0)
		return 0;
	/* Anything more than a plain command runs in runs of its own: the shell's streams stay. */
	return background || piped ? shell_run_pipeline(argv, argc, background) : run_command(argc, argv);
}

int main(int argc, char **argv)
{
	char line[1024];
	int status = 0;
	/* sh -c 'COMMAND': run one command line and return its status. */
	if (argc == 3 && strcmp(argv[1], "-c") == 0) {
		strncpy(line, argv[2], sizeof(line) - 1);
		line[sizeof(line) - 1] = '\0';
		return run_line(line);
	}
	printf("yolk shell; `help` lists commands\n");
	for (;;) {
		printf("yolk> ");
		fflush(stdout);
		if (fgets(line, sizeof(line), stdin) == NULL)
			break;
		line[strcspn(line, "\n")] = '\0';
		status = run_line(line);
		fflush(stdout);
	}
	printf("\n");
	return status;
}
