#!/usr/bin/env python3
"""initrd_test.py IMAGE [--iso MKISO] — an initrd packed on the host is what the guest reads.

The host builds a tree (nested directories, a long name, an empty file, a
1 MiB random file), packs it with tools/mkinitrd.py, boots IMAGE with it
(-initrd, or as a GRUB module from an ISO with --iso) running `ktest tree
/data`, and compares every path, size and CRC-32 the guest prints with its
own. A second boot with the archive cut in half must report the damage,
keep what came before it, and carry on.
"""
import os
import random
import re
import subprocess
import sys
import tempfile
import zlib

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "tools"))
import yolkqemu  # noqa: E402

MKINITRD = os.path.join(here, "..", "tools", "mkinitrd.py")


def make_tree(root):
    rnd = random.Random(7)
    files = {
        "data/hello.txt": b"hello from the initrd\n",
        "data/empty": b"",
        "data/a/b/c/deep.bin": bytes(rnd.randrange(256) for _ in range(5000)),
        "data/big.bin": rnd.randbytes(1 << 20),
        "data/a name with spaces and a rather long tail.txt": b"spaces\n" * 100,
    }
    for rel, data in files.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
    os.makedirs(os.path.join(root, "data", "emptydir"))
    want = {f"file /{rel} {len(d)} {zlib.crc32(d):08x}" for rel, d in files.items()}
    want |= {"dir /data/a", "dir /data/a/b", "dir /data/a/b/c", "dir /data/emptydir"}
    return want


def boot(tmp, image, initrd, iso_tool, cmdline="app=ktest tree /data"):
    log = os.path.join(tmp, "serial.log")
    if iso_tool:
        iso = os.path.join(tmp, "yolk.iso")
        subprocess.run([iso_tool, image, iso, cmdline, initrd], check=True)
        args = ["--iso", iso]
    else:
        args = ["--kernel", image, "--initrd", initrd, "--cmdline", cmdline]
    code = yolkqemu.main(args + ["--log", log, "--timeout", "120"])
    out = yolkqemu.read_log(log)
    return code, re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\x1bc", "", out)


def main():
    image = sys.argv[1]
    iso_tool = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == "--iso" else None
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "tree")
        want = make_tree(src)
        cpio = os.path.join(tmp, "initrd.cpio")
        subprocess.run([sys.executable, MKINITRD, src, cpio], check=True)
        code, out = boot(tmp, image, cpio, iso_tool)
        got = {l for l in out.splitlines() if l.startswith(("file ", "dir "))}
        if got != want or code != 0 or "tree done" not in out:
            problems.append(f"intact archive: exit {code}; missing {sorted(want - got)}; unexpected {sorted(got - want)}")
        if not iso_tool:
            # Cut inside big.bin's data: entries before it are there, the error is named, the boot goes on.
            data = open(cpio, "rb").read()
            cut = data.index(b"data/big.bin") + 100000
            with open(cpio, "wb") as f:
                f.write(data[:cut])
            code, out2 = boot(tmp, image, cpio, None)
            if not re.search(r"initrd: malformed archive at byte \d+: truncated data; unpacking stopped", out2):
                problems.append("truncated archive: no clear error")
            if "file /data/a name with spaces and a rather long tail.txt 700" not in out2 or code != 0:
                problems.append(f"truncated archive: earlier files lost or bad exit {code}")
            out += out2
    if problems:
        print("FAIL: " + "; ".join(problems))
        print(out)
        return 1
    print(f"ok: {len(want)} entries match")
    return 0


if __name__ == "__main__":
    sys.exit(main())
