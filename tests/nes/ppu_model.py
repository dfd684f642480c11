#!/usr/bin/env python3
"""The frames the PPU test ROMs must give, drawn by a model of the PPU
written from the nesdev wiki independently of apps/nes, compared pixel by
pixel with what the host frontend renders.

Usage: ppu_model.py SCENE NES_HOST ROM PALETTE_C OUT_DIR
SCENE: frame, frame16 (ppu_frame.s), split (ppu_split.s), mmc3 (mapper_mmc3.s).
PALETTE_C is apps/nes/palette.c (the RGB of the 64 colours).
"""
import os
import re
import subprocess
import sys

# The rows of chr_tiles.inc: (low plane, high plane) per tile.
TILES = [
    ([0] * 8, [0] * 8),
    ([0xff] * 8, [0] * 8),
    ([0] * 8, [0xff] * 8),
    ([0xff] * 8, [0xff] * 8),
    ([0xaa] * 8, [0] * 8),
    ([0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff], [0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]),
    ([0xf0, 0xc0, 1, 1, 1, 1, 1, 1], [0, 0xc0, 0, 0, 0, 0, 0, 0]),
    ([0x81, 0, 0, 0, 0, 0, 0, 0x3c], [0x81] * 8),
]


def pixel(tile, row, col):
    lo, hi = TILES[tile]
    return (lo[row] >> (7 - col) & 1) | (hi[row] >> (7 - col) & 1) << 1


def palette_ram(writes):
    """Palette RAM after writing `writes` from $3F00 on ($3F10/14/18/1C are $3F00/04/08/0C)."""
    ram = [0] * 32
    for i, v in enumerate(writes):
        ram[i & 0x0f if (i & 0x13) == 0x10 else i] = v
    return ram


def colour(ram, index):
    return ram[index & 0x0f if (index & 0x13) == 0x10 else index]


def sprite_layer(y, oam, height, bg, left_clip):
    """Sprite colour indices (0x10 + palette * 4 + c, or None) of line y over bg, OAM order priority."""
    out = [None] * 256
    owned = [False] * 256
    in_range = [s for s in oam if 0 <= y - 1 - s[0] < height][:8]
    for sy, tile, attr, sx in in_range:
        r = y - 1 - sy
        if attr & 0x80:
            r = height - 1 - r
        t = ((tile & 0xfe) + (r >= 8)) if height == 16 else tile
        for c in range(8):
            x = sx + c
            pc = pixel(t, r % 8, 7 - c if attr & 0x40 else c)
            if x > 255 or pc == 0 or (left_clip and x < 8) or owned[x]:
                continue
            owned[x] = True
            if not (attr & 0x20) or bg[x] == 0:
                out[x] = 0x10 | (attr & 3) << 2 | pc
    return out


