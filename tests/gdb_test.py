#!/usr/bin/env python3
"""`ninja qemu-debug` + `ninja gdb`, unattended: start the image halted with
a gdb stub, attach gdb with the image's symbols, stop at main, check the
backtrace and an argument, and let the guest finish normally."""
import os
import socket
import subprocess
import sys
import tempfile
import time

tools = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools")
runner = os.path.join(tools, "yolkqemu.py")
image, elf = sys.argv[1], sys.argv[2]

with socket.socket() as s:  # a free port on loopback
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]

with tempfile.TemporaryDirectory() as tmp:
    log = os.path.join(tmp, "serial.log")
    qemu = subprocess.Popen([sys.executable, runner, "--kernel", image, "--cmdline", "app=ktest argv gdb",
                             "--gdb", "--gdb-port", str(port), "--log", log, "--timeout", "60"])
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    gdb = subprocess.run(
        ["gdb", "-q", "-batch", "-nx", "-ex", "set architecture i386:x86-64",
         "-ex", f"target remote 127.0.0.1:{port}", "-ex", "hbreak yolk_app_ktest_main", "-ex", "continue",
         "-ex", "bt", "-ex", "print argc", "-ex", "print argv[1]", "-ex", "delete",
         "-ex", "continue", elf],
        capture_output=True, text=True, timeout=120)
    code = qemu.wait(timeout=60)
    serial = open(log, errors="replace").read()

out = gdb.stdout + gdb.stderr
checks = {
    "stopped at ktest's main": "yolk_app_ktest_main (argc=3" in out,
    "argc is 3": "$1 = 3" in out,
    "argv[1] is \"argv\"": '$2 = ' in out and '"argv"' in out,
    "backtrace shows main with its arguments": "#0  yolk_app_ktest_main (argc=3" in out,
    "guest ran on to exit 0": code == 0 and "argc=3" in serial,
}
failed = [k for k, ok in checks.items() if not ok]
if failed:
    print("FAIL:", ", ".join(failed))
    print("----- gdb -----\n" + out + "\n----- serial -----\n" + serial)
    sys.exit(1)
print("ok: " + ", ".join(checks))
