#!/usr/bin/python3
"""A bounded mutation fuzzer for the Kconfig -D options of tools/kconfig.py
(-Dconfig=SYMBOL=value, -Ddrivers/-Dnet/-Dfs/-Dapps=a,b): libFuzzer does not
apply to Python and Debian 12 has no atheris, so this is a small loop of
its own, guided by the lines of tools/kconfig.py each input reaches.

  kconfig_fuzz.py [--seconds N] [--work DIR] [--crashes DIR] CORPUS_DIR

An input is a text file, one option a line (so a value holds no newline;
a carriage return stands for any control character): "config=TICK_HZ=250",
"apps=hello,ktest". Each one runs what `configure` does with the options on
top of configs/test_defconfig (apply_part_lists, parse_assignment,
set_values, check_taken), then makes every header line. Allowed outcomes:
success, or ConfigError (a message for the user). A crash is any other
exception, an accepted assignment whose symbol does not hold the value
asked for, or a header line that is not one line of C. With --seconds 0
(the default) the corpus is only replayed. Crashing inputs are written to
--crashes; exit status 1 if there was one.
"""
import argparse
import importlib.util
import os
import random
import sys
import tempfile
import time
import traceback

top = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
spec = importlib.util.spec_from_file_location("yolk_kconfig", os.path.join(top, "tools", "kconfig.py"))
kc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(kc)
KC_FILE = spec.origin

OPTIONS = ["config", "drivers", "net", "fs", "apps"]
VALUES = ["y", "n", "m", "", "0", "1", "-1", "0x10", "10", "65536", "99999999999999999999", '"quoted"',
          '"a\\"b"', "a,b", "none", "0x", "1e3", " 5 ", "\t", "a\rb", "\\", '"', "é"]


class Target:
    def __init__(self):
        self.builddir = tempfile.mkdtemp(prefix="yolk-kconfig-fuzz-")
        self.parts = kc.find_parts(top, [], None)
        self.kconf = kc.load_kconfig(top, self.builddir, [])
        self.base = kc.defconfig_path(top, "test")
        self.symbols = sorted(s.name for s in self.kconf.unique_defined_syms)
        self.part_names = sorted({p.name for p in self.parts})

    def run(self, lines):
        """None if the outcome is allowed, else what is wrong."""
        kconf = self.kconf
        kc.load_values(kconf, self.base, "in defconfig")
        lists = {o: [] for o in OPTIONS}
        for line in lines:
            opt, _, value = line.partition("=")
            if opt in lists:
                lists[opt].append(value)
        try:
            wanted = kc.apply_part_lists(kconf, self.parts, lists)
            wanted += [kc.parse_assignment(x) for x in lists["config"] if x]
            kc.set_values(kconf, wanted)
            kc.check_taken(kconf, wanted, "meson option")
        except kc.ConfigError as e:
            return None if str(e) else "ConfigError without a message"
        for name, value in wanted:
            if kconf.syms[name].str_value != value:
                return f"{name}: asked {value!r}, holds {kconf.syms[name].str_value!r} and no error"
        for sym in kconf.unique_defined_syms:
            line = kc.header_line(sym)
            if line is not None and (not line.endswith("\n") or "\n" in line[:-1] or "\r" in line):
                return f"header line for {sym.name} is not one line: {line!r}"
        return None


def traced(target, lines, seen):
    """Runs one input, adding the lines of tools/kconfig.py it reached to seen."""
    new = set()

    def local(frame, event, arg):
        if event == "line":
            new.add(frame.f_lineno)
        return local

    def glob(frame, event, arg):
        return local if frame.f_code.co_filename == KC_FILE else None

    sys.settrace(glob)
    try:
        problem = target.run(lines)
    except Exception:
        problem = traceback.format_exc(limit=6)
    finally:
        sys.settrace(None)
    grew = not new <= seen
    seen |= new
    return problem, grew


def mutate(rng, lines, corpus, target):
    lines = list(lines) or ["config="]
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(lines))
        opt, _, value = lines[i].partition("=")
        op = rng.randrange(9)
        if op == 0:
            lines[i] = rng.choice(OPTIONS) + "=" + value
        elif op == 1 and opt == "config":
            lines[i] = f"config={rng.choice(target.symbols)}={rng.choice(VALUES)}"
        elif op == 2:
            lines[i] = f"{opt}={','.join(rng.sample(target.part_names, rng.randint(1, 3)))}"
        elif op == 3 and lines[i]:
            k = rng.randrange(len(lines[i]))
            lines[i] = lines[i][:k] + lines[i][k + 1:]
        elif op == 4:
            k = rng.randrange(len(lines[i]) + 1)
            lines[i] = lines[i][:k] + rng.choice(['=', '"', '\\', ',', ' ', 'CONFIG_', '0x', '-', '9', 'y', '\r',
                                                  '\x00', '\x1b', 'n']) + lines[i][k:]
        elif op == 5:
            lines.append(rng.choice(rng.choice(corpus)) if corpus else "config=")
        elif op == 6 and len(lines) > 1:
            del lines[i]
        elif op == 7 and opt == "config":
            name = value.partition("=")[0]
            lines[i] = f"config={name}={rng.choice(VALUES)}"
        else:
            lines[i] = f"config=CONFIG_{rng.choice(target.symbols)}={rng.choice(VALUES)}"
    return lines[:16]


def save(where, lines, problem, tag):
    os.makedirs(where, exist_ok=True)
    path = os.path.join(where, f"kconfig-{tag}")
    with open(path, "w", encoding="utf-8", errors="surrogateescape", newline="") as f:
        f.write("\n".join(lines))
    with open(path + ".txt", "w") as f:
        f.write(problem)
    return path


def main():
    p = argparse.ArgumentParser()
    p.add_argument("corpus")
    p.add_argument("--seconds", type=float, default=0)
    p.add_argument("--work", help="directory for inputs that reached new lines")
    p.add_argument("--crashes", default=".")
    p.add_argument("--seed", type=int, default=int(time.time()))
    a = p.parse_args()
    target = Target()
    seen, crashes, execs = set(), 0, 0
    corpus = []
    start = time.monotonic()
    for name in sorted(os.listdir(a.corpus)):
        lines = open(os.path.join(a.corpus, name), encoding="utf-8", errors="surrogateescape",
                     newline="").read().split("\n")
        problem, _ = traced(target, lines, seen)
        execs += 1
        corpus.append(lines)
        if problem:
            crashes += 1
            print(f"CRASH on {name}:\n{problem}", file=sys.stderr)
    replayed = execs
    rng = random.Random(a.seed)
    while time.monotonic() - start < a.seconds and crashes < 50:
        lines = mutate(rng, rng.choice(corpus), corpus, target)
        problem, grew = traced(target, lines, seen)
        execs += 1
        if problem:
            crashes += 1
            print(f"CRASH: {save(a.crashes, lines, problem, f'{a.seed}-{execs}')}\n{problem}", file=sys.stderr)
        elif grew:
            corpus.append(lines)
            if a.work:
                save(a.work, lines, "", f"{a.seed}-{execs}")
    took = time.monotonic() - start
    print(f"kconfig_fuzz: replayed {replayed} inputs; seed {a.seed}")
    print(f"kconfig_fuzz: {'kconfig':<13} {took:8.0f} {execs:12d} {execs / max(took, 1e-9):9.0f} "
          f"{len(seen):>7} {'lines':>7} {len(corpus):9d} {crashes:8d}")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
