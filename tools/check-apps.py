#!/usr/bin/env python3
"""Checks that every selected app defines main(), naming the app when one does not.

Usage: check-apps.py NM ELF STAMP NAME=ID...

yolk compiles each app's main() as yolk_app_<ID>_main and the app table
refers to it weakly (tools/kconfig.py app-table), so an app without main()
still links, with a null entry; this reads the first link's symbols and turns
that into "apps/NAME: no main() defined" instead of the linker's generic
"undefined reference". Writes STAMP when all is well.
"""
import subprocess
import sys


def defined_symbols(nm, elf):
    out = subprocess.run([nm, "--defined-only", elf], check=True, capture_output=True, text=True).stdout
    return {line.split()[-1] for line in out.splitlines() if len(line.split()) == 3}


def main():
    nm, elf, stamp, apps = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    defined = defined_symbols(nm, elf)
    missing = [name for name, ident in (a.split("=", 1) for a in apps)
               if f"yolk_app_{ident}_main" not in defined]
    for name in missing:
        symbol = "APP_" + name.upper().replace("-", "_")
        print(f"apps/{name}: no main() defined: write int main(int argc, char **argv) in one of "
              f"its sources, or switch {symbol} off in the defconfig", file=sys.stderr)
    if missing:
        sys.exit(1)
    open(stamp, "w").close()


if __name__ == "__main__":
    main()
