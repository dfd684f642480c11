#!/usr/bin/env python3
"""PS/2 keyboard input, typed with QEMU's monitor `sendkey`, reaching an app's
stdin through the line editor: letters, Shift, digits, punctuation, an arrow
key edit, Backspace, Ctrl-U, and Ctrl-D to end the input."""
import os
import sys
import time

from screen import Guest

image = sys.argv[1]
# QEMU key names; each list is one typed line ending in Enter ("ret").
TYPED = [
    (["h", "i", "spc", "shift-y", "o", "l", "k", "spc", "1", "2", "shift-1", "ret"], "got <hi Yolk 12!>"),
    # "ac", Left, "b" -> "abc"; then a wrong "x" erased with Backspace
    (["a", "c", "left", "b", "end", "x", "backspace", "ret"], "got <abc>"),
    # typed junk killed with Ctrl-U, then "ok"
    (["j", "u", "n", "k", "ctrl-u", "o", "k", "ret"], "got <ok>"),
]

guest = Guest(["--kernel", image, "--cmdline", "app=ktest echo"], timeout=120)
time.sleep(2)
guest.hmp(*[f"sendkey {k}" for keys, _ in TYPED for k in keys], "sendkey ctrl-d")
code = guest.wait(timeout=120)
out = guest.serial()
ok = code == 0 and "eof" in out
for _, want in TYPED:
    good = want in out
    ok &= good
    print(("ok: " if good else "FAIL: ") + want)
print(("ok: " if code == 0 and "eof" in out else "FAIL: ") + f"Ctrl-D ends the input (exit {code})")
if not ok:
    print(out)
sys.exit(0 if ok else 1)
