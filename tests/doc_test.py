#!/usr/bin/env python3
"""A README's command blocks, run as written.

Usage: doc_test.py SOURCE_DIR README SCRATCH_DIR

Every ```sh block of README (a path inside SOURCE_DIR) runs line by line, each
line's literal text handed to bash, in a scratch copy of the tree
(SCRATCH_DIR/tree: tests/scratch_tree.py's copy, with the Debian tarballs of
subprojects/packagefiles), blocks in the README's order and sharing build
directories as a reader's would. Directories named build-* survive from one
run to the next (the benchmarks' builds, the Linux guest cache); the rest of
the copy starts over.

Each command line has an entry in COMMANDS keyed by the README and the command
without its trailing comment: its input, timeout, environment (small benchmark
settings; the text stays as written) and what it must print or leave behind.
A line with no entry (a new or edited command) fails the test with the block's
name and the line, so the README and this table cannot drift apart silently. DOC_TEST_LINES=REGEX runs
only the matching lines (the others count as failures), for work on one block.
An interactive command runs in a pseudo-terminal and gets its keys when its
output shows what a person would wait for; a `background` one runs on beside
the next lines (qemu-debug beside gdb) and is stopped at the block's end.
"""
import os
import pty
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from typing import Callable, Optional

from scratch_tree import copy_tree

NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # 127.0.0.1 directly


@dataclass
class Cmd:
    expect: tuple = ()          # regexes the output must match (re.M)
    status: int = 0             # exit status
    timeout: float = 300
    env: dict = field(default_factory=dict)
    dialog: Optional[list] = None  # [(regex to wait for, keys to type)...]: run in a pty
    background: bool = False    # runs on beside the next lines until the block ends
    files: tuple = ()           # paths (relative to the tree) that must exist afterwards
    check: Optional[Callable] = None  # check(tree, process) -> problem or None, while it runs
    stop: bool = False          # runs until stopped: stopped once `check` has returned
    elsewhere: str = ""         # run by another test, named here (and checked by `check`)
    after: Optional[Callable] = None  # after(tree) -> problem or None, once it ended well
    needs: str = ""             # a path (relative to the tree) without which it cannot run: skipped, said why


def port_answers(port, path, want, seconds=120):
    """A check: GET http://127.0.0.1:PORT/PATH answers WANT while the command runs."""
    def check(tree, proc):
        end, body = time.monotonic() + seconds, b""
        while time.monotonic() < end and proc.poll() is None:
            try:
                with NO_PROXY.open(f"http://127.0.0.1:{port}{path}", timeout=3) as r:
                    body = r.read()
                if body == want:
                    return None
            except OSError:
                time.sleep(0.5)
        return f"GET http://127.0.0.1:{port}{path} answered {body!r}, not {want!r}"
    return check


def listening(port, seconds=60):
    def check(tree, proc):
        end = time.monotonic() + seconds
        while time.monotonic() < end and proc.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                return None
            except OSError:
                time.sleep(0.2)
        return f"nothing listens on 127.0.0.1:{port}"
    return check


def kconfig_runs_randconfig(count):
    def check(tree, proc):
        text = open(os.path.join(tree, "tests", "meson.build")).read()
        if not re.search(r"test\('kconfig', files\('config_test.py'\), args: \[[^\]]*'%d'\]" % count, text):
            return f"tests/meson.build no longer runs the kconfig test with {count} random configurations"
        return None
    return check


def no_listener(port):
    def check(tree, proc):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        except OSError:
            return None
        return f"127.0.0.1:{port} is taken by another program: the README's command needs it"
    return check


def ppm_drawn(path):
    def check(tree, proc):
        try:
            data = open(os.path.join(tree, path), "rb").read()
        except OSError:
            return f"{path} was not written"
        if not data.startswith(b"P6") or len(set(data[-300000:])) < 3:
            return f"{path} is not a screen with a drawing on it"
        return None
    return check


def nes_drawn(path):
    """PATH is a screendump with efp's white walls (#fffeff) on it."""
    def check(tree, proc):
        try:
            data = open(os.path.join(tree, path), "rb").read()
        except OSError:
            return f"{path} was not written"
        white = data.count(b"\xff\xfe\xff")
        return None if data.startswith(b"P6") and white > 5000 else f"{path} does not show efp ({white} white pixels)"
    return check


