#!/usr/bin/env python3
"""QEMU status -> guest exit code mapping (include/yolk/exit.h)."""
import importlib.util
import sys

spec = importlib.util.spec_from_file_location("yolkqemu", sys.argv[1])
m = importlib.util.module_from_spec(spec)
spec.loader.exec_module(m)
cases = {3: 0, 5: 1, 87: 42, 253: 125, 255: 126, 0: 127, 1: 127, 2: 127}
bad = {s: (m.guest_status(s), want) for s, want in cases.items() if m.guest_status(s) != want}
fwd = {"8000:8000": "tcp:127.0.0.1:8000-:8000", "tcp:8080:80": "tcp:127.0.0.1:8080-:80",
       "udp:5353": "udp:127.0.0.1:5353-:5353", "udp:7000:7": "udp:127.0.0.1:7000-:7"}
for spec, want in fwd.items():
    if m.hostfwd_rule(spec) != want:
        bad[spec] = (m.hostfwd_rule(spec), want)
for spec in ["", "80a", "0:80", "65536", "1:2:3", "sctp:80", "tcp:", ":80", "80:"]:
    try:
        m.hostfwd_rule(spec)
        bad[spec] = "accepted"
    except ValueError as e:
        if "HOSTPORT" not in str(e):
            bad[spec] = str(e)
if bad:
    print("FAIL:", bad)
    sys.exit(1)
print(f"ok: {len(cases) + len(fwd) + 9} cases")
