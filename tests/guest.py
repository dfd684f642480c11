"""A yolk guest running in the background while a test drives it from the host.

    with Guest(kernel, cmdline="app=httpd", nic="e1000", hostfwd=["tcp:8080:8000"]) as g:
        g.wait_for(r"^httpd: listening on port 8000$", 120)
        ...   # curl http://127.0.0.1:8080/ ...
    g.text()  # everything the guest printed

QEMU runs with tools/yolkqemu.py's command line (the same as `ninja qemu`),
on user networking; forwards are bound to 127.0.0.1 only. The guest is
killed at stop() or after `timeout` seconds of wait_for().
"""
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import yolkqemu  # noqa: E402


def free_port(kind=socket.SOCK_STREAM):
    """A port on 127.0.0.1 that is free now (for a hostfwd)."""
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class GuestError(Exception):
    pass


class Checks(list):
    """The checks that failed; calling it records one: prints ok or FAIL, returns cond."""

    def __call__(self, cond, what):
        print(("ok: " if cond else "FAIL: ") + what, flush=True)
        if not cond:
            self.append(what)
        return cond


class Guest:
    def __init__(self, kernel, cmdline="", nic=None, hostfwd=(), initrd=None, timeout=300, memory="128M",
                 smp=1, qemu_args=()):
        self.log = tempfile.NamedTemporaryFile(prefix="yolk-guest-", suffix=".log", delete=False).name
        argv = ["--kernel", kernel, "--cmdline", cmdline, "--memory", memory, "--smp", str(smp)]
        if nic:
            argv += ["--nic", nic] + [f"--hostfwd={h}" for h in hostfwd]
        if initrd:
            argv += ["--initrd", initrd]
        # Extra QEMU arguments (a -netdev/-device pair replaces the user network).
        argv += [f"--qemu-arg={a}" for a in qemu_args]
        args = yolkqemu.parser().parse_args(argv)
        # QEMU itself is the child (not the runner), so stop() surely ends it.
        self.cmd = yolkqemu.qemu_command(args, ["-display", "none", "-monitor", "none",
                                                "-serial", f"file:{self.log}"])
        self.timeout = timeout
        self.proc = None
        self.status = None
        self.final_text = None

    def __enter__(self):
        self.proc = subprocess.Popen(self.cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE)
        self.deadline = time.monotonic() + self.timeout
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def text(self):
        return self.final_text if self.final_text is not None else yolkqemu.read_log(self.log)

    def running(self):
        return self.proc.poll() is None

    def wait_for(self, pattern, timeout):
        """The first match of pattern (multiline) in the console; GuestError
        if the guest stops or timeout seconds pass first."""
        wait = max(0.1, min(timeout, self.deadline - time.monotonic()))
        try:
            m = yolkqemu.wait_for_line(self.proc, self.log, re.compile(pattern, re.M), wait)
        except subprocess.TimeoutExpired:
            raise GuestError(f"no /{pattern}/ on the console after {timeout} s") from None
        if m is None:
            raise GuestError(f"guest stopped (runner exit {self.proc.returncode}) before /{pattern}/")
        return m

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
        if self.proc:
            self.status = self.proc.wait()
            self.stderr = self.proc.stderr.read().decode(errors="replace")
        text = self.text()
        if os.path.exists(self.log):
            os.unlink(self.log)
        self.final_text = text
        return text
