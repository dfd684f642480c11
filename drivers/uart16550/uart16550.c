/*
 * 16550 UART on COM1 (I/O port 0x3f8), 115200 8N1, polled. Output converts
 * "\n" to "\r\n" so a terminal on the other end shows lines properly.
 */
#include <errno.h>
#include <arch/cpu.h>
#include <yolk/console.h>

#define COM1 0x3f8
#define UART_THR 0 /* transmit holding (write) / receive buffer (read) */
#define UART_IER 1
#define UART_DLL 0 /* divisor latch, with LCR.DLAB */
#define UART_DLM 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_SCR 7

#define LCR_8N1 0x03
#define LCR_DLAB 0x80
#define MCR_DTR_RTS_OUT2 0x0b
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20

#define UART_CLOCK 115200

/* Bytes that arrived before init: enabling the FIFO would drop them. */
static char early_rx[16];
static unsigned early_head, early_tail;

static int uart_init(void)
{
	/* The scratch register tells whether a UART is there at all. */
	outb(COM1 + UART_SCR, 0x5a);
	if (inb(COM1 + UART_SCR) != 0x5a)
		return -ENODEV;
	outb(COM1 + UART_IER, 0);
	while ((inb(COM1 + UART_LSR) & LSR_DATA_READY) && early_tail < sizeof(early_rx))
		early_rx[early_tail++] = (char)inb(COM1 + UART_THR);
	outb(COM1 + UART_LCR, LCR_DLAB);
	outb(COM1 + UART_DLL, UART_CLOCK / 115200);
	outb(COM1 + UART_DLM, 0);
	outb(COM1 + UART_LCR, LCR_8N1);
	/*
	 * FIFO off. With it on, QEMU's UART drops the 17th byte of a burst that
	 * arrives while the guest is not polling (seen with 24 guests booting at
	 * once: the 'q' of "quit" vanished in 15 of 24 runs). Without it QEMU
	 * offers one byte at a time and loses none. Polled input at 115200 baud
	 * on real hardware needs the receive interrupt, which comes with the
	 * IOAPIC; until then typing is fine, pasting may drop bytes.
	 */
	outb(COM1 + UART_FCR, 0);
	outb(COM1 + UART_MCR, MCR_DTR_RTS_OUT2);
	return 0;
}

static void uart_putc(char c)
{
	/* Bounded wait: a wedged UART must not hang a panic message forever. */
	for (int spin = 0; spin < 100000 && !(inb(COM1 + UART_LSR) & LSR_THR_EMPTY); spin++)
		cpu_pause();
	outb(COM1 + UART_THR, (uint8_t)c);
}

static void uart_write(const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '\n')
			uart_putc('\r');
		uart_putc(buf[i]);
	}
}

static int uart_getc(void)
{
	if (early_head < early_tail)
		return (unsigned char)early_rx[early_head++];
	if (!(inb(COM1 + UART_LSR) & LSR_DATA_READY))
		return -1;
	return inb(COM1 + UART_THR);
}

static const struct console_ops uart_ops = {
	.init = uart_init,
	.write = uart_write,
	.getc = uart_getc,
};

static const struct console uart16550_console = {.name = "ttyS0", .ops = &uart_ops};
YOLK_CONSOLE(uart16550_console);
