#!/usr/bin/env python3
"""fs/fat in the guest against images made and checked on the host.

  fat_guest_test.py IMAGE SCENARIO [--keep DIR] [--smp N]

Every scenario makes a FAT image with mkfs.fat, fills it with mtools, boots
IMAGE with it as a virtio disk (kernel parameter mount=/data:vda:fat) and
checks what the guest printed and what it left in the image:

  read        FAT12, FAT16 and FAT32: `ktest tree /data` lists every file and
              directory mcopy made (nested, long names, a multi-MB random file)
              with the same sizes and CRC-32s as the host.
  write       FAT32 (write16: FAT16): `ktest fatwrite /data` writes, renames,
              truncates and deletes; then fsck.fat -n is clean, mtools reads
              back exactly what the guest reported (and the host computed),
              removed names are gone, the host's files are untouched, and a
              second boot lists it all the same.
  crash       `ktest fatcrash /data` appends fsync()ed records until the host
              SIGKILLs QEMU at a random point after 20 of them, three times on
              the same image; every record the guest said was synced must be
              intact and fsck.fat must find no cross-linked clusters.
  corrupt     a bad boot sector, a truncated FAT, a cluster loop in a file, a
              chain leaving the volume and a looping directory: the mount or
              the read fails with a clear error; never a panic or a hang.
  crafted     issue 17's images (fs/fat/tests/fat_craft.py) as partition 1
              of an MBR disk, with known bytes before and after it: orphaned
              long-name slots (and long names with '/' or "..") list as their
              8.3 name and take fatwrite's
              creates, renames and deletes next to them; boot sectors whose
              FAT size wraps the layout fail to mount with a log line naming
              it. The bytes outside the partition (outside the volume, for the
              boot sector cases: the whole disk) must be unchanged afterwards.

FAT_GUEST_SEED=N repeats the crash scenario's kill points. --smp N boots
every guest with N CPUs.
"""
import argparse
import os
import random
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fs", "fat", "tests"))
import yolkqemu  # noqa: E402
import fat_craft  # noqa: E402

ENV = dict(os.environ, MTOOLS_SKIP_CHECK="1", MTOOLS_NO_VFAT="0")
MKFS = shutil.which("mkfs.fat") or "/usr/sbin/mkfs.fat"
FSCK = shutil.which("fsck.fat") or "/usr/sbin/fsck.fat"
MIB = 1 << 20
RECORD = 4096
problems = []
logs = []
smp = 1  # CPUs of every boot (--smp)


def expect(cond, what):
    if not cond:
        problems.append(what)
    return cond


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, env=ENV)
    return p.returncode, p.stdout.decode("utf-8", "replace") + p.stderr.decode("utf-8", "replace")


def pattern(n, seed, start=0):
    """What apps/ktest/fat.c's fat_pattern() writes: bytes start..start+n of a file with this seed."""
    return bytes((i * 7 + seed * 13 + (i >> 9)) & 0xff for i in range(start, start + n))


def entry(path, data):
    return f"file {path} {len(data)} {zlib.crc32(data):08x}"


# --- images ---

def make_image(tmp, name, size_mb, mkfs_args):
    img = os.path.join(tmp, name + ".img")
    with open(img, "wb") as f:
        f.truncate(size_mb * MIB)
    subprocess.run([MKFS, "-n", "YOLKTEST"] + mkfs_args + [img], check=True, capture_output=True)
    return img


def mtools(*cmd):
    code, out = run(list(cmd))
    expect(code == 0, f"{' '.join(cmd)}: exit {code}: {out}")
    return out


