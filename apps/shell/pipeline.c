/*
 * A command line with redirections, pipes or a trailing &: each stage is a
 * run of its own (yolk/app.h), built-in or application, with its own
 * standard streams, so `cmd > file` sends cmd's output to the file and no
 * one else's, and the shell's streams stay as they were.
 *
 *   a < in | b 2> err | c >> out &
 *
 * Operators are words of their own (blanks around them): <, >, >>, 2>, 2>>,
 * 2>&1 and |. A redirection on a stage inside a pipeline wins over the pipe,
 * as in sh. The line's status is the last stage's.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <yolk/app.h>
#include <yolk/sched.h>
#include <yolk/tty.h>
#include "shell.h"

#define MAX_STAGES TTY_FOREGROUND_MAX
#define MAX_JOBS 32 /* background runs `wait` can wait for; more are let go (detached) */

/* Runs started with &, still to be joined: the shell's only thread touches this. */
static struct thread *jobs[MAX_JOBS];
static int njobs;

struct stage {
	int argc;
	char **argv;
	const char *in, *out, *err; /* files to redirect to, or NULL */
	int out_append, err_append, err_to_out;
};

/* One redirection word at argv[i] (and its file at i+1): 1, 0 if none, -1 if its file is missing. */
static int take_redirection(struct stage *s, char **argv, int i, int n)
{
	const char *w = argv[i];
	if (strcmp(w, "2>&1") == 0) {
		s->err_to_out = 1;
		return 1;
	}
	int kind = strcmp(w, "<") == 0 ? 1 : strcmp(w, ">") == 0 ? 2 : strcmp(w, ">>") == 0 ? 3
		 : strcmp(w, "2>") == 0 ? 4 : strcmp(w, "2>>") == 0 ? 5 : 0;
	if (kind == 0)
		return 0;
	if (i + 1 >= n) {
		fprintf(stderr, "sh: %s: a file name must follow\n", w);
		return -1;
	}
	const char *file = argv[i + 1];
	if (kind == 1)
		s->in = file;
	else if (kind <= 3)
		s->out = file, s->out_append = kind == 3;
	else
		s->err = file, s->err_append = kind == 5, s->err_to_out = 0;
	return 1;
}

/* Splits argv[0..n) at | into stages, taking redirections out: the count, or -1 (message printed). */
static int parse_stages(char **argv, int n, struct stage *st)
{
	int count = 0, start = 0;
	for (int i = 0; i <= n; i++) {
		if (i < n && strcmp(argv[i], "|") != 0)
			continue;
		if (count == MAX_STAGES) {
			fprintf(stderr, "sh: more than %d commands in a pipeline\n", MAX_STAGES);
			return -1;
		}
		struct stage *s = &st[count++];
		memset(s, 0, sizeof(*s));
		s->argv = &argv[start];
		for (int j = start; j < i; j++) {
			int r = take_redirection(s, argv, j, i);
			if (r < 0)
				return -1;
			if (r)
				j++; /* the file name */
			else
				s->argv[s->argc++] = argv[j];
		}
		if (s->argc == 0) {
			fprintf(stderr, "sh: a command is missing %s\n", i < n ? "before |" : "after |");
			return -1;
		}
		s->argv[s->argc] = NULL; /* over the operator or file word just consumed: argv has room */
		start = i + 1;
	}
	return count;
}

static int open_or_complain(const char *file, int flags)
{
	int fd = open(file, flags, 0644);
	if (fd < 0)
		fprintf(stderr, "sh: %s: %s\n", file, strerror(errno));
	return fd;
}

/* The stage's 0-2 from the pipe ends given and its redirections; -1 if a file cannot be opened. */
static int stage_io(const struct stage *s, int in, int out, int io[3], int opened[3])
{
	io[0] = in, io[1] = out, io[2] = 2;
	opened[0] = opened[1] = opened[2] = -1;
	if (s->in && (io[0] = opened[0] = open_or_complain(s->in, O_RDONLY)) < 0)
		return -1;
	int w = O_WRONLY | O_CREAT;
	if (s->out && (io[1] = opened[1] = open_or_complain(s->out, w | (s->out_append ? O_APPEND : O_TRUNC))) < 0)
		return -1;
	if (s->err && (io[2] = opened[2] = open_or_complain(s->err, w | (s->err_append ? O_APPEND : O_TRUNC))) < 0)
		return -1;
	if (s->err_to_out)
		io[2] = io[1];
	return 0;
}

