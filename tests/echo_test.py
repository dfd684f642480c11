#!/usr/bin/env python3
"""apps/tcp-echo and apps/udp-echo in the guest, driven from the host.

  echo_test.py --kernel IMAGE --nic MODEL --proto tcp|udp [--cmdline KERNEL_PARAMS]

tcp: boots `app=tcp-echo`, then 8 connections at once through a hostfwd port;
once each has echoed a ping, each sends 256 KiB of random bytes in uneven
pieces while reading and must get exactly those bytes back; then the server
still takes a new connection.
udp: boots `app=udp-echo`; 200 datagrams of 1..1472 bytes (and a few that
need IP fragmentation, up to 8000 bytes) must come back unchanged (a lost
one is sent again, at most 3 times).
"""
import argparse
import os
import random
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from guest import Guest, GuestError, free_port  # noqa: E402

problems = []


def expect(cond, what):
    print(("ok: " if cond else "FAIL: ") + what, flush=True)
    if not cond:
        problems.append(what)


def recv_exactly(s, n):
    got = b""
    while len(got) < n:
        c = s.recv(n - len(got))
        if not c:
            break
        got += c
    return got


def echoes_ping(s):
    """True once a ping sent on s has come back: QEMU and the guest both took the connection."""
    s.sendall(b"ping")
    return recv_exactly(s, 4) == b"ping"


def connect_when_up(port, timeout=60):
    """The first connection, once DHCP is done and the forward reaches a listener."""
    end = time.monotonic() + timeout
    while True:
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.settimeout(3)
            if echoes_ping(s):
                return s
            s.close()
        except OSError:
            pass
        if time.monotonic() > end:
            return None
        time.sleep(0.5)


def tcp_stream(port, seed, results, start):
    rng = random.Random(seed)
    data = rng.randbytes(256 * 1024)
    got = bytearray()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
            # QEMU's forward listens with a backlog of 1: while it has not
            # accepted yet, the host kernel answers with a SYN cookie and
            # resets the connection when it sees a second data segment.
            if not echoes_ping(s):
                raise OSError("no echo of the first 4 bytes")
            start.wait(60)
            def reader():
                while len(got) < len(data):
                    c = s.recv(65536)
                    if not c:
                        break
                    got.extend(c)
            t = threading.Thread(target=reader)
            t.start()
            off = 0
            while off < len(data):
                n = rng.randint(1, 9000)
                s.sendall(data[off:off + n])
                off += n
            t.join(90)
    except (OSError, threading.BrokenBarrierError) as e:
        print(f"  stream {seed}: {e!r}")
        start.abort()  # the others need not wait for this one
    results[seed] = bytes(got) == data


def tcp(port):
    first = connect_when_up(port)
    expect(first is not None, "tcp-echo answers through the forward")
    if first is None:
        return
    first.close()
    results = {}
    barrier = threading.Barrier(8, action=lambda: started.append(time.monotonic()))
    started = []
    threads = [threading.Thread(target=tcp_stream, args=(port, i, results, barrier)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    took = time.monotonic() - (started[0] if started else 0)
    good = sum(1 for v in results.values() if v)
    expect(good == 8, f"8 concurrent connections x 256 KiB echoed byte for byte ({good} of 8, "
                      f"{8 * 256 / 1024 / took:.2f} MiB/s each way)")
    again = connect_when_up(port, 10)
    expect(again is not None, "a new connection after them is echoed too")
    if again:
        again.close()


def udp(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(1.0)
    rng = random.Random(7)
    # The first datagram may be lost while DHCP finishes: ask until it answers.
    end = time.monotonic() + 60
    up = False
    while time.monotonic() < end and not up:
        s.sendto(b"hello", ("127.0.0.1", port))
        try:
            up = s.recvfrom(65536)[0] == b"hello"
        except socket.timeout:
            pass
    expect(up, "udp-echo answers through the forward")
    if not up:
        return
    sizes = [rng.randint(1, 1472) for _ in range(200)] + [2000, 4000, 8000]
    good = resent = 0
    for i, n in enumerate(sizes):
        msg = i.to_bytes(4, "big") + rng.randbytes(n - 4 if n > 4 else 0)
        msg = msg[:n]
        for _ in range(3):
            s.sendto(msg, ("127.0.0.1", port))
            try:
                while True:  # skip late answers to earlier sends
                    back = s.recvfrom(65536)[0]
                    if back[:4] == msg[:4] or len(msg) < 4:
                        break
                if back == msg:
                    good += 1
                    break
            except socket.timeout:
                resent += 1
    expect(good == len(sizes), f"{len(sizes)} datagrams of 1..8000 bytes echoed unchanged "
                               f"({good} good, {resent} sent again)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--nic", required=True)
    ap.add_argument("--proto", choices=["tcp", "udp"], required=True)
    ap.add_argument("--cmdline", default="")
    a = ap.parse_args()
    kind = socket.SOCK_STREAM if a.proto == "tcp" else socket.SOCK_DGRAM
    port = free_port(kind)
    app = f"{a.proto}-echo"
    g = Guest(a.kernel, cmdline=f"{a.cmdline} app={app}".strip(), nic=a.nic,
              hostfwd=[f"{a.proto}:{port}:7"])
    with g:
        try:
            g.wait_for(rf"^{app}: listening on port 7$", 120)
            (tcp if a.proto == "tcp" else udp)(port)
            expect(g.running(), "the guest is still running")
        except GuestError as e:
            expect(False, str(e))
    text = g.text()
    expect("panic" not in text and "backtrace:" not in text, "no fault on the guest console")
    if problems:
        print("--- guest console ---\n" + text[-3000:])
    print(f"{len(problems)} failed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
