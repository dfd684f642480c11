#!/usr/bin/env python3
"""Boot a yolk image in QEMU and exit with the guest's exit status.

Used by `ninja qemu`, the tests and the benchmarks, so all three boot the
image the same way. The guest's status arrives through isa-debug-exit (see
include/yolk/exit.h): QEMU status s = ((code + 1) << 1) | 1, so
code = (s >> 1) - 1. Anything else means the guest never said how it
ended (triple fault, reset, QEMU error) and is reported as 127.
"""
import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

EXIT_PANIC = 126
EXIT_LOST = 127
EXIT_TIMEOUT = 124

# What a server app prints once it serves (apps/httpd, tcp-echo, udp-echo; and
# upstream iperf3's own words, apps/iperf3): it never returns from main, so test
# boots stop it there (--until-listening).
SERVER_READY = r"^[\w-]+: listening on port \d+|^Server listening on \d+"

OVMF_CODE = "/usr/share/OVMF/OVMF_CODE.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS.fd"


def guest_status(qemu_status):
    """Maps QEMU's exit status to the guest's exit code."""
    if qemu_status >= 3 and qemu_status & 1:
        return (qemu_status >> 1) - 1
    return EXIT_LOST


def hostfwd_rule(spec):
    """Turns a port forward as `ninja qemu` takes it ([tcp:|udp:]HOST[:GUEST])
    into QEMU's hostfwd rule, bound to 127.0.0.1; ValueError says what is wrong."""
    proto, rest = "tcp", spec
    if spec.startswith(("tcp:", "udp:")):
        proto, rest = spec[:3], spec[4:]
    parts = rest.split(":")
    if len(parts) not in (1, 2) or not all(p.isdigit() and 0 < int(p) < 65536 for p in parts):
        raise ValueError(f"bad port forward '{spec}': expected [tcp:|udp:]HOSTPORT[:GUESTPORT], "
                         "ports 1..65535 (e.g. 8000:80 or udp:5353)")
    host, guest = parts[0], parts[-1]
    return f"{proto}:127.0.0.1:{int(host)}-:{int(guest)}"


def nic_option(args):
    """-nic for --nic/--hostfwd: QEMU user networking (the guest is 10.0.2.15, DHCP from 10.0.2.2)."""
    if not args.nic or args.nic == "none":
        return ["-nic", "none"]  # no NIC unless asked for: its option ROM slows the boot
    return ["-nic", ",".join(["user", f"model={args.nic}"] +
                             [f"hostfwd={hostfwd_rule(h)}" for h in args.hostfwd])]


