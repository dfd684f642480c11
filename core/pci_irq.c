/*
 * Interrupts for PCI devices: MSI-X, MSI, or the legacy INTx line through the
 * I/O APIC. Message-signalled interrupts get a vector each and go straight
 * to one CPU's local APIC; INTx lines are level-triggered and may be
 * shared, so one vector per line calls every handler on it. Which CPU: the
 * boot CPU, or irqaffinity=N's, until irq_set_affinity() moves a vector
 * (yolk/irq.h): its MSI/MSI-X address or its line's I/O APIC entry is
 * rewritten with the new CPU's APIC id.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <arch/cpu.h>
#include <arch/trap.h>
#include <yolk/console.h>
#include <yolk/cpu.h>
#include <yolk/irq.h>
#include <yolk/mm.h>
#include <yolk/param.h>
#include <yolk/pci.h>
#include <yolk/spinlock.h>

#define PCI_COMMAND 0x04
#define PCI_COMMAND_INTX_DISABLE 0x400
#define PCI_INTERRUPT_PIN 0x3d

#define MSI_ADDRESS_BASE 0xfee00000u /* + destination APIC id << 12 */
#define MSI_CTRL_ENABLE 0x1
#define MSI_CTRL_MME_MASK 0x70 /* multiple message enable: 0 = one vector */
#define MSI_CTRL_64BIT 0x80

#define MSIX_CTRL_ENABLE 0x8000
#define MSIX_CTRL_FUNCTION_MASK 0x4000
#define MSIX_CTRL_TABLE_SIZE 0x7ff /* entries - 1 */
#define MSIX_ENTRY_SIZE 16
#define MSIX_ENTRY_CTRL_MASKED 0x1

#define MAX_HANDLERS 32

struct handler {
	void (*fn)(void *arg);
	void *arg;
	int line; /* INTx: the interrupt line it shares; -1 for MSI/MSI-X */
	int kind;
	unsigned vector;         /* MSI/MSI-X: its own; INTx: line_vector[line] */
	struct pci_dev dev;      /* which function (pci_irq_vectors) */
	uint8_t cap;             /* MSI: the capability's offset */
	volatile uint32_t *msix; /* MSI-X: its table entry */
};

/*
 * pci_irq_lock protects the table's growth and line_vector. Entries are
 * only ever added, each complete before nhandlers counts it (a release
 * store), so the interrupt side reads them without the lock.
 */
static struct spinlock pci_irq_lock = SPINLOCK_INIT("pci irq", LOCK_RANK_PCI_IRQ);
static struct handler handlers[MAX_HANDLERS];
static int nhandlers;
static int line_vector[256]; /* INTx line -> vector, 0 if not routed yet */
static int max_kind = PCI_IRQ_MSIX;
static int vector_cpu[256];  /* the CPU a routed vector goes to */
static unsigned default_cpu; /* irqaffinity=N */

static const char *param_pci_irq(const char *v)
{
	static const char *const names[] = {"intx", "msi", "msix"};
	for (int k = 0; k < 3; k++)
		if (strcmp(v, names[k]) == 0) {
			max_kind = k + 1;
			return NULL;
		}
	return "expected intx, msi or msix";
}
YOLK_PARAM(pci_irq, param_pci_irq);

static const char *param_irqaffinity(const char *v)
{
	unsigned n = 0;
	if (*v == 0)
		return "expected a CPU number";
	for (; *v; v++) {
		if (*v < '0' || *v > '9' || n > 100000)
			return "expected a CPU number";
		n = n * 10 + (unsigned)(*v - '0');
	}
	default_cpu = n;
	return NULL;
}
YOLK_PARAM(irqaffinity, param_irqaffinity);

/*
 * The CPU a new device interrupt goes to: irqaffinity's if it is online
 * (drivers start after smp_boot(), so every CPU that will come up has),
 * else the boot CPU, which is always online.
 */
static unsigned new_irq_cpu(void)
{
	static int warned;
	if (default_cpu != 0 && !cpu_is_online(default_cpu)) {
		if (!warned++)
			klog(KLOG_WARN,
			     "irqaffinity=%u: cpu %u is not online; device interrupts go to cpu 0\n",
			     default_cpu, default_cpu);
		return 0;
	}
	return default_cpu;
}

static uint32_t msi_address(unsigned cpu)
{
	return MSI_ADDRESS_BASE | cpu_apic_id(cpu) << 12;
}

const char *pci_irq_name(int kind)
{
	return kind == PCI_IRQ_MSIX   ? "MSI-X"
	       : kind == PCI_IRQ_MSI  ? "MSI"
	       : kind == PCI_IRQ_INTX ? "INTx"
	                              : "none";
}

static void msi_entry(struct trap_frame *tf, void *arg)
{
	struct handler *h = arg;
	(void)tf;
	h->fn(h->arg);
}

static void intx_entry(struct trap_frame *tf, void *arg)
{
	int line = (int)(uintptr_t)arg, n = __atomic_load_n(&nhandlers, __ATOMIC_ACQUIRE);
	(void)tf;
	for (int i = 0; i < n; i++)
		if (handlers[i].line == line)
			handlers[i].fn(handlers[i].arg);
}