def populate(tmp, img, rnd, big):
    """Fills the image with mmd + mcopy; returns ({fat path: bytes}, [fat dirs])."""
    files = {
        "/README.TXT": b"plain 8.3 name\n",
        "/lower.txt": b"a lower-case 8.3 name\n",
        "/A long file name with spaces.text": b"long name\n" * 100,
        "/dir one/sub dir/deep file.bin": rnd.randbytes(70000),
        "/dir one/Second File.dat": rnd.randbytes(5000),
        "/dir one/sub dir/third level/x.y.z.txt": b"dots in the name\n",
        "/big random.bin": rnd.randbytes(big),
        "/caf\u00e9 \u00fcber.txt": b"unicode\n",
        "/empty": b"",
    }
    dirs = ["/dir one", "/dir one/sub dir", "/dir one/sub dir/third level", "/empty dir"]
    for d in dirs:
        mtools("mmd", "-i", img, "::" + d)
    src = os.path.join(tmp, "src")
    for path, data in files.items():
        with open(src, "wb") as f:
            f.write(data)
        mtools("mcopy", "-i", img, src, "::" + path)
    return files, dirs


def want_tree(files, dirs, mount="/data"):
    return {entry(mount + p, d) for p, d in files.items()} | {f"dir {mount}{d}" for d in dirs}


def read_back(tmp, img, path):
    """The file as mtools reads it, or None."""
    host = os.path.join(tmp, "readback")
    if os.path.exists(host):
        os.unlink(host)
    code, _ = run(["mcopy", "-n", "-i", img, "::" + path, host])
    if code or not os.path.exists(host):
        return None
    with open(host, "rb") as f:
        return f.read()


def listing(img):
    """Every path in the image per mdir: files as they are, directories with a trailing /."""
    out = mtools("mdir", "-/", "-b", "-i", img, "::/")
    return {l.strip()[2:] for l in out.splitlines() if l.strip().startswith("::")}


def fsck(img):
    code, out = run([FSCK, "-n", img])
    return code, out


# --- booting ---

def qemu_cmd(image, img, cmdline, log):
    args = yolkqemu.parser().parse_args(["--kernel", image, "--cmdline", cmdline, "--smp", str(smp),
                                         "--qemu-arg=-drive", f"--qemu-arg=file={img},if=virtio,format=raw"])
    return yolkqemu.qemu_command(args, ["-display", "none", "-monitor", "none", "-serial", f"file:{log}"])


def clean(raw):
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\x1bc", "", raw.decode("utf-8", "replace").replace("\r", ""))


def boot(tmp, image, img, args, timeout=60, dev="vda"):
    """Boots `ktest ARGS` with img (or its partition dev) mounted at /data; returns (guest exit code, output)."""
    log = os.path.join(tmp, "serial.log")
    cmdline = f"mount=/data:{dev}:fat app=ktest {args}"
    code = yolkqemu.main(["--kernel", image, "--cmdline", cmdline, "--log", log, "--timeout", str(timeout),
                          "--smp", str(smp),
                          "--qemu-arg=-drive", f"--qemu-arg=file={img},if=virtio,format=raw"])
    with open(log, "rb") as f:
        out = clean(f.read())
    logs.append(f"--- {os.path.basename(img)}: {args} (exit {code})\n{out}")
    return code, out


def tree_lines(out):
    return {l for l in out.splitlines() if l.startswith(("file ", "dir "))}


def check_tree(tmp, image, img, want, what):
    code, out = boot(tmp, image, img, "tree /data")
    got = tree_lines(out)
    if not expect(code == 0 and "tree done" in out and got == want,
                  f"{what}: tree exit {code}; missing {sorted(want - got)}; unexpected {sorted(got - want)}"):
        return
    print(f"{what}: {len(want)} entries match")


# --- scenarios ---

def scenario_read(image, tmp):
    for name, size_mb, mkfs_args, big in (("fat12", 4, ["-F", "12"], 1500000),
                                          ("fat16", 16, ["-F", "16"], 3 * MIB + 17),
                                          ("fat32", 40, ["-F", "32", "-s", "1"], 3 * MIB + 17)):
        img = make_image(tmp, name, size_mb, mkfs_args)
        files, dirs = populate(tmp, img, random.Random(name), big)
        check_tree(tmp, image, img, want_tree(files, dirs), name)


