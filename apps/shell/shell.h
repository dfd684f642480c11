/* What the shell's files share: the built-in command table shape. */
#ifndef APPS_SHELL_H
#define APPS_SHELL_H

struct builtin {
	const char *name, *usage, *help;
	int (*run)(int argc, char **argv);
};

/* files.c: ls, cd, mkdir, rm ... (ends with a NULL name) */
extern const struct builtin shell_file_builtins[];

/* text.c: grep, wc, head (ends with a NULL name) */
extern const struct builtin shell_text_builtins[];

/* shell.c: the built-in named name, or NULL. */
const struct builtin *shell_find_builtin(const char *name);

/* pipeline.c: runs a line with redirections and pipes (argv[argc] is NULL); its status. */
int shell_run_pipeline(char **argv, int argc, int background);
/* pipeline.c: the wait built-in. */
int shell_wait(int argc, char **argv);

/* cpuinfo.c */
int sh_cpuinfo(int argc, char **argv);
int sh_irqs(int argc, char **argv);

#endif
