#!/usr/bin/env bash
# bench/threads.sh [BUILD_DIR] — threads, channels and mutexes: yolk against Linux.
#
# The same C program (apps/bench-threads/bench-threads.c) runs as yolk's main
# app and as a static Linux binary (glibc pthreads; channels from
# bench/chan_posix.c) in Debian's cloud kernel with a busybox initramfs
# (tools/linux-guest), both under the same QEMU: TCG, -cpu max, one CPU,
# 512 MiB. Each prints ns per operation measured inside the guest; this
# prints both and the speed-up (Linux time / yolk time). SCALE multiplies the
# iteration counts (default 1).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath -m "${1:-$top/build-bench-threads}")
scale=${SCALE:-1}
cache=${YOLK_GUEST_CACHE:-$top/build-guest-cache}

if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$top" --cross-file "$top/cross/x86_64-yolk.ini" -Ddefconfig=bench-threads >/dev/null
fi
ninja -C "$build" >/dev/null
gcc -O2 -static -pthread -I"$top/include" -o "$build/bench-threads-linux" \
	"$top/apps/bench-threads/bench-threads.c" "$top/bench/chan_posix.c"
kernel=$("$top/tools/linux-guest" "$cache" "$build/bench-threads-initrd.gz" "$build/bench-threads-linux" "$scale")

machine=(-machine q35 -cpu max -smp 1 -m 512M -nic none -display none -monitor none -no-reboot)
python3 "$top/tools/yolkqemu.py" --kernel "$build/yolk" --cmdline "$scale" --memory 512M \
	--log "$build/bench-yolk.log" --timeout 600
timeout 900 qemu-system-x86_64 "${machine[@]}" -kernel "$kernel" -initrd "$build/bench-threads-initrd.gz" \
	-append "console=ttyS0 quiet panic=-1" -serial "file:$build/bench-linux.log" </dev/null

# Host CPU used by an idle yolk guest (main sleeping, the idle thread in hlt).
python3 "$top/tools/yolkqemu.py" --kernel "$build/yolk" --cmdline "idle 6" --log "$build/bench-idle.log" \
	--timeout 60 &
sleep 2
qemu_pid=$(pgrep -n -f "qemu-system-x86_64.*$build/yolk")
t0=$(awk '{ print $14 + $15 }' "/proc/$qemu_pid/stat")
sleep 3
t1=$(awk '{ print $14 + $15 }' "/proc/$qemu_pid/stat")
wait
idle_pct=$(( (t1 - t0) * 100 / $(getconf CLK_TCK) / 3 ))

python3 - "$build/bench-yolk.log" "$build/bench-linux.log" <<'PY'
import re, sys
def read(path):
    text = open(path, errors="replace").read()
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"^bench (\w+) (\d+)\r?$", text, re.M)}
yolk, linux = read(sys.argv[1]), read(sys.argv[2])
if not yolk or not linux:
    sys.exit(f"missing results: yolk {yolk}, linux {linux}")
print(f"{'ns per op (TCG, 1 CPU)':26} {'yolk':>10} {'linux':>10} {'speed-up':>9}")
for name in yolk:
    y, l = yolk[name], linux.get(name)
    ratio = f"{l / y:8.1f}x" if l and y else "        -"
    print(f"{name:26} {y:10} {l if l is not None else '-':>10} {ratio}")
PY
echo "idle guest: QEMU used ${idle_pct}% of a host CPU over 3 s (main asleep, idle thread in hlt)"
