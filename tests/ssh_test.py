#!/usr/bin/env python3
"""apps/sshd in the guest, driven with Debian's OpenSSH client through a hostfwd port.

  ssh_test.py --kernel IMAGE --nic MODEL --work DIR [--password PW]

DIR (in the build directory) gets a throwaway ed25519 key pair made by
ssh-keygen, a second key the guest does not know, the known_hosts file, an
initrd holding /etc/ssh/authorized_keys (tools/mkinitrd.py, as
-Dauthorized_keys does) and a FAT disk image mounted at /disk, where sshd
keeps its host key. Checks, as a user would:
  - the fingerprint sshd prints is the one ssh-keyscan is served;
  - key login runs `echo` and returns its output and status 0; a command
    that fails returns its status (127) and its stderr;
  - a wrong key, a wrong password and an unknown user are refused, and
    each refusal is logged with the peer address;
  - (--password) the right password logs in;
  - an interactive session on a pty: a line edited with Left/Backspace
    runs as edited, Ctrl-C ends a running app, `exit` ends the session;
  - 8 sessions at once each get exactly their own output;
  - sftp put and get of a 1 MiB random file, byte for byte, and the file
    read on the host from the FAT image with mcopy after the guest stops;
  - garbage instead of a version string, and a client closing in the
    middle of the key exchange, leave the server serving: a login works;
  - a second boot on the same disk serves the same host key (known_hosts
    with StrictHostKeyChecking=yes still accepts it).
Prints the login time (connect to the command's output, and to the shell
prompt) and the sftp throughput.
"""
import argparse
import concurrent.futures
import os
import pty
import re
import select
import shutil
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from guest import Checks, Guest, GuestError, free_port  # noqa: E402

TOP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
problems = Checks()
expect = problems


class Client:
    def __init__(self, work, port):
        self.work, self.port = work, port
        self.key = os.path.join(work, "id_ed25519")
        self.wrong = os.path.join(work, "wrong_ed25519")
        self.known = os.path.join(work, "known_hosts")

    def opts(self, key=None, strict="accept-new", batch=True):
        o = ["-F", "/dev/null", "-o", f"UserKnownHostsFile={self.known}", "-o", f"StrictHostKeyChecking={strict}",
             "-o", "ConnectTimeout=60", "-o", "LogLevel=ERROR",
             "-o", "HostKeyAlias=yolk-ssh-test"]  # the port changes per boot; the key must not
        if batch:
            o += ["-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-i", key or self.key,
                  "-o", "PreferredAuthentications=publickey"]
        return o

    def ssh(self, cmd, user="root", key=None, strict="accept-new", timeout=180, env=None, extra=()):
        argv = ["ssh", "-p", str(self.port)] + self.opts(key, strict) + list(extra) + [f"{user}@127.0.0.1", cmd]
        t0 = time.monotonic()
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout, env=env)
        return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace"), \
            time.monotonic() - t0

    def ssh_password(self, password, user="root", timeout=180):
        """Password login without a terminal: OpenSSH asks SSH_ASKPASS (forced), which prints it."""
        askpass = os.path.join(self.work, "askpass.sh")
        with open(askpass, "w") as f:
            f.write("#!/bin/sh\nprintf '%s\\n' \"$SSH_TEST_PASSWORD\"\n")
        os.chmod(askpass, 0o700)
        env = dict(os.environ, SSH_ASKPASS=askpass, SSH_ASKPASS_REQUIRE="force", SSH_TEST_PASSWORD=password,
                   DISPLAY=":0")
        argv = ["ssh", "-p", str(self.port)] + self.opts(batch=False) + [
            "-o", "PreferredAuthentications=password", "-o", "PubkeyAuthentication=no",
            "-o", "NumberOfPasswordPrompts=1", f"{user}@127.0.0.1", "echo password-ok"]
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout, env=env,
                           start_new_session=True)
        return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


