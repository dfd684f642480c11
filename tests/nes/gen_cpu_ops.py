#!/usr/bin/env python3
"""Writes cpu_ops.s: one test per (official opcode, addressing mode, case)
for the loads, stores, ALU, compare, BIT, read-modify-write, register and
flag instructions, each with the expected registers, flags and memory
computed here by this script's own model of the documented 6502 semantics
(binary arithmetic even with D set, as on the 2A03), and the documented
cycles (with the page-cross penalty where the indexing crosses a page).
Branches, jumps, the stack and interrupts are written by hand (cpu_flow.s).

Run by hand after editing: gen_cpu_ops.py > cpu_ops.s (the output is in git).
"""
import random

C, Z, I, D, B, U, V, N = 1, 2, 4, 8, 0x10, 0x20, 0x40, 0x80

# Addressing variants: (name, operand text, index register and value, effective address,
# page crossed, memory pokes that make the address).
MODES = {
    "imm": [("#", None, None, False, [])],
    "zp": [("$10", None, 0x10, False, [])],
    "zpx": [("$08,x", ("x", 0x08), 0x10, False, []), ("$f8,x", ("x", 0x18), 0x10, False, [])],
    "zpy": [("$08,y", ("y", 0x08), 0x10, False, []), ("$f8,y", ("y", 0x18), 0x10, False, [])],
    "abs": [("$0300", None, 0x300, False, [])],
    "abx": [("$0300,x", ("x", 0x10), 0x310, False, []), ("$02f8,x", ("x", 0x18), 0x310, True, [])],
    "aby": [("$0300,y", ("y", 0x10), 0x310, False, []), ("$02f8,y", ("y", 0x18), 0x310, True, [])],
    "izx": [("($40,x)", ("x", 0x04), 0x320, False, [(0x44, 0x20), (0x45, 0x03)]),
            ("($f0,x)", ("x", 0x0f), 0x320, False, [(0xff, 0x20), (0x00, 0x03)])],
    "izy": [("($50),y", ("y", 0x20), 0x320, False, [(0x50, 0x00), (0x51, 0x03)]),
            ("($52),y", ("y", 0x30), 0x320, True, [(0x52, 0xf0), (0x53, 0x02)])],
    "acc": [("a", None, None, False, [])],
}

READ_CYCLES = {"imm": 2, "zp": 3, "zpx": 4, "zpy": 4, "abs": 4, "abx": 4, "aby": 4, "izx": 6, "izy": 5}
STORE_CYCLES = {"zp": 3, "zpx": 4, "zpy": 4, "abs": 4, "abx": 5, "aby": 5, "izx": 6, "izy": 6}
RMW_CYCLES = {"acc": 2, "zp": 5, "zpx": 6, "abs": 6, "abx": 7}


def zn(p, v):
    p &= ~(Z | N)
    return p | (Z if v == 0 else 0) | (v & N)


def adc(a, m, p):
    r = a + m + (p & C)
    p = (p & ~(C | V)) | (C if r > 0xff else 0) | (V if (a ^ r) & (m ^ r) & 0x80 else 0)
    return r & 0xff, zn(p, r & 0xff)


def compare(reg, m, p):
    p = (p & ~C) | (C if reg >= m else 0)
    return zn(p, (reg - m) & 0xff)


def alu(op, regs, m):
    """The new (a, x, y, p) after a read instruction with operand m."""
    a, x, y, p = regs
    if op == "adc":
        a, p = adc(a, m, p)
    elif op == "sbc":
        a, p = adc(a, m ^ 0xff, p)
    elif op in ("and", "ora", "eor"):
        a = {"and": a & m, "ora": a | m, "eor": a ^ m}[op]
        p = zn(p, a)
    elif op in ("cmp", "cpx", "cpy"):
        p = compare({"cmp": a, "cpx": x, "cpy": y}[op], m, p)
    elif op == "bit":
        p = (p & ~(Z | N | V)) | (Z if a & m == 0 else 0) | (m & (N | V))
    elif op == "lda":
        a, p = m, zn(p, m)
    elif op == "ldx":
        x, p = m, zn(p, m)
    elif op == "ldy":
        y, p = m, zn(p, m)
    return a, x, y, p


def rmw(op, m, p):
    if op == "asl":
        r, c = (m << 1) & 0xff, m >> 7
    elif op == "lsr":
        r, c = m >> 1, m & 1
    elif op == "rol":
        r, c = ((m << 1) | (p & C)) & 0xff, m >> 7
    elif op == "ror":
        r, c = (m >> 1) | ((p & C) << 7), m & 1
    else:
        r, c = (m + (1 if op == "inc" else -1)) & 0xff, p & C
    p = (p & ~C) | c
    return r, zn(p, r)


