/*
 * QEMU's standard VGA (and Bochs, VirtualBox's VBoxVGA): PCI 1234:1111. The
 * "DISPI" registers behind I/O ports 0x1ce/0x1cf set a linear framebuffer
 * mode directly, no BIOS needed, so -kernel boots get graphics too. The
 * framebuffer is BAR 0. A framebuffer already handed over by the boot
 * loader (fb-multiboot) is kept instead.
 */
#include <errno.h>
#include <arch/cpu.h>
#include <yolk-config/driver-bochs-vbe.h>
#include <yolk/fb.h>
#include <yolk/mm.h>
#include <yolk/pci.h>

#define DISPI_INDEX 0x1ce
#define DISPI_DATA 0x1cf
#define DISPI_ID 0
#define DISPI_XRES 1
#define DISPI_YRES 2
#define DISPI_BPP 3
#define DISPI_ENABLE 4
#define DISPI_VIRT_WIDTH 6

#define DISPI_ID_MIN 0xb0c0  /* ids 0xb0c0..0xb0c5 are the versions */
#define DISPI_ENABLED 0x01
#define DISPI_LFB_ENABLED 0x40

static void dispi_write(uint16_t reg, uint16_t v)
{
	outw(DISPI_INDEX, reg);
	outw(DISPI_DATA, v);
}

static uint16_t dispi_read(uint16_t reg)
{
	outw(DISPI_INDEX, reg);
	uint16_t v;
	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"((uint16_t)DISPI_DATA));
	return v;
}

static int bochs_probe(const struct pci_dev *d)
{
	uint64_t base, size;
	int io;
	if (fb_get() || pci_bar(d, 0, &base, &size, &io) || io)
		return -ENODEV;
	if ((dispi_read(DISPI_ID) & 0xfff0) != DISPI_ID_MIN)
		return -ENODEV;
	uint32_t w = CONFIG_BOCHS_VBE_WIDTH, h = CONFIG_BOCHS_VBE_HEIGHT;
	if ((uint64_t)w * h * 4 > size)
		return -ENOSPC; /* the configured mode does not fit in the device's memory */
	pci_enable(d);
	dispi_write(DISPI_ENABLE, 0);
	dispi_write(DISPI_XRES, (uint16_t)w);
	dispi_write(DISPI_YRES, (uint16_t)h);
	dispi_write(DISPI_BPP, 32);
	dispi_write(DISPI_VIRT_WIDTH, (uint16_t)w);
	dispi_write(DISPI_ENABLE, DISPI_ENABLED | DISPI_LFB_ENABLED);
	void *fb = vm_map_mmio(base, (size_t)w * h * 4);
	if (fb == NULL)
		return -ENOMEM;
	struct fb_info info = {"bochs-vbe", fb, base, w, h, w * 4, 32, 16, 8, 0};
	return fb_register(&info);
}

static const struct pci_id bochs_ids[] = {{0x1234, 0x1111}, {0, 0}};
static const struct pci_driver bochs_vbe = {"bochs-vbe", bochs_ids, bochs_probe};
YOLK_PCI_DRIVER(bochs_vbe);
