#!/usr/bin/env python3
"""Embedding yolk without traps, end to end (each case in a scratch directory in /tmp).

  embed_test.py SRC new-outside       tools/yolk new app in a fresh outside project: it
                                      builds, boots, passes its own meson test; an app
                                      without main() and a Kconfig without the part's
                                      symbol fail with messages naming the part
  embed_test.py SRC new-intree        tools/yolk new driver and new fs in a copy of yolk's
                                      tree: both build into an image and boot
"""
import os
import shutil
import subprocess
import sys
import tempfile

from scratch_tree import copy_tree

src = os.path.realpath(sys.argv[1])
case = sys.argv[2]
CROSS = "subprojects/yolk/cross/x86_64-yolk.ini"


def run(cmd, cwd, want_fail=False, shell=False):
    p = subprocess.run(cmd, cwd=cwd, shell=shell, executable="/bin/bash" if shell else None,
                       capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if (p.returncode != 0) != want_fail:
        shown = cmd if shell else " ".join(cmd)
        sys.exit(f"FAIL: {shown} (in {cwd}) exited {p.returncode}\n{p.stdout[-3000:]}\n{p.stderr[-3000:]}")
    return p.stdout + p.stderr


def expect(text, want, what):
    if want not in text:
        sys.exit(f"FAIL: {what}: wanted {want!r} in:\n{text[-3000:]}")
    print(f"ok: {what}")


def new_outside(tmp):
    proj = os.path.join(tmp, "myproj")
    run([os.path.join(src, "tools/yolk"), "new", "app", "hi-there", proj], tmp)
    # The part's name is written only as its directory.
    expect(open(os.path.join(proj, "apps/hi-there/meson.build")).read(), "sources = files(",
           "the app's meson.build is just its file list")
    run(["meson", "setup", "build", "--cross-file", CROSS], proj)
    run(["ninja", "-C", "build"], proj)
    out = run(["ninja", "-C", "build", "qemu"], proj)
    expect(out, "hello from hi-there (0 arguments)", "the new app boots and greets (ninja qemu, exit 0)")
    out = run(["meson", "test", "-C", "build", "--print-errorlogs"], proj)
    expect(out, "Ok:                 1", "the new app's own boot test passes under meson test")

    # A Kconfig that does not define the part's symbol: named, with the fix.
    bad = os.path.join(proj, "apps/badsym")
    os.makedirs(bad)
    open(os.path.join(bad, "Kconfig"), "w").write('config APP_WRONG\n\tbool "badsym: test"\n\thelp\n\t  x\n')
    out = run(["meson", "setup", "build-badsym", "--cross-file", CROSS], proj, want_fail=True)
    expect(out, "apps/badsym/Kconfig must define APP_BADSYM", "a Kconfig without APP_BADSYM is named")
    shutil.rmtree(bad)

    # An app without main(): named after the first link, not "undefined reference".
    run([os.path.join(src, "tools/yolk"), "new", "app", "nomain", proj], tmp)
    open(os.path.join(proj, "apps/nomain/nomain.c"), "w").write("int nomain_helper(void) { return 1; }\n")
    run(["meson", "configure", "build", "-Dyolk:config=APP_NOMAIN=y"], proj)
    out = run(["ninja", "-C", "build"], proj, want_fail=True)
    expect(out, "apps/nomain: no main() defined", "an app without main() is named")


def new_intree(tmp):
    top = copy_tree(src, os.path.join(tmp, "yolk"))
    run(["tools/yolk", "new", "driver", "blinky"], top)
    run(["tools/yolk", "new", "fs", "notes"], top)
    run(["meson", "setup", "build", "--cross-file", "cross/x86_64-yolk.ini",
         "-Dconfig=DRIVER_BLINKY=y,FS_NOTES=y"], top)
    run(["ninja", "-C", "build", "yolk"], top)
    for t in ("drivers/blinky", "fs/notes"):
        out = run([sys.executable, os.path.join(t, "tests/boot_test.py"), "tools/yolkqemu.py", "build/yolk",
                   "--cmdline", "app=hello"], top)
        expect(out, "ok: " + t, f"tools/yolk new made {t}, which builds and boots")


tmp = tempfile.mkdtemp(prefix="yolk-embed-")
{"new-outside": new_outside, "new-intree": new_intree}[case](tmp)
shutil.rmtree(tmp)  # kept when a case fails, for a look
