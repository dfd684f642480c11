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


NAME_MAX = 127  # KSYM_NAME_MAX in include/yolk/ksyms.h, less the NUL


def uleb(v):
    out = bytearray()
    while True:
        b = v & 0x7f
        v >>= 7
        out.append(b | (0x80 if v else 0))
        if not v:
            return out


def encode(syms):
    """The table's bytes (format: include/yolk/ksyms.h) for [(addr, (size, name))]
    sorted and ending with the nameless sentinel, which only bounds the last
    unsized symbol."""
    entries = []
    for i, (addr, (size, name)) in enumerate(syms[:-1]):
        nxt = syms[i + 1][0]
        # An unsized label (assembly) runs to the next symbol; a sized one
        # never past it (aliases and overlaps are cut at the next start).
        size = nxt - addr if size == 0 else min(size, nxt - addr)
        if size > 0:
            entries.append((addr, size, name.encode()[:NAME_MAX]))
    base = entries[0][0] if entries else 0
    out = bytearray(base.to_bytes(8, "little") + len(entries).to_bytes(4, "little"))
    end, prev = base, b""
    for addr, size, name in entries:
        shared = 0
        while shared < min(len(prev), len(name)) and prev[shared] == name[shared]:
            shared += 1
        out += uleb(addr - end) + uleb(size) + bytes([shared]) + name[shared:] + b"\0"
        end, prev = addr + size, name
    return out


def main():
    nm, elf, out = sys.argv[1:4]
    table = encode(text_symbols(nm, elf))
    lines = ['\t.section .rodata.ksyms, "a"', "\t.globl yolk_ksyms", "yolk_ksyms:"]
    for i in range(0, len(table), 32):
        lines.append("\t.byte " + ",".join(str(b) for b in table[i:i + 32]))
    # Sized, so that `nm -S` (bench/boot.sh) reports the table's bytes.
    lines.append(f"\t.size yolk_ksyms, {len(table)}")
    lines.append('\t.section .note.GNU-stack, "", @progbits')
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