def built_at_o2(build):
    """After: BUILD compiles at yolk's -O2 (the cross file's buildtype), never -O0."""
    def check(tree):
        flags = open(os.path.join(tree, build, "compile_commands.json")).read()
        if " -O0" in flags or " -O2" not in flags:
            return f"{build} does not compile at yolk's -O2 (buildtype debugoptimized)"
        return None
    return check


def iso_boots(iso, want):
    """After: the ISO boots (GRUB, BIOS) and prints WANT."""
    def check(tree):
        runner = os.path.join(tree, "tools", "yolkqemu.py")
        with tempfile.NamedTemporaryFile() as log:
            p = subprocess.run([sys.executable, runner, "--iso", os.path.join(tree, iso), "--log", log.name,
                                "--timeout", "300"], stdin=subprocess.DEVNULL)
            out = open(log.name, errors="replace").read()
        if p.returncode != 0 or not re.search(want, out, re.M):
            return f"{iso} exited {p.returncode} without {want!r}:\n{out[-1500:]}"
        return None
    return check


HELLO = r"^hello yolk\r?$"
SHELL = "yolk> "
TWO = "README.md: Two commands"
WORK = "README.md: Working in a build directory"
CONF = "README.md: Configuration: what goes into the image"
FILES = "README.md: Files"
DISKS = "README.md: Disks"
NET = "README.md: Networking"
GRAPHICS = "README.md: Graphics"
NES = "README.md: NES emulator"
APPLIANCE = "examples/appliance/README.md: *"  # any block of that file
SETUP_B = "meson setup b --cross-file cross/x86_64-yolk.ini -Ddefconfig=hello"
# Benchmarks with small settings: they must finish and print their table.
COMMANDS = {
    (TWO, "tools/yolk run"): Cmd(elsewhere=".ci/run"),
    (TWO, "tools/yolk test"): Cmd(elsewhere=".ci/run"),
    (WORK, "tools/bootstrap"): Cmd(timeout=600),
    (WORK, SETUP_B): Cmd(files=("b/build.ninja",)),
    (WORK, "ninja -C b"): Cmd(files=("b/yolk", "b/yolk.elf"), timeout=900),
    (WORK, "ninja -C b qemu"): Cmd(expect=(HELLO,), timeout=120),
    (WORK, "ninja -C b iso"): Cmd(files=("b/yolk.iso",)),
    (WORK, "ninja -C b qemu-iso"): Cmd(expect=(HELLO,), timeout=180),
    (WORK, "ninja -C b qemu-debug"): Cmd(background=True, check=listening(1234)),
    (WORK, "ninja -C b gdb"): Cmd(timeout=180, dialog=[
        (r"yolk: attached.*\n(.|\n)*\(gdb\) $", "continue\n"),
        (r"kernel_entry(.|\n)*\(gdb\) $", "continue\n"),
        (r"Breakpoint 2(.|\n)*\(gdb\) $", "bt\n"),
        (r"#0 .*start_main(.|\n)*\(gdb\) $", "quit\n"),
        (r"\(y or n\) ", "y\n")], expect=(r"Breakpoint 2, .*start_main",)),
    (WORK, "meson test -C b"): Cmd(expect=(r"^Fail: +0\s*$", r"^Ok: +[1-9]"), timeout=600),
    (WORK, "bench/boot.sh b"): Cmd(env={"RUNS": "1"}, expect=(r"^  ratio +[\d.]+", r"^  file bytes +\d+")),
    (WORK, "bench/threads.sh"): Cmd(timeout=1200, expect=(r"^\w+ +\d+ +\d+ +[\d.]+x$",
                                                          r"^idle guest: QEMU used \d+%")),
    (WORK, "bench/fs.sh"): Cmd(env={"RUNS": "1", "SIZE": "2", "FILES": "20"}, timeout=1200,
                               expect=(r"^\w+ +[\d.]+ +[\d.]+ +[\d.]+x$", r"fsck.fat -n \(yolk image, run 1\): clean")),
    (WORK, "bench/http.sh"): Cmd(env={"RUNS": "1", "DURATION": "2", "CONNS": "4"}, timeout=1200,
                                 expect=(r"^keepalive +4 \| +\d+ +\d+ +\d+ \| +[\d.]+x +[\d.]+x \|",
                                         r"^close +4 \| +\d+ +\d+ +\d+ \| +[\d.]+x +[\d.]+x \|")),
    (WORK, "bench/soak.sh"): Cmd(env={"SEQUENTIAL": "200", "BURSTS": "256", "CONNS": "64", "FLAT": "100",
                                      "TIME_LIMIT": "300"}, timeout=900,
                                 expect=(r"^ok: sequential: 200 of 200 connections", r"^ok: bursts: 256 of 256 ",
                                         r"^ok: free memory \d+ KiB before")),
    (WORK, "bench/iperf.sh"): Cmd(env={"RUNS": "1", "DURATION": "2"}, timeout=1500,
                                  expect=(r"^to guest +[\d.]+ +[\d.]+ +[\d.]+x$", r"^from guest +[\d.]+ +[\d.]+ +[\d.]+x$")),
    (WORK, "bench/fuzz.sh 10"): Cmd(env={"FUZZ_SECONDS": "2", "FSCK": "10"}, timeout=900, expect=(
        r"^http-head +\d+ +[1-9]\d* +\d+ +\d+ +\d+ +\d+ +0$", r"^fat +\d+ +[1-9]\d* ", r"^fat fsck: \d+ clean images written to, 0 left damaged")),
    (WORK, "bench/smp.sh"): Cmd(env={"BLOCKS": "100", "RUNS": "1", "CPUS": "1 2", "DURATION": "2", "CONNS": "4",
                                     "PINGPONG": "2000"}, timeout=1200,
                                expect=(r"^ +2 +\d+ +\d+ +[\d.]+x +[\d.]+x +[\d.]+x  \[\d+\] \| \[\d+\]$", r"^httpd keep-alive GET /hello",
                                        r"^  yolk -smp 2: requests per loop \d+ \d+$",
                                        r"^ping-pong cpu 0 <-> cpu 1 \(-smp 2\): 2000 of 2000 round trips in \d+ ms, \d+/s, 0 lost$")),
    (WORK, "bench/js.sh"): Cmd(env={"RUNS": "1", "TESTS": "empty_loop func_call"}, timeout=1500,
                               expect=(r"^func_call +[\d.]+ +[\d.]+ +[\d.]+x$", r"^geometric mean +[\d.]+x$")),
    (WORK, "bench/sqlite.sh"): Cmd(env={"RUNS": "1", "ROWS": "2000", "TXNS": "2"}, timeout=1500,
                                   expect=(r"^total +[\d.]+ +[\d.]+ +[\d.]+x$",)),
    (WORK, "bench/lua.sh"): Cmd(env={"RUNS": "1", "SCALE": "1"}, timeout=1500,
                                expect=(r"^fib +[\d.]+ +[\d.]+ +[\d.]+x$", r"^geometric mean +[\d.]+x$")),
    (CONF, SETUP_B): Cmd(),
    (CONF, "ninja -C b menuconfig"): Cmd(dialog=[(r"\[Q\] Quit", "Q")], timeout=60,
                                         expect=(r"yolk configuration", r"No changes to save")),
    (CONF, "ninja -C b"): Cmd(timeout=600),
    (CONF, "meson configure b -Dapps=hello,ktest"): Cmd(),
    (CONF, "meson configure b -Dconfig=TICK_HZ=250,APP_KTEST_BANNER=hi"): Cmd(),
    (CONF, "ninja -C b savedefconfig"): Cmd(files=("b/defconfig",), expect=(r"APP_KTEST|defconfig",)),
    (CONF, "ninja -C b olddefconfig"): Cmd(),
    (FILES, "mkdir -p root && echo 'hello from the initrd' > root/hello.txt"): Cmd(files=("root/hello.txt",)),
    (FILES, "meson setup build --cross-file cross/x86_64-yolk.ini"): Cmd(),
    (FILES, "meson configure build -Dinitrd=root"): Cmd(),
    (FILES, "ninja -C build qemu"): Cmd(timeout=900, dialog=[
        (SHELL, "cat /hello.txt\n"), (r"^hello from the initrd\n" + SHELL, "poweroff\n")]),
    (DISKS, "truncate -s 64M disk.img"): Cmd(files=("disk.img",)),
    (DISKS, "echo ',,c' | /usr/sbin/sfdisk disk.img"): Cmd(expect=(r"disk.img1 .* c W95 FAT32 \(LBA\)",)),
    (DISKS, "meson configure b -Ddrivers=uart16550,virtio-blk"): Cmd(),
    (DISKS, "meson configure b \"-Dqemu_args=['-drive','file=$PWD/disk.img,if=virtio,format=raw']\""): Cmd(),
    (DISKS, "meson configure b -Dcmdline='app=ktest blk list'"): Cmd(),
    (DISKS, "ninja -C b qemu"): Cmd(timeout=600, expect=(
        r"^blkdev vda sectors=131072 ", r"^blkdev vda1 sectors=\d+ sector_size=512 disk=vda start=2048$")),
    (NET, "meson setup h --cross-file cross/x86_64-yolk.ini -Ddefconfig=httpd -Dhostfwd=8000:8000"):
        Cmd(check=no_listener(8000)),
    (NET, "ninja -C h qemu"): Cmd(timeout=900, stop=True,
                                  check=port_answers(8000, "/hello", b"hello yolk\n", 800)),
    (GRAPHICS, "meson setup g --cross-file cross/x86_64-yolk.ini -Ddefconfig=graphic"): Cmd(),
    (GRAPHICS, "meson configure g -Dcmdline=20"): Cmd(),
    (GRAPHICS, "ninja -C g qemu"): Cmd(timeout=900, dialog=[
        (r"^graphic: \d+x\d+", "\x01c"), (r"\(qemu\) $", "screendump /tmp/yolk-graphic.ppm\n"),
        (r"\(qemu\) $", "\x01c")], expect=(r"^graphic: \d+ frames in",), check=ppm_drawn("/tmp/yolk-graphic.ppm")),
    (NES, "mkdir -p roms && cp /usr/share/nes/efp.nes roms/"): Cmd(files=("roms/efp.nes",)),
    (NES, "meson setup n --cross-file cross/x86_64-yolk.ini -Ddefconfig=nes -Dinitrd=roms"): Cmd(),
    (NES, "ninja -C n qemu"): Cmd(timeout=900, dialog=[
        (r"^nes: /efp\.nes: mapper 0 \(NROM\)", "\x01c"), (r"\(qemu\) $", "screendump /tmp/yolk-nes.ppm\n"),
        (r"\(qemu\) $", "\x01c"), (r"", "q")], expect=(r"^nes: \d+ frames in",), check=nes_drawn("/tmp/yolk-nes.ppm")),
    # examples/appliance/README.md, in any of its blocks (another hand writes it).
    (APPLIANCE, "cd examples/appliance"): Cmd(),
    (APPLIANCE, "../../tools/bootstrap"): Cmd(timeout=600),
    (APPLIANCE, "subprojects/yolk/tools/bootstrap"): Cmd(timeout=600),
    (APPLIANCE, "meson setup build --cross-file subprojects/yolk/cross/x86_64-yolk.ini"):
        Cmd(files=("examples/appliance/build/build.ninja",), after=built_at_o2("examples/appliance/build")),
    (APPLIANCE, "ninja -C build qemu"): Cmd(timeout=900, expect=(r"^hello appliance from the appliance",)),
    (APPLIANCE, "ninja -C build iso"): Cmd(timeout=900, after=iso_boots(
        "examples/appliance/build/subprojects/yolk/yolk.iso", r"^hello appliance from the appliance \(0 arguments")),
    (CONF, "tools/randconfig 5"): Cmd(elsewhere="the kconfig test (tests/config_test.py)",
                                      check=kconfig_runs_randconfig(5)),
}


