#!/usr/bin/env python3
"""Writes the assembly for an image's symbol table from `nm -S -n` output.

Usage: gen-ksyms.py NM ELF OUT.S

Only text symbols are kept: backtraces symbolize return addresses. The table
lands at the end of .rodata (see kernel.ld), so adding it does not move code
and the addresses read from the first link hold in the second.
"""
import subprocess
import sys


def text_symbols(nm, elf):
    """Returns [(addr, (size, name))] for the code in .text, sorted, ending
    with a nameless sentinel at the end of .text so that an address past the
    last function is not blamed on it."""
    out = subprocess.run([nm, "-S", "-n", "--defined-only", elf],
                         check=True, capture_output=True, text=True).stdout
    syms, bounds = {}, {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3:
            parts.insert(1, "0")
        if len(parts) != 4:
            continue
        addr, size, kind, name = int(parts[0], 16), int(parts[1], 16), parts[2], parts[3]
        if name in ("__text_start", "__text_end"):
            bounds[name] = addr
            continue
        if kind not in "tTwW" or name.startswith(".L"):
            continue
        # Where names share an address, prefer a sized one (a function over a
        # bare label), then a global one.
        rank = (size > 0, kind in "TW")
        if addr not in syms or rank > syms[addr][2]:
            syms[addr] = (size, name, rank)
    lo, hi = bounds["__text_start"], bounds["__text_end"]
    table = sorted((a, (size, name)) for a, (size, name, _) in syms.items() if lo <= a < hi)
    return table + [(hi, (0, ""))]


def main():
    nm, elf, out = sys.argv[1:4]
    syms = text_symbols(nm, elf)
    names, offsets = bytearray(), []
    for _, (_, name) in syms:
        offsets.append(len(names))
        names += name.encode() + b"\0"
    lines = ['\t.section .rodata.ksyms, "a"', "\t.balign 8",
             "\t.globl yolk_ksyms, yolk_ksyms_count, yolk_ksym_names",
             "yolk_ksyms_count:", f"\t.quad {len(syms)}", "yolk_ksyms:"]
    for (addr, (size, _)), off in zip(syms, offsets):
        lines.append(f"\t.quad {addr:#x}\n\t.long {min(size, 0xffffffff)}, {off}")
    lines.append("yolk_ksym_names:")
    for i in range(0, len(names), 32):
        lines.append("\t.byte " + ",".join(str(b) for b in names[i:i + 32]))
    lines.append('\t.section .note.GNU-stack, "", @progbits')
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
