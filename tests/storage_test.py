#!/usr/bin/env python3
"""Block devices end to end: make a disk image, boot the image with it, check.

  storage_test.py IMAGE SCENARIO [--smp N]

The host makes each disk (known pseudo-random bytes; partition tables from
sfdisk; a whole-disk FAT from mkfs.fat), boots `ktest blk ...` with it as a
virtio disk, and checks every checksum, size and partition the guest prints
against the image file, and that the guest's writes are in the file
afterwards. Scenarios: raw, intx, threads, mbr, gpt, superfloppy, readonly.
--smp N boots the guest with N CPUs (its reader threads then run on all of them).
"""
import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import yolkqemu  # noqa: E402

MIB = 1 << 20
SECTOR = 512
problems = []
smp = 1  # CPUs of every boot (--smp)


def expect(cond, what):
    if not cond:
        problems.append(what)


def fnv(data):
    h = 0xcbf29ce484222325
    for b in data:
        h = ((h ^ b) * 0x100000001b3) & 0xffffffffffffffff
    return h


def pattern(n, seed):
    """The bytes apps/ktest/blk.c writes for a seed."""
    out = bytearray(n)
    for i in range(n):
        seed = (seed * 1103515245 + 12345) & 0xffffffff
        out[i] = (seed >> 16) & 0xff
    return bytes(out)


def random_disk(path, size, seed):
    with open(path, "wb") as f:
        f.write(random.Random(seed).randbytes(size))


def sfdisk(path, script):
    """Partitions the file with sfdisk; returns {number: (start, sectors)} of the data partitions."""
    sfdisk_bin = shutil.which("sfdisk") or "/usr/sbin/sfdisk"
    subprocess.run([sfdisk_bin, "--no-reread", "--no-tell-kernel", "-q", path], input=script, text=True,
                   check=True, stdout=subprocess.DEVNULL)
    table = json.loads(subprocess.run([sfdisk_bin, "--json", path], capture_output=True, text=True,
                                      check=True).stdout)["partitiontable"]
    parts = {}
    for p in table["partitions"]:
        if p.get("type", "").lower() in ("5", "f", "85"):
            continue  # the extended partition is a container, not a device
        parts[int(p["node"][len(path):])] = (p["start"], p["size"])
    return parts


def boot(image, steps, disks, tmp, params=""):
    log = os.path.join(tmp, "serial.log")
    args = ["--kernel", image, "--cmdline", params + "app=ktest blk " + steps, "--log", log, "--timeout", "90",
            "--smp", str(smp)]
    for path, extra in disks:
        args += ["--qemu-arg=-drive", f"--qemu-arg=file={path},if=virtio,format=raw{extra}"]
    code = yolkqemu.main(args)
    with open(log, "rb") as f:
        out = f.read().decode("utf-8", "replace").replace("\r", "")
    expect(code == 0, f"guest exit code {code}, expected 0")
    expect(re.search(r"^blk done$", out, re.M), "ktest blk did not finish")
    return out


def devices(out):
    """name -> (sectors, disk, start) from the guest's list."""
    found = {}
    for m in re.finditer(r"^blkdev (\S+) sectors=(\d+) sector_size=512(?: disk=(\S+) start=(\d+))?$", out, re.M):
        found[m.group(1)] = (int(m.group(2)), m.group(3), int(m.group(4) or 0))
    return found


def check_list(out, want):
    got = devices(out)
    expect(got == want, f"devices {got}, expected {want}")
    return got


def check_sums(out, image_bytes, devs):
    n = 0
    for m in re.finditer(r"^sum (\S+) (\d+) (\d+) (\S+)$", out, re.M):
        name, lba, count, value = m.group(1), int(m.group(2)), int(m.group(3)), m.group(4)
        start = devs[name][2] if name in devs else 0
        data = image_bytes[(start + lba) * SECTOR:(start + lba + count) * SECTOR]
        expect(value == f"{fnv(data):016x}", f"sum of {name} sectors {lba}+{count}: guest {value}, file {fnv(data):016x}")
        n += 1
    return n


