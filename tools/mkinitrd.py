#!/usr/bin/env python3
"""mkinitrd.py SOURCE OUT [DEST=FILE ...] — a newc cpio archive (yolk's initrd) of SOURCE.

SOURCE is a directory (packed with its files and subdirectories, sorted,
so the same tree always gives the same bytes), an existing .cpio file
(copied), or - for none. Only directories and regular files are packed:
they are what fs/cpio unpacks. Each DEST=FILE adds the host file FILE at
the path DEST in the archive (its directories too), e.g.
etc/ssh/authorized_keys=/home/me/.ssh/id_ed25519.pub (-Dauthorized_keys).
"""
import os
import shutil
import stat
import sys


def entry(name, mode, data=b"", mtime=0, ino=0):
    name_b = name.encode() + b"\0"
    fields = [ino, mode, 0, 0, 1, mtime, len(data), 0, 0, 0, 0, len(name_b), 0]
    hdr = b"070701" + b"".join(b"%08x" % f for f in fields)
    out = hdr + name_b
    out += b"\0" * (-len(out) % 4)
    out += data + b"\0" * (-len(data) % 4)
    return out


def pack(src, extra=()):
    parts, ino = [], 1
    for top, dirs, files in (os.walk(src) if src else ()):
        dirs.sort()
        for n in sorted(dirs) + sorted(files):
            path = os.path.join(top, n)
            rel = os.path.relpath(path, src)
            st = os.lstat(path)
            ino += 1
            if stat.S_ISDIR(st.st_mode):
                parts.append(entry(rel, st.st_mode, mtime=int(st.st_mtime), ino=ino))
            elif stat.S_ISREG(st.st_mode):
                with open(path, "rb") as f:
                    parts.append(entry(rel, st.st_mode, f.read(), int(st.st_mtime), ino))
            else:
                print(f"mkinitrd: {rel}: not a directory or regular file, skipped", file=sys.stderr)
    made = set()
    for dest, path in extra:
        dest = dest.strip("/")
        d = os.path.dirname(dest)
        chain = []
        while d and d not in made:
            chain.append(d)
            made.add(d)
            d = os.path.dirname(d)
        for d in reversed(chain):
            ino += 1
            parts.append(entry(d, stat.S_IFDIR | 0o755, ino=ino))
        with open(path, "rb") as f:
            ino += 1
            parts.append(entry(dest, stat.S_IFREG | 0o644, f.read(), int(os.stat(path).st_mtime), ino))
    parts.append(entry("TRAILER!!!", 0))
    data = b"".join(parts)
    return data + b"\0" * (-len(data) % 512)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__.splitlines()[0])
    src, out = sys.argv[1], sys.argv[2]
    extra = []
    for a in sys.argv[3:]:
        dest, sep, path = a.partition("=")
        if not sep or not os.path.isfile(path):
            sys.exit(f"mkinitrd: {a}: want DEST=FILE with an existing FILE")
        extra.append((dest, path))
    if src == "-" or os.path.isdir(src):
        with open(out, "wb") as f:
            f.write(pack(src if src != "-" else None, extra))
    elif extra:
        sys.exit(f"mkinitrd: {src}: files can be added to a directory's archive, not to a .cpio file")
    elif os.path.isfile(src):
        shutil.copyfile(src, out)
    else:
        sys.exit(f"mkinitrd: {src}: no such file or directory")


if __name__ == "__main__":
    main()