static void close_fds(const int *fds, int n)
{
	for (int i = 0; i < n; i++)
		if (fds[i] >= 3)
			close(fds[i]);
}

/* Starts one stage with the given fds: its main thread, or NULL with *status set (message printed). */
static struct thread *start_stage(const struct stage *s, const int io[3], int *status)
{
	const struct builtin *b = shell_find_builtin(s->argv[0]);
	const struct yolk_app *found = b ? NULL : yolk_app_find(s->argv[0]);
	struct yolk_app app = {s->argv[0], b ? b->run : found ? found->main : NULL};
	if (app.main == NULL) {
		fprintf(stderr, "sh: %s: command not found (try help)\n", s->argv[0]);
		*status = 127;
		return NULL;
	}
	struct thread *t;
	int r = yolk_app_start(&app, s->argc, s->argv, io, &t);
	if (r < 0) {
		fprintf(stderr, "sh: %s: cannot start: %s\n", s->argv[0], strerror(-r));
		*status = 126;
		return NULL;
	}
	return t;
}

/*
 * Starts every stage, each reading the pipe the one before writes. t[i] is
 * stage i's main thread, or NULL with status[i] set (it could not start).
 * Returns how many stages were tried: fewer than n if a pipe could not be made.
 */
static int start_stages(const struct stage *st, int n, struct thread **t, int *status)
{
	int in = 0;
	for (int i = 0; i < n; i++) {
		int p[2] = {-1, 1}, io[3], opened[3];
		if (i + 1 < n && pipe(p) != 0) {
			fprintf(stderr, "sh: pipe: %s\n", strerror(errno));
			close_fds(&in, 1);
			return i;
		}
		status[i] = 1; /* a file that cannot be opened, unless start_stage says otherwise */
		t[i] = stage_io(&st[i], in, p[1], io, opened) == 0 ? start_stage(&st[i], io, &status[i]) : NULL;
		/* The stage holds its own references now: the shell keeps only the next stage's end. */
		close_fds(opened, 3);
		close_fds(&in, 1);
		close_fds(&p[1], 1);
		in = p[0];
	}
	return n;
}

int shell_run_pipeline(char **argv, int argc, int background)
{
	struct stage st[MAX_STAGES];
	struct thread *t[MAX_STAGES];
	int status[MAX_STAGES];
	int n = parse_stages(argv, argc, st);
	if (n < 0)
		return 2;
	fflush(stdout); /* what the shell printed comes before what the stages print */
	int started = start_stages(st, n, t, status);
	if (background) {
		for (int i = 0; i < started; i++)
			if (t[i] && njobs < MAX_JOBS)
				jobs[njobs++] = t[i];
			else if (t[i])
				thread_detach(t[i]);
		printf("[started %s in the background]\n", st[0].argv[0]);
		return 0;
	}
	/* Ctrl-C ends every stage; a stage that ended already is dropped from the set by join. */
	tty_set_foreground(NULL);
	for (int i = 0; i < started; i++)
		if (t[i])
			tty_add_foreground(t[i]);
	for (int i = 0; i < started; i++) {
		void *r;
		if (t[i] && thread_join(t[i], &r) == 0)
			status[i] = (int)(intptr_t)r;
	}
	tty_set_foreground(NULL);
	return started == n ? status[n - 1] : 126;
}

/* wait: until every command started with & (the last MAX_JOBS of them) has ended. */
int shell_wait(int argc, char **argv)
{
	(void)argc, (void)argv;
	while (njobs > 0) {
		struct thread *t = jobs[njobs - 1];
		if (thread_join(t, NULL) != 0)
			break;
		njobs--;
	}
	return 0;
}
