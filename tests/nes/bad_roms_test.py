#!/usr/bin/env python3
"""Corrupt and truncated ROM images give a clear error, never a fault.

Usage: bad_roms_test.py NES_HOST GOOD_ROM

NES_HOST is apps/nes's host frontend built with ASan/UBSan. Each crafted
image must be refused with exit status 2 and the expected sentence on
stderr; then random header corruptions and truncations of GOOD_ROM must
end with status 0 (ran), 2 (refused) or 3 (the CPU hit an unofficial
opcode), never a signal or a sanitizer report.
"""
import os
import random
import subprocess
import sys
import tempfile

host, good_path = sys.argv[1], sys.argv[2]
good = open(good_path, "rb").read()
prg_banks, chr_banks = good[4], good[5]


def header(prg, chr_, flags6=0, flags7=0, rest=b"\0" * 8):
    return b"NES\x1a" + bytes([prg, chr_, flags6, flags7]) + rest


def run(data, frames=3):
    with tempfile.NamedTemporaryFile(suffix=".nes", delete=False) as f:
        f.write(data)
    try:
        p = subprocess.run([host, f.name, "--frames", str(frames)], capture_output=True, text=True, timeout=60)
        return p.returncode, p.stderr
    finally:
        os.unlink(f.name)


body = good[16:]
prg_size = prg_banks * 16384
cases = [
    ("empty file", b"", "truncated: 0 bytes, shorter than the 16-byte iNES header"),
    ("10 bytes", good[:10], "shorter than the 16-byte iNES header"),
    ("no magic", b"NES\x00" + good[4:], "not an iNES file"),
    ("PRG cut short", good[:16 + prg_size - 100], f"announces {prg_size} bytes of PRG ROM"),
    ("CHR cut short", good[:16 + prg_size + 10], f"announces {chr_banks * 8192} bytes of CHR ROM, the file has 10"),
    ("header only", good[:16], "the file has 0"),
    ("no PRG", header(0, chr_banks) + body, "PRG ROM size 0 bytes"),
    ("mapper 99", header(prg_banks, chr_banks, 0x30, 0x60) + body, "mapper 99 is not supported"),
    ("trainer missing", header(prg_banks, chr_banks, 0x04) + body[:prg_size], "truncated"),
    ("NES 2.0 PRG 2^63", header(0xfc, chr_banks, 0, 0x08, bytes([0, 0x0f]) + b"\0" * 6) + body,
     "more than 64 MiB of PRG ROM"),
    ("NES 2.0 4095 banks", header(0xff, chr_banks, 0, 0x08, bytes([0, 0x0e]) + b"\0" * 6) + body, "truncated"),
]
failed = 0
for name, data, want in cases:
    code, err = run(data)
    ok = code == 2 and want in err and "nes: " in err
    failed += not ok
    print(("ok: " if ok else "FAIL: ") + f"{name}: exit {code}: {err.strip()}")

# The same image with NES 2.0 headers runs: plain unit counts, and PRG in exponent notation (2^15 x 1).
for name, hdr in [("NES 2.0 header", header(prg_banks, chr_banks, good[6], 0x08, b"\0" * 8)),
                  ("NES 2.0 exponent size", header(0x3c, chr_banks, good[6], 0x08, bytes([0, 0x0f]) + b"\0" * 6))]:
    code, err = run(hdr + body)
    ok = code == 0 and prg_size == 32768
    failed += not ok
    print(("ok: " if ok else "FAIL: ") + f"{name} accepted: exit {code} {err.strip()}")
missing = subprocess.run([host, "/nonexistent/rom.nes"], capture_output=True, text=True)
ok = missing.returncode == 2 and "No such file" in missing.stderr
failed += not ok
print(("ok: " if ok else "FAIL: ") + f"missing file: exit {missing.returncode}: {missing.stderr.strip()}")

rng = random.Random(2026)
outcomes = {}
for i in range(60):
    data = bytearray(good)
    for _ in range(rng.randrange(1, 4)):
        data[rng.randrange(16)] = rng.randrange(256)
    if rng.random() < 0.5:
        data = data[:rng.randrange(len(data))]
    code, err = run(bytes(data))
    outcomes[code] = outcomes.get(code, 0) + 1
    if code not in (0, 2, 3) or "Sanitizer" in err or "runtime error" in err:
        failed += 1
        print(f"FAIL: random image {i}: exit {code}: {err.strip()[:500]}")
print(f"random corruptions: exit statuses {outcomes}")
sys.exit(1 if failed else 0)
