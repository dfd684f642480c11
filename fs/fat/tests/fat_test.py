#!/usr/bin/env python3
"""fs/fat on the host: fatcli (the real sources, block layer faked) against
images made by mkfs.fat and filled by mtools, checked with fsck.fat -n and
read back with mtools.

  fat_test.py FATCLI [--keep DIR] [--only crafted]

For FAT12, FAT16, FAT32 (512-byte and 4 KiB clusters, and 4 KiB logical
sectors): list and read what mtools wrote (long names, nested directories,
a 3 MB file) and compare checksums; write large, sparse and many small
files, rename, delete, mkdir/rmdir, truncate, run the C selftest; then
fsck.fat must be clean and mtools must read back exactly what was written.
Then corrupted images (bad boot sector fields, a cluster loop, a truncated
image, an entry pointing at a free cluster) must fail cleanly, crafted
images (fat_craft.py: orphaned long-name slots, a FAT size that wraps the
layout) must list by the FAT spec or fail to mount, changing no byte
outside the volume, and
simulated crashes (writes dropped after the N-th) must keep fsync()ed
records and leave no cross-linked clusters.
"""
import argparse
import hashlib
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fat_craft  # noqa: E402

ENV = dict(os.environ, MTOOLS_SKIP_CHECK="1", MTOOLS_NO_VFAT="0",
           ASAN_OPTIONS="exitcode=99:detect_leaks=1", UBSAN_OPTIONS="exitcode=98:print_stacktrace=1")
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg)


def sha(data):
    return hashlib.sha256(data).hexdigest()


def run(cmd, stdin=None, env=None):
    p = subprocess.run(cmd, input=stdin, capture_output=True, text=True, errors="replace", env=env or ENV)
    return p.returncode, p.stdout, p.stderr


def fatcli(args, img, commands, opts="", sector="512", env=None):
    code, out, err = run([args.fatcli, img, opts, sector], "\n".join(commands) + "\n", env)
    if code in (98, 99) or "Sanitizer" in err or "runtime error" in err:
        fail(f"sanitizer report in fatcli on {img}:\n{err[-3000:]}")
    return code, out, err


def mtools(*cmd):
    code, out, err = run(list(cmd))
    if code:
        fail(f"{' '.join(cmd)}: exit {code}: {err}")
    return out


def fsck_clean(img, what):
    code, out, err = run(["fsck.fat", "-n", img])
    bad = [w for w in ("cross-linked", "share clusters", "orphan", "Free cluster summary wrong", "Unused",
                       "lost", "Contains a free cluster", "truncat") if w.lower() in (out + err).lower()]
    if code != 0 or bad:
        fail(f"fsck.fat -n {what}: exit {code} {bad}\n{out}{err}")
    return code, out


def make_image(tmp, name, size_mb, mkfs_args):
    img = os.path.join(tmp, name + ".img")
    with open(img, "wb") as f:
        f.truncate(size_mb * 1024 * 1024)
    subprocess.run(["mkfs.fat", "-n", "YOLKTEST"] + mkfs_args + [img], check=True,
                   capture_output=True)
    return img


def populate(tmp, img, rnd):
    """Files written by mtools: {fat path: bytes}."""
    files = {
        "/README.TXT": b"plain 8.3 name\n",
        "/lower.txt": b"a lower-case 8.3 name\n",
        "/A long file name with spaces.text": b"long name\n" * 100,
        "/dir one/sub dir/deep file.bin": rnd.randbytes(70000),
        "/dir one/Second File.dat": rnd.randbytes(5000),
        "/big file.bin": rnd.randbytes(3 * 1024 * 1024),
        "/caf\u00e9 \u00fcber.txt": b"unicode\n",
        "/empty": b"",
    }
    for d in ("/dir one", "/dir one/sub dir", "/empty dir"):
        mtools("mmd", "-i", img, "::" + d)
    for path, data in files.items():
        host = os.path.join(tmp, "src")
        with open(host, "wb") as f:
            f.write(data)
        mtools("mcopy", "-i", img, host, "::" + path)
    return files


