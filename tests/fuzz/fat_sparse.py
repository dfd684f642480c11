#!/usr/bin/env python3
"""Packs a disk image into tests/fuzz/fat.c's sparse input format: "YFSP",
the size (le32), then one extent (le32 offset, le16 length, bytes) per run
of nonzero 512-byte sectors; everything else reads as zeros.

  fat_sparse.py IMAGE OUT"""
import struct
import sys

SECTOR = 512
MAX_EXTENT = 65024  # 127 sectors: fits the le16 length


def pack(image):
    out = bytearray(b"YFSP" + struct.pack("<I", len(image)))
    i = 0
    while i < len(image):
        if not any(image[i:i + SECTOR]):
            i += SECTOR
            continue
        j = i
        while j < len(image) and j - i < MAX_EXTENT and any(image[j:j + SECTOR]):
            j += SECTOR
        chunk = image[i:j].rstrip(b"\0")
        out += struct.pack("<IH", i, len(chunk)) + chunk
        i = j
    return bytes(out)


if __name__ == "__main__":
    data = open(sys.argv[1], "rb").read()
    open(sys.argv[2], "wb").write(pack(data))