def make_files(work):
    if os.path.isdir(work):
        shutil.rmtree(work)
    os.makedirs(work)
    for name in ("id_ed25519", "wrong_ed25519"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", os.path.join(work, name)],
                       check=True)
    initrd = os.path.join(work, "initrd.cpio")
    subprocess.run([sys.executable, os.path.join(TOP, "tools", "mkinitrd.py"), "-", initrd,
                    "etc/ssh/authorized_keys=" + os.path.join(work, "id_ed25519.pub")], check=True)
    disk = os.path.join(work, "disk.img")
    with open(disk, "wb") as f:
        f.truncate(32 << 20)
    subprocess.run(["/usr/sbin/mkfs.fat", "-F", "16", disk], check=True, capture_output=True)
    return initrd, disk


def boot(args, initrd, disk, port):
    g = Guest(args.kernel, cmdline="mount=/disk:vda:fat app=sshd", nic=args.nic, hostfwd=[f"tcp:{port}:22"],
              initrd=initrd, timeout=900, memory="256M",
              qemu_args=["-drive", f"file={disk},if=virtio,format=raw"])
    g.__enter__()
    g.wait_for(r"^sshd: listening on port 22", 180)
    fp = re.search(r"^sshd: host key 256 (SHA256:\S+) ", g.text(), re.M)
    return g, fp.group(1) if fp else None


def served_fingerprint(port):
    p = subprocess.run(["ssh-keyscan", "-T", "60", "-t", "ed25519", "-p", str(port), "127.0.0.1"],
                       capture_output=True, timeout=120)
    q = subprocess.run(["ssh-keygen", "-l", "-f", "-"], input=p.stdout, capture_output=True, timeout=30)
    m = re.search(r"(SHA256:\S+)", q.stdout.decode())
    return m.group(1) if m else None


def check_exec(c, g):
    rc, out, err, t = c.ssh("echo hello from yolk")
    expect(rc == 0 and out == "hello from yolk\n", f"key login runs echo: status {rc}, output {out!r} {err!r}")
    print(f"login time (connect to the output of echo): {t:.2f} s", flush=True)
    rc, out, err, _ = c.ssh("nosuchcommand")
    expect(rc == 127 and "command not found" in err and out == "",
           f"a failing command returns its status (127) and stderr: {rc} {out!r} {err!r}")
    rc, out, err, _ = c.ssh("cat /etc/ssh/authorized_keys")
    expect(rc == 0 and "id_ed25519" in out, f"cat of a guest file: {rc} {out[:60]!r}")


def check_refusals(c, g, password):
    rc, out, err, t = c.ssh("echo no", key=c.wrong)
    expect(rc == 255 and "Permission denied" in err and out == "", f"a wrong key is refused: {rc} {err.strip()!r}")
    expect(t >= 0.9, f"the refusal came after the failure delay (1 s): {t:.2f} s")
    rc, out, err, _ = c.ssh("echo no", user="bob")
    expect(rc == 255 and "Permission denied" in err, f"an unknown user is refused: {rc} {err.strip()!r}")
    if password:
        rc, out, err = c.ssh_password(password + "x")
        expect(rc == 255 and out == "", f"a wrong password is refused: {rc} {err.strip()!r}")
        rc, out, err = c.ssh_password(password)
        expect(rc == 0 and out == "password-ok\n", f"the right password logs in: {rc} {out!r} {err.strip()!r}")
    time.sleep(1)
    log = g.text()
    expect(re.search(r"^sshd: failed publickey for root from 10\.0\.2\.2:\d+$", log, re.M) is not None,
           "the wrong key is logged with the peer address")
    expect(re.search(r"^sshd: failed publickey for bob from 10\.0\.2\.2:\d+$", log, re.M) is not None,
           "the unknown user is logged")
    if password:
        expect(re.search(r"^sshd: failed password for root from 10\.0\.2\.2:\d+$", log, re.M) is not None,
               "the wrong password is logged")


