#!/usr/bin/env bash
# bench/js.sh [BUILD_DIR] — JavaScript speed: QuickJS in yolk against QuickJS on Linux.
#
# A CPU-bound subset of QuickJS's own benchmark (tests/microbench.js from the
# same pinned Debian source: loops, property access, calls, closures, integer
# and float arithmetic, for-of, string building, number printing, sorting)
# runs in `js` as yolk's main app (configs/js_defconfig, the script in the
# initrd) and in qjs built from the same source, linked statically, as the
# program of a Linux guest (Debian's cloud kernel and a busybox initramfs,
# tools/linux-guest). Both under the same QEMU: TCG, -cpu max, one CPU,
# 512 MiB. microbench.js measures the shortest time per operation of each
# test; the table gives both (ns), the ratio linux/yolk (> 1: yolk is faster)
# per test and its geometric mean, and the yolk image size. RUNS rounds
# (default 1) alternate yolk and Linux; the table shows medians. TESTS picks
# other microbench.js tests (names or prefixes).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath -m "${1:-$top/build-bench-js}")
runs=${RUNS:-1}
tests=${TESTS:-empty_loop prop_read func_call func_closure_call int_arith float_arith array_for_of string_build1 float_to_string sort_bench}
guest_cache=${YOLK_GUEST_CACHE:-$top/build-guest-cache}
start=$(date +%s)

if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$top" --cross-file "$top/cross/x86_64-yolk.ini" -Ddefconfig=js >/dev/null
fi
ninja -C "$build" yolk >/dev/null
qjs_dir=$(ls -d "$build"/subprojects/quickjs-*/ | head -n 1)
src_dir=$(ls -d "$top"/subprojects/quickjs-*/ | head -n 1)
ninja -C "$build" "${qjs_dir#"$build"/}qjs-static" >/dev/null
rm -rf "$build/bench-js-root" && mkdir -p "$build/bench-js-root"
cp "$src_dir/tests/microbench.js" "$build/bench-js-root/"
python3 "$top/tools/mkinitrd.py" "$build/bench-js-root" "$build/bench-js-initrd.cpio"
# shellcheck disable=SC2086
kernel=$(LINUX_GUEST_FILES="$build/bench-js-root/microbench.js" "$top/tools/linux-guest" "$guest_cache" \
	"$build/bench-js-linux-initrd.gz" "$qjs_dir/qjs-static" --std /microbench.js $tests)

machine=(-machine q35 -cpu max -smp 1 -m 512M -nic none -display none -monitor none -no-reboot)
for run in $(seq "$runs"); do
	python3 "$top/tools/yolkqemu.py" --kernel "$build/yolk" --memory 512M --initrd "$build/bench-js-initrd.cpio" \
		--cmdline "--std /microbench.js $tests" --log "$build/bench-js-yolk.$run.log" --timeout 1200 ||
		echo "yolk guest failed (exit $?)"
	timeout 1200 qemu-system-x86_64 "${machine[@]}" -kernel "$kernel" -initrd "$build/bench-js-linux-initrd.gz" \
		-append "console=ttyS0 quiet panic=-1" -serial "file:$build/bench-js-linux.$run.log" </dev/null ||
		echo "linux guest failed (exit $?)"
done

python3 - "$build" "$runs" <<'PY'
import math, re, statistics, sys
build, runs = sys.argv[1], int(sys.argv[2])
def read(path):
    text = open(path, errors="replace").read().replace("\r", "")
    res = {m.group(1): float(m.group(3)) for m in re.finditer(r"^ *(\w+) +(\d+) +([\d.]+)$", text, re.M)}
    if "total" not in text or not res:
        sys.exit(f"{path}: no results:\n{text}")
    return res
def median(who):
    logs = [read(f"{build}/bench-js-{who}.{r}.log") for r in range(1, runs + 1)]
    return {k: statistics.median(l[k] for l in logs if k in l) for k in logs[0]}
yolk, linux = median("yolk"), median("linux")
print(f"QuickJS 2025-04-26 tests/microbench.js subset; ns per operation; TCG, 1 CPU; median of {runs} run(s)")
print(f"{'test':20} {'yolk':>10} {'linux':>10} {'linux/yolk':>11}")
ratios = []
for name in yolk:
    if name in linux:
        ratios.append(linux[name] / yolk[name])
        print(f"{name:20} {yolk[name]:10.2f} {linux[name]:10.2f} {ratios[-1]:10.2f}x")
print(f"{'geometric mean':20} {'':10} {'':10} {math.exp(sum(map(math.log, ratios)) / len(ratios)):10.2f}x")
PY
echo "yolk image ($(sed -n 's/^PARTS=//p' "$build/yolk-selection.txt")): $(stat -c %s "$build/yolk") bytes"
echo "run time: $(($(date +%s) - start)) s"
