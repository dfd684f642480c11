#!/usr/bin/env bash
# bench/nes.sh [BUILD_DIR] [ROM] — apps/nes under QEMU TCG: frames per second
# unthrottled, and the CPU it takes when paced at the NTSC 60.1 fps.
#
# Boots the nes defconfig with ROM (default: Debian efp's efp.nes) in an
# initrd twice: `nes --frames 1200 --unthrottled` (the guest reports its
# fps), then `nes --frames 600` (paced: the guest reports fps and the share
# of wall time it was busy emulating and drawing). For both, QEMU's own CPU
# time is sampled from /proc, so a loaded host can be told apart from a slow
# emulator: "fps per QEMU CPU second" is what one free host core would give.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath -m "${1:-$top/build-bench-nes}")
rom=$(realpath "${2:-/usr/share/nes/efp.nes}")

if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$top" --cross-file "$top/cross/x86_64-yolk.ini" -Ddefconfig=nes >/dev/null
fi
ninja -C "$build" >/dev/null
mkdir -p "$build/bench-nes-root"
cp "$rom" "$build/bench-nes-root/"
python3 "$top/tools/mkinitrd.py" "$build/bench-nes-root" "$build/bench-nes.cpio"

# run NAME ARGS: boots, samples QEMU's CPU ticks while it runs, prints the guest's line and QEMU's share.
run() {
	local name=$1 log="$build/bench-nes-$1.log"
	shift
	python3 "$top/tools/yolkqemu.py" --kernel "$build/yolk" --initrd "$build/bench-nes.cpio" \
		--cmdline "$*" --log "$log" --timeout 600 &
	local runner=$! pid="" ticks=0 start end
	for _ in $(seq 100); do
		pid=$(pgrep -n -f "qemu-system-x86_64.*$build/bench-nes.cpio" || true)
		[ -n "$pid" ] && break
		sleep 0.1
	done
	start=$(date +%s.%N)
	while [ -n "$pid" ] && [ -r "/proc/$pid/stat" ]; do
		ticks=$(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo "$ticks")
		sleep 0.2
	done
	end=$(date +%s.%N)
	wait "$runner"
	local line
	line=$(grep -a "frames in" "$log" | tr -d '\r')
	frames=$(echo "$line" | awk '{ print $2 }')
	cpu=$(echo "$ticks / $(getconf CLK_TCK)" | bc -l)
	printf '%-12s %s\n' "$name" "$line"
	printf '%-12s QEMU: %.1f s CPU in %.1f s wall (%.0f%% of a host core), %.1f frames per QEMU CPU second\n' \
		"" "$cpu" "$(echo "$end - $start" | bc -l)" "$(echo "100 * $cpu / ($end - $start)" | bc -l)" \
		"$(echo "$frames / $cpu" | bc -l)"
}

echo "apps/nes, $(basename "$rom"), QEMU TCG, 1 CPU ($(nproc) host cores, load $(cut -d' ' -f1 /proc/loadavg))"
run unthrottled --frames 1200 --unthrottled
run paced --frames 600