READ_OPS = {
    "adc": (["imm", "zp", "zpx", "abs", "abx", "aby", "izx", "izy"],
            [(0x50, 0x50, 0), (0xff, 0x01, 0), (0x7f, 0x00, C), (0x80, 0xff, 0), (0x09, 0x01, 0)]),
    "sbc": (["imm", "zp", "zpx", "abs", "abx", "aby", "izx", "izy"],
            [(0x50, 0xf0, C), (0x00, 0x01, C), (0x80, 0x01, C), (0x05, 0x05, 0), (0x10, 0x01, C)]),
    "and": (["imm", "zp", "zpx", "abs", "abx", "aby", "izx", "izy"], [(0xf0, 0x3c, 0), (0x0f, 0xf0, 0), (0x81, 0xff, 0)]),
    "ora": (["imm", "zp", "zpx", "abs", "abx", "aby", "izx", "izy"], [(0x00, 0x00, 0), (0x80, 0x01, 0), (0x12, 0x21, 0)]),
    "eor": (["imm", "zp", "zpx", "abs", "abx", "aby", "izx", "izy"], [(0xff, 0x0f, 0), (0xaa, 0xaa, 0), (0x01, 0x80, 0)]),
    "cmp": (["imm", "zp", "zpx", "abs", "abx", "aby", "izx", "izy"],
            [(0x40, 0x40, 0), (0x40, 0x41, 0), (0x41, 0x40, 0), (0x00, 0x80, 0)]),
    "lda": (["imm", "zp", "zpx", "abs", "abx", "aby", "izx", "izy"], [(0x11, 0x00, 0), (0x00, 0x80, 0), (0x00, 0x7f, 0)]),
    "cpx": (["imm", "zp", "abs"], [(0x40, 0x40, 0), (0x40, 0x41, 0), (0x41, 0x40, 0), (0x00, 0x80, 0)]),
    "cpy": (["imm", "zp", "abs"], [(0x40, 0x40, 0), (0x40, 0x41, 0), (0x41, 0x40, 0), (0x00, 0x80, 0)]),
    "ldx": (["imm", "zp", "zpy", "abs", "aby"], [(0x11, 0x00, 0), (0x00, 0x80, 0), (0x00, 0x7f, 0)]),
    "ldy": (["imm", "zp", "zpx", "abs", "abx"], [(0x11, 0x00, 0), (0x00, 0x80, 0), (0x00, 0x7f, 0)]),
    "bit": (["zp", "abs"], [(0x0f, 0xc0, 0), (0xff, 0x40, 0), (0x01, 0x01, 0), (0x80, 0x80, 0)]),
}
RMW_OPS = {op: ["acc", "zp", "zpx", "abs", "abx"] for op in ("asl", "lsr", "rol", "ror")}
RMW_OPS.update({"inc": ["zp", "zpx", "abs", "abx"], "dec": ["zp", "zpx", "abs", "abx"]})
RMW_VALUES = [(0x80, 0), (0x01, C), (0x00, 0), (0xff, C), (0x40, C)]
STORE_OPS = {"sta": ["zp", "zpx", "abs", "abx", "aby", "izx", "izy"], "stx": ["zp", "zpy", "abs"],
             "sty": ["zp", "zpx", "abs"]}
IMPLIED = {
    "tax": lambda a, x, y, p: (a, a, y, zn(p, a)), "tay": lambda a, x, y, p: (a, x, a, zn(p, a)),
    "txa": lambda a, x, y, p: (x, x, y, zn(p, x)), "tya": lambda a, x, y, p: (y, x, y, zn(p, y)),
    "inx": lambda a, x, y, p: (a, (x + 1) & 0xff, y, zn(p, (x + 1) & 0xff)),
    "iny": lambda a, x, y, p: (a, x, (y + 1) & 0xff, zn(p, (y + 1) & 0xff)),
    "dex": lambda a, x, y, p: (a, (x - 1) & 0xff, y, zn(p, (x - 1) & 0xff)),
    "dey": lambda a, x, y, p: (a, x, (y - 1) & 0xff, zn(p, (y - 1) & 0xff)),
    "clc": lambda a, x, y, p: (a, x, y, p & ~C), "sec": lambda a, x, y, p: (a, x, y, p | C),
    "cld": lambda a, x, y, p: (a, x, y, p & ~D), "sed": lambda a, x, y, p: (a, x, y, p | D),
    "clv": lambda a, x, y, p: (a, x, y, p & ~V), "sei": lambda a, x, y, p: (a, x, y, p | I),
    "cli": lambda a, x, y, p: (a, x, y, p & ~I), "nop": lambda a, x, y, p: (a, x, y, p),
}
IMPLIED_VALUES = [(0x00, 0xff, 0x80, N | V | D | C), (0x80, 0x00, 0x01, Z), (0x7f, 0x7f, 0xff, 0)]

