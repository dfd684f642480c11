#include <errno.h>
#include <string.h>
#include <yolk/cmdline.h>
#include "check.h"

static int split(const char *in, char **argv, int max, const char **err)
{
	static char buf[256];
	strcpy(buf, in);
	return cmdline_split(buf, argv, max, err);
}

int main(void)
{
	char *av[8];
	const char *err = NULL;
	CHECK(split("", av, 7, &err) == 0 && av[0] == NULL);
	CHECK(split("   \t ", av, 7, &err) == 0);
	CHECK(split("a bb  ccc", av, 7, &err) == 3);
	CHECK(!strcmp(av[0], "a") && !strcmp(av[1], "bb") && !strcmp(av[2], "ccc") && av[3] == NULL);
	CHECK(split("x \"two words\" 'single $q' end", av, 7, &err) == 4);
	CHECK(!strcmp(av[1], "two words") && !strcmp(av[2], "single $q") && !strcmp(av[3], "end"));
	CHECK(split("a\\ b \"q\\\"x\\\\\" c'd'e", av, 7, &err) == 3);
	CHECK(!strcmp(av[0], "a b") && !strcmp(av[1], "q\"x\\") && !strcmp(av[2], "cde"));
	CHECK(split("'it''s'", av, 7, &err) == 1 && !strcmp(av[0], "its"));
	CHECK(split("\"\"", av, 7, &err) == 1 && !strcmp(av[0], ""));
	CHECK(split("a \"open", av, 7, &err) == -EINVAL && !strcmp(err, "unterminated double quote"));
	CHECK(split("a 'open", av, 7, &err) == -EINVAL && !strcmp(err, "unterminated single quote"));
	CHECK(split("a\\", av, 7, &err) == -EINVAL && !strcmp(err, "trailing backslash"));
	CHECK(split("1 2 3 4", av, 3, &err) == -EINVAL && !strcmp(err, "too many arguments"));
	CHECK(split("1 2 3", av, 3, &err) == 3);
	return check_report();
}
