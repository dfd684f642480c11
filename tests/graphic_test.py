#!/usr/bin/env python3
"""apps/graphic, seen the way a person would: boot it, take two QEMU monitor
screendumps some time apart, and check the screen: the configured
resolution, the curve inside its expected box, the figure symmetric about
the vertical centre line (x = sin(3t + p), y = sin(2t) is, for every p), and
the two frames different (it animates).

Usage: graphic_test.py WIDTH HEIGHT DRIVER OUT_DIR RUNNER-ARGS...
(DRIVER: the display driver that must have provided the framebuffer)
"""
import os
import sys
import time

from screen import Guest, report

CURVE = (0xff, 0xc0, 0x20)


def curve_pixels(w, h, rgb):
    pts = set()
    for i in range(w * h):
        r, g, b = rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2]
        if abs(r - CURVE[0]) < 40 and abs(g - CURVE[1]) < 40 and abs(b - CURVE[2]) < 40:
            pts.add((i % w, i // w))
    return pts


def main():
    want_w, want_h, driver, outdir = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
    os.makedirs(outdir, exist_ok=True)
    guest = Guest(sys.argv[5:])
    guest.wait_for("graphic: ")
    time.sleep(1.5)
    a_shot = guest.screendump(os.path.join(outdir, "frame0.ppm"))
    time.sleep(0.8)
    b_shot = guest.screendump(os.path.join(outdir, "frame1.ppm"))
    code = guest.wait()
    serial = guest.serial()
    (w, h, a), (_, _, b) = a_shot, b_shot
    pa, pb = curve_pixels(w, h, a), curve_pixels(w, h, b)
    cx, cy = w // 2, h // 2
    xs, ys = [p[0] for p in pa] or [0], [p[1] for p in pa] or [0]
    near = lambda pts, x, y: any((x + dx, y + dy) in pts for dx in (-2, -1, 0, 1, 2) for dy in (-1, 0, 1))
    mirrored = sum(near(pa, 2 * cx - x, y) for x, y in pa) / max(len(pa), 1)
    differ = len(pa ^ pb) / max(len(pa | pb), 1)
    checks = {
        f"resolution {want_w}x{want_h} (got {w}x{h})": (w, h) == (want_w, want_h),
        f"framebuffer from {driver}": f" from {driver}," in serial,
        f"curve drawn ({len(pa)} pixels)": len(pa) > 2000,
        f"curve spans its box (x {min(xs)}..{max(xs)}, y {min(ys)}..{max(ys)})":
            abs(min(xs) - (cx - 0.45 * w)) < 0.03 * w and abs(max(xs) - (cx + 0.45 * w)) < 0.03 * w and
            abs(min(ys) - (cy - 0.45 * h)) < 0.03 * h and abs(max(ys) - (cy + 0.45 * h)) < 0.03 * h,
        f"symmetric about the vertical centre line ({mirrored:.1%} of pixels mirrored)": mirrored > 0.95,
        f"the two frames differ ({differ:.1%} of curve pixels)": differ > 0.05,
        f"the app ran to the end and exited 0 (exit {code})": code == 0 and "frames in" in serial,
    }
    return report(checks, serial)


if __name__ == "__main__":
    sys.exit(main())