rng = random.Random(6502)
out = []


def emit(line=""):
    out.append(line)


def start_regs(index, a, other):
    """Register values: the index register fixed by the mode, the rest from the case."""
    x, y = other, (other * 7 + 3) & 0xff
    if index:
        if index[0] == "x":
            x = index[1]
        else:
            y = index[1]
    return a, x, y


def test(title, pokes, regs, cycles, text, want, mem=None):
    emit(f"; {title}")
    for addr, v in pokes:
        emit(f"    poke ${addr:04x}, ${v:02x}")
    a, x, y, p = regs
    emit(f"    regs ${a:02x}, ${x:02x}, ${y:02x}, ${p:02x}")
    emit(f"    cyc {cycles}")
    emit(f"    {text}")
    a, x, y, p = want
    emit(f"    expect ${a:02x}, ${x:02x}, ${y:02x}, ${p & 0xff & ~(B | U):02x}")
    if mem:
        emit(f"    expect_mem ${mem[0]:04x}, ${mem[1]:02x}")


def other_flags():
    return I | rng.choice([0, D, V, N | Z, D | V])


def read_tests():
    for op, (modes, cases) in READ_OPS.items():
        for mode in modes:
            for vi, (operand, index, ea, crossed, ptr) in enumerate(MODES[mode]):
                chosen = cases if mode in ("imm", "zp") else [cases[(vi + modes.index(mode)) % len(cases)]]
                for a_or_reg, m, carry in chosen:
                    reg_in = a_or_reg
                    a, x, y = start_regs(index, reg_in if op not in ("cpx", "cpy", "ldx", "ldy") else 0x5a, 0x21)
                    if op == "cpx":
                        x = reg_in
                    if op == "cpy":
                        y = reg_in
                    p = other_flags() | carry
                    cycles = READ_CYCLES[mode] + (1 if crossed else 0)
                    text = f"{op} #${m:02x}" if mode == "imm" else f"{op} {operand}"
                    pokes = [] if mode == "imm" else ptr + [(ea, m)]
                    want = alu(op, (a, x, y, p), m)
                    test(f"{op} {mode}{' (page crossed)' if crossed else ''}", pokes, (a, x, y, p), cycles, text, want)


def rmw_tests():
    for op, modes in RMW_OPS.items():
        for mode in modes:
            for vi, (operand, index, ea, crossed, ptr) in enumerate(MODES[mode]):
                chosen = RMW_VALUES if mode in ("acc", "zp") else [RMW_VALUES[(vi + modes.index(mode)) % 5]]
                for m, carry in chosen:
                    a, x, y = start_regs(index, m if mode == "acc" else 0x33, 0x44)
                    p = other_flags() | carry
                    r, p2 = rmw(op, m, p)
                    if mode == "acc":
                        test(f"{op} a", [], (a, x, y, p), RMW_CYCLES[mode], f"{op} a", (r, x, y, p2))
                    else:
                        test(f"{op} {mode}", ptr + [(ea, m)], (a, x, y, p), RMW_CYCLES[mode], f"{op} {operand}",
                             (a, x, y, p2), (ea, r))


def store_tests():
    for op, modes in STORE_OPS.items():
        for mode in modes:
            for operand, index, ea, crossed, ptr in MODES[mode]:
                v = rng.randrange(256)
                a, x, y = start_regs(index, v, v ^ 0x3c)
                p = other_flags()
                stored = {"sta": a, "stx": x, "sty": y}[op]
                test(f"{op} {mode}", ptr + [(ea, stored ^ 0xa5)], (a, x, y, p), STORE_CYCLES[mode],
                     f"{op} {operand}", (a, x, y, p), (ea, stored))


def implied_tests():
    for op, f in IMPLIED.items():
        for a, x, y, p in IMPLIED_VALUES:
            p |= I if op != "sei" else 0
            if op == "cli":
                p |= I
            test(op, [], (a, x, y, p), 2, op, f(a, x, y, p))


emit("; Generated by gen_cpu_ops.py: do not edit, regenerate.")
emit(".include \"test.inc\"")
emit(".export cpu_ops")
emit(".import check_regs, check_a")
emit(".segment \"CODE\"")
emit("cpu_ops:")
read_tests()
rmw_tests()
store_tests()
implied_tests()
emit("    rts")
print("\n".join(out))