static void set_intx_disable(const struct pci_dev *d, int off)
{
	uint16_t cmd = pci_read16(d, PCI_COMMAND);
	pci_write16(d, PCI_COMMAND, off ? cmd | PCI_COMMAND_INTX_DISABLE : cmd & ~PCI_COMMAND_INTX_DISABLE);
}

/* Programs MSI-X table entry `entry` to send h's vector to `cpu` and unmasks it. 0 or -errno. */
static int msix_entry(const struct pci_dev *d, uint8_t cap, unsigned entry, struct handler *h, unsigned cpu)
{
	uint64_t base, size;
	int io;
	uint32_t table = pci_read32(d, cap + 4), off = (table & ~7u) + entry * MSIX_ENTRY_SIZE;
	if (entry > (pci_read16(d, cap + 2) & MSIX_CTRL_TABLE_SIZE) ||
	    pci_bar(d, table & 7, &base, &size, &io) || io || off + MSIX_ENTRY_SIZE > size)
		return -ENODEV;
	volatile uint32_t *e = vm_map_mmio(base + off, MSIX_ENTRY_SIZE);
	if (e == NULL)
		return -ENOMEM;
	e[0] = msi_address(cpu);
	e[1] = 0;
	e[2] = h->vector; /* fixed delivery, edge */
	e[3] = e[3] & ~MSIX_ENTRY_CTRL_MASKED;
	h->msix = e;
	return 0;
}

/* Entry 0 of the MSI-X table sends h's vector to `cpu`; the others stay masked. */
static int msix_setup(const struct pci_dev *d, struct handler *h, unsigned cpu)
{
	uint8_t cap = pci_find_cap(d, PCI_CAP_MSIX, 0);
	if (cap == 0)
		return -ENODEV;
	uint16_t ctrl = pci_read16(d, cap + 2);
	pci_write16(d, cap + 2, ctrl | MSIX_CTRL_ENABLE | MSIX_CTRL_FUNCTION_MASK);
	int r = msix_entry(d, cap, 0, h, cpu);
	if (r) {
		pci_write16(d, cap + 2, ctrl);
		return r;
	}
	set_intx_disable(d, 1);
	pci_write16(d, cap + 2, (ctrl | MSIX_CTRL_ENABLE) & ~MSIX_CTRL_FUNCTION_MASK);
	return 0;
}

static int msi_setup(const struct pci_dev *d, struct handler *h, unsigned cpu)
{
	uint8_t cap = pci_find_cap(d, PCI_CAP_MSI, 0);
	unsigned vector = h->vector;
	if (cap == 0)
		return -ENODEV;
	h->cap = cap;
	uint16_t ctrl = pci_read16(d, cap + 2);
	pci_write32(d, cap + 4, msi_address(cpu));
	if (ctrl & MSI_CTRL_64BIT) {
		pci_write32(d, cap + 8, 0);
		pci_write16(d, cap + 12, (uint16_t)vector);
	} else {
		pci_write16(d, cap + 8, (uint16_t)vector);
	}
	set_intx_disable(d, 1);
	pci_write16(d, cap + 2, (ctrl & ~MSI_CTRL_MME_MASK) | MSI_CTRL_ENABLE);
	return 0;
}

/* Routes the device's line once per line; later devices on it share the vector. pci_irq_lock held. */
static int intx_setup(const struct pci_dev *d, struct handler *h, unsigned cpu)
{
	KASSERT(spin_held(&pci_irq_lock));
	uint8_t line = d->irq_line;
	if (pci_read8(d, PCI_INTERRUPT_PIN) == 0 || line == 0 || line == 0xff)
		return -ENODEV;
	if (line_vector[line] == 0) {
		int v = irq_alloc_vector();
		if (v < 0)
			return -ENOSPC;
		irq_register((unsigned)v, intx_entry, (void *)(uintptr_t)line);
		if (ioapic_route(line, (unsigned)v, IOAPIC_LEVEL | IOAPIC_ACTIVE_LOW, cpu_apic_id(cpu)) < 0) {
			irq_register((unsigned)v, NULL, NULL);
			return -ENODEV;
		}
		line_vector[line] = v;
		vector_cpu[v] = (int)cpu;
	}
	h->line = line;
	h->vector = (unsigned)line_vector[line];
	set_intx_disable(d, 0);
	return 0;
}

/* Tries one kind; on success the handler slot is live. */
static int try_kind(const struct pci_dev *d, int kind, struct handler *h)
{
	unsigned cpu = new_irq_cpu();
	h->kind = kind;
	if (kind == PCI_IRQ_INTX)
		return intx_setup(d, h, cpu);
	int v = irq_alloc_vector();
	if (v < 0)
		return -ENOSPC;
	h->vector = (unsigned)v;
	irq_register((unsigned)v, msi_entry, h);
	int r = kind == PCI_IRQ_MSIX ? msix_setup(d, h, cpu) : msi_setup(d, h, cpu);
	if (r)
		irq_register((unsigned)v, NULL, NULL);
	else
		vector_cpu[v] = (int)cpu;
	return r;
}

