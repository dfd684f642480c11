/* Kernel command line -> argv, with shell-style quoting. Host-tested. */
#include <errno.h>
#include <yolk/cmdline.h>

static int is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* Copies one word starting at *src to *dst (in place); returns 0 or -EINVAL with *err. */
static int take_word(char **src, char **dst, const char **err)
{
	char *s = *src, *d = *dst;
	char quote = 0;
	for (; *s && (quote || !is_blank(*s)); s++) {
		if (quote == '\'' && *s == '\'') {
			quote = 0;
		} else if (quote == '\'') {
			*d++ = *s;
		} else if (*s == '\\' && (quote == 0 || s[1] == '"' || s[1] == '\\')) {
			if (*++s == '\0') {
				*err = "trailing backslash";
				return -EINVAL;
			}
			*d++ = *s;
		} else if (*s == quote) {
			quote = 0;
		} else if (quote == 0 && (*s == '"' || *s == '\'')) {
			quote = *s;
		} else {
			*d++ = *s;
		}
	}
	if (quote) {
		*err = quote == '"' ? "unterminated double quote" : "unterminated single quote";
		return -EINVAL;
	}
	*src = s;
	*dst = d;
	return 0;
}

int cmdline_split(char *line, char **argv, int max_args, const char **err)
{
	int argc = 0;
	char *s = line, *d = line;
	for (;;) {
		while (is_blank(*s))
			s++;
		if (*s == '\0')
			break;
		if (argc == max_args) {
			*err = "too many arguments";
			return -EINVAL;
		}
		char *word = d;
		char *next_src = s;
		if (take_word(&next_src, &d, err))
			return -EINVAL;
		/* The word is written over its own text; close it, then move on. */
		int at_end = *next_src == '\0';
		*d++ = '\0';
		argv[argc++] = word;
		if (at_end)
			break;
		s = next_src + 1;
	}
	argv[argc] = NULL;
	return argc;
}
