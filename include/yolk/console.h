/*
 * Console devices. A driver describes itself with a struct console and
 * registers with YOLK_CONSOLE(); core writes output to every registered
 * console and reads input from whichever has some.
 */
#ifndef YOLK_CONSOLE_H
#define YOLK_CONSOLE_H

#include <stddef.h>
#include <sys/types.h>

struct console_ops {
	int (*init)(void);                             /* 0 if the device is present and ready */
	void (*write)(const char *buf, size_t len);    /* called under console_lock, interrupts off */
	int (*getc)(void);                             /* a byte, or -1 if none is waiting */
};

struct console {
	const char *name;
	const struct console_ops *ops;
};

#define YOLK_CONSOLE(var)                                                                  \
	static const struct console *const console_entry_##var                               \
		__attribute__((used, section(".yolk_console"))) = &(var)

/* Brings up every registered console; called once, first thing at boot. */
void console_init(void);

/*
 * Adds a console that could not start at boot (one that needs a device found
 * later, like a framebuffer). Calls its init(); 0, -ENOSPC if no slot is
 * left, or init()'s error (-EIO if init() returned a positive value).
 */
int console_add(const struct console *c);

/* Writes to every live console. Safe from any context, including panic. */
void console_write(const char *buf, size_t len);

/* Reads at least one byte (blocking) and at most len bytes that are already waiting. */
ssize_t console_read(char *buf, size_t len);

/* Reads what is waiting, at most len bytes; -EAGAIN if nothing is. */
ssize_t console_read_nowait(char *buf, size_t len);

/* printf to the consoles without going through stdio buffers or locks. */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Kernel log levels (CONFIG_LOG_LEVEL picks how much is printed). */
#define KLOG_ERR 0
#define KLOG_WARN 1
#define KLOG_NOTICE 2
#define KLOG_INFO 3
#define KLOG_DEBUG 4

/* kprintf() prefixed with "yolk: ", if level is at most CONFIG_LOG_LEVEL. */
void klog(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
