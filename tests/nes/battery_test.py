#!/usr/bin/env python3
"""Battery RAM: a cartridge with the battery flag keeps $6000-$7FFF in
GAME.sav next to GAME.nes. battery.s adds 1 to $6010 on each run: three runs
must see 1, 2, 3 and leave an 8 KiB .sav; the same ROM without the flag
must see 1 every time and write no .sav.

Usage: battery_test.py NES_HOST BATTERY_ROM
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

host, rom = sys.argv[1], sys.argv[2]
tmp = tempfile.mkdtemp()
failed = 0


def runs(path, n):
    seen = []
    for _ in range(n):
        out = subprocess.run([host, path, "--frames", "5", "--peek", "0x6011"], capture_output=True, text=True,
                             check=True).stdout
        seen.append(int(re.search(r"peek \$6011 = \$([0-9a-f]{2})", out).group(1), 16))
    return seen


game = os.path.join(tmp, "game.nes")
shutil.copy(rom, game)
seen = runs(game, 3)
sav = os.path.join(tmp, "game.sav")
size = os.path.getsize(sav) if os.path.exists(sav) else -1
for ok, what in [(seen == [1, 2, 3], f"battery: runs saw {seen}, want [1, 2, 3]"),
                 (size == 8192, f"battery: game.sav is {size} bytes, want 8192")]:
    failed += not ok
    print(("ok: " if ok else "FAIL: ") + what)

data = bytearray(open(rom, "rb").read())
data[6] &= ~0x02
plain = os.path.join(tmp, "plain.nes")
open(plain, "wb").write(data)
seen = runs(plain, 2)
ok = seen == [1, 1] and not os.path.exists(os.path.join(tmp, "plain.sav"))
failed += not ok
print(("ok: " if ok else "FAIL: ") + f"no battery: runs saw {seen}, want [1, 1], and no plain.sav")
shutil.rmtree(tmp)
sys.exit(1 if failed else 0)