def command_of(line):
    """The command without a trailing `# comment` (one outside quotes)."""
    quote = None
    for i, c in enumerate(line):
        if quote:
            quote = None if c == quote else quote
        elif c in "'\"":
            quote = c
        elif c == "#" and (i == 0 or line[i - 1].isspace()):
            return line[:i].rstrip()
    return line.rstrip()


def blocks(path, name):
    """[(title, [lines])] of the ```sh blocks, titled 'README: heading' (#2... for a second one)."""
    out, heading, fence, seen = [], "", None, {}
    for line in open(path):
        line = line.rstrip("\n")
        if fence is not None:
            if line.startswith("```"):
                out.append((title, fence))
                fence = None
            else:
                fence.append(line)
        elif line.startswith("#"):
            heading = line.lstrip("#").strip()
        elif line.strip() == "```sh":
            seen[heading] = seen.get(heading, 0) + 1
            title = f"{name}: {heading}" + (f" #{seen[heading]}" if seen[heading] > 1 else "")
            fence = []
    return out


def fresh_copy(src, tree):
    """The source tree into TREE; build-* directories of an earlier run are kept."""
    if os.path.isdir(tree):
        for e in os.listdir(tree):
            if not e.startswith("build-"):
                p = os.path.join(tree, e)
                shutil.rmtree(p) if os.path.isdir(p) and not os.path.islink(p) else os.unlink(p)
    copy_tree(src, tree)


