#!/usr/bin/env python3
"""`ninja menuconfig` in a terminal: a pseudo-terminal plays a person who
jumps to TICK_HZ ('/'), types a new value, saves on quit, and then checks
that .config holds it and the next ninja run configures with it."""
import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time

scratch = os.path.abspath(sys.argv[1])
src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
if not os.path.exists(os.path.join(scratch, "build.ninja")):
    subprocess.run(["meson", "setup", scratch, src, "--cross-file",
                    os.path.join(src, "cross/x86_64-yolk.ini"), "-Ddefconfig=hello"],
                   check=True, capture_output=True)
subprocess.run(["ninja", "-C", scratch, "build.ninja"], check=True, capture_output=True)

pid, fd = pty.fork()
if pid == 0:
    os.environ["TERM"] = "xterm"
    os.execvp("ninja", ["ninja", "-C", scratch, "menuconfig"])
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
screen = bytearray()


def pump(seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                screen.extend(os.read(fd, 65536))
            except OSError:
                return


pump(3)
value = str(100 + os.getpid() % 800)
for keys in ["/", "TICK_HZ", "\r", "\r", "\x05", "\x15", value, "\r", "Q", "y"]:
    os.write(fd, keys.encode())
    pump(0.7)
pump(2)
_, status = os.waitpid(pid, 0)
text = screen.decode("utf-8", "replace")
config = open(os.path.join(scratch, ".config")).read()
checks = {
    "menuconfig drew its menu": "yolk configuration" in text,
    "menuconfig exited 0": os.WEXITSTATUS(status) == 0,
    f".config has CONFIG_TICK_HZ={value}": f"CONFIG_TICK_HZ={value}\n" in config,
}
subprocess.run(["ninja", "-C", scratch, "build.ninja"], check=True, capture_output=True)
header = open(os.path.join(scratch, "yolk-config", "core.h")).read()
checks["the next ninja configured with it"] = f"#define CONFIG_TICK_HZ {value}\n" in header
failed = [k for k, ok in checks.items() if not ok]
for k, ok in checks.items():
    print(("ok: " if ok else "FAIL: ") + k)
if failed:
    print("----- terminal (last 3000 bytes) -----\n" + text[-3000:])
    sys.exit(1)
