#!/usr/bin/env python3
"""apps/iperf3 in the guest (`iperf3 -s -1`), the host's iperf3 as the client.

  iperf3_test.py --kernel IMAGE --nic MODEL [--reverse]

Boots the image with `app=iperf3 -s -1 -p 5201` (iperf3 as the main app), QEMU user networking forwarding a free port of
the host's 127.0.0.1 to the guest's 5201 (the control connection and the
data connection both go to that port: the forward takes each). Then
`iperf3 -c 127.0.0.1 -p PORT -t 3 -J` (with -R with --reverse: the guest
sends) must finish with status 0 and JSON that names no error and counts
bytes sent and received; the guest must print its own summary lines and,
one test served, end with status 0.
Everything is bounded: the client has a 60 s timeout, the guest 300 s.
"""
import argparse
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from guest import Guest, GuestError, free_port  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import yolkqemu  # noqa: E402

GUEST_PORT = 5201
problems = []


def expect(cond, what):
    print(("ok: " if cond else "FAIL: ") + what, flush=True)
    if not cond:
        problems.append(what)


def run_client(port, reverse):
    """The host's iperf3 client; its parsed JSON, or None (and the failure reported)."""
    cmd = ["iperf3", "-c", "127.0.0.1", "-p", str(port), "-t", "3", "-J", "--connect-timeout", "10000"]
    if reverse:
        cmd.append("-R")
    print("$ " + " ".join(cmd), flush=True)
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        expect(False, "the iperf3 client finished within 60 s")
        return None
    expect(p.returncode == 0, f"the iperf3 client exited 0 (got {p.returncode})")
    try:
        return json.loads(p.stdout)
    except ValueError:
        expect(False, "the client printed JSON: " + p.stdout[-1000:] + p.stderr[-1000:])
        return None


def check_json(r, reverse):
    expect("error" not in r, "no error in the client's JSON: " + str(r.get("error", "")))
    end = r.get("end", {})
    sent = end.get("sum_sent", {}).get("bytes", 0)
    received = end.get("sum_received", {}).get("bytes", 0)
    secs = end.get("sum_received", {}).get("seconds", 0)
    mbits = end.get("sum_received", {}).get("bits_per_second", 0) / 1e6
    who = "guest -> host" if reverse else "host -> guest"
    expect(received > 0 and sent > 0,
           f"{who}: {sent} bytes sent, {received} received in {secs:.2f} s ({mbits:.1f} Mbit/s)")
    # The sender's count is taken when the test time ends, and a write in
    # flight may land after it (with -R the guest's count): allow a little.
    expect(sent / 2 <= received <= sent * 1.01 + 65536, "about as many bytes received as sent")
    expect(2.5 <= secs <= 10, f"the test ran about 3 s ({secs:.2f})")
    expect(r.get("start", {}).get("test_start", {}).get("reverse", -1) == (1 if reverse else 0),
           "the server agreed on the direction")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--nic", required=True)
    ap.add_argument("--reverse", action="store_true", help="-R: the guest sends")
    a = ap.parse_args()
    port = free_port()
    # A static address: the forward reaches the guest as soon as it listens
    # (a -1 server would end at a first connection lost while DHCP runs).
    cmdline = f"ip=10.0.2.15/24 gw=10.0.2.2 app=iperf3 -s -1 -p {GUEST_PORT}"
    g = Guest(a.kernel, cmdline=cmdline, nic=a.nic, hostfwd=[f"tcp:{port}:{GUEST_PORT}"])
    with g:
        try:
            g.wait_for(rf"^Server listening on {GUEST_PORT}", 120)
            r = run_client(port, a.reverse)
            if r is not None:
                check_json(r, a.reverse)
            # The server's own summary: sender and receiver lines, 0.00-N sec.
            g.wait_for(r"^\[\s*\d+\]\s+0\.00-\d+\.\d+\s+sec\s+.*\s(sender|receiver)\s*$", 30)
            expect(True, "the guest printed its summary")
            end = time.monotonic() + 30
            while g.running() and time.monotonic() < end:
                time.sleep(0.2)
            expect(not g.running(), "the guest ended once the test was served")
            status = g.proc.returncode
            expect(status is not None and yolkqemu.guest_status(status) == 0,
                   f"guest exit status 0 (got {yolkqemu.guest_status(status) if status is not None else None})")
        except GuestError as e:
            expect(False, str(e))
    text = g.text()
    expect("panic" not in text and "backtrace:" not in text, "no fault on the guest console")
    print("--- guest console (end) ---\n" + text[-2500:])
    print(f"{len(problems)} failed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
