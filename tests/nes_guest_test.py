#!/usr/bin/env python3
"""apps/nes in the guest draws, pixel for pixel, the frame the host build
renders from the same ROM and input.

Usage: nes_guest_test.py NES_HOST ROM FRAMES SCRIPT OUT_DIR RUNNER-ARGS...

The ROM (efp.nes from Debian's efp) goes into an initrd; the guest runs
`nes --frames FRAMES --input SCRIPT --hold` with no ROM argument, so it also
finds the first *.nes in / as nes_defconfig's boot does. With --iso in
RUNNER-ARGS the ISO carries that command line and the initrd itself (GRUB's
framebuffer, fb-multiboot, instead of bochs-vbe). After N frames
with the scripted input (press Start, then thrust up and left) it holds the
picture; a QEMU screendump of it must equal the host frontend's frame,
scaled by the factor the guest reports, every block of scale x scale
screen pixels the colour of its NES pixel. The host frame must differ from
one rendered without input (the input reaches the game).
"""
import os
import re
import subprocess
import sys
import tempfile

from screen import Guest, report, read_ppm

here = os.path.dirname(os.path.abspath(__file__))


def host_frame(host, rom, frames, out, script):
    args = [host, rom, "--frames", str(frames), "--ppm", out] + (["--input", script] if script else [])
    subprocess.run(args, check=True, timeout=120)
    return read_ppm(out)


def initrd_with(rom, tmp):
    root = os.path.join(tmp, "root")
    os.makedirs(root)
    with open(rom, "rb") as src, open(os.path.join(root, os.path.basename(rom)), "wb") as dst:
        dst.write(src.read())
    cpio = os.path.join(tmp, "initrd.cpio")
    subprocess.run([sys.executable, os.path.join(here, "..", "tools", "mkinitrd.py"), root, cpio], check=True)
    return cpio


def compare(host, screen, scale, left, top):
    (hw, hh, hp), (sw, sh, sp) = host, screen
    bad = []
    for y in range(hh):
        for x in range(hw):
            want = hp[3 * (y * hw + x):3 * (y * hw + x) + 3]
            for dy in range(scale):
                row = top + y * scale + dy
                for dx in range(scale):
                    i = 3 * (row * sw + left + x * scale + dx)
                    if sp[i:i + 3] != want:
                        bad.append((x, y, sp[i:i + 3].hex(), want.hex()))
                        break
                else:
                    continue
                break
    return bad


def main():
    host, rom, frames, script, outdir = sys.argv[1:6]
    runner_args = sys.argv[6:]
    os.makedirs(outdir, exist_ok=True)
    tmp = tempfile.mkdtemp()
    want = host_frame(host, rom, frames, os.path.join(outdir, "host.ppm"), script)
    idle = host_frame(host, rom, frames, os.path.join(outdir, "host-no-input.ppm"), None)
    if "--iso" not in runner_args:
        runner_args += ["--initrd", initrd_with(rom, tmp),
                        "--cmdline", f"app=nes --frames {frames} --input {script} --hold"]
    guest = Guest(runner_args)
    held = guest.wait_for("nes: holding frame", seconds=300)
    shot = guest.screendump(os.path.join(outdir, "guest.ppm")) if held else (0, 0, b"")
    guest.quit()
    serial = guest.serial()
    m = re.search(r"scale (\d+) at \((\d+),(\d+)\)", serial)
    checks = {"the guest ran the frames and held the picture": held and m is not None}
    if checks[next(iter(checks))]:
        scale, left, top = int(m.group(1)), int(m.group(2)), int(m.group(3))
        bad = compare(want, shot, scale, left, top)
        for x, y, got, exp in bad[:5]:
            print(f"  NES pixel ({x}, {y}): screen #{got}, host #{exp}")
        checks[f"found /{os.path.basename(rom)} without being told"] = f"/{os.path.basename(rom)}: mapper" in serial
        driver = "fb-multiboot" if "--iso" in runner_args else "bochs-vbe"
        checks[f"drawn on the framebuffer of {driver}"] = f" screen from {driver}," in serial
        checks[f"guest screen = host frame x{scale} at ({left},{top}) ({len(bad)} of 61440 NES pixels differ)"] = \
            not bad
        checks["the picture is not blank"] = len({want[2][i:i + 3] for i in range(0, len(want[2]), 3)}) > 1
        checks["the input changed the game (host frames with and without it differ)"] = want[2] != idle[2]
    return report(checks, serial)


if __name__ == "__main__":
    sys.exit(main())
