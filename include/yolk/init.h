/*
 * Start-up hooks. A part registers `int fn(void)` with YOLK_INIT(level, fn);
 * core runs them in level order after memory, interrupts, time, the
 * kernel parameters and the scheduler are up (so they may sleep and create
 * threads), before main(). A nonzero return (-errno) is reported and start-up goes on.
 */
#ifndef YOLK_INIT_H
/* Sections are named by the level's value (not its macro name) so the linker sorts them in order. */
#define YOLK_INIT_STR_(x) #x
#define YOLK_INIT_STR(x) YOLK_INIT_STR_(x)

/* The explicit alignment stops GCC padding entries to 16 bytes, which would
 * leave holes in the table. */
#define YOLK_INIT_H

struct yolk_init {
	int (*fn)(void);
	const char *name;
};

#define YOLK_INIT_FIRMWARE 0 /* devices the boot loader already set up */
#define YOLK_INIT_BUS 1
#define YOLK_INIT_DEVICE 2
#define YOLK_INIT_FS 3      /* root and boot-time mounts; disks are registered by now */
#define YOLK_INIT_SERVICE 4

#define YOLK_INIT(level, fn)                                                                  \
	static const struct yolk_init yolk_init_##fn                                         \
		__attribute__((used, aligned(__alignof__(struct yolk_init)), section(".yolk_init." YOLK_INIT_STR(level)))) = {fn, #fn}

#endif