def check_write(out, path, devs, name, lba, count, seed):
    expect(re.search(rf"^write {name} {lba} {count} seed={seed} r=0 flush=0$", out, re.M), f"write to {name} failed")
    start = devs.get(name, (0, None, 0))[2]
    with open(path, "rb") as f:
        f.seek((start + lba) * SECTOR)
        expect(f.read(count * SECTOR) == pattern(count * SECTOR, seed), f"the written sectors of {name} are not in the file")


def check_cache(out, path, first):
    expect(re.search(rf"^cache vda {first} r=0 grown=1 bad=0 past_end=-5$", out, re.M), "block cache step failed")
    with open(path, "rb") as f:
        f.seek(first * 4096)
        data = f.read(64 * 4096)
    bad = [i for i in range(64) if data[i * 4096:(i + 1) * 4096] != pattern(4096, 1000 + i)]
    expect(not bad, f"blocks written through the cache missing from the file: {bad[:8]}")


def check_threads(out, image_bytes, n):
    lines = re.findall(r"^thread (\d+) vda (\d+) (\d+) (\S+) consistent=(\d) err=(-?\d+)$", out, re.M)
    expect(len(lines) == n, f"{len(lines)} reader threads reported, expected {n}")
    for i, lba, count, value, consistent, err in lines:
        data = image_bytes[int(lba) * SECTOR:(int(lba) + int(count)) * SECTOR]
        expect(err == "0" and consistent == "1", f"thread {i}: err={err} consistent={consistent}")
        expect(value == f"{fnv(data):016x}", f"thread {i}: region checksum differs from the file")


def run_raw(image, tmp, params=""):
    path = os.path.join(tmp, "disk.img")
    random_disk(path, 16 * MIB, 1)
    before = open(path, "rb").read()
    steps = ("list irq sum vda 0 8 sum vda 1 1 sum vda 12345 100 sum vda 32760 8 bounds vda "
             "write vda 20000 64 4242 cache vda 3000 threads vda 4 1 bench vda 32")
    out = boot(image, steps, [(path, "")], tmp, params)
    devs = check_list(out, {"vda": (32768, None, 0)})
    expect(check_sums(out, before, devs) == 4, "not every checksum was printed")
    expect(re.search(r"^bounds vda last=0 past=-5 straddle=-5 wrap=-5 misaligned=-22 null=-22$", out, re.M),
           "bounds checks: " + (re.search(r"^bounds.*$", out, re.M) or ["none"])[0])
    check_write(out, path, devs, "vda", 20000, 64, 4242)
    check_cache(out, path, 3000)
    check_threads(out, before, 4)
    return out


def scenario_msix(image, tmp):
    out = run_raw(image, tmp)
    expect(re.search(r"^irq \S+ 1af4:10(01|42) msix=1 intx_disabled=1$", out, re.M), "virtio-blk is not on MSI-X")
    return out


def scenario_intx(image, tmp):
    # The legacy line through the I/O APIC (level-triggered, maybe shared) instead of MSI-X.
    out = run_raw(image, tmp, "pci_irq=intx ")
    expect(re.search(r"^irq \S+ 1af4:10(01|42) msix=0 intx_disabled=0$", out, re.M), "virtio-blk is not on INTx")
    return out


def scenario_threads(image, tmp):
    path = os.path.join(tmp, "disk.img")
    random_disk(path, 16 * MIB, 2)
    before = open(path, "rb").read()
    out = boot(image, "threads vda 8 3", [(path, "")], tmp)
    check_threads(out, before, 8)
    return out


