#!/usr/bin/env python3
"""apps/repl: type lines over the serial console (one with edits), end with
Ctrl-D, and compare every printed hash with the host's sha1sum of the line
as edited."""
import os
import re
import subprocess
import sys
import tempfile

image = sys.argv[1]
runner = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools", "yolkqemu.py")
# (typed keys, the line they make)
LINES = [
    ("hello yolk", "hello yolk"),
    ("", ""),
    ("The quick brown fox jumps over the lazy dog", "The quick brown fox jumps over the lazy dog"),
    ("shaX1\x7f\x7f-1\x1b[D\x1b[D\x1b[DA", "shAa-1"),  # backspaces, then an insert three left
    ("~!@#$%^&*()_+{}|:<>? " * 20, "~!@#$%^&*()_+{}|:<>? " * 20),
]


def sha1sum(text):
    out = subprocess.run(["sha1sum"], input=text.encode(), capture_output=True, check=True).stdout
    return out.split()[0].decode()


with tempfile.TemporaryDirectory() as tmp:
    keys = os.path.join(tmp, "keys")
    with open(keys, "w") as f:
        f.write("".join(k + "\r" for k, _ in LINES) + "\x04")
    log = os.path.join(tmp, "serial.log")
    code = subprocess.run([sys.executable, runner, "--kernel", image, "--cmdline", "app=repl",
                           "--input", keys, "--log", log, "--timeout", "60"]).returncode
    out = open(log, errors="replace").read()
got = re.findall(r"^([0-9a-f]{40})\r?$", out, re.M)
want = [sha1sum(line) for _, line in LINES]
ok = code == 0 and got == want
for (_, line), w, g in zip(LINES, want, got + [""] * len(want)):
    print(("ok: " if w == g else "FAIL: ") + f"sha1({line[:30]!r}) = {g or 'nothing'} (sha1sum: {w})")
if not ok:
    print(f"exit {code}\n{out}")
sys.exit(0 if ok else 1)
