#!/usr/bin/env bash
# bench/iperf.sh [BUILD_DIR] — TCP throughput: iperf3's server in yolk against Linux.
#
# yolk: configs/iperf3_defconfig (apps/iperf3 on lwIP and the NIC driver).
# Linux: Debian's cloud kernel with iperf3 built from the same pinned Debian
# source (subprojects/iperf3, linked statically: iperf3-static) in a busybox
# initramfs (tools/linux-guest; the NIC's modules from the same kernel
# package). Both run `iperf3 -s` at 10.0.2.15 (set statically) under the same
# QEMU: TCG, -cpu max, one CPU, 256 MiB, the same NIC model, on QEMU's user
# networking with a hostfwd from the host's 127.0.0.1 (the control and the
# data connection both reach the guest's port 5201 through it). The host's
# iperf3 client (Debian package iperf3) measures, after a 1 s warm-up test:
#   to guest    iperf3 -c 127.0.0.1 -t DURATION      (the guest receives)
#   from guest  iperf3 -c 127.0.0.1 -t DURATION -R   (the guest sends)
# and prints Mbit/s received in each direction, the ratio yolk/linux (> 1:
# yolk is faster) and the image size. RUNS rounds (default 3) alternate yolk
# and Linux; the table shows medians.
#
# User networking (slirp) is one host thread copying every byte and bounds
# both guests; a TAP variant, which takes slirp out of the path, comes with
# tools/netns-run (issue 18, item 1).
#
# NIC (QEMU model: virtio-net-pci, default, or e1000), DURATION (seconds,
# default 10), RUNS.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath -m "${1:-$top/build-bench-iperf}")
nic=${NIC:-virtio-net-pci}
duration=${DURATION:-10}
runs=${RUNS:-3}
guest_cache=${YOLK_GUEST_CACHE:-$top/build-guest-cache}
start=$(date +%s)

case $nic in
virtio-net-pci) export LINUX_GUEST_MODULES="virtio_pci virtio_net" ;;
e1000) export LINUX_GUEST_MODULES="e1000" LINUX_GUEST_FLAVOUR=amd64 ;; # not in the cloud kernel
*) echo "bench/iperf.sh: NIC must be virtio-net-pci or e1000" >&2; exit 2 ;;
esac
command -v iperf3 >/dev/null || { echo "bench/iperf.sh: iperf3 missing (run tools/bootstrap)" >&2; exit 1; }

if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$top" --cross-file "$top/cross/x86_64-yolk.ini" -Ddefconfig=iperf3 >/dev/null
fi
ninja -C "$build" yolk >/dev/null
iperf_dir=$(ls -d "$build"/subprojects/iperf-*/ | head -n 1)
ninja -C "$build" "${iperf_dir#"$build"/}linux/iperf3-static" >/dev/null

# The Linux side: the same iperf3, address set by hand as yolk's ip= does.
cat >"$build/linux-iperf.sh" <<'EOF'
#!/bin/busybox sh
b=/bin/busybox
$b ip link set lo up
$b ip addr add 10.0.2.15/24 dev eth0
$b ip link set eth0 up
$b ip route add default via 10.0.2.2
$b mkdir -p /tmp
/iperf3-static -s -p 5201 &
$b sleep 100000
EOF
chmod +x "$build/linux-iperf.sh"
kernel=$(LINUX_GUEST_FILES="$iperf_dir/linux/iperf3-static" "$top/tools/linux-guest" "$guest_cache" \
	"$build/iperf-initrd.gz" "$build/linux-iperf.sh")

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
machine=(-machine q35 -cpu max -smp 1 -m 256M -display none -monitor none -no-reboot
	-nic "user,model=$nic,hostfwd=tcp:127.0.0.1:$port-:5201")
qemu_pid=

stop_guest() {
	[ -n "$qemu_pid" ] && kill "$qemu_pid" 2>/dev/null && wait "$qemu_pid" 2>/dev/null || true
	qemu_pid=
}
trap stop_guest EXIT

# Boots $1 (yolk|linux), waits until a 1 s test passes, then measures both directions.
measure() {
	local who=$1 run=$2 i
	if [ "$who" = yolk ]; then
		qemu-system-x86_64 "${machine[@]}" -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
			-kernel "$build/yolk" -append "ip=10.0.2.15/24 gw=10.0.2.2 -s -p 5201" \
			-serial "file:$build/iperf-yolk.$run.log" </dev/null &
	else
		qemu-system-x86_64 "${machine[@]}" -kernel "$kernel" -initrd "$build/iperf-initrd.gz" \
			-append "console=ttyS0 quiet panic=-1" -serial "file:$build/iperf-linux.$run.log" </dev/null &
	fi
	qemu_pid=$!
	for i in $(seq 120); do
		timeout 20 iperf3 -c 127.0.0.1 -p "$port" -t 1 --connect-timeout 3000 >/dev/null 2>&1 && break
		sleep 1
	done
	client "$build/iperf-$who-to.$run.json"
	client "$build/iperf-$who-from.$run.json" -R
	stop_guest
}

# One measured test into $1 (JSON). The server closes its listener after each
# test and opens it again, so a client right behind the last one can meet a
# reset (slirp connects to a port nobody listens on for that moment): wait a
# little first, and try again (at most 3 times) if iperf3 reports an error.
client() {
	local out=$1 try
	shift
	for try in 1 2 3; do
		sleep 2
		timeout $((duration + 60)) iperf3 -c 127.0.0.1 -p "$port" -t "$duration" -J "$@" >"$out" 2>&1 || true
		grep -q '"error"' "$out" || return 0
		echo "bench/iperf.sh: $(basename "$out"), try $try: $(sed -n 's/.*"error": *//p' "$out")" >&2
	done
}

for run in $(seq "$runs"); do
	measure yolk "$run"
	measure linux "$run"
done

python3 - "$build" "$runs" "$nic" "$duration" <<'PY'
import json, statistics, sys
build, runs, nic, duration = sys.argv[1:5]
def mbits(path):
    try:
        r = json.load(open(path))
        return r["end"]["sum_received"]["bits_per_second"] / 1e6
    except (OSError, ValueError, KeyError) as e:
        print(f"  {path}: no result ({e!r})")
        return float("nan")
print(f"iperf3 TCP, one stream, {duration} s, over {nic} on QEMU user networking; TCG, 1 CPU; "
      f"median of {runs} alternating runs (Mbit/s received)")
print(f"{'direction':12} {'yolk':>10} {'linux':>10} {'yolk/linux':>11}")
for d, name in (("to", "to guest"), ("from", "from guest")):
    res = {w: statistics.median(mbits(f"{build}/iperf-{w}-{d}.{r}.json") for r in range(1, int(runs) + 1))
           for w in ("yolk", "linux")}
    print(f"{name:12} {res['yolk']:10.1f} {res['linux']:10.1f} {res['yolk'] / res['linux']:10.2f}x")
PY
echo "yolk image ($(sed -n 's/^PARTS=//p' "$build/yolk-selection.txt")): $(stat -c %s "$build/yolk") bytes"
echo "run time: $(($(date +%s) - start)) s"
