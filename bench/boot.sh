#!/usr/bin/env bash
# bench/boot.sh [BUILD_DIR] — boot-to-main time of yolk against a null kernel.
#
# Both are booted with -kernel (PVH) under the same QEMU, RUNS times each,
# alternating, and timed from process start to exit (wall clock). The yolk
# image runs its main app (hello in the hello and default configs), which
# prints one line and returns, so its time is boot-to-main plus exit. The null kernel exits at its first instruction, so
# the difference is what yolk's own start-up costs. Prints medians, the ratio,
# and the image's size. Use a build of the hello defconfig for the size goal.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
runs=${RUNS:-10}
runner=$top/tools/yolkqemu.py
ninja -C "$build" yolk bench/null-kernel >/dev/null

time_boot() { # prints seconds for one boot; fails if the guest did not exit 0
	local t0 t1
	t0=$(date +%s.%N)
	python3 "$runner" --log /dev/null --timeout 30 "$@"
	t1=$(date +%s.%N)
	echo "$t1 - $t0" | bc -l
}

median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

yolk_times=() null_times=()
for _ in $(seq "$runs"); do
	null_times+=("$(time_boot --kernel "$build/bench/null-kernel")")
	yolk_times+=("$(time_boot --kernel "$build/yolk")")
done
null_med=$(printf '%s\n' "${null_times[@]}" | median)
yolk_med=$(printf '%s\n' "${yolk_times[@]}" | median)
printf 'boot to main, median of %d (wall, QEMU TCG, -kernel PVH)\n' "$runs"
printf '  null kernel  %.3f s\n' "$null_med"
printf '  yolk         %.3f s\n' "$yolk_med"
printf '  ratio        %.3f (goal <= 1.2)\n' "$(echo "$yolk_med / $null_med" | bc -l)"
echo "image size ($(sed -n 's/^PARTS=//p' "$build/yolk-selection.txt"))"
# What the loader places from the file: .boot, .text, .rodata (with the symbol
# table) and .data; .bss and the boot stacks are zeroed memory, not image.
python3 "$top/tools/image-size" "$build/yolk.elf"
printf '  file bytes   %d (stripped boot image %s)\n' \
	"$(stat -c %s "$build/yolk")" "$build/yolk"