def fatwrite_expected():
    """{path: bytes} that `ktest fatwrite` leaves, the directories it makes, the names it removes."""
    big = bytearray(pattern(1048576 + 4321, 2))
    big[500000:500007] = b"PATCHED"
    files = {
        "/A long file name written by the guest.txt": pattern(3000, 1),
        "/guest big.bin": bytes(big),
        "/stdio.txt": "".join(f"line {i}: written with fprintf\n" for i in range(200)).encode(),
        "/after rename.txt": pattern(7000, 3),
        "/guest many/cross moved.bin": pattern(20000, 4),
        "/guest many/dir b/inside.bin": pattern(5000, 7),
        "/trunc.bin": pattern(30001, 6) + bytes(9999),
    }
    for i in range(150):
        files[f"/guest many/small file {i:03d} with a long name.txt"] = f"small file {i} of the guest\n".encode()
    gone = ["/before rename.txt", "/cross.bin", "/guest dir a", "/delete me.tmp", "/tmp dir"]
    return files, ["/guest many", "/guest many/dir b"], gone


def fsck_clean(img, what):
    code, out = fsck(img)
    alarming = [w for w in ("cross-linked", "share clusters", "orphan", "free cluster summary", "lost", "unused",
                            "contains a free cluster", "truncat", "bad", "wrong", "invalid", "dirty")
                if w in out.lower()]
    expect(code == 0 and not alarming, f"{what}: fsck.fat -n exit {code}, mentions {alarming}:\n{out}")


def scenario_write(image, tmp, fat="32"):
    name = "fat" + fat
    img = make_image(tmp, name, 40 if fat == "32" else 16, ["-F", fat] + (["-s", "1"] if fat == "32" else []))
    old_files, old_dirs = populate(tmp, img, random.Random(name), 2 * MIB + 5)
    code, out = boot(tmp, image, img, "fatwrite /data")
    expect(code == 0 and re.search(r"^fatwrite: 0 failures$", out, re.M), f"fatwrite: exit {code}")
    expect(not re.search(r"^FAIL", out, re.M), "fatwrite: " + "; ".join(re.findall(r"^FAIL.*$", out, re.M)))
    new_files, new_dirs, gone = fatwrite_expected()
    # What the guest read back before it exited, what the host expects, what mtools reads: all equal.
    reported = set(re.findall(r"^wrote .*$", out, re.M))
    want = {"wrote " + entry("/data" + p, d)[5:] for p, d in new_files.items()}
    expect(reported == want, f"guest reported {sorted(reported - want)[:5]}, host expected {sorted(want - reported)[:5]}")
    expect(set(re.findall(r"^gone (.*)$", out, re.M)) == {"/data" + g for g in gone}, "gone lines differ")
    fsck_clean(img, name)
    for path, data in {**old_files, **new_files}.items():
        got = read_back(tmp, img, path)
        expect(got == data, f"{name}: mtools reads {path} as {None if got is None else len(got)} bytes "
                            f"{'' if got is None else f'{zlib.crc32(got):08x}'}, expected {len(data)} {zlib.crc32(data):08x}")
    paths = listing(img)
    want_paths = set(old_files) | set(new_files) | {d + "/" for d in old_dirs + new_dirs}
    expect(paths == want_paths, f"{name}: mdir lists extra {sorted(paths - want_paths)}, "
                                f"misses {sorted(want_paths - paths)}")
    for g in gone:
        expect(g not in paths and g + "/" not in paths, f"{name}: {g} is still there")
    print(f"{name}: fatwrite left {len(new_files)} files, fsck clean, mtools agrees")
    check_tree(tmp, image, img, want_tree({**old_files, **new_files}, old_dirs + new_dirs), name + " remounted")