def check_concurrent(c):
    def one(i):
        return i, c.ssh(f"echo session-{i}-{'x' * i}")

    with concurrent.futures.ThreadPoolExecutor(8) as ex:
        results = list(ex.map(one, range(8)))
    ok = len(results) == 8 and all(r[0] == 0 and r[1] == f"session-{i}-{'x' * i}\n" for i, r in results)
    expect(ok, "8 sessions at once each see only their own output: " +
           ", ".join(f"{i}:{r[0]}:{r[1]!r}" for i, r in results if r[0] != 0 or r[1] != f"session-{i}-{'x' * i}\n"))


class PtySession:
    """ssh -tt on a host pseudo-terminal, as a person at a terminal would run it."""

    def __init__(self, c):
        self.master, slave = pty.openpty()
        argv = ["ssh", "-tt", "-p", str(c.port)] + c.opts() + ["root@127.0.0.1"]
        self.t0 = time.monotonic()
        self.p = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, start_new_session=True)
        os.close(slave)
        self.out = b""

    def expect(self, pattern, timeout=60):
        """Reads until pattern (bytes regex) matches what came after the last match; the match or None."""
        rx = re.compile(pattern)
        end = time.monotonic() + timeout
        while True:
            m = rx.search(self.out)
            if m:
                self.out = self.out[m.end():]
                return m
            left = end - time.monotonic()
            if left <= 0:
                return None
            r, _, _ = select.select([self.master], [], [], left)
            if r:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:
                    return None
                if not chunk:
                    return None
                self.out += chunk

    def type(self, data):
        os.write(self.master, data)

    def close(self):
        try:
            status = self.p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.p.pid, 9)
            status = self.p.wait()
        os.close(self.master)
        return status


def check_pty(c):
    s = PtySession(c)
    try:
        got = s.expect(rb"yolk> ", 120)
        expect(got is not None, f"a shell prompt on a pty: {s.out[-200:]!r}")
        print(f"login time (connect to the shell prompt): {time.monotonic() - s.t0:.2f} s", flush=True)
        # "echo abX", Backspace, "c", Left, Left, "Z": the line that runs is "echo aZbc".
        s.type(b"echo abX\x7fc\x1b[D\x1b[DZ\r")
        expect(s.expect(rb"\r\naZbc\r\n", 60) is not None, f"a line edited with Backspace and Left runs as edited: "
               f"{s.out[-200:]!r}")
        expect(s.expect(rb"yolk> ", 60) is not None, "the prompt again")
        s.type(b"sleep 60\r")
        time.sleep(2)
        t0 = time.monotonic()
        s.type(b"\x03")
        ok = s.expect(rb"\^C\r\n(.|\r|\n)*yolk> ", 30) is not None
        expect(ok and time.monotonic() - t0 < 20, f"Ctrl-C ends a running command (sleep 60) and gives a prompt: "
               f"{s.out[-200:]!r}")
        s.type(b"echo after ctrl-c\r")
        expect(s.expect(rb"\r\nafter ctrl-c\r\n", 60) is not None, "the session goes on after Ctrl-C")
        s.type(b"exit 3\r")
    finally:
        status = s.close()
    expect(status == 3, f"`exit 3` ends the session with status 3: {status}")


def check_sftp(c, work):
    """put and get of 1 MiB onto the FAT disk; returns the data (checked again on the host later)."""
    data = os.urandom(1 << 20)
    src, back = os.path.join(work, "big.bin"), os.path.join(work, "back.bin")
    with open(src, "wb") as f:
        f.write(data)
    batch = os.path.join(work, "sftp.batch")
    for phase, cmds in (("put", [f"put {src} /disk/big.bin", "ls -l /disk/big.bin"]),
                        ("get", [f"get /disk/big.bin {back}"])):
        with open(batch, "w") as f:
            f.write("\n".join(cmds) + "\n")
        argv = ["sftp", "-P", str(c.port), "-b", batch] + c.opts() + ["root@127.0.0.1"]
        t0 = time.monotonic()
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=600)
        dt = time.monotonic() - t0
        expect(p.returncode == 0, f"sftp {phase} of 1 MiB: status {p.returncode} "
               f"{p.stderr.decode(errors='replace').strip()[-300:]!r}")
        print(f"sftp {phase}: 1 MiB in {dt:.2f} s ({1 / dt:.2f} MiB/s, login included)", flush=True)
    rc, out, err, _ = c.ssh("sync")  # the FAT block cache writes back; the guest is killed, not shut down
    expect(rc == 0, f"sync over ssh: {rc} {err!r}")
    got = open(back, "rb").read() if os.path.exists(back) else b""
    expect(got == data, f"sftp get returns the 1 MiB byte for byte ({len(got)} bytes)")
    return data