def scenario_mbr(image, tmp):
    path = os.path.join(tmp, "disk.img")
    random_disk(path, 32 * MIB, 3)
    parts = sfdisk(path, "label: dos\n,8MiB,c\n,4MiB,83\n,,5\n,4MiB,83\n,2MiB,83\n")
    expect(sorted(parts) == [1, 2, 5, 6], f"sfdisk made partitions {sorted(parts)}")
    before = open(path, "rb").read()
    out = boot(image, "list sum vda1 0 16 sum vda2 100 8 sum vda5 0 64 sum vda6 4000 96 bounds vda2 "
                      "write vda6 10 4 99 list", [(path, "")], tmp)
    want = {"vda": (32 * MIB // SECTOR, None, 0)}
    want.update({f"vda{n}": (size, "vda", start) for n, (start, size) in parts.items()})
    devs = check_list(out, want)
    if devs == want:
        expect(check_sums(out, before, devs) == 4, "not every checksum was printed")
        check_write(out, path, devs, "vda6", 10, 4, 99)
    expect(re.search(r"^bounds vda2 last=0 past=-5 straddle=-5 ", out, re.M), "a partition's end is not enforced")
    return out


def scenario_gpt(image, tmp):
    path = os.path.join(tmp, "disk.img")
    random_disk(path, 32 * MIB, 4)
    parts = sfdisk(path, "label: gpt\n,6MiB,L\n,10MiB,L\n,4MiB,L\n")
    before = open(path, "rb").read()
    out = boot(image, "list sum vda1 0 8 sum vda2 20479 1 sum vda3 17 33", [(path, "")], tmp)
    want = {"vda": (32 * MIB // SECTOR, None, 0)}
    want.update({f"vda{n}": (size, "vda", start) for n, (start, size) in parts.items()})
    devs = check_list(out, want)
    if devs == want:
        expect(check_sums(out, before, devs) == 3, "not every checksum was printed")
    return out


def scenario_superfloppy(image, tmp):
    # mkfs.fat on the whole disk: sector 0 ends in 55 aa too, but it is no MBR.
    path = os.path.join(tmp, "disk.img")
    random_disk(path, 32 * MIB, 5)
    subprocess.run([shutil.which("mkfs.fat") or "/usr/sbin/mkfs.fat", "-F", "16", path], check=True,
                   stdout=subprocess.DEVNULL)
    # Boot code may hold anything: make its tail look like a valid partition entry
    # (active, FAT32 LBA, sectors 2048-6143), so only the boot-sector check stands
    # between the disk and a bogus vda1.
    with open(path, "r+b") as f:
        f.seek(446)
        f.write(bytes([0x80, 0, 0, 0, 0x0c, 0, 0, 0]) + (2048).to_bytes(4, "little") + (4096).to_bytes(4, "little"))
    data = open(path, "rb").read(SECTOR)
    expect(data[510:512] == b"\x55\xaa" and data[0] == 0xeb, "mkfs.fat made no jump and 55 aa (the test would prove nothing)")
    out = boot(image, "list sum vda 0 1", [(path, "")], tmp)
    check_list(out, {"vda": (32 * MIB // SECTOR, None, 0)})
    return out


def scenario_readonly(image, tmp):
    a, b = os.path.join(tmp, "a.img"), os.path.join(tmp, "b.img")
    random_disk(a, 4 * MIB, 6)
    random_disk(b, 2 * MIB, 7)
    before = open(b, "rb").read()
    out = boot(image, "list sum vdb 0 8 write vdb 0 1 5 write vda 8 1 6", [(a, ""), (b, ",readonly=on")], tmp)
    devs = check_list(out, {"vda": (8192, None, 0), "vdb": (4096, None, 0)})
    check_sums(out, before, devs)
    expect(re.search(r"^write vdb 0 1 seed=5 r=-30 flush=0$", out, re.M), "a read-only disk took a write (want -EROFS)")
    expect(open(b, "rb").read() == before, "the read-only disk's file changed")
    check_write(out, a, devs, "vda", 8, 1, 6)
    return out


def main():
    global smp
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("image")
    ap.add_argument("scenario")
    ap.add_argument("--smp", type=int, default=1, help="CPUs of the guest")
    args = ap.parse_args()
    image, scenario, smp = args.image, args.scenario, args.smp
    tmp = tempfile.mkdtemp(prefix="yolk-storage-")
    try:
        out = {"raw": scenario_msix, "intx": scenario_intx, "threads": scenario_threads, "mbr": scenario_mbr,
               "gpt": scenario_gpt, "superfloppy": scenario_superfloppy, "readonly": scenario_readonly}[scenario](image, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for line in re.findall(r"^(?:bench|threads \d) .*$", out, re.M):
        print(line)
    if problems:
        print("FAIL: " + "; ".join(problems))
        print("----- guest output -----\n" + out + "------------------------")
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
