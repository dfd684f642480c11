#!/usr/bin/env python3
"""QEMU status -> guest exit code mapping (include/yolk/exit.h)."""
import importlib.util
import sys

spec = importlib.util.spec_from_file_location("yolkqemu", sys.argv[1])
m = importlib.util.module_from_spec(spec)
spec.loader.exec_module(m)
cases = {3: 0, 5: 1, 87: 42, 253: 125, 255: 126, 0: 127, 1: 127, 2: 127}
bad = {s: (m.guest_status(s), want) for s, want in cases.items() if m.guest_status(s) != want}
if bad:
    print("FAIL:", bad)
    sys.exit(1)
print(f"ok: {len(cases)} cases")