def check_garbage(c, port):
    with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
        s.sendall(b"GET / HTTP/1.0\r\n\r\n" + os.urandom(3000))
        s.settimeout(60)
        try:
            while s.recv(4096):
                pass
        except OSError:
            pass
    with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
        s.sendall(b"SSH-2.0-OpenSSH_9.2p1 Debian\r\n")
        s.settimeout(60)
        s.recv(4096)  # the server's version and maybe its KEXINIT; then we leave mid-handshake
    with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
        pass  # connect and close at once
    rc, out, err, _ = c.ssh("echo still serving")
    expect(rc == 0 and out == "still serving\n", f"after garbage and a half handshake a login works: {rc} {out!r}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--nic", default="virtio-net-pci")
    ap.add_argument("--work", required=True)
    ap.add_argument("--password", help="the password the image's CONFIG_APP_SSHD_PASSWORD_HASH is of")
    ap.add_argument("--only", default="", help="comma-separated checks to run (default all)")
    args = ap.parse_args()
    only = set(filter(None, args.only.split(",")))
    want = lambda name: not only or name in only  # noqa: E731
    initrd, disk = make_files(args.work)
    port = free_port()
    c = Client(args.work, port)
    g, fp = boot(args, initrd, disk, port)
    sftp_data = None
    try:
        expect(fp is not None, f"sshd printed its host key fingerprint: {fp}")
        served = served_fingerprint(port)
        expect(fp == served, f"the printed fingerprint is the one served: {fp} vs {served}")
        if want("exec"):
            check_exec(c, g)
        if want("refuse"):
            check_refusals(c, g, args.password)
        if want("pty"):
            check_pty(c)
        if want("concurrent"):
            check_concurrent(c)
        sftp_data = check_sftp(c, args.work) if want("sftp") else None
        if want("garbage"):
            check_garbage(c, port)
        log = g.text()
        expect(not re.search(r"panic|exception|FAIL", log), "no fault on the console")
    except (GuestError, subprocess.TimeoutExpired) as e:
        expect(False, str(e))
    finally:
        g.stop()
        if problems:
            print("--- guest console ---\n" + g.text(), flush=True)
    key_on_disk = subprocess.run(["mcopy", "-n", "-i", disk, "::/etc/ssh/ssh_host_ed25519_key", "-"],
                                 capture_output=True, timeout=60).stdout
    expect(key_on_disk.startswith(b"-----BEGIN OPENSSH PRIVATE KEY-----"),
           "the host key is on the FAT disk (read with mcopy)")
    if sftp_data is not None:
        on_fat = subprocess.run(["mcopy", "-n", "-i", disk, "::/big.bin", "-"], capture_output=True,
                                timeout=60).stdout
        expect(on_fat == sftp_data, f"the file sftp put is on the FAT image byte for byte ({len(on_fat)} bytes, mcopy)")
    if want("reboot") and not problems:
        port = free_port()
        c = Client(args.work, port)
        g, fp2 = boot(args, initrd, disk, port)
        try:
            expect(fp2 == fp, f"second boot on the same disk: the same host key {fp2}")
            rc, out, err, _ = c.ssh("echo same key", strict="yes")
            expect(rc == 0 and out == "same key\n", f"known_hosts (strict) accepts it: {rc} {err.strip()!r}")
        except (GuestError, subprocess.TimeoutExpired) as e:
            expect(False, str(e))
        finally:
            g.stop()
    print(f"{len(problems)} problems", flush=True)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
