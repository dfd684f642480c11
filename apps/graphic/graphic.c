/*
 * A Lissajous figure, as in eggos' graphic example: x = sin(3t + phase),
 * y = sin(2t), redrawn every frame with the phase moving, at a steady frame
 * rate, into the back buffer and then onto the screen.
 *
 *   graphic [SECONDS [FPS]]   run for SECONDS (default 10, 0 = forever) or until a key
 */
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <yolk/fb.h>

#define STEPS 2000
#define BACKGROUND 0x101820
#define CURVE 0xffc020

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void draw(struct canvas *c, double phase)
{
	int cx = (int)c->width / 2, cy = (int)c->height / 2;
	double rx = c->width * 0.45, ry = c->height * 0.45;
	canvas_clear(c, BACKGROUND);
	int px = 0, py = 0;
	for (int i = 0; i <= STEPS; i++) {
		double t = 2 * M_PI * i / STEPS;
		int x = cx + (int)lround(rx * sin(3 * t + phase));
		int y = cy - (int)lround(ry * sin(2 * t));
		if (i)
			canvas_line(c, px, py, x, y, CURVE);
		px = x;
		py = y;
	}
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 10;
	int fps = argc > 2 ? atoi(argv[2]) : 30;
	struct canvas *c = fb_canvas();
	if (c == NULL) {
		fprintf(stderr, "graphic: no framebuffer (select a display driver: bochs-vbe, fb-multiboot)\n");
		return 1;
	}
	if (fps < 1)
		fps = 1;
	const struct fb_info *fb = fb_get();
	printf("graphic: %ux%u, %u bpp from %s, %d fps\n", fb->width, fb->height, fb->bpp, fb->driver, fps);
	uint64_t frame_ns = 1000000000u / (uint64_t)fps, start = now_ns(), next = start;
	long frames = 0;
	char key;
	fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);
	while (seconds <= 0 || now_ns() - start < (uint64_t)(seconds * 1e9)) {
		if (read(0, &key, 1) == 1) {
			printf("graphic: stopped by a key\n");
			break;
		}
		draw(c, frames * 0.05);
		fb_present(c);
		frames++;
		next += frame_ns;
		uint64_t now = now_ns();
		if (next > now) {
			struct timespec d = {(time_t)((next - now) / 1000000000u), (long)((next - now) % 1000000000u)};
			nanosleep(&d, NULL);
		} else {
			next = now; /* behind: do not try to catch up with a burst */
		}
	}
	printf("graphic: %ld frames in %.1f s\n", frames, (now_ns() - start) / 1e9);
	return 0;
}
