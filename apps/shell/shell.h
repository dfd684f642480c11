/* What the shell's files share: the built-in command table shape. */
#ifndef APPS_SHELL_H
#define APPS_SHELL_H

struct builtin {
	const char *name, *usage, *help;
	int (*run)(int argc, char **argv);
};

/* files.c: ls, cd, mkdir, rm ... (ends with a NULL name) */
extern const struct builtin shell_file_builtins[];

/* cpuinfo.c */
int sh_cpuinfo(int argc, char **argv);

#endif
