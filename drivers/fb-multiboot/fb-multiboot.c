/*
 * The linear framebuffer a multiboot2 loader (GRUB: VBE under BIOS, GOP under
 * UEFI) set up because our header asked for one. UEFI PCs have no VGA text
 * mode, so this is how an ISO-booted yolk gets a screen there.
 */
#include <errno.h>
#include <stdint.h>
#include <yolk-config/driver-fb-multiboot.h>
#include <yolk/boot.h>
#include <yolk/console.h>
#include <yolk/fb.h>
#include <yolk/init.h>
#include <yolk/mm.h>

#define MB2_TAG_FRAMEBUFFER_REQUEST 5
#define MB2_TAG_OPTIONAL 1
#define MB2_FB_TYPE_RGB 1

/* Asks the loader for this mode; optional, so a loader that cannot still boots us. */
static const struct {
	uint16_t type, flags;
	uint32_t size, width, height, depth;
} fb_request __attribute__((used, aligned(8), section(".multiboot2.tag"))) = {
	MB2_TAG_FRAMEBUFFER_REQUEST, MB2_TAG_OPTIONAL, 20,
	CONFIG_FB_MULTIBOOT_WIDTH, CONFIG_FB_MULTIBOOT_HEIGHT, 32,
};

static int fb_multiboot_init(void)
{
	const struct boot_framebuffer *f = &boot_info.fb;
	if (boot_info.loader != BOOT_LOADER_MULTIBOOT2 || f->addr == 0 || f->type != MB2_FB_TYPE_RGB)
		return 0; /* nothing handed over: not an error */
	void *base = vm_map_mmio(f->addr, (size_t)f->pitch * f->height);
	struct fb_info info = {"fb-multiboot", base, f->addr, f->width, f->height, f->pitch, f->bpp,
			       f->red_shift, f->green_shift, f->blue_shift};
	if (base == NULL || fb_register(&info) != 0) {
		klog(KLOG_WARN, "fb-multiboot: cannot use the %ux%u %u bpp framebuffer at 0x%lx\n", f->width,
		     f->height, f->bpp, (unsigned long)f->addr);
		return -ENODEV;
	}
	return 0;
}
YOLK_INIT(YOLK_INIT_FIRMWARE, fb_multiboot_init);
