#!/usr/bin/env python3
"""The symbol table must not move code: text symbols of the first link (no
table) and the final image (with table) must have the same addresses."""
import subprocess
import sys


def text_syms(nm, elf):
    out = subprocess.run([nm, "--defined-only", elf], check=True, capture_output=True, text=True).stdout
    return {parts[2]: parts[0] for parts in (l.split() for l in out.splitlines())
            if len(parts) == 3 and parts[1] in "tT"}


nm, elf = sys.argv[1], sys.argv[2]
final = text_syms(nm, elf)
first = text_syms(nm, elf.replace(".elf", ".pass1.elf"))
moved = sorted(n for n in first if n in final and first[n] != final[n])
if moved or len(final) < 50:
    print(f"FAIL: {len(moved)} of {len(final)} text symbols moved: {moved[:10]}")
    sys.exit(1)
print(f"ok: {len(final)} text symbols at the same addresses in both links")
