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

if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$top" --cross-file "$top/cross/x86_64-yolk.ini" -Ddefconfig=lua >/dev/null
fi
ninja -C "$build" yolk >/dev/null
lua_dir=$(ls -d "$build"/subprojects/lua-*/ | head -n 1)
ninja -C "$build" "${lua_dir#"$build"/}lua-static" >/dev/null
rm -rf "$build/bench-lua-root" && mkdir -p "$build/bench-lua-root"
cp "$top/bench/lua_bench.lua" "$build/bench-lua-root/"
python3 "$top/tools/mkinitrd.py" "$build/bench-lua-root" "$build/bench-lua-initrd.cpio"
kernel=$(LINUX_GUEST_FILES="$build/bench-lua-root/lua_bench.lua" "$top/tools/linux-guest" "$guest_cache" \
	"$build/bench-lua-linux-initrd.gz" "$lua_dir/lua-static" /lua_bench.lua "$scale")

machine=(-machine q35 -cpu max -smp 1 -m 512M -nic none -display none -monitor none -no-reboot)
for run in $(seq "$runs"); do
	python3 "$top/tools/yolkqemu.py" --kernel "$build/yolk" --memory 512M --initrd "$build/bench-lua-initrd.cpio" \
		--cmdline "app=lua /lua_bench.lua $scale" --log "$build/bench-lua-yolk.$run.log" --timeout 1200 ||
		echo "yolk guest failed (exit $?)"
	timeout 1200 qemu-system-x86_64 "${machine[@]}" -kernel "$kernel" -initrd "$build/bench-lua-linux-initrd.gz" \
		-append "console=ttyS0 quiet panic=-1" -serial "file:$build/bench-lua-linux.$run.log" </dev/null ||
		echo "linux guest failed (exit $?)"
done

python3 - "$build" "$runs" "$scale" <<'PY'
import math, re, statistics, sys
build, runs, scale = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def read(path):
    text = open(path, errors="replace").read().replace("\r", "")
    res = {m.group(1): float(m.group(2)) for m in re.finditer(r"^(\w+) +([\d.]+) ms ", text, re.M)}
    if "total" not in text or not res:
        sys.exit(f"{path}: no results:\n{text}")
    return res
def median(who):
    logs = [read(f"{build}/bench-lua-{who}.{r}.log") for r in range(1, runs + 1)]
    return {k: statistics.median(l[k] for l in logs if k in l) for k in logs[0]}
yolk, linux = median("yolk"), median("linux")
print(f"Lua 5.4.7 bench/lua_bench.lua, scale {scale}; ms per test; TCG, 1 CPU; median of {runs} run(s)")
print(f"{'test':14} {'yolk':>10} {'linux':>10} {'linux/yolk':>11}")
ratios = []
for name in yolk:
    if name in linux:
        ratios.append(linux[name] / max(yolk[name], 0.1))
        print(f"{name:14} {yolk[name]:10.1f} {linux[name]:10.1f} {ratios[-1]:10.2f}x")
print(f"{'geometric mean':14} {'':10} {'':10} {math.exp(sum(map(math.log, ratios)) / len(ratios)):10.2f}x")
PY
echo "yolk image ($(sed -n 's/^PARTS=//p' "$build/yolk-selection.txt")): $(stat -c %s "$build/yolk") bytes"
echo "run time: $(($(date +%s) - start)) s"
