#!/usr/bin/env python3
"""A text console, read back the way a person reads a screen: print known
lines, take a QEMU screendump, and decode the text from the pixels cell by
cell, matching each 8x16 glyph against Debian's Lat15-VGA16 font (the one
fbcon draws with).

VGA text mode draws with the card's ROM font, an IBM design that differs
from Debian's in a few glyphs (T, w, 0 ...). There the guest first prints
every printable character; the test requires most of those glyphs to be
exactly Debian's, then reads the other lines with the glyphs it saw.

Usage: screen_text_test.py IMAGE OUT_DIR CELL_WIDTH (font|calibrate) [QEMU-ARG...]"""
import os
import sys

from screen import Guest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import psf2c  # noqa: E402

FONT = "/usr/share/consolefonts/Lat15-VGA16.psf.gz"
LINES = ["hello yolk", "fbcon: The quick brown fox, 0123456789 !?#"]


def cell(w, rgb, row, col, cell_w):
    bits = []
    for y in range(16):
        byte = 0
        for x in range(8):
            i = 3 * ((row * 16 + y) * w + col * cell_w + x)
            byte = byte << 1 | (rgb[i] + rgb[i + 1] + rgb[i + 2] > 384)
        bits.append(byte)
    return bytes(bits)


def decode(w, h, rgb, glyph_of, first_row, rows, cell_w):
    lines = []
    for row in range(first_row, first_row + rows):
        text = "".join(glyph_of.get(cell(w, rgb, row, col, cell_w), "\ufffd") for col in range(w // cell_w))
        lines.append(text.rstrip())
    return lines


def main():
    image, outdir, cell_w, mode = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    qemu_args = [f"--qemu-arg={a}" for a in sys.argv[5:]]
    os.makedirs(outdir, exist_ok=True)
    glyphs, unicode = psf2c.load(FONT)
    glyph_of = {}
    for cp in range(32, 127):
        glyph_of.setdefault(bytes(glyphs[unicode[cp]]), chr(cp))
    calibrate = mode == "calibrate"
    guest = Guest(["--kernel", image, "--cmdline", "app=ktest show " + ("--charset " if calibrate else "") +
                   " ".join(f"'{l}'" for l in LINES)] + qemu_args)
    guest.wait_for(LINES[-1])
    w, h, rgb = guest.screendump(os.path.join(outdir, "screen.ppm"))
    guest.quit()
    first_row, ok = 0, True
    if calibrate:
        cols = w // cell_w
        seen_glyphs = {chr(c): cell(w, rgb, (c - 32) // cols, (c - 32) % cols, cell_w) for c in range(32, 127)}
        debian = {ch: bytes(glyphs[unicode[ord(ch)]]) for ch in seen_glyphs}
        same = sum(seen_glyphs[ch] == debian[ch] for ch in seen_glyphs)
        worst = max(sum(bin(a ^ b).count("1") for a, b in zip(seen_glyphs[ch], debian[ch])) for ch in seen_glyphs)
        # Measured with QEMU 7.2's VGA ROM font: 81 of 95 exact, the rest a few pixels off.
        ok = same >= 0.75 * len(seen_glyphs) and worst <= 24
        print(("ok: " if ok else "FAIL: ") + f"{same} of {len(seen_glyphs)} printable glyphs are Debian's exactly, "
              f"the others at most {worst} pixels off")
        glyph_of = {g: ch for ch, g in reversed(list(seen_glyphs.items()))}
        first_row = (95 + cols - 1) // cols
    seen = decode(w, h, rgb, glyph_of, first_row, len(LINES), cell_w)
    ok = ok and seen == LINES
    for want, got in zip(LINES, seen):
        print(("ok: " if want == got else "FAIL: ") + f"screen line {got!r} (want {want!r})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
