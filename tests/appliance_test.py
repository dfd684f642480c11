#!/usr/bin/env python3
"""examples/appliance, built the way its README says: an outside project with
yolk as a subproject, its own app and defconfig. Its image must boot with
-kernel and as an ISO (`ninja iso`), running the appliance's app."""
import os
import subprocess
import sys
import tempfile

src = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
example = os.path.join(src, "examples", "appliance")
build = os.path.abspath(sys.argv[1])
runner = os.path.join(src, "tools", "yolkqemu.py")


def run(cmd, **kw):
    p = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL, **kw)
    if p.returncode != 0:
        sys.exit(f"FAIL: {' '.join(cmd)} exited {p.returncode}\n{p.stdout[-3000:]}\n{p.stderr[-3000:]}")
    return p


if not os.path.exists(os.path.join(build, "build.ninja")):
    run(["meson", "setup", build, "--cross-file", "subprojects/yolk/cross/x86_64-yolk.ini"], cwd=example)
run(["ninja", "-C", build, "image", "iso"])
ok = True
for how, args in (("-kernel", ["--kernel", os.path.join(build, "subprojects/yolk/yolk"), "--cmdline", "a b"]),
                  ("ISO", ["--iso", os.path.join(build, "subprojects/yolk/yolk.iso")])):
    with tempfile.NamedTemporaryFile() as log:
        p = subprocess.run([sys.executable, runner, "--log", log.name, "--timeout", "120"] + args)
        out = open(log.name, errors="replace").read().replace("\r", "")
    want = "hello appliance from the appliance (2 arguments" if how == "-kernel" else \
           "hello appliance from the appliance (0 arguments"
    good = p.returncode == 0 and want in out
    print(("ok: " if good else "FAIL: ") + f"the appliance boots via {how} and runs its own app")
    if not good:
        print(out[-2000:])
        ok = False
sys.exit(0 if ok else 1)
