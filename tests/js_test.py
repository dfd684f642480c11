#!/usr/bin/env python3
"""js_test.py: apps/js (QuickJS) in the guest, checked against qjs on the host.

  js_test.py compare IMAGE QJS SCRIPT
      Runs SCRIPT (tests/js/NAME.js; a first-line comment `// args: ...` adds
      options) with the host's qjs, built from the same Debian source, and
      with `js` in IMAGE booted with tests/js/ as /js in a cpio initrd. Both
      see the path js/NAME.js (the host from a copy of the tree) and UTC; the
      host's qjs writes to a pseudo-terminal, as the guest's js writes to its
      console, so stdout and stderr interleave the same way. Output must be
      equal line for line, and the exit status too.

  js_test.py expect IMAGE SCRIPT EXPECTED
      Runs SCRIPT in the guest only (what the host cannot do: the yolk module,
      the errors of os.exec and friends) and compares its output with the
      file EXPECTED.

  js_test.py shell IMAGE KEYS EXPECTED
      Boots the shell with the scripts as /js and KEYS typed (e.g. httpd in
      the background, then js); the lines of EXPECTED must appear in that
      order, and the shell's poweroff status must be 3.

  js_test.py session IMAGE
      js run from yolk's shell: Ctrl-C ends a running script and the shell
      goes on; scripts that end with std.exit leave no heap behind (the
      shell's free); QuickJS's REPL quits on Ctrl-C twice and the shell's
      line editing works again.

  js_test.py repl IMAGE
      Types into QuickJS's REPL over the serial console, a line at a time as a
      person would (each after the prompt): expressions, a function over two
      lines, history with edits, an allocation past the memory limit, then
      Ctrl-D. What the terminal shows is rebuilt from the escape sequences
      and checked line by line.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "tools"))
import yolkqemu  # noqa: E402
from host_pty import run_on_pty  # noqa: E402
from transcript import clean, differences, shell_problems  # noqa: E402

MKINITRD = os.path.join(here, "..", "tools", "mkinitrd.py")
SCRIPTS = os.path.join(here, "js")


def make_tree(tmp):
    """tmp/root/js: the scripts, for the host's qjs (cwd) and the guest's initrd."""
    root = os.path.join(tmp, "root")
    shutil.copytree(SCRIPTS, os.path.join(root, "js"))
    cpio = os.path.join(tmp, "initrd.cpio")
    subprocess.run([sys.executable, MKINITRD, root, cpio], check=True)
    # The initrd is packed: the host's run may now write next to the scripts (stdos.js).
    return root, cpio


def script_args(path):
    with open(path) as f:
        m = re.match(r"// args: (.*)", f.readline())
    return m.group(1).split() if m else []


def run_host(qjs, root, rel, args):
    """qjs ARGS REL in root, stdout and stderr on one pseudo-terminal; (status, text)."""
    status, text = run_on_pty([os.path.abspath(qjs)] + args + [rel], root, dict(os.environ, TZ="UTC"), 60)
    return status, text.replace("\r", "")


def run_guest(image, cpio, rel, args, tmp, keys=None):
    log = os.path.join(tmp, "serial.log")
    cmdline = "app=shell" if keys else " ".join(["app=js"] + args + [rel])
    code = yolkqemu.main(["--kernel", image, "--initrd", cpio, "--cmdline", cmdline,
                          "--log", log, "--timeout", "150"] + (["--input", keys] if keys else []))
    return code, yolkqemu.read_log(log)


def shell(image, keys, expected):
    with tempfile.TemporaryDirectory() as tmp:
        _, cpio = make_tree(tmp)
        code, out = run_guest(image, cpio, None, None, tmp, keys)
    out = clean(out)
    problems = shell_problems(out, code, open(expected).read().splitlines())
    if problems:
        print("FAIL: " + "; ".join(problems) + "\n----- guest output -----\n" + out + "------")
        return 1
    print(f"ok: the lines of {os.path.basename(expected)} appeared in order, exit {code}")
    return 0


def compare(image, qjs, script, expected=None):
    """Guest against host qjs, or (expected) against the lines of that file and status 0."""
    rel = "js/" + os.path.basename(script)
    args = script_args(script)
    with tempfile.TemporaryDirectory() as tmp:
        root, cpio = make_tree(tmp)
        start = time.monotonic()
        gcode, gout = run_guest(image, cpio, rel, args, tmp)
        guest_s = time.monotonic() - start
        if expected:
            hcode, hout, what = 0, open(expected).read(), "expected"
        else:
            (hcode, hout), what = run_host(qjs, root, rel, args), "host"
    problems = differences(gout, gcode, hout, hcode, what)
    if problems:
        print(f"FAIL: {rel}: " + "\n".join(problems))
        print("----- guest output -----\n" + gout + f"----- {what} -----\n" + hout + "------")
        return 1
    print(f"ok: {rel}: {len(gout.splitlines())} lines as {what}, exit {gcode} ({guest_s:.1f} s in the guest)")
    return 0


class Terminal:
    """Just enough of a VT100 for QuickJS's REPL: text, CR/LF, cursor left/right/up, erase, colours."""

    def __init__(self):
        self.lines, self.row, self.col = [[]], 0, 0

    def _put(self, ch):
        line = self.lines[self.row]
        line.extend(" " * (self.col - len(line) + 1) if self.col >= len(line) else "")
        line[self.col] = ch
        self.col += 1

    def feed(self, text):
        for m in re.finditer(r"\x1b\[([0-9;]*)([A-Za-z])|\r|\n|\x07|[^\x1b\r\n\x07]", text):
            tok = m.group(0)
            if tok == "\r":
                self.col = 0
            elif tok == "\n":
                self.row += 1
                self.col = 0
                if self.row == len(self.lines):
                    self.lines.append([])
            elif tok.startswith("\x1b"):
                n = int(m.group(1) or 1) if m.group(1) and ";" not in m.group(1) else 1
                code = m.group(2)
                if code == "D":
                    self.col = max(0, self.col - n)
                elif code == "C":
                    self.col += n
                elif code == "A":
                    self.row = max(0, self.row - n)
                elif code in "JK":
                    del self.lines[self.row][self.col:]
                    if code == "J":
                        del self.lines[self.row + 1:]
            elif tok != "\x07":
                self._put(tok)

    def text(self):
        return ["".join(l).rstrip() for l in self.lines]