def qemu_command(args, serial):
    cmd = ["qemu-system-x86_64", "-machine", "q35", "-cpu", "max", "-m", args.memory,
           "-no-reboot", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
    if args.smp > 1:
        # TCG runs each vCPU on its own host thread (MTTCG) by default for an
        # x86_64 guest on an x86_64 host; thread=multi says so and fails if it cannot.
        cmd += ["-smp", str(args.smp), "-accel", "tcg,thread=multi"]
    if not any(a.startswith(("-nic", "-netdev")) for a in args.qemu_arg):
        cmd += nic_option(args)
    if args.kernel:
        cmd += ["-kernel", args.kernel]
        if args.cmdline:
            cmd += ["-append", args.cmdline]
        if args.initrd:
            cmd += ["-initrd", args.initrd]
    elif args.iso:
        cmd += ["-cdrom", args.iso, "-boot", "d"]
    if args.uefi:
        cmd += ["-drive", f"if=pflash,format=raw,unit=0,readonly=on,file={OVMF_CODE}",
                "-drive", f"if=pflash,format=raw,unit=1,file={args.uefi_vars}"]
    cmd += serial
    if args.gdb:
        cmd += ["-gdb", f"tcp:127.0.0.1:{args.gdb_port}", "-S"]
    cmd += args.qemu_arg
    return cmd


def read_log(path):
    """The serial log so far as text, line ends as \\n ("" before QEMU created it)."""
    try:
        with open(path, "rb") as f:
            return f.read().decode("utf-8", "replace").replace("\r", "")
    except FileNotFoundError:
        return ""


def wait_for_line(proc, log, pattern, timeout):
    """The first match of pattern in the serial log, waiting while QEMU runs;
    None if QEMU ended without it. TimeoutExpired after timeout seconds (0: none)."""
    end = time.monotonic() + timeout if timeout else None
    while proc.poll() is None:
        m = pattern.search(read_log(log))
        if m:
            return m
        if end is not None and time.monotonic() > end:
            raise subprocess.TimeoutExpired(proc.args, timeout)
        time.sleep(0.1)
    return pattern.search(read_log(log))  # what it wrote before it ended


def input_script(path):
    """The --input file as [(wait regex or None, bytes to type)]: a line
    "#wait REGEX" holds back what follows until the guest's output matches
    REGEX (multiline), as a user waits for a prompt before typing on; every
    other byte is typed as it is (the file is binary: \r ends a line)."""
    steps, wait, chunk = [], None, b""
    with open(path, "rb") as f:
        for line in f.read().splitlines(keepends=True):
            if line.startswith(b"#wait "):
                steps.append((wait, chunk))
                wait, chunk = re.compile(line[6:].rstrip(b"\r\n").decode(), re.M), b""
            else:
                chunk += line
    steps.append((wait, chunk))
    return steps


def feed_input(proc, log, steps, timeout):
    """Types each step once its wait matches; gives up (stdin closed) when the
    guest ends or the timeout passes, so the test fails on what it printed."""
    end = time.monotonic() + (timeout or 3600)
    try:
        for wait, chunk in steps:
            while wait and not wait.search(read_log(log)):
                if proc.poll() is not None or time.monotonic() > end:
                    return
                time.sleep(0.05)
            proc.stdin.write(chunk)
            proc.stdin.flush()
    except (BrokenPipeError, OSError):
        return
    finally:
        try:
            proc.stdin.close()
        except OSError:
            pass


def run(args):
    if args.uefi:
        # OVMF writes to its variable store: give each run its own copy.
        shutil.copyfile(OVMF_VARS, args.uefi_vars)
    stdout = None
    monitor = ["-monitor", f"unix:{args.monitor_socket},server,nowait"] if args.monitor_socket else \
        ["-monitor", "none"]
    script = None
    if args.log and args.input:
        # Unattended, typed input: serial on stdio, fed from a file, output to the log.
        serial = ["-display", "none"] + monitor + ["-serial", "stdio"]
        script = input_script(args.input)
        stdin = subprocess.PIPE if len(script) > 1 else open(args.input, "rb")
        stdout = open(args.log, "wb")
    elif args.log:
        # Unattended: serial to a file, no display, no monitor on stdio.
        serial = ["-display", "none"] + monitor + ["-serial", f"file:{args.log}"]
        stdin = subprocess.DEVNULL
    else:
        # Serial and monitor on the terminal (Ctrl-A x quits); a window only if asked for.
        serial = ["-serial", "mon:stdio"]
        if "-display" not in args.qemu_arg:
            serial += ["-display", "none"]
        stdin = None
    cmd = qemu_command(args, serial)
    if args.verbose:
        print("+ " + " ".join(cmd), file=sys.stderr)
    if args.gdb:
        print(f"yolk: QEMU halted at reset; attach with `ninja gdb` (port {args.gdb_port})",
              file=sys.stderr, flush=True)
    if args.log and stdout is None:
        # Empty it now, not when QEMU gets to it: --until must not match the last run's lines.
        open(args.log, "wb").close()
    start = time.monotonic()
    env = None
    if args.preload:
        env = dict(os.environ)
        env["LD_PRELOAD"] = " ".join(filter(None, [os.path.abspath(args.preload), env.get("LD_PRELOAD")]))
    proc = subprocess.Popen(cmd, stdin=stdin, stdout=stdout, env=env, start_new_session=args.log is not None)
    if stdin is subprocess.PIPE:
        threading.Thread(target=feed_input, args=(proc, args.log, script, args.timeout), daemon=True).start()
    try:
        if args.until:
            if wait_for_line(proc, args.log, re.compile(args.until, re.M), args.timeout) \
                    and proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                return 0
        status = proc.wait(timeout=args.timeout or None)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL) if args.log else proc.kill()
        proc.wait()
        print(f"yolk: timed out after {args.timeout} s", file=sys.stderr)
        return EXIT_TIMEOUT
    finally:
        if args.uefi and os.path.exists(args.uefi_vars):
            os.unlink(args.uefi_vars)
    code = guest_status(status)
    if args.verbose:
        print(f"yolk: qemu status {status}, guest exit {code}, "
              f"{time.monotonic() - start:.2f} s", file=sys.stderr)
    if code == EXIT_LOST:
        print(f"yolk: the guest stopped without an exit code (QEMU status {status})",
              file=sys.stderr)
    return code


