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

. "$top/bench/lib.sh"
bench_image js
qjs=$(bench_native_target quickjs qjs-static)
src_dir=$(ls -d "$top"/subprojects/quickjs-*/ | head -n 1)
rm -rf "$build/bench-js-root" && mkdir -p "$build/bench-js-root"
cp "$src_dir/tests/microbench.js" "$build/bench-js-root/"
python3 "$top/tools/mkinitrd.py" "$build/bench-js-root" "$build/bench-js-initrd.cpio"
# shellcheck disable=SC2086
kernel=$(LINUX_GUEST_FILES="$build/bench-js-root/microbench.js" "$top/tools/linux-guest" "$guest_cache" \
	"$build/bench-js-linux-initrd.gz" "$qjs" --std /microbench.js $tests)

bench_alternate js "$runs" "$build/bench-js-initrd.cpio" "--std /microbench.js $tests" \
	"$kernel" "$build/bench-js-linux-initrd.gz"

PYTHONPATH="$top/bench" python3 - "$build" "$runs" <<'PY'
import sys
from ratio_table import medians, print_ratios
build, runs = sys.argv[1], int(sys.argv[2])
pattern = r"^ *(\w+) +\d+ +([\d.]+)$"
yolk, linux = (medians(build, "js", who, runs, pattern) for who in ("yolk", "linux"))
print(f"QuickJS 2025-04-26 tests/microbench.js subset; ns per operation; TCG, 1 CPU; median of {runs} run(s)")
print_ratios(yolk, linux, 20, ".2f")
PY
bench_footer "$start"
