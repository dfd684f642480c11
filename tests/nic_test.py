#!/usr/bin/env python3
"""A network card end to end through QEMU's user network (any NIC model).

  nic_test.py --kernel IMAGE --nic MODEL [--nic MODEL ...] [--params 'ip=... gw=...']
              [--irq MSI-X|MSI|INTx] [--link] [--smp N] [--irq-cpu N] [--mq PAIRS]

The host runs a TCP and a UDP echo server on 127.0.0.1 (free ports) and
boots `ktest nic TCPPORT UDPPORT` (apps/ktest/nic.c) with one user-network
card per --nic, the first on 10.0.2.0/24, the next on 10.0.3.0/24 and so
on; the guest reaches the host's 127.0.0.1 at each network's .2. Each card
forwards a host TCP and UDP port (127.0.0.1 only) to the guest's port 7.
The guest pushes 1 MiB through the TCP echo server and does UDP round
trips; once it prints that it listens, the host echoes a UDP datagram and
256 KiB over TCP through each card's forwarded ports, then sends "done". With --link the host
takes the first card's link down and up from the QEMU monitor when the
guest asks. --irq checks how the cards interrupt (the guest reads their
PCI configuration). Every wait is bounded; on failure the guest output is printed.

--mq PAIRS (virtio-net multiqueue; QEMU's user network has one queue): the
test runs in a network namespace of its own (unshare --net; --map-root-user when not root)
with a multiqueue tap device, tap0 at 10.0.2.2/24, and one virtio-net card
on it with PAIRS queue pairs (mq=on); the echo servers listen on 10.0.2.2,
the guest is 10.0.2.15 and the host reaches its port 7 directly. The guest
also echoes from a thread on every CPU at once; it must say it uses PAIRS
queue pairs, and every CPU must have taken some of the card's interrupts.
"""
import argparse
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import yolkqemu  # noqa: E402
from guest import free_port  # noqa: E402

IO_TIMEOUT = 30  # seconds for any one socket operation
INBOUND_BYTES = 256 * 1024
problems = []


def expect(cond, what):
    if not cond:
        problems.append(what)


class EchoServers:
    """TCP (a thread per connection) and UDP echo on 127.0.0.1, until stop()."""

    def __init__(self, addr="127.0.0.1"):
        self.stopping = threading.Event()
        self.tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.tcp.bind((addr, 0))
        self.tcp.listen(8)
        self.tcp.settimeout(0.2)
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind((addr, 0))
        self.udp.settimeout(0.2)
        self.tcp_port, self.udp_port = self.tcp.getsockname()[1], self.udp.getsockname()[1]
        self.tcp_bytes = self.datagrams = 0
        self.threads = [threading.Thread(target=f, daemon=True) for f in (self.accept_loop, self.udp_loop)]
        for t in self.threads:
            t.start()

    def accept_loop(self):
        while not self.stopping.is_set():
            try:
                c, _ = self.tcp.accept()
            except socket.timeout:
                continue
            t = threading.Thread(target=self.echo, args=(c,), daemon=True)
            t.start()
            self.threads.append(t)

    def echo(self, c):
        c.settimeout(IO_TIMEOUT)
        with c:
            try:
                while data := c.recv(65536):
                    c.sendall(data)
                    self.tcp_bytes += len(data)
            except OSError as e:
                problems.append(f"host TCP echo: {e}")

    def udp_loop(self):
        while not self.stopping.is_set():
            try:
                data, peer = self.udp.recvfrom(65536)
            except socket.timeout:
                continue
            self.udp.sendto(data, peer)
            self.datagrams += 1

    def stop(self):
        self.stopping.set()
        for t in self.threads:
            t.join(IO_TIMEOUT)
        self.tcp.close()
        self.udp.close()


