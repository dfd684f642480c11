"""Crafted FAT images (issue 17): made by mkfs.fat and mcopy, then a few
bytes changed at offsets documented here. fat_test.py runs them through
fatcli on the host (ASan/UBSan), tests/fat_guest_test.py in the guest on
virtio-blk; both import this file.

Long-name (LFN) groups. The FAT spec ("Long Directory Entries"): a long
name is the slots ord N|0x40, N-1, ..., 1 (1 <= N <= 20), in a row, with
the same checksum and type 0, right before the short entry whose checksum
that is, and at most 255 UTF-16 units. Any other slot is an orphan: it is
ignored and the short entry shows its 8.3 name.

The base image for the LFN cases is `lfn_base()`: mkfs.fat -F 12 -n LFN
(64 KiB: 512-byte sectors, 1 reserved, 2 FATs of 1 sector, so the root
directory is at byte 0x600), then `mcopy` of a 6-byte file as
LFN_NAME (36 characters: 3 slots). Root slot 0 is the volume label, slots
1-3 (bytes 0x620, 0x640, 0x660) the LFN group with ords 43 02 01, slot 4
(0x680) the short entry LONG-N~1.TXT. In each slot byte 0 is the ord,
byte 12 the type, byte 13 the checksum.

BPB (boot sector) cases start from mkfs.fat -F 32 -s 1 on 40 MiB; byte 14
is BPB_RsvdSecCnt (32), byte 16 BPB_NumFATs, byte 36 BPB_FATSz32.
"""
import os
import shutil
import struct
import subprocess

ENV = dict(os.environ, MTOOLS_SKIP_CHECK="1", MTOOLS_NO_VFAT="0")
MKFS = shutil.which("mkfs.fat") or "/usr/sbin/mkfs.fat"
LFN_NAME = "Long-name-of-three-slots-0123456.txt"  # units 0-12, 13-25, 26-35 in slots 1, 2, 3
LFN_DATA = b"hello\n"
LONG255 = ("255-units-" * 26)[:251] + ".txt"  # 255 characters: 20 slots, the last (ord 0x54) holds 8 units


def mkfs(path, size, args):
    with open(path, "wb") as f:
        f.truncate(size)
    subprocess.run([MKFS] + args + [path], check=True, capture_output=True)


def mcopy(img, data, name, tmp):
    src = os.path.join(tmp, "craft-src")
    with open(src, "wb") as f:
        f.write(data)
    subprocess.run(["mcopy", "-i", img, src, "::/" + name], check=True, capture_output=True, env=ENV)


def root_offset(img):
    """Byte offset of the FAT12/16 root directory."""
    b = open(img, "rb").read(512)
    bps, _, res, nfats = struct.unpack_from("<HBHB", b, 11)
    return (res + nfats * struct.unpack_from("<H", b, 22)[0]) * bps


def root_slots(img, n=64):
    off = root_offset(img)
    with open(img, "rb") as f:
        f.seek(off)
        data = f.read(32 * n)
    return off, [data[i:i + 32] for i in range(0, len(data), 32)]


def short_display(slot):
    base, ext = slot[:8].decode().rstrip(), slot[8:11].decode().rstrip()
    return base + ("." + ext if ext else "")


def poke(img, off, data):
    with open(img, "r+b") as f:
        f.seek(off)
        f.write(data)


def lfn_base(path, size, tmp, name=LFN_NAME):
    """A FAT12 image of `size` bytes with one file `name` in the root: (root offset, first LFN slot index)."""
    mkfs(path, size, ["-F", "12", "-n", "LFN"])
    mcopy(path, LFN_DATA, name, tmp)
    off, slots = root_slots(path)
    first = next(i for i, s in enumerate(slots) if s[11] == 0x0f)
    return off, first


