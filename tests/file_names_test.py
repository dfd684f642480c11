#!/usr/bin/env python3
"""tests/file_names_test.py ELF SOURCE_DIR — the file names an image carries
(__FILE__ in KASSERT's message) start at the source tree's top, whatever the
build directory: no "../" way to it and no absolute source path, so the
image's bytes (and the hello-size figure) do not depend on where it is built.
Reads .rodata with objcopy."""
import os
import re
import subprocess
import sys
import tempfile

elf, source_dir = sys.argv[1], os.path.realpath(sys.argv[2])
with tempfile.NamedTemporaryFile() as out:
    subprocess.run(["objcopy", "-O", "binary", "--only-section=.rodata", elf, out.name], check=True)
    rodata = open(out.name, "rb").read()
names = sorted(set(m.decode() for m in re.findall(rb"[\w./+-]*core/\w+\.c(?=\x00)", rodata)))
if not names:
    sys.exit(f"FAIL: no core/*.c file name in {elf}'s .rodata (KASSERT's __FILE__)")
bad = [n for n in names if n != n.lstrip("./") or not n.startswith("core/")]
if bad or source_dir.encode() in rodata:
    sys.exit(f"FAIL: file names not from the source tree's top: {bad or [source_dir]}")
print(f"ok: {len(names)} file names, all from the tree's top: {', '.join(names[:4])} ...")