class Guest:
    """QEMU running the image in a thread; its serial log read as it grows."""

    def __init__(self, run_args, log):
        self.log, self.code = log, None
        self.thread = threading.Thread(target=self.run, args=(run_args,), daemon=True)
        self.thread.start()

    def run(self, run_args):
        self.code = yolkqemu.main(run_args)

    def output(self):
        return yolkqemu.read_log(self.log)

    def wait_for(self, pattern, timeout):
        """The match of pattern in the output, or None at the deadline or when the guest ended."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            m = re.search(pattern, self.output(), re.M)
            if m or not self.thread.is_alive():
                return m or re.search(pattern, self.output(), re.M)
            time.sleep(0.1)
        return None


def monitor(path, command):
    """One HMP command on QEMU's monitor socket."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(IO_TIMEOUT)
        s.connect(path)
        s.sendall(command.encode() + b"\n")
        time.sleep(0.3)  # HMP answers with a prompt; let the command run before closing


def inbound_udp(addr, msg):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(1)
        for _ in range(10):
            s.sendto(msg, addr)
            try:
                data, _ = s.recvfrom(2048)
            except socket.timeout:
                continue
            return data == msg
    return False


def finish(guest, addr):
    """Tells the guest's server to stop; its answer may be lost as it exits, so watch its output."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for _ in range(10):
            s.sendto(b"done", addr)
            if guest.wait_for(r"^nic: inbound ", 1):
                return True
    return False


def inbound_tcp(addr):
    """INBOUND_BYTES through the guest's echo on port 7 and back, checked; returns the seconds taken."""
    data = random.Random(addr[1]).randbytes(INBOUND_BYTES)
    with socket.create_connection(addr, timeout=IO_TIMEOUT) as s:
        start = time.monotonic()

        def send():
            try:
                s.sendall(data)
                s.shutdown(socket.SHUT_WR)
            except OSError as e:
                problems.append(f"inbound TCP send: {e}")
        sender = threading.Thread(target=send, daemon=True)
        sender.start()
        got = bytearray()
        while len(got) <= INBOUND_BYTES and (chunk := s.recv(65536)):
            got += chunk
        sender.join(IO_TIMEOUT)
        took = time.monotonic() - start
    expect(bytes(got) == data, f"inbound TCP to {addr[0]}:{addr[1]}: {len(got)} of {len(data)} bytes back"
           f"{', different' if len(got) == len(data) else ''}")
    return took


def link_cycle(guest, sock):
    for state in ("down", "up"):
        if not guest.wait_for(rf"^nic: waiting for link {state}$", 60):
            problems.append(f"guest never waited for link {state}")
            return
        monitor(sock, f"set_link n0 {'off' if state == 'down' else 'on'}")
        expect(guest.wait_for(rf"^nic: \w+ link {state}$", 40), f"guest did not see link {state}")


def tap_up(queues):
    """tap0, multiqueue, at 10.0.2.2/24 in this (new) network namespace; QEMU opens one queue per pair."""
    for cmd in (["link", "set", "lo", "up"], ["tuntap", "add", "dev", "tap0", "mode", "tap", "multi_queue"],
                ["addr", "add", "10.0.2.2/24", "dev", "tap0"], ["link", "set", "tap0", "up"]):
        subprocess.run(["ip"] + cmd, check=True)
    print(f"tap0: multiqueue tap for {queues} queue pairs at 10.0.2.2/24 in a network namespace of its own")


