#!/usr/bin/env bash
# bench/lua.sh [BUILD_DIR] — Lua speed: lua in yolk against lua on Linux.
#
# bench/lua_bench.lua (recursive calls: fib; a sieve over a table; string
# building with string.format, table.concat and gmatch; sorting and hashing;
# float math) runs in `lua` as yolk's main app (configs/lua_defconfig, the
# script in the initrd) and in lua built from the same pinned Debian source
# (subprojects/lua), linked statically, as the program of a Linux guest
# (tools/linux-guest). Both under the same QEMU: TCG, -cpu max, one CPU,
# 512 MiB. The table gives each test's time (ms, os.clock), the ratio
# linux/yolk (> 1: yolk is faster) and its geometric mean. SCALE (default
# 4) multiplies the work; RUNS rounds (default 1) alternate yolk and Linux,
# the table shows medians.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath -m "${1:-$top/build-bench-lua}")
runs=${RUNS:-1}
scale=${SCALE:-4}
guest_cache=${YOLK_GUEST_CACHE:-$top/build-guest-cache}
start=$(date +%s)

. "$top/bench/lib.sh"
bench_image lua
lua=$(bench_native_target lua lua-static)
rm -rf "$build/bench-lua-root" && mkdir -p "$build/bench-lua-root"
cp "$top/bench/lua_bench.lua" "$build/bench-lua-root/"
python3 "$top/tools/mkinitrd.py" "$build/bench-lua-root" "$build/bench-lua-initrd.cpio"
kernel=$(LINUX_GUEST_FILES="$build/bench-lua-root/lua_bench.lua" "$top/tools/linux-guest" "$guest_cache" \
	"$build/bench-lua-linux-initrd.gz" "$lua" /lua_bench.lua "$scale")

bench_alternate lua "$runs" "$build/bench-lua-initrd.cpio" "app=lua /lua_bench.lua $scale" \
	"$kernel" "$build/bench-lua-linux-initrd.gz"

PYTHONPATH="$top/bench" python3 - "$build" "$runs" "$scale" <<'PY'
import sys
from ratio_table import medians, print_ratios
build, runs, scale = sys.argv[1], int(sys.argv[2]), sys.argv[3]
yolk, linux = (medians(build, "lua", who, runs, r"^(\w+) +([\d.]+) ms ") for who in ("yolk", "linux"))
print(f"Lua 5.4.7 bench/lua_bench.lua, scale {scale}; ms per test; TCG, 1 CPU; median of {runs} run(s)")
print_ratios(yolk, linux, 14, ".1f", floor=0.1)
PY
bench_footer "$start"