class Guest:
    """A guest with its serial console on a pipe: type, and wait for output."""

    def __init__(self, image, cmdline):
        args = yolkqemu.parser().parse_args(["--kernel", image, "--cmdline", cmdline])
        cmd = yolkqemu.qemu_command(args, ["-display", "none", "-monitor", "none", "-serial", "stdio"])
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     start_new_session=True)
        self.out = bytearray()
        self.lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        while True:
            b = self.proc.stdout.read1(4096)
            if not b:
                return
            with self.lock:
                self.out += b

    def text(self):
        with self.lock:
            return self.out.decode("utf-8", "replace")

    def wait_for(self, pattern, since, timeout=60):
        """Waits until pattern appears after offset since; returns the offset after it, or None."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            m = re.compile(pattern).search(self.text(), since)
            if m:
                return m.end()
            time.sleep(0.05)
        return None

    def type(self, keys):
        self.proc.stdin.write(keys.encode())
        self.proc.stdin.flush()

    def kill(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, 9)
            self.proc.wait()

    def finish(self, timeout=30):
        try:
            status = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, 9)
            self.proc.wait()
            return yolkqemu.EXIT_TIMEOUT
        return yolkqemu.guest_status(status)


PROMPT = r"qjs > (\x1b\[[0-9;]*[A-Za-z])*$"
# (keys typed after a prompt, the lines the terminal must show for it). Keys
# are typed at once, as a paste would be; each entry waits for the next prompt.
REPL_STEPS = [
    ("1 + 2\r", ["qjs > 1 + 2", "3"]),
    ('let o = { a: [1, 2], b: "x" }; o\r', ['qjs > let o = { a: [1, 2], b: "x" }; o', '{ a: [ 1, 2 ], b: "x" }']),
    # A function over two lines: the REPL waits for the closing brace.
    ("function sq(n) {\r", None),
    ("return n * n; }\r", ["qjs > function sq(n) {", "{  ...     return n * n; }", "undefined"]),
    ("sq(12)\r", ["qjs > sq(12)", "144"]),
    # History and edits: Up brings back sq(12); Left, two Backspaces, 7 -> sq(7).
    ("\x1b[A\x1b[D\x7f\x7f7\r", ["qjs > sq(7)", "49"]),
    # Ctrl-A to the start, insert; Ctrl-E to the end, append; Ctrl-K kills the rest.
    ("9)\x01sq(\x05 + 1xyz\x1b[D\x1b[D\x1b[D\x0b\r", ["qjs > sq(9) + 1", "82"]),
    # Twice Up: the line before the last.
    ("\x1b[A\x1b[A\r", ["qjs > sq(7)", "49"]),
    ("undefinedVar\r", ["qjs > undefinedVar", "ReferenceError: 'undefinedVar' is not defined",
                        "    at <eval> (<evalScript>:1:1)"]),
    ("await new Promise(r => os.setTimeout(() => r(2n ** 70n), 50))\r",
     ["qjs > await new Promise(r => os.setTimeout(() => r(2n ** 70n), 50))", "1180591620717411303424n"]),
    # Past the memory limit: an error, and the REPL goes on.
    ("let a = []; for (;;) a.push(new Array(100000).fill(7))\r",
     ["qjs > let a = []; for (;;) a.push(new Array(100000).fill(7))", "InternalError: out of memory"]),
    ("a = null; [1, 2, 3].map(x => x * 2)\r", ["qjs > a = null; [1, 2, 3].map(x => x * 2)", "[ 2, 4, 6 ]"]),
]


def repl(image):
    guest = Guest(image, "app=js --memory-limit 16M")
    try:
        return repl_steps(guest)
    finally:
        guest.kill()


def repl_steps(guest):
    pos = guest.wait_for(PROMPT, 0, timeout=60)
    problems = []
    if pos is None:
        problems.append("no prompt")
    for keys, want in REPL_STEPS if pos is not None else []:
        start = guest.text().rfind("qjs > ")
        guest.type(keys)
        if want is None:
            pos = guest.wait_for(r"\{  \.\.\. ", pos, timeout=60)
            if pos is None:
                problems.append(f"no continuation prompt after {keys!r}")
                break
            continue
        pos = guest.wait_for(PROMPT, pos, timeout=90)
        if pos is None:
            problems.append(f"no prompt after {keys!r}")
            break
        term = Terminal()
        term.feed(guest.text()[start:pos])
        shown = [l for l in term.text() if l]
        if shown[:len(want)] != want:
            problems.append(f"typed {keys!r}: the terminal shows {shown}, expected {want}")
    if pos is not None:
        guest.type("\x04")  # Ctrl-D on an empty line ends the REPL
    code = guest.finish()
    if code != 0:
        problems.append(f"exit status {code}, expected 0 after Ctrl-D")
    term = Terminal()
    term.feed(guest.text())
    if problems:
        print("FAIL: " + "\n".join(problems))
        print("----- the terminal -----\n" + "\n".join(term.text()) + "\n------")
        return 1
    print("\n".join(term.text()))
    print(f"ok: {len(REPL_STEPS)} REPL inputs with edits and history, exit {code}")
    return 0


SHELL = r"yolk> $"
EXITING = 'js --std -e "let a = []; for (let i = 0; i < 1e5; i++) a.push({ i }); std.exit(0)"'


def session(image):
    guest = Guest(image, "app=shell")
    try:
        return session_steps(guest)
    finally:
        guest.kill()


def session_steps(guest):
    problems = []
    # (keys, what to wait for after them, then keys sent after a pause)
    steps = [("free\r", SHELL, None),
             ('js -e "for (;;);"\r', None, "\x03"),
             (EXITING + "\r", SHELL, None), (EXITING + "\r", SHELL, None), (EXITING + "\r", SHELL, None),
             ("free\r", SHELL, None),
             ("js\r", PROMPT, None), ("6 * 7\r", PROMPT, None),
             ("\x03", r"\(Press Ctrl-C again to quit\)", None), ("\x03", SHELL, None),
             ("echo back in the shell\r", SHELL, None), ("poweroff 3\r", "powering off", None)]
    pos = guest.wait_for(SHELL, 0)
    for keys, wait, then in steps:
        if pos is None:
            break
        guest.type(keys)
        if then:
            time.sleep(2)
            guest.type(then)
            wait = SHELL
        pos = guest.wait_for(wait, pos, timeout=90)
        if pos is None:
            problems.append(f"after {keys!r}: no {wait!r}")
    code = guest.finish()
    term = Terminal()
    term.feed(guest.text())
    out = "\n".join(term.text())
    heaps = [int(k) for k in re.findall(r"^memory: .*; heap (\d+) KiB$", out, re.M)]
    if len(heaps) != 2 or heaps[1] > heaps[0] + 1024:
        problems.append(f"heap before and after three js runs ending in std.exit: {heaps} KiB")
    for want in ["^\\^C$", "^qjs > 6 \\* 7\n42$", "^yolk> echo back in the shell\nback in the shell$"]:
        if not re.search(want, out, re.M):
            problems.append(f"no /{want}/")
    if code != 3:
        problems.append(f"exit status {code}, expected 3")
    if problems:
        print("FAIL: " + "; ".join(problems) + "\n----- guest output -----\n" + out + "------")
        return 1
    print(out + f"ok: Ctrl-C, heap {heaps} KiB, REPL quit and the shell again, exit {code}")
    return 0


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "compare":
        return compare(sys.argv[2], sys.argv[3], sys.argv[4])
    if len(sys.argv) == 5 and sys.argv[1] == "expect":
        return compare(sys.argv[2], None, sys.argv[3], sys.argv[4])
    if len(sys.argv) == 5 and sys.argv[1] == "shell":
        return shell(sys.argv[2], sys.argv[3], sys.argv[4])
    if len(sys.argv) == 3 and sys.argv[1] == "session":
        return session(sys.argv[2])
    if len(sys.argv) == 3 and sys.argv[1] == "repl":
        return repl(sys.argv[2])
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
