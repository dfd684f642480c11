#!/usr/bin/env python3
"""Replays a fuzz harness's committed corpus: every input once, no fuzzing.

  replay.py HARNESS CORPUS_DIR ARTIFACT_PREFIX

libFuzzer with -runs=0 runs each file of the directory and stops; a crash,
a sanitizer report or a failed check in the harness makes it exit nonzero
and write the input to ARTIFACT_PREFIX... An empty corpus is an error too
(the test would prove nothing)."""
import os
import subprocess
import sys
import time

harness, corpus, prefix = sys.argv[1:4]
files = [f for f in os.listdir(corpus) if not f.startswith(".")]
if not files:
    sys.exit(f"replay: {corpus} holds no inputs")
start = time.monotonic()
p = subprocess.run([harness, "-runs=0", "-artifact_prefix=" + prefix] + [os.path.join(corpus, f) for f in sorted(files)],
                   capture_output=True, text=True, errors="replace")  # logs may quote bytes from the input
took = time.monotonic() - start
if p.returncode != 0:
    sys.stderr.write(p.stderr[-6000:])
    sys.exit(f"replay: {os.path.basename(harness)} failed on its corpus (exit {p.returncode})")
print(f"replay: {len(files)} inputs of {corpus} in {took:.1f} s, no crash")
