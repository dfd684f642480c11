#include <errno.h>
#include <string.h>
#include <yolk/param.h>
#include "check.h"

static char seen[64];

static const char *set_app(const char *v)
{
	strcpy(seen, v);
	return strcmp(v, "bad") == 0 ? "no such application" : NULL;
}

static const char *set_ip(const char *v)
{
	(void)v;
	return NULL;
}

static const struct yolk_param table[] = {{"app", set_app}, {"ip", set_ip}};

int main(void)
{
	const char *err = NULL, *bad = NULL;
	char *w1[] = {"app=ktest", "ip=1", "argv", "app=x"};
	CHECK(param_consume(w1, 4, table, 2, &err, &bad) == 2 && !strcmp(seen, "ktest"));
	char *w2[] = {"argv", "app=x"};
	seen[0] = 0;
	CHECK(param_consume(w2, 2, table, 2, &err, &bad) == 0 && seen[0] == 0);
	char *w3[] = {"app=y", "--", "app=z"};
	CHECK(param_consume(w3, 3, table, 2, &err, &bad) == 2 && !strcmp(seen, "y"));
	char *w4[] = {"apple=1", "x"};
	CHECK(param_consume(w4, 2, table, 2, &err, &bad) == 0);
	char *w5[] = {"ip=1", "app=bad", "x"};
	CHECK(param_consume(w5, 3, table, 2, &err, &bad) == -EINVAL && !strcmp(bad, "app=bad") &&
	      !strcmp(err, "no such application"));
	char *w6[] = {"app="};
	CHECK(param_consume(w6, 1, table, 2, &err, &bad) == 1 && seen[0] == 0);
	CHECK(param_consume(w6, 0, table, 2, &err, &bad) == 0);
	return check_report();
}