# name: (what it is, edits [(LFN slot k of the group, byte in the slot, new bytes)], name shown,
#        failed before the fix). Slot k = 0 is the first on disk (ord 0x43).
LFN_CASES = {
    # The finding: ords 43 41 20. 0x41 starts a new one-slot group, complete at once (want 0);
    # 0x20 (ord 0, last bit clear) matched `ord != want` and its 13 units went to units[-13].
    "lfn-ord-20": ("ords 43 41 20", [(1, 0, b"\x41"), (2, 0, b"\x20")], "short", True),
    "lfn-ord-80": ("ords 43 41 80", [(1, 0, b"\x41"), (2, 0, b"\x80")], "short", True),
    "lfn-ord-a0": ("ords 43 41 a0", [(1, 0, b"\x41"), (2, 0, b"\xa0")], "short", True),
    # Reserved type byte on a name slot: not part of a name (the old code took it).
    "lfn-type": ("type 1 on the middle slot", [(1, 12, b"\x01")], "short", True),
    # Names no file could have: '/' as unit 13 (first of the middle slot), a trailing space (the
    # lookup of the listed name strips it), and "..": the old code listed them, and a name with a '/'
    # or ".." cannot be looked up as itself.
    "lfn-slash": ("'/' in the long name", [(1, 1, b"/\x00")], "short", True),
    "lfn-trailing-space": ("ords 43 42 01 with unit 25 a space: 'Long-name-of-three-slots- '",
                           [(1, 0, b"\x42"), (1, 30, b" \x00")], "short", True),
    "lfn-dotdot": ("units 0-2 (first of the 0x01 slot) '..' and NUL: the name '..'",
                   [(2, 1, b".\x00.\x00\x00\x00")], "short", True),
    # Bounds the old code already kept (regression guards):
    "lfn-ord-21": ("first ord 0x55 (21 > 20)", [(0, 0, b"\x55")], "short", False),
    "lfn-csum-mid": ("checksum of the middle slot changed", [(1, 13, b"\x00")], "short", False),
    "lfn-last-later": ("ords 43 42 01: a new group starts at the second slot", [(1, 0, b"\x42")],
                       LFN_NAME[:26], False),
    "lfn-ord-0-first": ("ords 20 02 01", [(0, 0, b"\x20")], "short", False),
}


def lfn_case(tmp, case, size=64 * 1024):
    """Makes the image of LFN case `case`; returns (path, name the listing must show, edits made)."""
    what, edits, shown, _ = LFN_CASES[case]
    img = os.path.join(tmp, case + ".img")
    off, first = lfn_base(img, size, tmp)
    done = []
    for k, byte, data in edits:
        at = off + 32 * (first + k) + byte
        poke(img, at, data)
        done.append(f"{at:#x}={data.hex()}")
    _, slots = root_slots(img)
    short = slots[first + 3]
    return img, short_display(short) if shown == "short" else shown, done


def long255_case(tmp, size=64 * 1024, over=False):
    """A 255-unit name (20 slots; valid), or with `over` its NUL and padding in the ord-20 slot
    (the first on disk) overwritten by 'x': 260 units, longer than any name may be (shown short)."""
    img = os.path.join(tmp, ("long260" if over else "long255") + ".img")
    off, first = lfn_base(img, size, tmp, LONG255)
    _, slots = root_slots(img)
    done = []
    if over:
        # Units 8..12 of the slot: name1 is bytes 1-10 (units 0-4), name2 bytes 14-25 (5-10), name3 28-31 (11-12).
        for unit in range(8, 13):
            byte = 1 + 2 * unit if unit < 5 else 14 + 2 * (unit - 5) if unit < 11 else 28 + 2 * (unit - 11)
            at = off + 32 * first + byte
            poke(img, at, b"x\x00")
            done.append(f"{at:#x}=7800")
    shown = short_display(slots[first + 20]) if over else LONG255
    return img, shown, done


# name: (what, edit the boot sector of a mkfs.fat -F 32 image (bytes), mkfs arguments). Every one
# made fat_start + nfats * fat_sectors wrap in 32 bits, so the old code mounted it with the
# root directory (cluster 2) on the boot sector or FSInfo.
def _fatsz(b, nfats, extra=0):
    res = struct.unpack_from("<H", b, 14)[0]
    return struct.pack("<I", ((1 << 32) - res) // nfats + extra)


BPB_CASES = {
    "bpb-fatsz-wrap-1fat": ("1 FAT, FATSz32 = 2^32 - reserved: FAT end wraps to 0", 1, 0),
    "bpb-fatsz-wrap-2fats": ("2 FATs, FATSz32 = (2^32 - reserved) / 2: FAT end wraps to 0", 2, 0),
    "bpb-fatsz-wrap-fsinfo": ("1 FAT, FATSz32 = 2^32 - reserved + 1: FAT end wraps to sector 1", 1, 1),
}


def bpb_case(tmp, case):
    """Makes the image of BPB case `case`; returns (path, edits made)."""
    what, nfats, extra = BPB_CASES[case]
    img = os.path.join(tmp, case + ".img")
    mkfs(img, 40 << 20, ["-F", "32", "-s", "1", "-f", str(nfats), "-n", "WRAP"])
    mcopy(img, LFN_DATA, "FILE.TXT", tmp)
    b = open(img, "rb").read(512)
    v = _fatsz(b, nfats, extra)
    poke(img, 36, v)
    return img, [f"0x24={v.hex()} (reserved {struct.unpack_from('<H', b, 14)[0]}, {nfats} FATs)"]