def parser():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    src = p.add_mutually_exclusive_group()
    src.add_argument("--kernel", help="boot this image with -kernel (PVH)")
    src.add_argument("--iso", help="boot this GRUB ISO from CD")
    p.add_argument("--cmdline", default="", help="kernel command line (argv[1..] of main)")
    p.add_argument("--initrd", help="initrd to pass with -kernel")
    p.add_argument("--uefi", action="store_true", help="boot with OVMF (UEFI) firmware")
    p.add_argument("--memory", default="128M")
    p.add_argument("--smp", type=int, default=1, help="number of CPUs (QEMU -smp)")
    p.add_argument("--timeout", type=float, default=0, help="seconds before QEMU is killed")
    p.add_argument("--log", help="write the serial console here instead of the terminal")
    p.add_argument("--input", help="with --log: feed this file to the serial console as typed input "
                   "(a line \"#wait REGEX\" holds the rest back until the output matches)")
    p.add_argument("--until", metavar="REGEX",
                   help="with --log: stop the guest once its console matches REGEX and exit 0 "
                        "(for apps that serve forever)")
    p.add_argument("--until-listening", dest="until", action="store_const", const=SERVER_READY,
                   help="--until the app prints 'NAME: listening on port N' (a server is up)")
    p.add_argument("--monitor-socket", help="with --log: QEMU's monitor (HMP) on this unix socket")
    p.add_argument("--gdb", action="store_true", help="start halted with a gdb stub")
    p.add_argument("--gdb-port", type=int, default=1234, help="gdb stub port (default 1234)")
    p.add_argument("--nic", help="NIC model on QEMU user networking (virtio-net-pci, e1000; none)")
    p.add_argument("--hostfwd", action="append", default=[],
                   help="with --nic: forward [tcp:|udp:]HOSTPORT[:GUESTPORT] from 127.0.0.1 to the guest")
    p.add_argument("--check-hostfwd", action="store_true",
                   help="only check the --hostfwd values (for meson configure) and exit")
    p.add_argument("--qemu-arg", action="append", default=[], help="extra QEMU argument")
    p.add_argument("--preload", metavar="LIB",
                   help="LD_PRELOAD LIB into QEMU (`ninja qemu` with -Dhostfwd: the library of "
                        "tools/slirp-backlog.c, for a hostfwd listen backlog beyond 1)")
    p.add_argument("-v", "--verbose", action="store_true")
    return p


def main(argv=None):
    p = parser()
    args = p.parse_args(argv)
    try:
        for h in args.hostfwd:
            hostfwd_rule(h)
    except ValueError as e:
        print(f"yolk: {e}", file=sys.stderr)
        return 2
    if args.check_hostfwd:
        return 0
    if not args.kernel and not args.iso:
        p.error("one of --kernel or --iso is required")
    if args.until and not args.log:
        p.error("--until needs --log")
    if args.hostfwd and not args.nic:
        p.error("--hostfwd needs --nic MODEL")
    if not 1 <= args.smp <= 255:
        p.error("--smp takes 1..255 CPUs")
    args.uefi_vars = f"/tmp/yolk-ovmf-vars-{os.getpid()}.fd"
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
