#!/usr/bin/env python3
"""Boot an image in QEMU, then check its serial output and exit code.

Each --expect is a regular expression (multiline: ^ and $ match line ends)
that must match the output; --exit is the required guest exit code. On any
failure the whole guest output is printed, so a CI log says what happened.
"""
import argparse
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import yolkqemu  # noqa: E402


def check(output, code, args):
    problems = []
    for pattern in args.expect:
        if not re.search(pattern, output, re.MULTILINE):
            problems.append(f"output does not match /{pattern}/")
    for pattern in args.reject:
        if re.search(pattern, output, re.MULTILINE):
            problems.append(f"output matches rejected /{pattern}/")
    if args.exit is not None and code != args.exit:
        problems.append(f"exit code {code}, expected {args.exit}")
    if args.sleep_check is not None:
        m = re.search(r"^slept_us=(\d+) requested_us=(\d+)$", output, re.MULTILINE)
        if not m:
            problems.append("no slept_us line")
        else:
            slept, want = int(m.group(1)), int(m.group(2))
            # Never early; late by at most 20 ms + 25% (TCG on a loaded machine).
            if slept < want or slept > want * 1.25 + 20000:
                problems.append(f"slept {slept} us for a {want} us request")
            print(f"sleep accuracy: {slept} us for {want} us ({slept / want:.3f}x)")
    return problems


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--expect", action="append", default=[])
    p.add_argument("--reject", action="append", default=[])
    p.add_argument("--exit", type=int)
    p.add_argument("--sleep-check", type=int, help="check the ktest sleep report")
    p.add_argument("--timeout", type=float, default=45)
    args, rest = p.parse_known_args()
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "serial.log")
        run_args = rest + ["--log", log, "--timeout", str(args.timeout)]
        code = yolkqemu.main(run_args)
        output = yolkqemu.read_log(log)
    # Drop firmware escape sequences (SeaBIOS/GRUB/OVMF) so ^ and $ see plain lines.
    output = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\x1bc", "", output)
    problems = check(output, code, args)
    if problems:
        print("FAIL: " + "; ".join(problems))
        print("----- guest output -----")
        print(output)
        print("------------------------")
        return 1
    print(f"ok (exit {code})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