def record(n):
    rec = bytearray(pattern(RECORD, n))
    rec[0:16] = b"record %08d\n" % n
    return bytes(rec)


def crash_once(tmp, image, img, rnd, target):
    """Boots fatcrash, SIGKILLs QEMU after `target` synced records (plus a little); returns the last N printed."""
    log = os.path.join(tmp, f"crash-{target}.log")
    if os.path.exists(log):
        os.unlink(log)  # a stale log would count as this run's records
    proc = subprocess.Popen(qemu_cmd(image, img, "mount=/data:vda:fat app=ktest fatcrash /data", log),
                            stdin=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    count = 0
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.01)
            if os.path.exists(log):  # QEMU creates it once it runs
                with open(log, "rb") as f:
                    count = len(re.findall(rb"^synced \d+", f.read(), re.M))
            if count >= target:
                time.sleep(rnd.uniform(0, 0.03))  # land anywhere within a record
                break
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    with open(log, "rb") as f:
        out = clean(f.read())
    logs.append(f"--- crash run, target {target}\n{out[-3000:]}")
    expect(count >= target, f"crash run: only {count} records synced before QEMU stopped (status {proc.returncode})")
    expect("panic" not in out and "fatcrash:" not in out, "crash run: the guest failed before the kill")
    return max((int(m) for m in re.findall(r"^synced (\d+)$", out, re.M)), default=0)


def scenario_crash(image, tmp):
    seed = int(os.environ.get("FAT_GUEST_SEED", time.time_ns() % 100000))
    print(f"seed {seed} (FAT_GUEST_SEED={seed} repeats the kill points)")
    rnd = random.Random(seed)
    img = make_image(tmp, "crash32", 40, ["-F", "32", "-s", "1"])
    old_files, old_dirs = populate(tmp, img, random.Random("crash"), 300000)
    # Runs 2 and 3 start on the image the previous kill left, unrepaired.
    for target in (rnd.randint(20, 60), rnd.randint(20, 200), rnd.randint(100, 300)):
        n = crash_once(tmp, image, img, rnd, target)
        code, out = fsck(img)
        # Allowed after a kill: what fsck can repair without losing synced data, i.e.
        # lost cluster chains ("Reclaimed N unused clusters": unsynced appends and
        # churn files whose FAT reached the disk before their entry), a chain longer
        # than the file's size (clusters of an unsynced append), the two FAT copies
        # differing (the kill fell between writing them) and a wrong free-cluster
        # count in FSInfo. Never clusters shared by two files ("cross-linked", "share
        # clusters"), nor an entry on disk leading to a cluster the FAT on disk calls
        # free ("Contains a free cluster": a freed cluster that could be reused under
        # it), and fsck must be able to read the volume (exit 0 or 1).
        expect(code in (0, 1) and not re.search(r"cross-linked|share clusters|contains a free cluster", out, re.I),
               f"after a kill at record {n}: fsck exit {code}:\n{out}")
        data = read_back(tmp, img, "/crash.log") or b""
        bad = [i for i in range(1, n + 1) if data[(i - 1) * RECORD:i * RECORD] != record(i)]
        expect(not bad, f"after a kill at record {n}: {len(bad)} synced records damaged or missing "
                        f"(first {bad[:1]}; file has {len(data)} bytes)")
        for path, want in old_files.items():
            expect(read_back(tmp, img, path) == want, f"after a kill at record {n}: {path} changed")
        summary = " ".join(l.strip() for l in out.splitlines()[1:] if l.strip())
        print(f"killed after record {n} (target {target}): {len(data) // RECORD} records on disk, "
              f"fsck exit {code}: {summary[:300]}")
    # The guest mounts what the kills left and reads the log back.
    code, out = boot(tmp, image, img, "tree /data")
    data = read_back(tmp, img, "/crash.log") or b""
    expect(code in (0, 1) and "tree done" in out and entry("/data/crash.log", data) in out,
           f"the guest does not read back the crashed image (exit {code})")