def pty_run(script, cwd, env, dialog, timeout):
    """Runs bash -c SCRIPT on a pseudo-terminal, typing each step's keys once
    the output (since the last keys) matches its regex. (status, output)."""
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(cwd)
        if env.get("TERM", "dumb") == "dumb":  # a pty is a terminal: curses UIs need a real type (CI has none)
            env["TERM"] = "xterm"
        os.execvpe("bash", ["bash", "-c", script], env)
    import fcntl, struct, termios
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    out, mark, steps, end = bytearray(), 0, list(dialog), time.monotonic() + timeout
    done = False
    while time.monotonic() < end and not done:
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                chunk = b""
            done = not chunk
            out.extend(chunk)
        text = out[mark:].decode("utf-8", "replace").replace("\r", "")
        if steps and re.search(steps[0][0], text, re.M):
            time.sleep(0.3)
            os.write(fd, steps.pop(0)[1].encode())
            mark = len(out)
    if not done:
        os.kill(pid, signal.SIGKILL)
        out.extend(f"\n[doc_test: killed after {timeout} s; waiting for {steps[0][0] if steps else 'the end'!r}]\n"
                   .encode())
    _, status = os.waitpid(pid, 0)
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status)
    return code, out.decode("utf-8", "replace").replace("\r", "")


