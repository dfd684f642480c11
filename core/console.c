/* Fans console output out to every registered device; polls them for input. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <arch/cpu.h>
#include <yolk-config/core.h>
#include <yolk/console.h>
#include <yolk/param.h>

extern const struct console *const __start_yolk_console[], *const __stop_yolk_console[];

#define MAX_LIVE 8
static const struct console *live[MAX_LIVE];
static size_t nlive;

void console_init(void)
{
	for (const struct console *const *c = __start_yolk_console; c < __stop_yolk_console; c++)
		if (nlive < MAX_LIVE && (*c)->ops->init() == 0)
			live[nlive++] = *c;
}

int console_add(const struct console *c)
{
	int irq = irq_save();
	int ok = nlive < MAX_LIVE;
	irq_restore(irq);
	if (!ok)
		return -ENOSPC;
	int r = c->ops->init();
	if (r != 0)
		return r < 0 ? r : -EIO;
	irq = irq_save();
	live[nlive++] = c;
	irq_restore(irq);
	return 0;
}

void console_write(const char *buf, size_t len)
{
	for (size_t i = 0; i < nlive; i++)
		live[i]->ops->write(buf, len);
}

static int console_poll(void)
{
	for (size_t i = 0; i < nlive; i++) {
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
