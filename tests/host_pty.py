"""The host side of a compare test: a reference program (qjs, lua, sqlite3
built from the same source as the guest's) run with stdout and stderr on one
pseudo-terminal, so that it buffers and interleaves them as the guest's
console does."""
import os
import pty
import subprocess


def run_on_pty(argv, cwd, env=None, timeout=120):
    """Runs argv in cwd, stdin empty; returns (exit status, output as text, "\\r" kept)."""
    master, slave = pty.openpty()
    p = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave)
    os.close(slave)
    out = bytearray()
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: every writer is gone
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    return p.wait(timeout=timeout), out.decode("utf-8", "replace")