int pci_irq_setup(const struct pci_dev *d, unsigned allow, void (*fn)(void *arg), void *arg)
{
	int on = spin_lock_irqsave(&pci_irq_lock), r = -ENODEV;
	if (nhandlers == MAX_HANDLERS) {
		spin_unlock_irqrestore(&pci_irq_lock, on);
		return -ENOSPC;
	}
	struct handler *h = &handlers[nhandlers];
	*h = (struct handler){fn, arg, -1, 0, 0, *d, 0, NULL};
	for (int kind = max_kind; kind >= PCI_IRQ_INTX; kind--) {
		if (!(allow & PCI_IRQ_ALLOW(kind)) || (r = try_kind(d, kind, h)) != 0)
			continue;
		__atomic_store_n(&nhandlers, nhandlers + 1, __ATOMIC_RELEASE);
		spin_unlock_irqrestore(&pci_irq_lock, on);
		klog(KLOG_INFO, "pci %02x:%02x.%x: %s interrupt\n", d->bus, d->dev, d->fn,
		     pci_irq_name(kind));
		return kind;
	}
	spin_unlock_irqrestore(&pci_irq_lock, on);
	return r;
}

int pci_irq_add_msix(const struct pci_dev *d, unsigned entry, void (*fn)(void *arg), void *arg)
{
	uint8_t cap = pci_find_cap(d, PCI_CAP_MSIX, 0);
	if (cap == 0 || !(pci_read16(d, cap + 2) & MSIX_CTRL_ENABLE) || entry == 0)
		return -ENODEV;
	int on = spin_lock_irqsave(&pci_irq_lock), v = nhandlers == MAX_HANDLERS ? -ENOSPC : irq_alloc_vector(), r = -ENOSPC;
	if (v >= 0) {
		struct handler *h = &handlers[nhandlers];
		unsigned cpu = new_irq_cpu();
		*h = (struct handler){fn, arg, -1, PCI_IRQ_MSIX, (unsigned)v, *d, 0, NULL};
		irq_register((unsigned)v, msi_entry, h);
		r = msix_entry(d, cap, entry, h, cpu);
		if (r) {
			irq_register((unsigned)v, NULL, NULL);
		} else {
			vector_cpu[v] = (int)cpu;
			__atomic_store_n(&nhandlers, nhandlers + 1, __ATOMIC_RELEASE);
			r = v;
		}
	}
	spin_unlock_irqrestore(&pci_irq_lock, on);
	return r;
}

int pci_irq_vectors(const struct pci_dev *d, unsigned *vectors, int max)
{
	int on = spin_lock_irqsave(&pci_irq_lock), n = 0;
	for (int i = 0; i < nhandlers && n < max; i++) {
		const struct pci_dev *h = &handlers[i].dev;
		if (h->bus == d->bus && h->dev == d->dev && h->fn == d->fn)
			vectors[n++] = handlers[i].vector;
	}
	spin_unlock_irqrestore(&pci_irq_lock, on);
	return n;
}

/* Points one MSI/MSI-X handler's message at `cpu`. pci_irq_lock held. */
static void move_message(struct handler *h, unsigned cpu)
{
	if (h->kind == PCI_IRQ_MSIX) {
		/* Masked while the address changes: the device holds a message back, never sends half of one. */
		h->msix[3] |= MSIX_ENTRY_CTRL_MASKED;
		h->msix[0] = msi_address(cpu);
		h->msix[3] &= ~MSIX_ENTRY_CTRL_MASKED;
	} else {
		/* One 32-bit configuration write: the device sees the old address or the new. */
		pci_write32(&h->dev, h->cap + 4, msi_address(cpu));
	}
}

int irq_set_affinity(unsigned vector, unsigned cpu)
{
	if (!cpu_is_online(cpu))
		return -EINVAL;
	int on = spin_lock_irqsave(&pci_irq_lock), r = -ENOENT;
	for (int line = 0; line < 256 && vector < 256; line++)
		if (line_vector[line] == (int)vector)
			r = ioapic_set_dest((unsigned)line, cpu_apic_id(cpu));
	for (int i = 0; i < nhandlers && r == -ENOENT; i++)
		if (handlers[i].kind != PCI_IRQ_INTX && handlers[i].vector == vector) {
			move_message(&handlers[i], cpu);
			r = 0;
		}
	if (r == 0)
		vector_cpu[vector] = (int)cpu;
	spin_unlock_irqrestore(&pci_irq_lock, on);
	return r;
}

int irq_get_affinity(unsigned vector)
{
	int on = spin_lock_irqsave(&pci_irq_lock), r = -ENOENT;
	for (int i = 0; i < nhandlers; i++)
		if (handlers[i].vector == vector)
			r = vector_cpu[vector];
	spin_unlock_irqrestore(&pci_irq_lock, on);
	return r;
}
