"""A copy of yolk's source tree, for tests that build in it or change it as a
user would: what a clone holds plus the Debian tarballs bootstrap fetched,
without build directories, Meson's unpacked sources or Python caches. It needs
no git (CI's fresh Debian root has none)."""
import os
import re
import shutil

# Names skipped at any depth: build output (build/, build-test/, examples'
# build/), Meson's extracted subprojects, git's data, caches.
SKIP = re.compile(r"^(build.*|\.git|__pycache__|(picolibc|lwip|quickjs|sqlite3)-[0-9].*)$")


def copy_tree(src, dest):
    """Copies SRC into DEST (which may exist: its files are overwritten, others kept); symlinks stay links."""
    shutil.copytree(src, dest, symlinks=True, dirs_exist_ok=True,
                    ignore=lambda d, names: [n for n in names if SKIP.match(n)])
    return dest