def fat_layout(img):
    """(bytes/sector, sectors/cluster, FAT offset, FAT bytes, FAT count, first data byte, FAT bits, root cluster)."""
    b = open(img, "rb").read(512)
    bps, spc, res, nfats, roots = struct.unpack_from("<HBHBH", b, 11)
    fatsz = struct.unpack_from("<H", b, 22)[0] or struct.unpack_from("<I", b, 36)[0]
    bits, root_clus = (32, struct.unpack_from("<I", b, 44)[0]) if roots == 0 else (16, 0)
    data = (res + nfats * fatsz) * bps + roots * 32
    return bps, spc, res * bps, fatsz * bps, nfats, data, bits, root_clus


def first_cluster(img, short_name):
    """The first cluster of a root directory entry (FAT16 or FAT32)."""
    bps, spc, fat0, fatbytes, nfats, data, bits, root_clus = fat_layout(img)
    if bits == 32:
        root = data + (root_clus - 2) * spc * bps
    else:
        root = fat0 + nfats * fatbytes
    with open(img, "rb") as f:
        f.seek(root)
        ents = f.read(spc * bps if bits == 32 else 512 * 32)
    for i in range(0, len(ents), 32):
        if ents[i:i + 11] == short_name:
            return struct.unpack_from("<H", ents, i + 20)[0] << 16 | struct.unpack_from("<H", ents, i + 26)[0]
    raise RuntimeError(f"{short_name} not in the root directory of {img}")


