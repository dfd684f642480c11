/*
 * ktest stdio-runs: each app run has its own standard streams. Two runs
 * printing at once (each from two threads, stdout and stderr) while this
 * test prints to the console: every line lands in its own run's pipe, in
 * order, and none on the console (the meson test rejects them there); a
 * run reads its stdin from a pipe up to end of file; each pipe reaches end
 * of file once its run has ended; a shell pipeline's status is its last
 * stage's.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yolk/app.h>
#include <yolk/sched.h>
#include "ktest.h"

#define LINES 300
#define THREAD_LINES 100

static void *talker_thread(void *name)
{
	for (int k = 0; k < THREAD_LINES; k++) {
		printf("%s thread %d\n", (const char *)name, k);
		if (k % 16 == 0)
			sched_yield();
	}
	return NULL;
}

/* Prints LINES lines from main and THREAD_LINES from a thread it starts, one line to stderr. */
static int talker(int argc, char **argv)
{
	(void)argc;
	pthread_t t;
	if (pthread_create(&t, NULL, talker_thread, argv[1]) != 0)
		return 1;
	for (int k = 0; k < LINES; k++) {
		printf("%s main %d\n", argv[1], k);
		if (k % 16 == 0)
			sched_yield();
	}
	fprintf(stderr, "%s err\n", argv[1]);
	pthread_join(t, NULL);
	return 0;
}

/* Copies stdin to stdout upper-cased, then says whether it saw end of file. */
static int upper(int argc, char **argv)
{
	(void)argc, (void)argv;
	char line[64];
	while (fgets(line, sizeof(line), stdin))
		for (char *p = line; *p; p++)
			putchar(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
	printf("%s\n", feof(stdin) ? "eof" : "error");
	return 0;
}

/* All a pipe holds, once its writers are gone: the length, or -1 if it would still wait (no end of file). */
static ssize_t drain(int fd, char *buf, size_t size)
{
	fcntl(fd, F_SETFL, O_NONBLOCK);
	size_t got = 0;
	for (int i = 0; i < 10000; i++) {
		ssize_t n = read(fd, buf + got, size - 1 - got);
		if (n == 0)
			break;
		if (n < 0) {
			buf[got] = '\0';
			return -1;
		}
		got += (size_t)n;
	}
	buf[got] = '\0';
	return (ssize_t)got;
}

/* Whether out holds exactly name's LINES main and THREAD_LINES thread lines, each series in order. */
static int lines_ok(const char *out, const char *name)
{
	int next_main = 0, next_thread = 0;
	char expect_main[32], expect_thread[32];
	for (const char *p = out; *p;) {
		const char *nl = strchr(p, '\n');
		if (nl == NULL)
			return 0;
		snprintf(expect_main, sizeof(expect_main), "%s main %d\n", name, next_main);
		snprintf(expect_thread, sizeof(expect_thread), "%s thread %d\n", name, next_thread);
		if (strncmp(p, expect_main, strlen(expect_main)) == 0)
			next_main++;
		else if (strncmp(p, expect_thread, strlen(expect_thread)) == 0)
			next_thread++;
		else
			return 0;
		p = nl + 1;
	}
	return next_main == LINES && next_thread == THREAD_LINES;
}

static int two_talkers(void)
{
	static const struct yolk_app app = {"talker", talker};
	const char *names[2] = {"A", "B"};
	int out[2][2], err[2][2];
	struct thread *t[2];
	for (int i = 0; i < 2; i++) {
		CHECK(pipe(out[i]) == 0 && pipe(err[i]) == 0);
		int io[3] = {0, out[i][1], err[i][1]};
		CHECK(yolk_app_start(&app, 2, (char *[]){"talker", (char *)names[i], NULL}, io, &t[i]) == 0);
		close(out[i][1]);
		close(err[i][1]);
	}
	/* Meanwhile, this run's own stdout: the console. */
	for (int k = 0; k < 50; k++)
		printf("stdio-runs: console line %d\n", k);
	for (int i = 0; i < 2; i++)
		CHECK(thread_join(t[i], NULL) == 0);
	int ok = 1;
	static char buf[32768];
	for (int i = 0; i < 2; i++) {
		ok &= drain(out[i][0], buf, sizeof(buf)) > 0 && lines_ok(buf, names[i]);
		char want[16];
		snprintf(want, sizeof(want), "%s err\n", names[i]);
		ok &= drain(err[i][0], buf, sizeof(buf)) >= 0 && strcmp(buf, want) == 0;
		close(out[i][0]);
		close(err[i][0]);
	}
	CHECK(ok);
	return ok;
}

static int reader_run(void)
{
	static const struct yolk_app app = {"upper", upper};
	int in[2], out[2];
	struct thread *t;
	CHECK(pipe(in) == 0 && pipe(out) == 0);
	int io[3] = {in[0], out[1], 2};
	CHECK(yolk_app_start(&app, 1, (char *[]){"upper", NULL}, io, &t) == 0);
	close(in[0]);
	close(out[1]);
	CHECK(write(in[1], "hello\nworld\n", 12) == 12);
	close(in[1]); /* the run sees end of file */
	CHECK(thread_join(t, NULL) == 0);
	char buf[64];
	int ok = drain(out[0], buf, sizeof(buf)) == 16 && strcmp(buf, "HELLO\nWORLD\neof\n") == 0;
	close(out[0]);
	CHECK(ok);
	return ok;
}

/* `shell -c LINE`'s status, or -1 without a shell. */
static int shell_status(const char *line)
{
	const struct yolk_app *sh = yolk_app_find("shell");
	struct thread *t;
	void *status;
	if (sh == NULL || yolk_app_start(sh, 3, (char *[]){"shell", "-c", (char *)line, NULL}, NULL, &t) != 0)
		return -1;
	thread_join(t, &status);
	return (int)(intptr_t)status;
}

int ktest_stdio_runs(int argc, char **argv)
{
	(void)argc, (void)argv;
	if (two_talkers())
		printf("stdio-runs: 2 runs x 2 threads, %d lines each, every line in its own pipe, in order\n",
		       LINES + THREAD_LINES);
	if (reader_run())
		printf("stdio-runs: a run read its stdin pipe to end of file\n");
	if (yolk_app_find("shell")) {
		int last_fails = shell_status("echo a | grep b");
		int last_ok = shell_status("grep zzz /nope | echo last");
		CHECK(last_fails == 1 && last_ok == 0);
		printf("stdio-runs: pipeline status is the last stage's: %d %d\n", last_fails, last_ok);
	}
	return ktest_result("stdio-runs");
}
