#!/usr/bin/env python3
"""The README's first command ends in `ninja qemu`: it must boot the default
image (hello), print `hello yolk` and succeed, with no terminal attached."""
import subprocess
import sys

build = sys.argv[1]
p = subprocess.run(["ninja", "-C", build, "qemu"], stdin=subprocess.DEVNULL,
                   capture_output=True, text=True, timeout=100)
out = p.stdout.replace("\r", "")
if p.returncode != 0 or "hello yolk\n" not in out:
    print(f"FAIL: ninja qemu exited {p.returncode}\n{out}\n{p.stderr}")
    sys.exit(1)
print("ok: ninja qemu printed hello yolk and exited 0")
