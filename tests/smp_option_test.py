#!/usr/bin/env python3
"""-Dsmp=N reaches QEMU: tools/yolkqemu.py turns --smp N into -smp N on
multi-threaded TCG (and --smp 1 into nothing), rejects a count out of
range, and this build's `ninja qemu` passes the configured -Dsmp."""
import importlib.util
import json
import subprocess
import sys

runner, build = sys.argv[1], sys.argv[2]
spec = importlib.util.spec_from_file_location("yolkqemu", runner)
m = importlib.util.module_from_spec(spec)
spec.loader.exec_module(m)
problems = []


def command(*extra):
    args = m.parser().parse_args(["--kernel", "yolk", *extra])
    return m.qemu_command(args, [])


cmd = command("--smp", "4")
if "-smp" not in cmd or cmd[cmd.index("-smp") + 1] != "4" or "tcg,thread=multi" not in cmd:
    problems.append(f"--smp 4 gave {cmd}")
if "-smp" in command() or "-smp" in command("--smp", "1"):
    problems.append(f"--smp 1 gave {command('--smp', '1')}")
for bad in ["0", "256"]:
    try:
        m.main(["--kernel", "yolk", "--smp", bad])
        problems.append(f"--smp {bad} accepted")
    except SystemExit as e:
        if e.code != 2:
            problems.append(f"--smp {bad}: exit {e.code}")
opts = json.loads(subprocess.run(["meson", "introspect", build, "--buildoptions"], check=True,
                                 capture_output=True, text=True).stdout)
smp = next(o["value"] for o in opts if o["name"] == "smp")
qemu = subprocess.run(["ninja", "-C", build, "-t", "commands", "qemu"], check=True,
                      capture_output=True, text=True).stdout.splitlines()[-1]
if f"--smp {smp}" not in qemu:
    problems.append(f"-Dsmp={smp}, but ninja qemu runs: {qemu}")
if problems:
    print("FAIL:", "; ".join(problems))
    sys.exit(1)
print(f"ok: --smp maps to -smp on MTTCG; ninja qemu passes -Dsmp={smp}")