def frame_scene(eight_by_sixteen):
    nt0 = [[[1, 2, 3, 4, 5][(c + 2 * r) % 5] for c in range(32)] for r in range(30)]
    nt1 = [[[3, 0, 4][(c + r) % 3] for c in range(32)] for r in range(30)]
    attrs = [[(7 * i) & 0xff for i in range(64)], [0xe4] * 64]
    ram = palette_ram([0x0f, 0x16, 0x2a, 0x12, 0x0f, 0x30, 0x27, 0x14, 0x0f, 0x21, 0x05, 0x19, 0x0f, 0x3a, 0x08, 0x24,
                       0x01, 0x28, 0x38, 0x11, 0x0f, 0x15, 0x25, 0x35, 0x0f, 0x1c, 0x2c, 0x3c, 0x0f, 0x06, 0x17, 0x3d])
    oam = [(50, 6, 0x00, 40), (50, 6, 0x40, 60), (50, 6, 0x81, 80), (50, 6, 0xc2, 100), (70, 6, 0x20, 120),
           (70, 6, 0x00, 4), (90, 6, 0x01, 250), (90, 6, 0x22, 140), (90, 6, 0x03, 140)]
    clip = eight_by_sixteen
    img = []
    for y in range(240):
        bg = []
        for x in range(256):
            wx, wy = (x + 11) % 512, (y + 5) % 240
            nt, tx = wx // 256, wx % 256
            tile = (nt0, nt1)[nt][wy // 8][tx // 8]
            a = attrs[nt][(wy // 32) * 8 + tx // 32] >> (((wy // 16) % 2) * 4 + ((tx // 16) % 2) * 2) & 3
            c = pixel(tile, wy % 8, tx % 8)
            bg.append(0 if c == 0 or (clip and x < 8) else a * 4 + c)
        sp = sprite_layer(y, oam, 16 if eight_by_sixteen else 8, bg, clip)
        img.append([colour(ram, sp[x] if sp[x] is not None else bg[x]) for x in range(256)])
    return img, {}


def split_scene():
    """ppu_split.s: all colour 3 (NT0) until the sprite-0 hit at line 100, then scrolled by 128 into NT1 (colour 1)."""
    ram = palette_ram([0x0f, 0x16, 0x2a, 0x12] + [0x0f] * 12 + [0x0f, 0x30, 0x27, 0x14])
    img = []
    for y in range(240):
        bg = [3 if y <= 100 or x < 128 else 1 for x in range(256)]
        sp = sprite_layer(y, [(99, 1, 0, 128)], 8, bg, False)
        img.append([colour(ram, sp[x] if sp[x] is not None else bg[x]) for x in range(256)])
    # $2002 as read at vblank: sprite-0 hit and overflow (9 sprites on lines 30-37) set.
    return img, {0x10: ("and", 0xe0, 0xe0)}


def mmc3_scene():
    """mapper_mmc3.s: CHR page 4 (tile 1 colour 2) above the IRQ at line 99, page 8 (colour 3) from 101 on."""
    ram = palette_ram([0x0f, 0x16, 0x2a, 0x12])
    img = [[colour(ram, 2 if y <= 99 else 3) for x in range(256)] for y in range(240)]
    for x in range(256):
        img[100][x] = None  # the line the switch lands on: hardware prefetches its first tiles early
    return img, {0x6000: ("eq", 1, 1)}


def rgb_table(palette_c):
    return [int(h, 16) for h in re.findall(r"0x([0-9a-f]{6})", open(palette_c).read())][:64]


def main():
    scene, host, rom, palette_c, outdir = sys.argv[1:6]
    os.makedirs(outdir, exist_ok=True)
    img, peeks = {"frame": lambda: frame_scene(False), "frame16": lambda: frame_scene(True),
                  "split": split_scene, "mmc3": mmc3_scene}[scene]()
    ppm = os.path.join(outdir, scene + ".ppm")
    args = [host, rom, "--frames", "8", "--ppm", ppm]
    for a in peeks:
        args += ["--peek", str(a)]
    run = subprocess.run(args, capture_output=True, text=True, timeout=60)
    if run.returncode != 0:
        print(f"FAIL: {' '.join(args)}: exit {run.returncode}\n{run.stderr}")
        return 1
    data = open(ppm, "rb").read()
    pixels = data[data.index(b"255\n") + 4:]
    rgb = rgb_table(palette_c)
    bad = []
    for y in range(240):
        for x in range(256):
            if img[y][x] is None:
                continue
            want = rgb[img[y][x]]
            got = int.from_bytes(pixels[3 * (256 * y + x):3 * (256 * y + x) + 3], "big")
            if got != want:
                bad.append((x, y, got, want))
    failed = bool(bad)
    for x, y, got, want in bad[:10]:
        print(f"FAIL: pixel ({x}, {y}) is #{got:06x}, the model says #{want:06x}")
    if bad:
        print(f"FAIL: {len(bad)} pixels differ (frame in {ppm})")
    seen = dict(re.findall(r"peek \$([0-9a-f]{4}) = \$([0-9a-f]{2})", run.stdout))
    for addr, (how, mask, want) in peeks.items():
        v = int(seen.get(f"{addr:04x}", "-1"), 16)
        ok = (v & mask) == want if how == "and" else v == want
        failed |= not ok
        print(("ok: " if ok else "FAIL: ") + f"${addr:04x} = ${v:02x} (want {how} ${mask:02x} -> ${want:02x})")
    print(("FAIL: " if failed else "ok: ") + f"{scene}: {256 * 240} pixels compared")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