def check_output(out, args, code):
    params = args.params
    nics = len(args.nic)
    expect(code == 0, f"guest exit code {code}, expected 0")
    expect(re.search(rf"^nic: {nics} devices$", out, re.M), f"guest did not find {nics} devices")
    for i in range(nics):
        if i == 0 and "ip=" in params:
            line = r"^nic: eth0 ip 10\.0\.2\.15/24 gw 10\.0\.2\.2 dhcp=0$"
        else:
            line = rf"^nic: eth{i} ip 10\.0\.{2 + i}\.\d+/24 gw 10\.0\.{2 + i}\.2 dhcp=1$"
        expect(re.search(line, out, re.M), f"eth{i}: no address line /{line}/")
        expect(re.search(rf"^nic: eth{i} tcp echo 1048576 bytes, 0 wrong, ", out, re.M), f"eth{i}: TCP echo failed")
        expect(re.search(rf"^nic: eth{i} udp 5 of 5 round trips$", out, re.M), f"eth{i}: UDP round trips failed")
    expect(re.search(rf"^nic: inbound {nics} tcp connections \({nics * INBOUND_BYTES} bytes\), \d+ udp",
                     out, re.M), "guest did not serve the inbound connections")
    if args.irq:
        kinds = re.findall(r"^nic: pci \S+ \S+ irq=(\S+)$", out, re.M)
        expect(kinds == [args.irq] * nics, f"cards interrupt by {kinds}, expected {args.irq}")
    if args.irq_cpu is not None:
        for bdf, counts in re.findall(r"^nic: pci (\S+) interrupts taken:((?: cpu\d+ \d+)+)$", out, re.M) or [("-", "")]:
            per_cpu = {int(c): int(n) for c, n in re.findall(r"cpu(\d+) (\d+)", counts)}
            expect(per_cpu.get(args.irq_cpu, 0) > 0 and all(n == 0 for c, n in per_cpu.items() if c != args.irq_cpu),
                   f"card {bdf}: interrupts taken{counts or ' (none printed)'}, expected all on cpu {args.irq_cpu}")
    if args.link:
        expect(re.search(r"^nic: eth0 traffic after link up done$", out, re.M), "no traffic after link up")
    if args.mq:
        expect(re.search(rf"^yolk: virtio-net eth0: .*, {args.mq} queue pairs?, link up$", out, re.M),
               f"the card does not use {args.mq} queue pairs")
        bytes_all = args.smp * 64 * 4096
        expect(re.search(rf"^nic: eth0 tcp echo from {args.smp} cpus at once: {bytes_all} bytes, 0 wrong$", out, re.M),
               f"no echo from all {args.smp} CPUs at once")
        for bdf, counts in re.findall(r"^nic: pci (\S+) interrupts taken:((?: cpu\d+ \d+)+)$", out, re.M) or [("-", "")]:
            per_cpu = {int(c): int(n) for c, n in re.findall(r"cpu(\d+) (\d+)", counts)}
            expect(len(per_cpu) == args.smp and all(n > 0 for n in per_cpu.values()),
                   f"card {bdf}: interrupts taken{counts or ' (none printed)'}, expected some on every CPU")
    expect(re.search(r"^nic: 0 failures$", out, re.M), "guest reported failures")
    expect(not re.search(r"^FAIL", out, re.M), "guest printed FAIL")
    expect(not re.search(r"^yolk: panic", out, re.M), "guest panicked")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--kernel", required=True)
    p.add_argument("--nic", action="append", required=True, help="QEMU device model, e.g. virtio-net-pci")
    p.add_argument("--params", default="", help="kernel parameters before app=ktest")
    p.add_argument("--link", action="store_true", help="take the first card's link down and up")
    p.add_argument("--irq", choices=["MSI-X", "MSI", "INTx"], help="how every card must interrupt")
    p.add_argument("--smp", type=int, default=1, help="QEMU CPUs (with irqaffinity= in --params)")
    p.add_argument("--irq-cpu", type=int, help="every card's interrupts must be taken on this CPU alone")
    p.add_argument("--mq", type=int, help="virtio-net with this many queue pairs on a multiqueue tap (own netns)")
    p.add_argument("--timeout", type=float, default=120)
    args = p.parse_args()
    if args.mq and os.environ.get("NIC_TEST_NETNS") != "1":
        # A network namespace of our own: the tap, its address and the echo servers are seen by nothing else.
        # As root no user namespace is needed, and none may be made inside a chroot (CI's fresh root).
        env = dict(os.environ, NIC_TEST_NETNS="1")
        userns = [] if os.geteuid() == 0 else ["--map-root-user"]
        os.execvpe("unshare", ["unshare", "--net"] + userns + [sys.executable] + sys.argv, env)
    if args.mq:
        if args.nic != ["virtio-net-pci"] or "ip=" in args.params:
            p.error("--mq takes one --nic virtio-net-pci and sets the address itself")
        tap_up(args.mq)
        args.params = f"loglevel=3 ip=10.0.2.15/24 gw=10.0.2.2 {args.params}".strip()
    servers = EchoServers("10.0.2.2" if args.mq else "127.0.0.1")
    fwd = [(free_port(socket.SOCK_STREAM), free_port(socket.SOCK_DGRAM)) for _ in args.nic]
    # Where the host reaches each card's port 7: (tcp address, udp address).
    inbound = [(("10.0.2.15", 7), ("10.0.2.15", 7))] if args.mq else \
              [(("127.0.0.1", t), ("127.0.0.1", u)) for t, u in fwd]
    with tempfile.TemporaryDirectory() as tmp:
        log, sock = os.path.join(tmp, "serial.log"), os.path.join(tmp, "monitor.sock")
        cmdline = f"{args.params} app=ktest nic {servers.tcp_port} {servers.udp_port}".strip()
        run_args = ["--kernel", args.kernel, "--cmdline", cmdline + (" link" if args.link else "") +
                    (" spread" if args.mq else ""),
                    "--log", log, "--timeout", str(args.timeout), "--monitor-socket", sock,
                    "--smp", str(args.smp)]
        for i, (model, (tport, uport)) in enumerate(zip(args.nic, fwd)):
            if args.mq:
                run_args += ["--qemu-arg=-netdev", f"--qemu-arg=tap,id=n{i},ifname=tap0,script=no,downscript=no,"
                             f"vhost=off,queues={args.mq}", "--qemu-arg=-device",
                             f"--qemu-arg={model},netdev=n{i},mq=on,vectors={2 * args.mq + 2}"]
                continue
            run_args += ["--qemu-arg=-netdev", f"--qemu-arg=user,id=n{i},net=10.0.{2 + i}.0/24,"
                         f"hostfwd=tcp:127.0.0.1:{tport}-:7,hostfwd=udp:127.0.0.1:{uport}-:7",
                         "--qemu-arg=-device", f"--qemu-arg={model},netdev=n{i}"]
        start = time.monotonic()
        guest = Guest(run_args, log)
        if guest.wait_for(r"^nic: listening on 7$", args.timeout):
            for i, (taddr, uaddr) in enumerate(inbound):
                expect(inbound_udp(uaddr, b"inbound udp %d" % i), f"card {i}: no UDP echo from {uaddr}")
                try:
                    took = inbound_tcp(taddr)
                    print(f"inbound TCP echo card {i}: {INBOUND_BYTES} bytes in {took:.2f} s "
                          f"({INBOUND_BYTES / 1024 / took:.0f} KiB/s)")
                except OSError as e:
                    problems.append(f"card {i}: inbound TCP to {taddr}: {e}")
            # Every echo is checked: the guest may stop serving (and exit) now.
            expect(finish(guest, inbound[0][1]), "the guest did not stop serving after done")
            if args.link:
                link_cycle(guest, sock)
        else:
            problems.append("the guest never listened on port 7")
        guest.thread.join(args.timeout + 30)
        out = guest.output()
        servers.stop()
    for m in re.finditer(r"^nic: \w+ tcp echo .*$|^nic: pci \S+ interrupts taken:.*$", out, re.M):
        print(m.group(0))
    print(f"guest ran {time.monotonic() - start:.1f} s; host echoed {servers.tcp_bytes} TCP bytes, "
          f"{servers.datagrams} datagrams")
    check_output(out, args, guest.code)
    if problems:
        print("FAIL: " + "; ".join(problems))
        print("----- guest output -----")
        print(out)
        print("------------------------")
        return 1
    if os.environ.get("NIC_TEST_VERBOSE"):
        print(out)
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