def tree_of(files, dirs):
    lines = [f"F {p} {len(d)}" for p, d in files.items()] + [f"D {d}" for d in dirs]
    return sorted(lines)


def parse_tree(out):
    return sorted(l for l in out.splitlines() if l.startswith(("F ", "D ")))


def check_reads(args, tmp, img, files, sector, what):
    """fatcli reads every file with several chunk sizes; checksums must match."""
    cmds, outs = [], {}
    for i, path in enumerate(files):
        chunk = [4096, 65536, 1000, 1 << 20, 512, 333][i % 6]
        outs[path] = os.path.join(tmp, f"got{i}")
        cmds.append(f'get "{path}" {outs[path]} {chunk}')
    code, out, err = fatcli(args, img, cmds, sector=sector)
    if code:
        fail(f"{what}: fatcli reads: exit {code}\n{out}{err}")
        return
    for path, data in files.items():
        with open(outs[path], "rb") as f:
            if sha(f.read()) != sha(data):
                fail(f"{what}: {path}: content differs from what mtools wrote")


def workload(tmp, rnd, files, dirs, size_mb):
    """fatcli commands that change the volume, and the state they lead to."""
    big = rnd.randbytes(min(5 * 1024 * 1024, size_mb * 1024 * 1024 // 6) + 123)
    odd = rnd.randbytes(300 * 1024 + 7)
    hb, ho = os.path.join(tmp, "big"), os.path.join(tmp, "odd")
    for p, d in ((hb, big), (ho, odd)):
        with open(p, "wb") as f:
            f.write(d)
    cmds = [
        f'put {hb} "/new big file.bin" 1048576',
        f'put {ho} "/dir one/odd writes.bin" 1000',
        'mkdir "/many files"',
        'fill "/many files" 300',
        'pwrite /sparse.bin 2000000 tail',
        f'put {ho} /trunc.bin 65536',
        'truncate /trunc.bin 100000',
        'truncate /trunc.bin 150000',
        'mv "/dir one/Second File.dat" "/dir one/sub dir/moved here.dat"',
        'mv /README.TXT /readme-renamed.txt',
        'mv "/dir one/sub dir" "/moved dir"',
        'mv /lower.txt /empty',
        'rm "/A long file name with spaces.text"',
        'expect ENOTEMPTY rmdir "/dir one"',
        'rmdir "/empty dir"',
        'mkdir /newdir',
        'mkdir /newdir/inner',
        'expect EEXIST mkdir /newdir',
        'expect ENOENT rm /nonexistent',
        'expect EINVAL mkdir "/bad?name"',
        'selftest',
        'sync',
        'stats',
    ]
    files = dict(files)
    files["/new big file.bin"] = big
    files["/dir one/odd writes.bin"] = odd
    for i in range(300):
        files[f"/many files/small file number {i:04d}.txt"] = f"this is small file {i}\n".encode()
    files["/sparse.bin"] = b"\0" * 2000000 + b"tail"
    files["/trunc.bin"] = odd[:100000] + b"\0" * 50000
    files["/moved dir/moved here.dat"] = files.pop("/dir one/Second File.dat")
    files["/readme-renamed.txt"] = files.pop("/README.TXT")
    files["/moved dir/deep file.bin"] = files.pop("/dir one/sub dir/deep file.bin")
    files["/empty"] = files.pop("/lower.txt")
    del files["/A long file name with spaces.text"]
    dirs = [d for d in dirs if d not in ("/empty dir", "/dir one/sub dir")]
    dirs += ["/many files", "/moved dir", "/newdir", "/newdir/inner"]
    return cmds, files, dirs


def mtools_readback(tmp, img, files, what):
    out = mtools("mdir", "-/", "-b", "-i", img, "::/")
    listed = {l.strip()[2:] if l.startswith("::") else l.strip() for l in out.splitlines()}
    listed = {("/" + p.lstrip("/")).rstrip("/") for p in listed if p}
    for i, (path, data) in enumerate(sorted(files.items())):
        if path not in listed:
            fail(f"{what}: mdir does not list {path}")
        host = os.path.join(tmp, f"mt{i}")
        mtools("mcopy", "-n", "-i", img, "::" + path, host)
        if not os.path.exists(host):
            continue
        with open(host, "rb") as f:
            if sha(f.read()) != sha(data):
                fail(f"{what}: mtools reads {path} differently from what fatcli wrote")


def volume_test(args, tmp, name, size_mb, mkfs_args, sector="512"):
    print(f"== {name}: mkfs.fat {' '.join(mkfs_args)}, {size_mb} MiB")
    rnd = random.Random(name)
    img = make_image(tmp, name, size_mb, mkfs_args)
    files = populate(tmp, img, rnd)
    dirs = ["/dir one", "/dir one/sub dir", "/empty dir"]
    code, out, err = fatcli(args, img, ["tree /"], sector=sector)
    m = re.search(r"FAT(\d+)", err)
    print(f"   mounted as FAT{m.group(1) if m else '?'}")
    if code or parse_tree(out) != tree_of(files, dirs):
        fail(f"{name}: tree differs or exit {code}:\n{out}{err}\nwanted:\n" +
             "\n".join(tree_of(files, dirs)))
    check_reads(args, tmp, img, files, sector, name)
    cmds, files, dirs = workload(tmp, rnd, files, dirs, size_mb)
    code, out, err = fatcli(args, img, cmds, sector=sector)
    if code:
        fail(f"{name}: workload exit {code}:\n{out}{err[-4000:]}")
    print("   " + " ".join(l for l in out.splitlines() if l.startswith("stats")))
    fsck_clean(img, name)
    mtools_readback(tmp, img, files, name)
    # Mounted again, the tree and data are what was written ("selftest" files aside).
    code, out, err = fatcli(args, img, ["tree /"], sector=sector)
    got = [l for l in parse_tree(out) if " /selftest" not in l]
    if code or got != tree_of(files, dirs):
        fail(f"{name}: tree after remount differs:\n" + "\n".join(sorted(set(got) ^ set(tree_of(files, dirs)))))
    check_reads(args, tmp, img, files, sector, name + " (remounted)")
    # Read-only: nothing may change.
    before = sha(open(img, "rb").read())
    code, out, err = fatcli(args, img, ['expect EROFS mkdir /x', 'expect EROFS rm /empty',
                                        'expect EROFS pwrite /empty 0 x', 'tree /'], opts="ro",
                            sector=sector)
    if code or sha(open(img, "rb").read()) != before:
        fail(f"{name}: read-only mount: exit {code} or the image changed:\n{out}{err}")


def patch(img, off, fmt, value):
    with open(img, "r+b") as f:
        f.seek(off)
        f.write(struct.pack(fmt, value))


def corrupt_tests(args, tmp):
    print("== corrupted boot sectors")
    base = make_image(tmp, "base16", 16, ["-F", "16"])
    cases = [  # (what, offset, format, value, log text)
        ("jump byte", 0, "<B", 0x00, "jump"), ("bytes/sector 1000", 11, "<H", 1000, "bytes per sector"),
        ("bytes/sector 256", 11, "<H", 256, "bytes per sector"), ("sectors/cluster 3", 13, "<B", 3, "sectors per cluster"),
        ("no reserved", 14, "<H", 0, "reserved"), ("no FATs", 16, "<B", 0, "number of FATs"),
        ("3 FATs", 16, "<B", 3, "number of FATs"), ("FAT size 0", 22, "<H", 0, "FAT"),
        ("no root entries", 17, "<H", 0, "root"), ("media byte", 21, "<B", 0x12, "media"),
        ("signature", 510, "<H", 0, "signature"), ("total sectors too big", 32, "<I", 10 ** 7, "larger than its device"),
        ("FAT too small", 22, "<H", 2, "FAT"),
    ]
    for what, off, fmt, val, text in cases:
        img = os.path.join(tmp, "bad.img")
        shutil.copy(base, img)
        if what == "total sectors too big":
            patch(img, 19, "<H", 0)
        patch(img, off, fmt, val)
        code, out, err = fatcli(args, img, ["tree /"])
        if code != 2 or "EINVAL" not in out or text.lower() not in err.lower():
            fail(f"bad BPB ({what}): wanted mount EINVAL and a log naming '{text}', got {code}:\n{out}{err}")
        else:
            print(f"   {what}: {err.strip().splitlines()[-1]}")
    # A truncated image: the FAT (and all after it) cut off.
    img = os.path.join(tmp, "trunc.img")
    shutil.copy(base, img)
    with open(img, "r+b") as f:
        f.truncate(8 * 512)
    code, out, err = fatcli(args, img, ["tree /"])
    if code != 2:
        fail(f"truncated image mounted: {code}\n{out}{err}")


GUARD = bytes(range(256)) * 256  # 64 KiB after the volume: no write may land there


def crafted_check_lfn(args, tmp, case, img, shown, edits):
    """Lists the crafted directory (the image must not change), then creates, renames and
    lists in it; nothing past the volume may change, no sanitizer may report."""
    with open(img, "ab") as f:
        f.write(GUARD)
    size = os.path.getsize(img)
    before = sha(open(img, "rb").read())
    got = os.path.join(tmp, "crafted-got")
    code, out, err = fatcli(args, img, ["tree /", f'get "/{shown}" {got}'])
    data = open(got, "rb").read() if os.path.exists(got) else None
    if code or parse_tree(out) != [f"F /{shown} {len(fat_craft.LFN_DATA)}"] or data != fat_craft.LFN_DATA:
        fail(f"{case} ({', '.join(edits)}): wanted the listing 'F /{shown}' and its data, got exit {code}:\n"
             f"{out}{err[-3000:]}")
    if sha(open(img, "rb").read()) != before:
        fail(f"{case}: listing and reading changed the image")
    src = os.path.join(tmp, "crafted-src")
    with open(src, "wb") as f:
        f.write(b"written next to crafted slots\n")
    code, out, err = fatcli(args, img, [f'put {src} "/created next to the crafted slots.txt"',
                                        'mkdir "/a new directory"', f'mv "/{shown}" /renamed.txt',
                                        "tree /"])
    want = ["D /a new directory", "F /created next to the crafted slots.txt 30",
            f"F /renamed.txt {len(fat_craft.LFN_DATA)}"]
    if code or parse_tree(out) != want:
        fail(f"{case}: create/mkdir/rename next to the crafted slots: exit {code}:\n{out}{err[-3000:]}")
    with open(img, "rb") as f:
        tail = f.read()[size - len(GUARD):]
    if os.path.getsize(img) != size or tail != GUARD:
        fail(f"{case}: bytes past the volume changed")
    print(f"   {case}: {', '.join(edits) or 'as mcopy made it'}: listed as '{shown[:40]}', writes fine")


def crafted_tests(args, tmp):
    """Issue 17's images: each failed (ASan report, or a mount that wrote to the boot sector)
    before fs/fat was fixed, except the ones fat_craft.py marks as regression guards."""
    print("== crafted images (fat_craft.py)")
    for case in fat_craft.LFN_CASES:
        img, shown, edits = fat_craft.lfn_case(tmp, case)
        crafted_check_lfn(args, tmp, case, img, shown, edits)
    for over in (False, True):
        img, shown, edits = fat_craft.long255_case(tmp, over=over)
        crafted_check_lfn(args, tmp, "260 units" if over else "255 units", img, shown, edits)
    for case, (what, *_ ) in fat_craft.BPB_CASES.items():
        img, edits = fat_craft.bpb_case(tmp, case)
        before = sha(open(img, "rb").read())
        code, out, err = fatcli(args, img, ["tree /", "mkdir /x"])
        if code != 2 or "EINVAL" not in out or "FATs end past the volume" not in err:
            fail(f"{case} ({what}; {edits}): wanted mount EINVAL naming 'FATs end past the volume', "
                 f"got {code}:\n{out}{err[-3000:]}")
        elif sha(open(img, "rb").read()) != before:
            fail(f"{case}: the image changed")
        else:
            print(f"   {case}: {err.strip().splitlines()[-1]}")


def fat16_layout(img):
    b = open(img, "rb").read(512)
    bps, spc, res, nfats, roots, fatsz = (struct.unpack_from("<H", b, 11)[0], b[13],
                                          struct.unpack_from("<H", b, 14)[0], b[16],
                                          struct.unpack_from("<H", b, 17)[0],
                                          struct.unpack_from("<H", b, 22)[0])
    root = (res + nfats * fatsz) * bps
    return bps, spc, res * bps, fatsz * bps, nfats, root


def chain_tests(args, tmp):
    print("== corrupted chains")
    rnd = random.Random(7)
    base = make_image(tmp, "chain16", 16, ["-F", "16"])
    src = os.path.join(tmp, "src")
    with open(src, "wb") as f:
        f.write(rnd.randbytes(40000))
    mtools("mcopy", "-i", base, src, "::/FILE.BIN")
    bps, spc, fat0, fatbytes, nfats, root = fat16_layout(base)
    with open(base, "rb") as f:
        f.seek(root)
        ents = f.read(32 * 16)
    first = next(struct.unpack_from("<H", ents, i + 26)[0] for i in range(0, len(ents), 32)
                 if ents[i:i + 11] == b"FILE    BIN")

    def variant(name, edit):
        img = os.path.join(tmp, name + ".img")
        shutil.copy(base, img)
        for k in range(nfats):
            edit(img, fat0 + k * fatbytes)
        return img
    loop = variant("loop", lambda img, fat: patch(img, fat + 2 * (first + 4), "<H", first + 1))
    tofree = variant("tofree", lambda img, fat: patch(img, fat + 2 * first, "<H", 0))
    midfree = variant("midfree", lambda img, fat: patch(img, fat + 2 * (first + 2), "<H", 0))
    outside = variant("outside", lambda img, fat: patch(img, fat + 2 * (first + 1), "<H", 0xfff0))
    for img in (loop, tofree, midfree, outside):
        code, out, err = fatcli(args, img, [f"expect EIO get /FILE.BIN {tmp}/x",
                                            "rm /FILE.BIN", "tree /", "sync"])
        name = os.path.basename(img)
        if code != 0:
            fail(f"{name}: wanted EIO (and a clean unmount), got exit {code}:\n{out}{err}")
        else:
            errs = [l for l in err.splitlines() if l.startswith("yolk[0]")]
            print(f"   {name}: {errs[0] if errs else '(no error logged)'}")
    # A directory whose chain loops: listing it must end.
    img = os.path.join(tmp, "dirloop.img")
    shutil.copy(base, img)
    mtools("mmd", "-i", img, "::/D")
    for i in range(40):
        mtools("mcopy", "-i", img, src, f"::/D/file{i}")
    code, out, err = fatcli(args, img, ["tree /D"])
    dfirst = None
    with open(img, "rb") as f:
        f.seek(root)
        for _ in range(16):
            e = f.read(32)
            if e[:11] == b"D          ":
                dfirst = struct.unpack_from("<H", e, 26)[0]
    if dfirst:
        with open(img, "r+b") as f:
            for k in range(nfats):
                f.seek(fat0 + k * fatbytes + 2 * dfirst)
                nxt = struct.unpack("<H", f.read(2))[0]
                if nxt < 0xfff8:
                    f.seek(fat0 + k * fatbytes + 2 * nxt)
                    f.write(struct.pack("<H", dfirst))
    code, out, err = fatcli(args, img, ["tree /D"])
    if code not in (0, 1):
        fail(f"directory loop: exit {code}\n{err}")


def crash_run(args, tmp, base, limit, cmds, recsize):
    """Runs cmds with writes dropped after the limit-th; checks records and cross-links."""
    img = os.path.join(tmp, "crash.img")
    shutil.copy(base, img)
    env = dict(ENV, FAT_CACHE_BLOCKS="8")
    if limit is not None:
        env["FAT_CRASH_AFTER"] = str(limit)
    code, out, err = fatcli(args, img, cmds, env=env)
    n = max((int(m) for m in re.findall(r"^synced (\d+)$", out, re.M)), default=0)
    fcode, fout, ferr = run(["fsck.fat", "-n", img])
    # fsck.fat says "X and Y share clusters" for what is called cross-linked.
    if re.search("cross-linked|share clusters", fout + ferr, re.I) or fcode not in (0, 1):
        fail(f"crash after {limit} writes: fsck reports cross-links or fails ({fcode}):\n{fout}{ferr}")
    data = b""
    if n:
        got = os.path.join(tmp, "log.got")
        if run(["mcopy", "-n", "-i", img, "::/log.txt", got])[0] == 0:
            data = open(got, "rb").read()
    for i in range(1, n + 1):
        if not data[(i - 1) * recsize:i * recsize].startswith(b"record %d" % i):
            fail(f"crash after {limit} writes: record {i} of {n} synced is not intact")
            break
    m = re.search(r"writes=(\d+)", out)
    return n, fcode, int(m.group(1)) if m else 0


def crash_tests(args, tmp):
    """Power lost after every single device write of a workload that frees
    clusters and then allocates (a cluster reused too early would show up as
    a cross-link when the crash falls between two directory sectors)."""
    print("== simulated crashes (writes dropped after the N-th, every N)")
    base = make_image(tmp, "crash32", 40, ["-F", "32", "-s", "1"])
    mtools("mmd", "-i", base, "::/old")
    src = os.path.join(tmp, "src")
    with open(src, "wb") as f:
        f.write(random.Random(3).randbytes(200000))
    mtools("mcopy", "-i", base, src, "::/old/keep.bin")
    recsize = 700
    cmds = ["mkdir /churn", "fill /churn 20", "rm /old/keep.bin", f"crash /log.txt 4 {recsize}", "stats"]
    n, _, total = crash_run(args, tmp, base, None, cmds, recsize)
    if n != 4 or total < 20:
        fail(f"crash workload without a crash: {n} records, {total} writes")
    summary = []
    for limit in range(total + 1):
        n, fcode, _ = crash_run(args, tmp, base, limit, cmds, recsize)
        summary.append(f"{limit}:{n}{'' if fcode == 0 else '*'}")
    print(f"   {total} writes; crash point:records synced (* fsck found harmless damage):")
    print("   " + " ".join(summary))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("fatcli")
    ap.add_argument("--keep", help="work in this directory and keep the images")
    ap.add_argument("--only", choices=["crafted"], help="run only these tests")
    args = ap.parse_args()
    tmp = args.keep or tempfile.mkdtemp(prefix="fat-test-")
    os.makedirs(tmp, exist_ok=True)
    try:
        if args.only == "crafted":
            crafted_tests(args, tmp)
            return finish()
        volume_test(args, tmp, "fat12", 12, ["-F", "12"])
        volume_test(args, tmp, "fat16", 64, ["-F", "16"])
        volume_test(args, tmp, "fat16-4k", 64, ["-F", "16", "-s", "8"])
        volume_test(args, tmp, "fat32", 64, ["-F", "32", "-s", "1"])
        volume_test(args, tmp, "fat32-4k", 300, ["-F", "32", "-s", "8"])
        volume_test(args, tmp, "fat16-4kib-sectors", 64, ["-F", "16", "-S", "4096", "-s", "1"])
        corrupt_tests(args, tmp)
        crafted_tests(args, tmp)
        chain_tests(args, tmp)
        crash_tests(args, tmp)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return finish()


def finish():
    print(f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
