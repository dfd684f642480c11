#!/usr/bin/env python3
"""prime-sieve N must print exactly the first N primes, one per line, and exit 0."""
import os
import subprocess
import sys
import tempfile

image, n = sys.argv[1], int(sys.argv[2])
runner = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools", "yolkqemu.py")


def first_primes(n):
    primes, k = [], 2
    while len(primes) < n:
        if all(k % p for p in primes if p * p <= k):
            primes.append(k)
        k += 1
    return primes


with tempfile.NamedTemporaryFile() as log:
    code = subprocess.run([sys.executable, runner, "--kernel", image, "--cmdline", f"app=prime-sieve {n}",
                           "--log", log.name, "--timeout", "120"]).returncode
    out = open(log.name, errors="replace").read().replace("\r", "")
got = [l for l in out.splitlines() if l.strip()]
want = [str(p) for p in first_primes(n)]
if code != 0 or got != want:
    print(f"FAIL: exit {code}; first difference at line "
          f"{next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))}"
          f" ({len(got)} lines, want {len(want)})\n{out[-2000:]}")
    sys.exit(1)
print(f"ok: the first {n} primes, last {want[-1]}")
