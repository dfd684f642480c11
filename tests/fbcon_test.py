#!/usr/bin/env python3
"""fbcon, read back the way a person reads a screen: print known lines, take
a QEMU screendump, and decode the text from the pixels cell by cell, matching
each 8x16 cell against the glyphs of the same Debian font the image uses."""
import os
import sys

from screen import Guest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import psf2c  # noqa: E402

FONT = "/usr/share/consolefonts/Lat15-VGA16.psf.gz"
LINES = ["hello yolk", "fbcon: The quick brown fox, 0123456789 !?#"]


def decode(w, h, rgb, glyph_of, rows):
    lines = []
    for row in range(rows):
        text = ""
        for col in range(w // 8):
            bits = []
            for y in range(16):
                byte = 0
                for x in range(8):
                    i = 3 * ((row * 16 + y) * w + col * 8 + x)
                    byte = byte << 1 | (rgb[i] + rgb[i + 1] + rgb[i + 2] > 384)
                bits.append(byte)
            text += glyph_of.get(bytes(bits), "\ufffd")
        lines.append(text.rstrip())
    return lines


def main():
    image, outdir = sys.argv[1], sys.argv[2]
    os.makedirs(outdir, exist_ok=True)
    glyphs, unicode = psf2c.load(FONT)
    glyph_of = {}
    for cp in range(32, 127):
        glyph_of.setdefault(bytes(glyphs[unicode[cp]]), chr(cp))
    guest = Guest(["--kernel", image, "--cmdline", "app=ktest show " + " ".join(f"'{l}'" for l in LINES)])
    guest.wait_for(LINES[-1])
    w, h, rgb = guest.screendump(os.path.join(outdir, "fbcon.ppm"))
    guest.quit()
    seen = decode(w, h, rgb, glyph_of, len(LINES))
    ok = seen == LINES
    for want, got in zip(LINES, seen):
        print(("ok: " if want == got else "FAIL: ") + f"screen line {got!r} (want {want!r})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
