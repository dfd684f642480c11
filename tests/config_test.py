#!/usr/bin/env python3
"""Kconfig and part selection, end to end, in a scratch build directory.

Usage: config_test.py SOURCE_DIR SCRATCH_BUILD_DIR options [RANDOM_CONFIGS]
       config_test.py SOURCE_DIR SCRATCH_BUILD_DIR defconfigs

Two halves, each in its own scratch directory so that they are two tests
that can run beside each other (together they took over 20 minutes on a
loaded 2-core host). `options` checks, in order (each step prints one line):
  - the hello defconfig links exactly its parts (nm: no ktest symbols, and
    the ktest subproject was never even configured, so never compiled);
  - -Dapps adds an app and the image changes; app=ktest runs it;
  - changing one app's option rebuilds that app only (ninja -n);
  - bad input is a hard error naming the problem, and leaves the build intact;
  - editing .config by hand reconfigures on the next ninja;
  - savedefconfig writes a minimal config;
  - -Dhostfwd and `ninja qemu` serve the httpd appliance to the host;
  - tools/randconfig builds and boots RANDOM_CONFIGS (default 5) random
    configurations, in the same scratch directory (one picolibc build for all).
`defconfigs`: every configs/*_defconfig builds and boots (but test_defconfig:
the test build directory itself is that one), one after the other in one
scratch directory.
"""
import os
import re
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

src, scratch = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
runner = os.path.join(src, "tools", "yolkqemu.py")
sys.path.insert(0, os.path.join(src, "tools"))
import kconfig  # noqa: E402  (its optional-source check; Kconfiglib itself is imported only on use)
failures = []
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # 127.0.0.1 directly


def run(cmd, check=True):
    p = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if check and p.returncode != 0:
        raise SystemExit(f"FAIL: {' '.join(cmd)} exited {p.returncode}\n{p.stdout}\n{p.stderr}")
    return p


def expect(ok, what):
    print(("ok: " if ok else "FAIL: ") + what)
    if not ok:
        failures.append(what)


def configure(*opts, check=True):
    """meson configure records the options; the configure step itself runs
    when ninja next regenerates build.ninja, so run that now."""
    reset = ["-Dapps=[]", "-Ddrivers=[]", "-Dnet=[]", "-Dfs=[]", "-Dconfig=[]", "-Dhostfwd=[]"]
    p = run(["meson", "configure", scratch] + reset + list(opts), check)
    if p.returncode != 0:
        return p
    return run(["ninja", "-C", scratch, "build.ninja"], check)


def fresh(defconfig, *opts):
    """Start .config over from a defconfig (as a new build directory would)."""
    for f in (".config", ".config.defconfig"):
        if os.path.exists(os.path.join(scratch, f)):
            os.unlink(os.path.join(scratch, f))
    configure(f"-Ddefconfig={defconfig}", *opts)


def build():
    return run(["ninja", "-C", scratch])


def boot(cmdline=""):
    """Boots the image; the console input is a lone Ctrl-D, so interactive apps see end of input."""
    log, keys = os.path.join(scratch, "serial.log"), os.path.join(scratch, "eof.keys")
    with open(keys, "w") as f:
        f.write("\x04")
    p = run([sys.executable, runner, "--kernel", os.path.join(scratch, "yolk"), "--cmdline", cmdline,
             "--input", keys, "--log", log, "--until-listening", "--timeout", "60"], check=False)
    return p.returncode, open(log, errors="replace").read().replace("\r", "")


def symbols():
    out = run(["nm", os.path.join(scratch, "yolk.elf")]).stdout
    return {line.split()[-1] for line in out.splitlines()}


# What some defconfigs must show when booted as the README says (the rest must just run).
FIRST_WORDS = {"hello": "hello yolk\n", "js": "qjs > ", "lua": "Lua 5.4.7  Copyright", "httpd": "httpd: listening on port 8000",
               "sshd": "sshd: listening on port 22",
               "default": "yolk shell", "sqlite": "SQLite version 3.46.1 ",
               "iperf3": "Server listening on 5201"}


def listen_backlog(port):
    """The backlog of the TCP listener on 127.0.0.1:port: for a listening
    socket, ss reports it as Send-Q."""
    out = run(["ss", "-ltnH", f"sport = :{port}"], check=False).stdout.split()
    return int(out[2]) if len(out) >= 3 and out[2].isdigit() else None


