"""What the tests need to look at a guest's screen: boot with a monitor socket,
wait for serial output, take screendumps (binary PPM, read with tools/ppm2png)."""
import os
import socket
import subprocess
import sys
import tempfile
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "tools"))
from ppm2png import read_ppm  # noqa: E402,F401

runner = os.path.join(here, "..", "tools", "yolkqemu.py")


class Guest:
    """A QEMU guest booted by tools/yolkqemu.py with serial to a file and HMP on a socket."""

    def __init__(self, runner_args, timeout=200):
        self.tmp = tempfile.mkdtemp()
        self.sock = os.path.join(self.tmp, "mon.sock")
        self.log = os.path.join(self.tmp, "serial.log")
        self.proc = subprocess.Popen([sys.executable, runner, "--log", self.log, "--monitor-socket", self.sock,
                                      "--timeout", str(timeout)] + runner_args)

    def serial(self):
        return open(self.log, errors="replace").read().replace("\r", "") if os.path.exists(self.log) else ""

    def wait_for(self, text, seconds=150):
        deadline = time.time() + seconds
        while time.time() < deadline and text not in self.serial():
            time.sleep(0.2)
        return text in self.serial()

    def hmp(self, *commands, delay=0.05):
        """Sends monitor commands over one connection, `delay` seconds apart."""
        s = socket.socket(socket.AF_UNIX)
        s.connect(self.sock)
        s.settimeout(10)
        s.recv(4096)  # banner
        for command in commands:
            s.sendall(command.encode() + b"\n")
            time.sleep(delay)
        time.sleep(0.5)
        s.close()

    def screendump(self, path):
        if os.path.exists(path):
            os.unlink(path)
        self.hmp(f"screendump {path}")
        for _ in range(50):
            if os.path.exists(path) and os.path.getsize(path) > 0:
                break
            time.sleep(0.1)
        return read_ppm(path)

    def wait(self, timeout=200):
        return self.proc.wait(timeout=timeout)

    def quit(self):
        self.hmp("quit")
        return self.proc.wait(timeout=60)


def report(checks, serial):
    """Prints each named check as ok/FAIL and, if any failed, the guest's
    serial output; returns the exit status for the test (0 or 1)."""
    for name, ok in checks.items():
        print(("ok: " if ok else "FAIL: ") + name)
    if all(checks.values()):
        return 0
    print("----- serial -----\n" + serial)
    return 1