def set_fat(img, cluster, value):
    """Writes a FAT entry in every copy of the FAT."""
    bps, spc, fat0, fatbytes, nfats, data, bits, root_clus = fat_layout(img)
    with open(img, "r+b") as f:
        for k in range(nfats):
            f.seek(fat0 + k * fatbytes + cluster * bits // 8)
            f.write(struct.pack("<I" if bits == 32 else "<H", value))


def get_fat(img, cluster):
    bps, spc, fat0, fatbytes, nfats, data, bits, root_clus = fat_layout(img)
    with open(img, "rb") as f:
        f.seek(fat0 + cluster * bits // 8)
        return struct.unpack("<I" if bits == 32 else "<H", f.read(bits // 8))[0] & 0x0fffffff


def corrupt_boot(tmp, image, img, what, want):
    """Boots tree /data on a damaged image: the guest must say what is wrong and end cleanly."""
    code, out = boot(tmp, image, img, "tree /data", timeout=20)
    expect(code in (0, 1), f"{what}: guest exit {code} (126 = panic, 124 = hang)")
    expect("panic" not in out, f"{what}: the guest panicked")
    for pattern_ in want:
        expect(re.search(pattern_, out, re.M), f"{what}: output does not match /{pattern_}/")
    errors = [l for l in out.splitlines() if re.search(r"failed|error|tree: ", l, re.I)]
    print(f"{what}: exit {code}: {' | '.join(errors[:3])}")


def scenario_corrupt(image, tmp):
    rnd = random.Random("corrupt")
    good, bad = rnd.randbytes(3000), rnd.randbytes(40000)
    src = os.path.join(tmp, "src")
    base = {}
    for fat, size in (("16", 16), ("32", 40)):
        img = make_image(tmp, "base" + fat, size, ["-F", fat] + (["-s", "1"] if fat == "32" else []))
        for name, data in (("GOOD.BIN", good), ("FILE.BIN", bad)):
            with open(src, "wb") as f:
                f.write(data)
            mtools("mcopy", "-i", img, src, "::/" + name)
        base[fat] = img

    def variant(fat, name):
        img = os.path.join(tmp, name + ".img")
        shutil.copy(base[fat], img)
        return img

    failed = r"^yolk: mount /data \(vda fat\) failed: "
    img = variant("16", "bpb")
    with open(img, "r+b") as f:
        f.seek(11)
        f.write(struct.pack("<H", 300))
    corrupt_boot(tmp, image, img, "bytes/sector 300", [failed + ".*", r"bytes per sector"])
    # The disk ends in the middle of the (first) FAT.
    img = variant("32", "truncated")
    bps, spc, fat0, fatbytes, *_ = fat_layout(img)
    with open(img, "r+b") as f:
        f.truncate((fat0 + fatbytes // 2) // 512 * 512)
    corrupt_boot(tmp, image, img, "FAT cut off", [failed + ".*", r"larger than its device"])
    good_line = re.escape(entry("/data/GOOD.BIN", good))
    io_error = r"^tree: (stat|read) /data/FILE\.BIN: (Input/output|I/O) error$"
    # FILE.BIN's fifth cluster leads back to its second.
    img = variant("32", "loop")
    first = first_cluster(img, b"FILE    BIN")
    expect(get_fat(img, first + 4) == first + 5, "FILE.BIN is not contiguous (the loop would be elsewhere)")
    set_fat(img, first + 4, first + 1)
    corrupt_boot(tmp, image, img, "cluster loop", [io_error, "^" + good_line + "$"])
    # FILE.BIN's chain leaves the volume.
    img = variant("16", "outside")
    first = first_cluster(img, b"FILE    BIN")
    set_fat(img, first + 1, 0xffef)
    corrupt_boot(tmp, image, img, "chain past the last cluster", [io_error, "^" + good_line + "$"])
    # A directory whose second cluster leads back to its first: listing it must end.
    img = variant("16", "dirloop")
    mtools("mmd", "-i", img, "::/D")
    with open(src, "wb") as f:
        f.write(good)
    for i in range(60):  # long names: three entries each, several clusters
        mtools("mcopy", "-i", img, src, f"::/D/a long file name {i}")
    d = first_cluster(img, b"D          ")
    nxt = get_fat(img, d)
    expect(nxt < 0xfff8, "directory D has one cluster (no loop to make)")
    set_fat(img, nxt, d)
    corrupt_boot(tmp, image, img, "directory loop", [])


# --- crafted images (issue 17) ---

PART_START = 2048  # sectors: the MBR, then 1 MiB of known bytes before the volume
GUARD_AFTER = MIB


def guard_bytes(n, seed):
    return random.Random(seed).randbytes(n)


def partitioned(tmp, vol, name):
    """A disk: an MBR whose partition 1 (type 0x0c) is the volume image vol, with known bytes
    in sectors 1..2047 and 1 MiB after it. Returns (disk path, volume byte range)."""
    data = open(vol, "rb").read()
    assert len(data) % 512 == 0
    mbr = bytearray(512)
    mbr[446:462] = struct.pack("<BBBBBBBBII", 0, 0, 0, 0, 0x0c, 0, 0, 0, PART_START, len(data) // 512)
    mbr[510:512] = b"\x55\xaa"
    disk = os.path.join(tmp, name + "-disk.img")
    with open(disk, "wb") as f:
        f.write(bytes(mbr) + guard_bytes(PART_START * 512 - 512, name + "before") + data +
                guard_bytes(GUARD_AFTER, name + "after"))
    return disk, (PART_START * 512, PART_START * 512 + len(data))


def outside(disk, rng):
    data = open(disk, "rb").read()
    return data[:rng[0]] + data[rng[1]:]


def crafted_lfn(image, tmp, case, write):
    """The LFN case on a 4 MiB FAT12 volume: `tree` must list the file by its spec name; with
    write, fatwrite then works next to the crafted slots and a second tree still lists it."""
    problems_before = len(problems)
    img, shown, edits = fat_craft.lfn_case(tmp, case, size=4 * MIB)
    disk, rng = partitioned(tmp, img, case)
    before = outside(disk, rng)
    line = entry("/data/" + shown, fat_craft.LFN_DATA)
    code, out = boot(tmp, image, disk, "tree /data", dev="vda1")
    expect(code == 0 and "tree done" in out and tree_lines(out) == {line},
           f"{case} ({', '.join(edits)}): tree exit {code}, wanted only '{line}', got {sorted(tree_lines(out))}")
    if write:
        code, out = boot(tmp, image, disk, "fatwrite /data", dev="vda1", timeout=120)
        expect(code == 0 and re.search(r"^fatwrite: 0 failures$", out, re.M),
               f"{case}: fatwrite next to the crafted slots: exit {code}")
        code, out = boot(tmp, image, disk, "tree /data", dev="vda1")
        expect(code == 0 and "tree done" in out and line in tree_lines(out),
               f"{case}: after fatwrite, tree exit {code} does not list '{line}'")
    if expect(outside(disk, rng) == before, f"{case}: bytes outside the partition changed") and \
            len(problems) == problems_before:
        print(f"{case}: {', '.join(edits)}: listed as {shown}{', fatwrite fine' if write else ''}, "
              f"nothing outside the volume changed")


def crafted_bpb(image, tmp, case):
    """A boot sector whose FAT size wraps the layout: the mount fails naming it, fatwrite finds no
    /data, and no byte of the disk changes (the old code wrote directories over the boot sector)."""
    img, edits = fat_craft.bpb_case(tmp, case)
    disk, _ = partitioned(tmp, img, case)
    before = open(disk, "rb").read()
    code, out = boot(tmp, image, disk, "fatwrite /data", dev="vda1", timeout=120)
    expect(code in (0, 1) and "panic" not in out, f"{case}: guest exit {code} (126 = panic, 124 = hang)")
    expect(re.search(r"^yolk: mount /data \(vda1 fat\) failed: ", out, re.M) and
           re.search(r"fat: vda1: not a valid FAT volume: FATs end past the volume", out),
           f"{case} ({'; '.join(edits)}): no mount failure naming 'FATs end past the volume'")
    expect(open(disk, "rb").read() == before, f"{case}: the disk changed")
    failed = [l for l in out.splitlines() if "not a valid FAT volume" in l]
    print(f"{case}: {'; '.join(edits)}: {failed[0].strip() if failed else '(no log line)'}")


def scenario_crafted(image, tmp):
    crafted_lfn(image, tmp, "lfn-ord-20", write=True)
    crafted_lfn(image, tmp, "lfn-ord-80", write=False)
    crafted_lfn(image, tmp, "lfn-ord-a0", write=False)
    crafted_lfn(image, tmp, "lfn-slash", write=False)
    crafted_lfn(image, tmp, "lfn-dotdot", write=False)
    crafted_bpb(image, tmp, "bpb-fatsz-wrap-1fat")
    crafted_bpb(image, tmp, "bpb-fatsz-wrap-2fats")


def main():
    global smp
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("image")
    ap.add_argument("scenario", choices=["read", "write", "write16", "crash", "corrupt", "crafted"])
    ap.add_argument("--keep", help="work in this directory and keep the images")
    ap.add_argument("--smp", type=int, default=1, help="CPUs of every guest")
    args = ap.parse_args()
    smp = args.smp
    tmp = args.keep or tempfile.mkdtemp(prefix="yolk-fat-guest-")
    os.makedirs(tmp, exist_ok=True)
    start = time.monotonic()
    try:
        {"read": scenario_read, "write": scenario_write, "write16": lambda i, t: scenario_write(i, t, "16"),
         "crash": scenario_crash, "corrupt": scenario_corrupt,
         "crafted": scenario_crafted}[args.scenario](args.image, tmp)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    if problems:
        print("FAIL: " + "\n      ".join(problems))
        print("----- guest output -----\n" + "\n".join(logs) + "\n------------------------")
        return 1
    print(f"ok ({time.monotonic() - start:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
