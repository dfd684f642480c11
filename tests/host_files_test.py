#!/usr/bin/env python3
"""tools/host-files and tools/bootstrap's check of it.

1. Every host data file the tree names (/usr/share/..., /usr/lib/...) is in
   tools/host-files, so a fresh machine's bootstrap installs its package.
2. Every line of the list is "package /absolute/path ...".
3. bootstrap with a list naming a file that is not there fails and names the
   file and its package (the package given is installed, so nothing is
   installed by this test)."""
import os
import re
import subprocess
import sys
import tempfile

top = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
listed = {}
problems = []
for n, line in enumerate(open(os.path.join(top, "tools", "host-files")), 1):
    words = line.split("#", 1)[0].split()
    if not words:
        continue
    if len(words) < 2 or not re.fullmatch(r"[a-z0-9][a-z0-9+.-]+", words[0]) or not words[1].startswith("/"):
        problems.append(f"tools/host-files:{n}: not 'package /path': {line.strip()}")
        continue
    listed[words[1]] = words[0]

# Data files named in the tree (commands are found on PATH and listed by hand).
def source_files():
    """The tree's own files: no hidden or build directories, no unpacked third-party source."""
    for d, dirs, names in os.walk(top):
        rel = os.path.relpath(d, top)
        dirs[:] = [x for x in dirs if not x.startswith(".") and x != "__pycache__" and
                   not os.path.exists(os.path.join(d, x, "meson-private")) and
                   not (rel == "." and x.startswith("build")) and  # build dirs and caches (.gitignore)
                   not (rel == "subprojects" and not os.path.islink(os.path.join(d, x)))]
        for n in names:
            yield os.path.normpath(os.path.join(rel, n))


files = list(source_files())
named = set()
for f in files:
    if f.startswith(("subprojects/packagefiles/", "tools/host-files")) or f.endswith((".png", ".psf")):
        continue
    try:
        text = open(os.path.join(top, f), errors="replace").read()
    except (IsADirectoryError, FileNotFoundError):
        continue
    for m in re.finditer(r"/usr/(?:share|lib)/[A-Za-z0-9_.+/-]*[A-Za-z0-9]", text):
        path = m.group(0)
        # The apt keyring and Python's own modules belong to the base system.
        if path.startswith(("/usr/share/keyrings/", "/usr/lib/python3/dist-packages/kconfiglib.py")):
            continue
        if "/usr/share/" in path and path.count("/") <= 3:
            continue  # a directory named in prose, e.g. /usr/share/nes
        named.add((path, f))
for path, f in sorted(named):
    if path not in listed:
        problems.append(f"{f} reads {path}, which tools/host-files does not list (with its package)")

with tempfile.NamedTemporaryFile("w", suffix=".list") as fake:
    fake.write("# test list\ncoreutils /usr/bin/ls\ncoreutils /usr/share/yolk-no-such-file.psf  a test\n")
    fake.flush()
    p = subprocess.run([os.path.join(top, "tools", "bootstrap")], capture_output=True, text=True,
                       stdin=subprocess.DEVNULL, env=dict(os.environ, YOLK_HOST_FILES=fake.name))
    want = "/usr/share/yolk-no-such-file.psf is missing: it comes from Debian package coreutils"
    if p.returncode == 0 or want not in p.stderr:
        problems.append(f"bootstrap with a missing host file: exit {p.returncode}, stderr:\n{p.stderr}")
    if "/usr/bin/ls" in p.stderr:
        problems.append("bootstrap reported /usr/bin/ls, which exists")

for p in problems:
    print("FAIL: " + p)
print(f"{len(listed)} host files listed, {len(named)} named in the tree")
sys.exit(1 if problems else 0)
