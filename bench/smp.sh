#!/usr/bin/env bash
# bench/smp.sh [BUILD_DIR] — CPU-bound parallel scaling: yolk against Linux at 1, 2 and 4 CPUs.
#
# The same C program (apps/bench-smp/bench-smp.c: N threads hash BLOCKS 4 KiB
# blocks between them, sharing nothing) runs as yolk's main app and as a
# static Linux binary (glibc pthreads) in Debian's cloud kernel with a busybox
# initramfs (tools/linux-guest), both under the same QEMU (TCG, -cpu max,
# 512 MiB) with -smp N and N threads, N in CPUS (default "1 2 4"). Each
# guest measures its own wall time; this prints both and each one's scaling
# (its 1-CPU time / its N-CPU time). QEMU's multi-threaded TCG runs each vCPU
# on its own host thread, so scaling is bounded by the host's free cores.
# BLOCKS (default 2000) sets the work.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath -m "${1:-$top/build-bench-smp}")
blocks=${BLOCKS:-2000}
cpus=${CPUS:-1 2 4}
cache=${YOLK_GUEST_CACHE:-$top/build-guest-cache}

if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$top" --cross-file "$top/cross/x86_64-yolk.ini" -Ddefconfig=bench-smp >/dev/null
fi
ninja -C "$build" yolk >/dev/null
gcc -O2 -static -pthread -o "$build/bench-smp-linux" "$top/apps/bench-smp/bench-smp.c"

machine=(-machine q35 -cpu max -m 512M -nic none -display none -monitor none -no-reboot)
: >"$build/bench-yolk.log"
: >"$build/bench-linux.log"
for n in $cpus; do
	python3 "$top/tools/yolkqemu.py" --kernel "$build/yolk" --smp "$n" --cmdline "loglevel=2 $n $blocks" \
		--memory 512M --log "$build/bench-yolk-$n.log" --timeout 900
	cat "$build/bench-yolk-$n.log" >>"$build/bench-yolk.log"
	kernel=$("$top/tools/linux-guest" "$cache" "$build/bench-smp-initrd-$n.gz" "$build/bench-smp-linux" "$n" "$blocks")
	timeout 900 qemu-system-x86_64 "${machine[@]}" -smp "$n" -kernel "$kernel" -initrd "$build/bench-smp-initrd-$n.gz" \
		-append "console=ttyS0 quiet panic=-1" -serial "file:$build/bench-linux-$n.log" </dev/null
	cat "$build/bench-linux-$n.log" >>"$build/bench-linux.log"
done

python3 - "$build/bench-yolk.log" "$build/bench-linux.log" <<'PY'
import re, sys
def read(path):
    text = open(path, errors="replace").read()
    return {int(m.group(1)): (int(m.group(2)), m.group(3))
            for m in re.finditer(r"^bench smp threads=(\d+) blocks=\d+ ms=(\d+) check=(\w+)\r?$", text, re.M)}
yolk, linux = read(sys.argv[1]), read(sys.argv[2])
if not yolk or sorted(yolk) != sorted(linux):
    sys.exit(f"missing results: yolk {yolk}, linux {linux}")
checks = {c for _, c in list(yolk.values()) + list(linux.values())}
if len(checks) != 1:
    sys.exit(f"check values differ: {checks}")
base = min(yolk)
print(f"{'CPUs':>4} {'yolk ms':>9} {'linux ms':>9} {'yolk scaling':>13} {'linux scaling':>14} {'yolk/linux':>11}")
for n in sorted(yolk):
    y, l = yolk[n][0], linux[n][0]
    print(f"{n:4} {y:9} {l:9} {yolk[base][0] / y:12.2f}x {linux[base][0] / l:13.2f}x {l / y:10.2f}x")
PY