class Runner:
    def __init__(self, tree):
        self.tree, self.cwd, self.background, self.failures = tree, tree, [], []
        self.state = os.path.join(tree, ".doc_test_cwd")

    def script(self, line):
        # The line itself, verbatim; then where it left the shell (for a `cd`).
        return f"{line}\n__s=$?; pwd > '{self.state}'; exit $__s\n"

    def run(self, title, line, c):
        env = dict(os.environ, **c.env)
        env.pop("MESON_TESTTHREADS", None)
        t0 = time.monotonic()
        if c.background:
            proc = subprocess.Popen(["bash", "-c", line], cwd=self.cwd, env=env, stdin=subprocess.DEVNULL,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
            self.background.append(proc)
            problem = c.check(self.tree, proc) if c.check else None
            return self.verdict(title, line, problem, "", t0)
        if c.dialog is not None:
            code, out = pty_run(self.script(line), self.cwd, env, c.dialog, c.timeout)
            problem = c.check(self.tree, None) if c.check else None
            if problem:
                return self.verdict(title, line, problem, out, t0)
        else:
            # Output to a file, not a pipe: nobody reads a pipe while `check` runs.
            with tempfile.TemporaryFile() as f:
                proc = subprocess.Popen(["bash", "-c", self.script(line)], cwd=self.cwd, env=env,
                                        stdin=subprocess.DEVNULL, stdout=f, stderr=subprocess.STDOUT,
                                        start_new_session=True)
                problem = c.check(self.tree, proc) if c.check else None
                if c.stop and proc.poll() is None:
                    os.killpg(proc.pid, signal.SIGKILL)
                try:
                    proc.wait(timeout=c.timeout)
                    note = b""
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
                    note = f"\n[doc_test: killed after {c.timeout} s]\n".encode()
                f.seek(0)
                raw = f.read() + note
            code, out = proc.returncode, raw.decode("utf-8", "replace").replace("\r", "")
            if problem:
                return self.verdict(title, line, problem, out, t0)
        if os.path.exists(self.state):
            self.cwd = open(self.state).read().strip()
            os.unlink(self.state)
        problems = [f"exit status {code}, not {c.status}"] if code != c.status and not c.stop else []
        problems += [f"output lacks /{e}/" for e in c.expect if not re.search(e, out, re.M)]
        problems += [f"{f} does not exist" for f in c.files if not os.path.exists(os.path.join(self.tree, f))]
        if not problems and c.after:
            problems += list(filter(None, [c.after(self.tree)]))
        return self.verdict(title, line, "; ".join(problems), out, t0)

    def verdict(self, title, line, problem, out, t0):
        took = f"{time.monotonic() - t0:.0f} s"
        print(f"{'FAIL' if problem else 'ok'}: [{title}] {line}  ({took}){': ' + problem if problem else ''}",
              flush=True)
        if problem:
            self.failures.append(f"[{title}] {line}: {problem}")
            print("----- output (last 4000 characters) -----\n" + out[-4000:] + "\n-----", flush=True)
        return not problem

    def end_block(self):
        for p in self.background:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
            p.wait()
        self.background = []
        self.cwd = self.tree


def check_two_commands(found):
    """.ci/run runs the first block itself: it must stay exactly these two commands."""
    want = ["tools/yolk run", "tools/yolk test"]
    return None if found == want else f"the block must be exactly {want}, found {found}"


def main():
    src, readme, scratch = os.path.abspath(sys.argv[1]), sys.argv[2], os.path.abspath(sys.argv[3])
    if os.environ.get("YOLK_DOC_TEST"):
        print("doc_test: already inside a doc test; not starting another")
        return 77
    os.environ["YOLK_DOC_TEST"] = "1"
    tree = os.path.join(scratch, "tree")
    os.makedirs(tree, exist_ok=True)
    fresh_copy(src, tree)
    r = Runner(tree)
    only = os.environ.get("DOC_TEST_LINES")  # while working on the test: run only lines matching this
    found = blocks(os.path.join(src, readme), readme)
    if not found:
        r.failures.append(f"{readme}: no ```sh block")
    for title, lines in found:
        cmds = [command_of(l) for l in lines if command_of(l)]
        known = [(l, COMMANDS.get((title, command_of(l))) or COMMANDS.get((readme + ": *", command_of(l))))
                 for l in lines if command_of(l)]
        unknown = [l for l, c in known if c is None]
        if unknown:
            for l in unknown:
                r.failures.append(f"[{title}] {l}: no entry in tests/doc_test.py's COMMANDS (new or changed?)")
                print(f"FAIL: {r.failures[-1]}")
            continue  # a block runs whole or not at all
        if title == TWO:
            problem = check_two_commands(cmds)
            r.verdict(title, " / ".join(cmds), problem and problem, "", time.monotonic())
            continue
        for line, c in known:
            if only and not re.search(only, line):
                print(f"not run (DOC_TEST_LINES): [{title}] {line}")
                r.failures.append(f"[{title}] {line}: not run (DOC_TEST_LINES)")
            elif c.needs and not os.path.exists(os.path.join(tree, c.needs)):
                r.verdict(title, line, None, "", time.monotonic())
                print(f"     (skipped: no {c.needs}; tools/bootstrap said why)")
            elif c.elsewhere:
                problem = c.check(tree, None) if c.check else None
                r.verdict(title, line, problem, "", time.monotonic())
                print(f"     (run by {c.elsewhere})")
            elif not r.run(title, line, c):
                break  # the next lines build on this one
        r.end_block()
    print(f"{len(r.failures)} failed")
    for f in r.failures:
        print("  " + f)
    return 1 if r.failures else 0


if __name__ == "__main__":
    sys.exit(main())
