/*
 * `nes [ROM] [--frames N] [--input SCRIPT] [--unthrottled] [--hold]`: the
 * yolk frontend. Runs the ROM on the framebuffer at the NTSC frame rate
 * (60.0988/s, paced by the timer), controller 1 from the console keys
 * (keys.c) and, if given, an input script (as nes-host takes it).
 * Without ROM: CONFIG_APP_NES_ROM, or the first *.nes in /.
 * --frames N stops after N frames (--hold then keeps the picture until a
 * key or the machine stops); --unthrottled runs as fast as it can;
 * --no-draw emulates without showing frames (bench/nes.sh: the cost of drawing);
 * --log-buttons prints controller 1's buttons when they change (tests).
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <yolk-config/app-nes.h>
#include "keys.h"
#include "mapper.h"
#include "romfile.h"
#include "screen.h"

struct options {
	const char *rom;
	unsigned long frames; /* 0: until Q */
	bool unthrottled, hold, no_draw, log_buttons;
	struct pad_script script;
};

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void sleep_until(uint64_t t)
{
	uint64_t now = now_ns();
	if (t <= now)
		return;
	struct timespec d = {(time_t)((t - now) / 1000000000u), (long)((t - now) % 1000000000u)};
	nanosleep(&d, NULL);
}

/* The first *.nes file in /, in a static buffer; NULL if none. */
static const char *first_rom(void)
{
	static char path[300];
	DIR *d = opendir("/");
	struct dirent *e;
	path[0] = 0;
	while (d && (e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		if (len > 4 && strcasecmp(e->d_name + len - 4, ".nes") == 0 &&
		    (!path[0] || strcmp(e->d_name, path + 1) < 0))
			snprintf(path, sizeof(path), "/%s", e->d_name);
	}
	if (d)
		closedir(d);
	return path[0] ? path : NULL;
}

static int parse_options(int argc, char **argv, struct options *o)
{
	memset(o, 0, sizeof(*o));
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--frames") && i + 1 < argc)
			o->frames = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--input") && i + 1 < argc &&
		         pad_script_parse(&o->script, argv[i + 1]) == 0)
			i++;
		else if (!strcmp(argv[i], "--unthrottled"))
			o->unthrottled = true;
		else if (!strcmp(argv[i], "--hold"))
			o->hold = true;
		else if (!strcmp(argv[i], "--no-draw"))
			o->no_draw = true;
		else if (!strcmp(argv[i], "--log-buttons"))
			o->log_buttons = true;
		else if (argv[i][0] != '-' && o->rom == NULL)
			o->rom = argv[i];
		else
			return -1;
	}
	if (o->rom == NULL)
		o->rom = CONFIG_APP_NES_ROM[0] ? CONFIG_APP_NES_ROM : first_rom();
	return 0;
}

/* Reads what the console has, a byte at a time so that what follows a Q is left to the shell; 1 if Q was
 * pressed. */
static int poll_keys(struct keys *k, uint64_t frame)
{
	char c;
	while (read(0, &c, 1) == 1)
		if (keys_feed(k, c, frame))
			return 1;
	return 0;
}

struct run {
	uint64_t frames, busy_ns, start_ns;
	bool quit;
};

/* Emulates and shows frames until Q, the frame limit or a jam; -1 if the CPU jammed. */
static int run(struct nes *n, const struct options *o, struct screen *s, struct run *r)
{
	static struct keys keys;
	uint64_t next = now_ns();
	r->start_ns = next;
	while (!o->frames || r->frames < o->frames) {
		if (poll_keys(&keys, r->frames)) {
			r->quit = true;
			break;
		}
		uint64_t t0 = now_ns();
		uint8_t buttons =
		    (uint8_t)(pad_script_at(&o->script, r->frames) | keys_buttons(&keys, r->frames));
		if (o->log_buttons && buttons != n->pad[0].buttons)
			printf("nes: frame %llu: buttons $%02x\n", (unsigned long long)r->frames, buttons);
		n->pad[0].buttons = buttons;
		if (nes_run_frame(n) != 0)
			return -1;
		if (!o->no_draw)
			screen_draw(s, (const uint8_t(*)[NES_WIDTH])n->ppu.pixels, false);
		r->frames++;
		uint64_t t1 = now_ns();
		r->busy_ns += t1 - t0;
		if (o->unthrottled)
			continue;
		next += NES_FRAME_NS;
		if (next + NES_FRAME_NS < t1)
			next = t1; /* far behind: do not try to catch up with a burst */
		sleep_until(next);
	}
	return 0;
}

static void report(const struct run *r)
{
	double wall = (double)(now_ns() - r->start_ns) / 1e9;
	printf("nes: %llu frames in %.2f s: %.1f fps, busy %.0f%% of the time\n",
	       (unsigned long long)r->frames, wall, wall > 0 ? (double)r->frames / wall : 0.0,
	       wall > 0 ? 100.0 * (double)r->busy_ns / 1e9 / wall : 0.0);
}

static void announce(const char *rom, const struct nes *n, const struct screen *s)
{
	printf("nes: %s: mapper %d (%s), %zu KiB PRG, %zu KiB CHR %s; %ux%ux%u screen from %s, scale %d at "
	       "(%d,%d)\n",
	       rom, n->cart.mapper, n->cart.ops->name, n->cart.prg_size >> 10, n->cart.chr_size >> 10,
	       n->cart.chr_is_ram ? "RAM" : "ROM", s->fb->width, s->fb->height, s->fb->bpp, s->fb->driver,
	       s->scale, s->left, s->top);
}

/* Keeps the last frame on the screen until a key (the tests take a screendump of it). */
static void hold_picture(struct screen *s, const struct nes *n, uint64_t frames)
{
	printf("nes: holding frame %llu; a key ends\n", (unsigned long long)frames);
	fflush(stdout);
	/* A console on the framebuffer (fbcon) may have drawn the text over the picture. */
	screen_draw(s, (const uint8_t(*)[NES_WIDTH])n->ppu.pixels, true);
	char c;
	fcntl(0, F_SETFL, fcntl(0, F_GETFL) & ~O_NONBLOCK);
	(void)read(0, &c, 1);
}

int main(int argc, char **argv)
{
	static struct nes n;
	static struct options o;
	struct romfile rom;
	static struct screen s;
	struct run r = {0};
	if (parse_options(argc, argv, &o) != 0 || o.rom == NULL) {
		fprintf(
		    stderr,
		    "usage: nes ROM.nes [--frames N] [--input FRAME:BUTTONS,...] [--unthrottled] [--hold]\n"
		    "(no ROM given and no *.nes in /)\n");
		return 1;
	}
	if (screen_open(&s) != 0) {
		fprintf(stderr, "nes: no framebuffer of at least 256x240 (select a display driver: "
		                "bochs-vbe, fb-multiboot)\n");
		return 1;
	}
	if (romfile_open(&rom, &n, o.rom) != 0)
		return 2;
	announce(o.rom, &n, &s);
	int console_flags = fcntl(0, F_GETFL);
	fcntl(0, F_SETFL, console_flags | O_NONBLOCK);
	int status = run(&n, &o, &s, &r);
	if (status != 0)
		fprintf(stderr, "nes: the CPU stopped at $%04x on opcode $%02x (not an official opcode)\n",
		        n.cpu.pc, n.cpu.jam_opcode);
	report(&r);
	romfile_save(&rom, &n);
	if (status == 0 && o.hold && !r.quit)
		hold_picture(&s, &n, r.frames);
	fcntl(0, F_SETFL, console_flags); /* the shell reads the console after us */
	romfile_close(&rom);
	return status == 0 ? 0 : 3;
}
