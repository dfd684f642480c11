/*
 * The shell's text filters: grep, wc, head. Each reads its files, or its
 * standard input when given none, so they work at either end of a pipeline.
 */
#include <errno.h>
#include <sys/types.h> /* picolibc's regex.h uses size_t without it */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "shell.h"

/* The stream for a file operand ("-" and none: standard input); NULL (message printed). */
static FILE *open_input(const char *cmd, const char *path)
{
	if (path == NULL || strcmp(path, "-") == 0)
		return stdin;
	FILE *f = fopen(path, "r");
	if (f == NULL)
		fprintf(stderr, "%s: %s: %s\n", cmd, path, strerror(errno));
	return f;
}

static void close_input(FILE *f)
{
	if (f != stdin)
		fclose(f);
}

/* Lines of f matching re (or not, with invert): printed, or counted. */
static long grep_stream(FILE *f, const regex_t *re, int invert, int count, const char *label)
{
	char *line = NULL;
	size_t cap = 0;
	long hits = 0;
	while (getline(&line, &cap, f) > 0) {
		line[strcspn(line, "\n")] = '\0';
		if ((regexec(re, line, 0, NULL, 0) == 0) == invert)
			continue;
		hits++;
		if (!count)
			printf("%s%s%s\n", label ? label : "", label ? ":" : "", line);
	}
	free(line);
	return hits;
}

/* grep [-v] [-c] PATTERN [FILE...]: POSIX basic regular expressions; status 0 if a line matched. */
static int sh_grep(int argc, char **argv)
{
	int invert = 0, count = 0, i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (strcmp(argv[i], "-v") == 0)
			invert = 1;
		else if (strcmp(argv[i], "-c") == 0)
			count = 1;
		else
			break;
	}
	if (i >= argc) {
		fprintf(stderr, "usage: grep [-v] [-c] PATTERN [FILE...]\n");
		return 2;
	}
	regex_t re;
	int err = regcomp(&re, argv[i], REG_NOSUB);
	if (err) {
		char msg[128];
		regerror(err, &re, msg, sizeof(msg));
		fprintf(stderr, "grep: %s: %s\n", argv[i], msg);
		return 2;
	}
	int status = 1, files = argc - i - 1;
	/* No FILE: standard input, once (path NULL). */
	for (int k = i + 1; k < argc || (files == 0 && k == argc); k++) {
		const char *path = k < argc ? argv[k] : NULL;
		FILE *f = open_input("grep", path);
		if (f == NULL) {
			status = 2;
			continue;
		}
		long hits = grep_stream(f, &re, invert, count, files > 1 ? path : NULL);
		if (count)
			printf("%s%s%ld\n", files > 1 ? path : "", files > 1 ? ":" : "", hits);
		if (hits && status == 1)
			status = 0;
		close_input(f);
	}
	regfree(&re);
	return status;
}

/* wc [-l] [FILE...]: lines, words and bytes (POSIX's output format), or lines alone. */
static int sh_wc(int argc, char **argv)
{
	int lines_only = argc > 1 && strcmp(argv[1], "-l") == 0, first = 1 + lines_only, status = 0;
	for (int k = first; k < argc || (argc == first && k == argc); k++) {
		const char *path = k < argc ? argv[k] : NULL;
		FILE *f = open_input("wc", path);
		if (f == NULL) {
			status = 1;
			continue;
		}
		long lines = 0, words = 0, bytes = 0;
		int c, in_word = 0;
		while ((c = getc(f)) != EOF) {
			bytes++;
			lines += c == '\n';
			int blank = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
			words += !blank && !in_word;
			in_word = !blank;
		}
		if (lines_only)
			printf("%ld", lines);
		else
			printf("%ld %ld %ld", lines, words, bytes);
		printf("%s%s\n", path ? " " : "", path ? path : "");
		close_input(f);
	}
	return status;
}

/* head [-n N] [FILE]: the first N lines (10). */
static int sh_head(int argc, char **argv)
{
	long n = 10;
	int i = 1;
	if (argc > 2 && strcmp(argv[1], "-n") == 0) {
		char *end;
		n = strtol(argv[2], &end, 10);
		if (*end || n < 0) {
			fprintf(stderr, "head: %s: not a line count\n", argv[2]);
			return 2;
		}
		i = 3;
	}
	FILE *f = open_input("head", i < argc ? argv[i] : NULL);
	if (f == NULL)
		return 1;
	int c;
	for (long lines = 0; lines < n && (c = getc(f)) != EOF;) {
		putchar(c);
		lines += c == '\n';
	}
	close_input(f);
	return 0;
}

const struct builtin shell_text_builtins[] = {
	{"grep", "grep [-v] [-c] RE [FILE...]", "lines matching a regular expression", sh_grep},
	{"wc", "wc [-l] [FILE...]", "count lines, words and bytes", sh_wc},
	{"head", "head [-n N] [FILE]", "the first lines", sh_head},
	{0, 0, 0, 0},
};
