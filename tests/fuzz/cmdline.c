/*
 * libFuzzer harness: the kernel command line as core/main.c's build_argv
 * takes it: copied into a BOOT_CMDLINE_MAX buffer, split in place by
 * cmdline_split (core/cmdline.c), then its leading name=value words given
 * to param_consume (core/param.c) with the parameters of the test image.
 * ip=, gw= and dns= are parsed by the real net/lwip/ipconf.c; the other
 * setters live in parts that need the kernel (console, VFS, PCI), so here
 * they only check that they get a NUL-terminated value inside the line.
 *
 * Checked: every word lies inside the line buffer, words do not overlap
 * and come in order; without quotes or backslashes the split is exactly a
 * split at blanks; param_consume's answer is -EINVAL with a message or an index
 * within the words.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <yolk/boot.h>
#include <yolk/cmdline.h>
#include <yolk/param.h>
#include "../../net/lwip/ipconf.h"

#define MAX_ARGS 64 /* core/main.c */

static char line[BOOT_CMDLINE_MAX];

static const char *in_line(const char *v)
{
	if (v < line || v >= line + sizeof(line) ||
	    memchr(v, '\0', (size_t)(line + sizeof(line) - v)) == NULL)
		abort();
	return v[0] == 'x' ? "rejected" : NULL; /* some values are refused */
}

static const char *set_ip(const char *v)
{
	uint32_t a, m;
	in_line(v);
	return ipconf_parse_cidr(v, &a, &m);
}

static const char *set_addr(const char *v)
{
	uint32_t a;
	in_line(v);
	return ipconf_parse_addr(v, &a);
}

static const struct yolk_param params[] = {
    {"ip", set_ip},        {"gw", set_addr},  {"dns", set_addr},  {"app", in_line},
    {"loglevel", in_line}, {"root", in_line}, {"mount", in_line}, {"pci_irq", in_line},
};

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Without quoting characters, the words are the blank-separated runs of the line. */
static void check_plain(const char *text, char **words, int n)
{
	int k = 0;
	for (const char *s = text; *s;) {
		while (is_blank(*s))
			s++;
		if (!*s)
			break;
		size_t len = 0;
		while (s[len] && !is_blank(s[len]))
			len++;
		if (k >= n || strlen(words[k]) != len || memcmp(words[k], s, len) != 0)
			abort();
		k++;
		s += len;
	}
	if (k != n)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[BOOT_CMDLINE_MAX];
	size_t n = size < sizeof(text) - 1 ? size : sizeof(text) - 1;
	memcpy(text, data, n);
	text[n] = '\0';
	memset(line, 0x55, sizeof(line));
	strncpy(line, text, sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';

	char *words[MAX_ARGS + 1];
	const char *err = NULL, *bad = NULL;
	int argc = cmdline_split(line, words + 1, MAX_ARGS - 1, &err);
	if (argc < 0) {
		if (argc != -EINVAL || err == NULL)
			abort();
		return 0;
	}
	if (argc > MAX_ARGS - 1 || words[1 + argc] != NULL)
		abort();
	for (int i = 1; i <= argc; i++) {
		in_line(words[i]);
		if (i > 1 && words[i] <= words[i - 1] + strlen(words[i - 1]))
			abort(); /* overlapping or out of order */
	}
	if (strpbrk(text, "'\"\\") == NULL)
		check_plain(text, words + 1, argc);
	int first = param_consume(words + 1, argc, params, sizeof(params) / sizeof(params[0]), &err, &bad);
	if ((first < 0 && first != -EINVAL) || first > argc || (first == -EINVAL && (err == NULL || bad == NULL)))
		abort();
	return 0;
}
