/* Fans console output out to every registered device; polls them for input. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <arch/cpu.h>
#include <yolk-config/core.h>
#include <yolk/console.h>
#include <yolk/panic.h>
#include <yolk/param.h>
#include <yolk/spinlock.h>

extern const struct console *const __start_yolk_console[], *const __stop_yolk_console[];

/*
 * console_lock makes each console_write() one piece on every device (no
 * other CPU's output in the middle) and protects additions to live[].
 * Devices are only ever added, each before nlive counts it (a release
 * store), so input polling reads the list without the lock.
 */
static struct spinlock console_lock = SPINLOCK_INIT("console", LOCK_RANK_CONSOLE);
#define MAX_LIVE 8
static const struct console *live[MAX_LIVE];
static size_t nlive;

static size_t live_count(void) { return __atomic_load_n(&nlive, __ATOMIC_ACQUIRE); }

static void live_append(const struct console *c)
{
	KASSERT(spin_held(&console_lock));
	live[nlive] = c;
	__atomic_store_n(&nlive, nlive + 1, __ATOMIC_RELEASE);
}

void console_init(void)
{
	for (const struct console *const *c = __start_yolk_console; c < __stop_yolk_console; c++) {
		if (live_count() < MAX_LIVE && (*c)->ops->init() == 0) {
			int irq = spin_lock_irqsave(&console_lock);
			live_append(*c);
			spin_unlock_irqrestore(&console_lock, irq);
		}
	}
}

int console_add(const struct console *c)
{
	if (live_count() >= MAX_LIVE)
		return -ENOSPC;
	int r = c->ops->init();
	if (r != 0)
		return r < 0 ? r : -EIO;
	int irq = spin_lock_irqsave(&console_lock);
	int room = nlive < MAX_LIVE;
	if (room)
		live_append(c);
	spin_unlock_irqrestore(&console_lock, irq);
	return room ? 0 : -ENOSPC;
}

static void write_all(const char *buf, size_t len)
{
	for (size_t i = 0, n = live_count(); i < n; i++)
		live[i]->ops->write(buf, len);
}

void console_write(const char *buf, size_t len)
{
	/* A panic's report must get out even if it began inside a write (this CPU holds the lock). */
	if (panic_in_progress()) {
		write_all(buf, len);
		return;
	}
	int irq = spin_lock_irqsave(&console_lock);
	write_all(buf, len);
	spin_unlock_irqrestore(&console_lock, irq);
}

static int console_poll(void)
{
	for (size_t i = 0, n = live_count(); i < n; i++) {
		int c = live[i]->ops->getc ? live[i]->ops->getc() : -1;
		if (c >= 0)
			return c;
	}
	return -1;
}

ssize_t console_read(char *buf, size_t len)
{
	size_t n = 0;
	int c;
	if (len == 0)
		return 0;
	/* The timer tick (or a device interrupt) ends each idle wait. */
	while ((c = console_poll()) < 0)
		cpu_idle();
	do
		buf[n++] = (char)c;
	while (n < len && (c = console_poll()) >= 0);
	return (ssize_t)n;
}

static void vkprintf(const char *prefix, const char *fmt, va_list ap)
{
	char buf[512];
	size_t p = strlen(prefix);
	memcpy(buf, prefix, p);
	int n = vsnprintf(buf + p, sizeof(buf) - p, fmt, ap);
	if (n > (int)(sizeof(buf) - p) - 1)
		n = (int)(sizeof(buf) - p) - 1;
	if (n > 0)
		console_write(buf, p + (size_t)n);
}

ssize_t console_read_nowait(char *buf, size_t len)
{
	size_t n = 0;
	int c;
	while (n < len && (c = console_poll()) >= 0)
		buf[n++] = (char)c;
	return n || len == 0 ? (ssize_t)n : -EAGAIN;
}

void kprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vkprintf("", fmt, ap);
	va_end(ap);
}

static int log_level = CONFIG_LOG_LEVEL;

/* loglevel=N: more (or fewer) kernel messages than CONFIG_LOG_LEVEL, from the command line on. */
static const char *param_loglevel(const char *v)
{
	if (v[0] < '0' || v[0] > '4' || v[1] != '\0')
		return "expected 0 (errors) .. 4 (debug)";
	log_level = v[0] - '0';
	return NULL;
}
YOLK_PARAM(loglevel, param_loglevel);

void klog(int level, const char *fmt, ...)
{
	va_list ap;
	if (level > log_level)
		return;
	va_start(ap, fmt);
	vkprintf("yolk: ", fmt, ap);
	va_end(ap);
}
