#!/usr/bin/env python3
"""Runs SQLite's own generators (tool/*.tcl, lemon, mksourceid) the way
upstream's main.mk does, for yolk's Meson overlay. Every path comes in as an
argument (Meson passes them relative to the build directory), so a copied
tree builds; the few generators that need a particular working directory or
stdin get it here.

  gen.py lemon LEMON LEMPAR PARSE_Y OUTDIR
  gen.py opcodes_h TCLSH MKOPCODEH PARSE_H VDBE_C OUT
  gen.py sqlite3_h TCLSH MKSQLITE3H MKSOURCEID VERSION OUT
"""
import os
import shutil
import subprocess
import sys
import tempfile


def main(argv):
    what, args = argv[1], [os.path.abspath(a) for a in argv[2:]]
    if what == "lemon":
        lemon, lempar, grammar, outdir = args
        # -q: no parse.out report; -d: outputs beside each other in OUTDIR; -T: the template.
        subprocess.run([lemon, "-q", "-d" + outdir, "-T" + lempar, grammar], check=True)
    elif what == "opcodes_h":
        tclsh, script, parse_h, vdbe_c, out = args
        text = b"".join(open(p, "rb").read() for p in (parse_h, vdbe_c))
        with open(out, "wb") as f:
            subprocess.run([tclsh, script], input=text, stdout=f, check=True)
    elif what == "sqlite3_h":
        tclsh, script, mksourceid, version, out = args
        # mksqlite3h.tcl runs $PWD/mksourceid on the tree's manifest.
        with tempfile.TemporaryDirectory() as tmp, open(out, "wb") as f:
            shutil.copy(mksourceid, os.path.join(tmp, "mksourceid"))
            subprocess.run([tclsh, script, os.path.dirname(version)], cwd=tmp, stdout=f, check=True)
    else:
        sys.exit(f"gen.py: unknown step {what!r}")


if __name__ == "__main__":
    main(sys.argv)
