#!/usr/bin/env python3
"""Writes the assembly for an image's symbol table from `nm -S -n` output.

Usage: gen-ksyms.py NM ELF OUT.S
       gen-ksyms.py --list SYMBOLS.txt OUT.c   (the unit test's table)

Only text symbols are kept: backtraces symbolize return addresses. The table
lands at the end of .rodata (see kernel.ld), so adding it does not move code
and the addresses read from the first link hold in the second.
"""
import collections
import heapq
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
CODE_MAX = 16   # longest Huffman code core/ksyms.c decodes
SIZE_LOW_BITS = 5  # KSYM_SIZE_LOW_BITS in core/ksyms.c


class Bits:
    """A bit string, least significant bit of each byte first."""

    def __init__(self):
        self.out, self.n = bytearray(), 0

    def put(self, bit):
        if self.n % 8 == 0:
            self.out.append(0)
        self.out[-1] |= bit << (self.n % 8)
        self.n += 1

    def gamma(self, v):
        """Elias gamma code of v >= 1: as many 0s as v has bits after its
        leading 1, then v's bits from the top."""
        width = v.bit_length()
        for _ in range(width - 1):
            self.put(0)
        for i in reversed(range(width)):
            self.put((v >> i) & 1)


def code_lengths(freq):
    """Huffman code length of each byte in freq {byte: count}."""
    if len(freq) == 1:
        return {b: 1 for b in freq}
    heap = [(n, i, [b]) for i, (b, n) in enumerate(sorted(freq.items()))]
    heapq.heapify(heap)
    depth = dict.fromkeys(freq, 0)
    tie = len(heap)
    while len(heap) > 1:
        n1, _, a = heapq.heappop(heap)
        n2, _, b = heapq.heappop(heap)
        for sym in a + b:
            depth[sym] += 1
        heapq.heappush(heap, (n1 + n2, tie, a + b))
        tie += 1
    if max(depth.values()) > CODE_MAX:
        raise SystemExit(f"gen-ksyms: a Huffman code longer than {CODE_MAX} bits")
    return depth


def canonical(lengths):
    """The canonical code {byte: (code, length)} for the lengths, and the
    table core/ksyms.c rebuilds it from: the longest length L, how many
    codes of each length 1..L, then the bytes in code order."""
    order = sorted(lengths, key=lambda b: (lengths[b], b))
    longest = max(lengths.values())
    counts = [sum(1 for b in order if lengths[b] == n) for n in range(1, longest + 1)]
    codes, code, prev = {}, 0, lengths[order[0]]
    for b in order:
        code <<= lengths[b] - prev
        prev = lengths[b]
        codes[b] = (code, lengths[b])
        code += 1
    return codes, bytes([longest] + counts + order)


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
    if not entries:
        return out
    # Each name as the length it shares with the previous one and the rest.
    parts, prev = [], b""
    for _, _, name in entries:
        shared = 0
        while shared < min(len(prev), len(name)) and prev[shared] == name[shared]:
            shared += 1
        parts.append((shared, name[shared:] + b"\0"))
        prev = name
    codes, table = canonical(code_lengths(collections.Counter(b for _, rest in parts for b in rest)))
    out += table
    bits, end = Bits(), base
    for (addr, size, _), (shared, rest) in zip(entries, parts):
        bits.gamma(addr - end + 1)
        # Sizes are tens to hundreds of bytes: Exp-Golomb with 5 low bits.
        bits.gamma(((size - 1) >> SIZE_LOW_BITS) + 1)
        for i in reversed(range(SIZE_LOW_BITS)):
            bits.put(((size - 1) >> i) & 1)
        bits.gamma(shared + 1)
        for b in rest:
            code, length = codes[b]
            for i in reversed(range(length)):
                bits.put((code >> i) & 1)
        end = addr + size
    return out + bits.out


def listed_symbols(path):
    """[(addr, (size, name))] from a file of "ADDR SIZE NAME" lines (hex;
    SIZE 0: up to the next), its last line the end address alone: the
    unit test's tables (tests/unit/ksyms-cases.txt)."""
    syms = []
    for line in open(path):
        words = line.split("#", 1)[0].split()
        if len(words) == 3:
            syms.append((int(words[0], 16), (int(words[1], 16), words[2])))
        elif len(words) == 1:
            syms.append((int(words[0], 16), (0, "")))
    return syms


def main():
    if sys.argv[1] == "--list":
        # The unit test's table, as C.
        path, out = sys.argv[2:4]
        table = encode(listed_symbols(path))
        with open(out, "w") as f:
            f.write("#include <stdint.h>\nconst uint8_t yolk_ksyms[] = {\n")
            for i in range(0, len(table), 16):
                f.write("\t" + ", ".join(str(b) for b in table[i:i + 16]) + ",\n")
            f.write("};\n")
        return
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