def connect_burst(port, n):
    """n connections started at once, each sending one GET /hello with
    Connection: close: how many got "hello yolk" back, and the seconds the
    last one took (20 s at most)."""
    start, socks, replies, ends = time.monotonic(), [], {}, {}
    sel = selectors.DefaultSelector()
    for _ in range(n):
        s = socket.socket()
        s.setblocking(False)
        s.connect_ex(("127.0.0.1", port))
        socks.append(s)
        sel.register(s, selectors.EVENT_WRITE)
    try:
        while len(ends) < n and time.monotonic() - start < 20:
            for key, events in sel.select(0.1):
                s = key.fileobj
                if events & selectors.EVENT_WRITE:
                    try:
                        s.send(b"GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                        replies[s] = b""
                        sel.modify(s, selectors.EVENT_READ)
                        continue
                    except OSError:
                        data = b""
                else:
                    try:
                        data = s.recv(4096)
                    except OSError:
                        data = b""
                if data:
                    replies[s] += data
                else:
                    ends[s] = time.monotonic() - start
                    sel.unregister(s)
    finally:
        for s in socks:
            s.close()
    answered = sum(replies.get(s, b"").endswith(b"\r\n\r\nhello yolk\n") for s in ends)
    return answered, max(ends.values(), default=time.monotonic() - start)


def serve_with_ninja_qemu():
    """The httpd appliance as the README has it: -Dhostfwd=PORT:8000, `ninja qemu`,
    then GET /hello from the host (a free port rather than 8000 itself)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    fresh("httpd", f"-Dhostfwd={port}:8000")
    build()
    ninja = subprocess.Popen(["ninja", "-C", scratch, "qemu"], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, start_new_session=True)
    body, end = b"", time.monotonic() + 90
    try:
        while body != b"hello yolk\n" and time.monotonic() < end and ninja.poll() is None:
            try:
                with NO_PROXY.open(f"http://127.0.0.1:{port}/hello", timeout=3) as r:
                    body = r.read()
            except OSError:
                time.sleep(0.5)
        backlog = listen_backlog(port) if body == b"hello yolk\n" else None
        answered, slowest = connect_burst(port, 32) if body == b"hello yolk\n" else (0, 0.0)
    finally:
        os.killpg(ninja.pid, signal.SIGKILL)
        out = ninja.communicate()[0].decode(errors="replace")
    expect(body == b"hello yolk\n", f"-Dhostfwd={port}:8000 and ninja qemu: the host's GET "
                                     f"http://127.0.0.1:{port}/hello answers 'hello yolk'")
    # libslirp listens with a backlog of 1; tools/slirp-backlog.c, preloaded, raises it.
    expect(backlog is not None and backlog >= 128,
           f"ninja qemu's listener on 127.0.0.1:{port} has a backlog of {backlog} (ss), at least 128")
    # A SYN the listener dropped is sent again after Linux's first retransmission timeout, 1 s.
    expect(answered == 32 and slowest < 1.0,
           f"32 GETs connected at once through the forward: {answered} answered, the last after {slowest:.3f} s "
           f"(under 1 s: no SYN dropped)")
    if body != b"hello yolk\n":
        print(out[-2000:])
    fresh("hello")  # no forwards left behind for randconfig and menuconfig


def prepare():
    # A scratch directory from an older checkout regenerates first (it may not
    # know newer meson options yet); one that cannot is started over.
    if os.path.exists(os.path.join(scratch, "build.ninja")) and \
            run(["ninja", "-C", scratch, "build.ninja"], check=False).returncode != 0:
        shutil.rmtree(scratch)
    if not os.path.exists(os.path.join(scratch, "build.ninja")):
        run(["meson", "setup", scratch, src, "--cross-file", os.path.join(src, "cross/x86_64-yolk.ini"),
             "-Ddefconfig=hello"])


def check_defconfigs():
    missing = kconfig.unfetched_optional_parts(src)
    for name in sorted(f[:-len("_defconfig")] for f in os.listdir(os.path.join(src, "configs"))):
        if name == "test":
            continue
        needs = [sym for sym in missing
                 if f"CONFIG_{sym}=y" in open(os.path.join(src, "configs", f"{name}_defconfig")).read()]
        if needs:
            print(f"skip: configs/{name}_defconfig selects {', '.join(needs)}, whose source the archive did not serve")
            continue
        fresh(name)
        build()
        code, out = boot()
        # main ran and returned (bench-fs without a disk prints its usage and exits 2)
        # or a server listens (httpd): no panic, no hang.
        expect(0 <= code <= 125, f"configs/{name}_defconfig builds and boots (exit {code})")
        if name in FIRST_WORDS:
            expect(FIRST_WORDS[name] in out, f"configs/{name}_defconfig shows {FIRST_WORDS[name]!r}")


def check_options(rounds):
    shutil.rmtree(os.path.join(scratch, "subprojects", "app-ktest"), ignore_errors=True)
    fresh("hello")
    build()
    syms = symbols()
    expect("yolk_app_hello_main" in syms and "uart_init" in syms,
           "hello defconfig: hello app and uart16550 driver are linked")
    expect(not any("ktest" in s for s in syms), "hello defconfig: no ktest symbol in the image")
    expect(not os.path.exists(os.path.join(scratch, "subprojects", "app-ktest")),
           "hello defconfig: the unselected ktest part was never configured or compiled")
    code, out = boot()
    expect(code == 0 and "hello yolk\n" in out, f"hello defconfig boots (exit {code})")

    configure("-Dapps=hello,ktest")
    build()
    expect("yolk_app_ktest_main" in symbols(), "-Dapps=hello,ktest links ktest")
    code, out = boot("app=ktest exit 7")
    expect(code == 7, f"app=ktest runs the added app (exit {code})")

    configure("-Dapps=hello,ktest", "-Dconfig=APP_KTEST_BANNER=banner one")
    build()
    configure("-Dapps=hello,ktest", "-Dconfig=APP_KTEST_BANNER=banner two")
    plan = run(["ninja", "-C", scratch, "-n", "-v"]).stdout
    # The image's symbol table is regenerated with any code change: it belongs to the link.
    compiles = [l for l in plan.splitlines() if " -c " in l and "yolk-ksyms.S" not in l]
    others = [l for l in compiles if "ktest" not in l]
    expect(len(compiles) >= 1 and not others,
           f"changing an app option recompiles {len(compiles)} file(s), all of that app "
           f"({len(others)} elsewhere{': ' if others else ''}{' | '.join(o[-120:] for o in others)})")
    build()
    code, out = boot("app=ktest exit 0")
    expect("banner two\n" in out, "the changed option reaches the app")

    bad = {
        ("-Dconfig=NOPE=y",): "unknown symbol NOPE",
        ("-Dconfig=TICK_HZ=5000",): "TICK_HZ=5000 is outside its range 10..1000",
        ("-Dconfig=TICK_HZ=fast",): "TICK_HZ=fast is not a valid int",
        ("-Ddrivers=none", "-Dapps=hello,ktest"):
            "APP_KTEST=y was dropped: it depends on HAVE_CONSOLE, and HAVE_CONSOLE is n",
        ("-Dapps=nope",): "-Dapps: no such part nope",
        ("-Ddefconfig=nope",): "no defconfig 'nope'",
        ("-Dapps=ktest",): 'MAIN_APP="hello" is not a selected application',
        ("-Dhostfwd=8000:8000",): "-Dhostfwd needs a NIC",
        ("-Ddrivers=uart16550,virtio-net", "-Dhostfwd=80a"): "bad port forward '80a'",
    }
    for opts, message in bad.items():
        p = configure("-Ddefconfig=hello", *opts, check=False)
        text = p.stdout + p.stderr
        expect(p.returncode != 0 and message in text,
               f"meson configure {' '.join(opts)} fails with: {message}")
    configure("-Ddefconfig=hello", "-Dapps=hello,ktest", "-Dconfig=APP_KTEST_BANNER=banner two")
    p = run(["ninja", "-C", scratch, "-n"])
    expect("Compiling" not in p.stdout, "after the failed configures the build is unchanged")

    dotconfig = os.path.join(scratch, ".config")
    text = open(dotconfig).read()
    with open(dotconfig, "w") as f:
        f.write(re.sub(r"CONFIG_TICK_HZ=\d+", "CONFIG_TICK_HZ=250", text))
    build()
    header = open(os.path.join(scratch, "yolk-config", "core.h")).read()
    expect("#define CONFIG_TICK_HZ 250" in header, "editing .config reconfigures on the next ninja")

    run(["ninja", "-C", scratch, "savedefconfig"])
    mini = open(os.path.join(scratch, "defconfig")).read()
    expect("CONFIG_TICK_HZ=250" in mini and "CONFIG_APP_KTEST=y" in mini and "CONFIG_LOG_LEVEL" not in mini,
           "savedefconfig writes the minimal configuration")

    serve_with_ninja_qemu()

    p = run([os.path.join(src, "tools", "randconfig"), rounds, scratch], check=False)
    print(p.stdout, end="")
    expect(p.returncode == 0, f"tools/randconfig {rounds}: random configurations build and boot")





def main():
    part = sys.argv[3] if len(sys.argv) > 3 else ""
    if part not in ("options", "defconfigs"):
        raise SystemExit("usage: config_test.py SOURCE_DIR SCRATCH_BUILD_DIR options|defconfigs [RANDOM_CONFIGS]")
    prepare()
    if part == "options":
        check_options(sys.argv[4] if len(sys.argv) > 4 else "5")
    else:
        check_defconfigs()
    print(f"{len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
