#!/usr/bin/env python3
"""apps/nes's controller 1 from the PS/2 keyboard: keys typed with QEMU's
monitor `sendkey` become the documented buttons (nes --log-buttons prints
them as they change), and Q ends the emulator with status 0.

Usage: nes_ps2_test.py IMAGE INITRD
"""
import re
import sys
import time

from screen import Guest, report

image, initrd = sys.argv[1], sys.argv[2]
# QEMU key name -> the button bit it must press (keys.c's map, README's table).
KEYS = [("up", 0x10, "Up"), ("left", 0x40, "Left"), ("d", 0x80, "Right (D)"), ("s", 0x20, "Down (S)"),
        ("x", 0x01, "A (X)"), ("z", 0x02, "B (Z)"), ("ret", 0x08, "Start (Enter)"), ("spc", 0x04, "Select (Space)")]

guest = Guest(["--kernel", image, "--initrd", initrd, "--cmdline", "app=nes /efp.nes --log-buttons"], timeout=180)
started = guest.wait_for("nes: /efp.nes: mapper", seconds=120)
for key, _, _ in KEYS:
    guest.hmp(f"sendkey {key}")
    time.sleep(0.6)  # longer than the 15 frames a press holds its button
guest.hmp("sendkey q")
code = guest.wait(timeout=120)
out = guest.serial()
seen = [int(v, 16) for v in re.findall(r"^nes: frame \d+: buttons \$([0-9a-f]{2})$", out, re.M)]
checks = {"the emulator started": started, "Q ended it with status 0": code == 0 and "frames in" in out}
for _, bit, name in KEYS:
    checks[f"{name} pressed its button"] = any(v & bit for v in seen)
sys.exit(report(checks, out))
