/*
 * Kernel parameters: leading `name=value` words of the kernel command line
 * that a part registers with YOLK_PARAM(name, fn). fn returns NULL if the
 * value is good, or a message saying what is wrong with it (the boot then
 * stops with "bad kernel command line"). Words after the parameters, or
 * after `--`, are main()'s arguments.
 */
#ifndef YOLK_PARAM_H
/* The explicit alignment stops GCC padding entries to 16 bytes, which would
 * leave holes in the table. */
#define YOLK_PARAM_H

struct yolk_param {
	const char *name;
	const char *(*set)(const char *value);
};

#define YOLK_PARAM(pname, fn)                                                                 \
	static const struct yolk_param yolk_param_##fn                                       \
		__attribute__((used, aligned(__alignof__(struct yolk_param)), section(".yolk_param"))) = {#pname, fn}

#include <stddef.h>

/*
 * Consumes the leading name=value words of `words` whose name is in table,
 * calling each set(); a `--` ends them and is consumed. Returns the index of
 * main()'s first argument, or -EINVAL with *err (set()'s message) and *bad
 * (the word) if a value is rejected.
 */
int param_consume(char **words, int n, const struct yolk_param *table, size_t ntable, const char **err,
		  const char **bad);

#endif
