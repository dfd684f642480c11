/* Kernel parameters at the head of the command line (pure; host-tested). */
#include <errno.h>
#include <string.h>
#include <yolk/param.h>

/*
 * Consumes the leading words of `words` that are `name=value` for a name in
 * `table`, calling each one's set(). Stops at the first other word; a `--`
 * there is consumed too. Returns the index of main()'s first argument, or -EINVAL
 * with *err (and *bad, the offending word) if a value is rejected.
 */
int param_consume(char **words, int n, const struct yolk_param *table, size_t ntable, const char **err,
		  const char **bad)
{
	int i = 0;
	for (; i < n; i++) {
		if (strcmp(words[i], "--") == 0)
			return i + 1;
		const char *eq = strchr(words[i], '=');
		const struct yolk_param *p = NULL;
		for (size_t k = 0; eq && k < ntable && p == NULL; k++)
			if (strlen(table[k].name) == (size_t)(eq - words[i]) &&
			    strncmp(table[k].name, words[i], (size_t)(eq - words[i])) == 0)
				p = &table[k];
		if (p == NULL)
			return i;
		if ((*err = p->set(eq + 1)) != NULL) {
			*bad = words[i];
			return -EINVAL;
		}
	}
	return i;
}
