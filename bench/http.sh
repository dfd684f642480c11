#!/usr/bin/env bash
# bench/http.sh [BUILD_DIR] — HTTP requests/s: yolk's httpd against Linux.
#
# yolk: configs/httpd_defconfig (apps/httpd on lwIP and the NIC driver).
# Linux: Debian's cloud kernel with busybox httpd in an initramfs
# (tools/linux-guest; the NIC's modules from the same kernel package), the
# address set statically like yolk's (ip=10.0.2.15/24). Both serve GET /hello
# ("hello yolk\n", 11 bytes) under the same QEMU: TCG, -cpu max, one CPU,
# 256 MiB, the same NIC model on user networking with a hostfwd from
# 127.0.0.1. wrk (one thread, CONNS connections, DURATION seconds, after a
# 2 s warm-up) measures two workloads:
#   keepalive  HTTP/1.1 connections reused (busybox httpd closes after every
#              response, so for it wrk reconnects each time anyway);
#   close      "Connection: close": a new TCP connection per request.
# Prints requests/s and p99 latency of both, the ratio yolk/linux (> 1: yolk
# is faster), and the image size. RUNS rounds (default 3) alternate yolk and
# Linux; the table shows medians, since a loaded host moves single runs a lot.
#
# NIC (QEMU model: virtio-net-pci, default, or e1000), CONNS (default 16),
# DURATION (seconds, default 10), RUNS.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath -m "${1:-$top/build-bench-http}")
nic=${NIC:-virtio-net-pci}
conns=${CONNS:-16}
duration=${DURATION:-10}
runs=${RUNS:-3}
guest_cache=${YOLK_GUEST_CACHE:-$top/build-guest-cache}
start=$(date +%s)

case $nic in
virtio-net-pci) export LINUX_GUEST_MODULES="virtio_pci virtio_net" ;;
e1000) export LINUX_GUEST_MODULES="e1000" LINUX_GUEST_FLAVOUR=amd64 ;; # not in the cloud kernel
*) echo "bench/http.sh: NIC must be virtio-net-pci or e1000" >&2; exit 2 ;;
esac
for tool in wrk curl; do
	command -v $tool >/dev/null || { echo "bench/http.sh: $tool missing (run tools/bootstrap)" >&2; exit 1; }
done

if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$top" --cross-file "$top/cross/x86_64-yolk.ini" -Ddefconfig=httpd >/dev/null
fi
ninja -C "$build" yolk >/dev/null

# The Linux side: busybox httpd serving the same file, address set by hand.
cat >"$build/linux-httpd.sh" <<'EOF'
#!/bin/busybox sh
b=/bin/busybox
$b ip link set lo up
$b ip addr add 10.0.2.15/24 dev eth0
$b ip link set eth0 up
$b ip route add default via 10.0.2.2
$b mkdir -p /www
echo "hello yolk" >/www/hello
$b httpd -f -p 8000 -h /www &
echo "linux-httpd: listening on port 8000"
$b sleep 100000
EOF
chmod +x "$build/linux-httpd.sh"
kernel=$("$top/tools/linux-guest" "$guest_cache" "$build/http-initrd.gz" "$build/linux-httpd.sh")

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url="http://127.0.0.1:$port/hello"
machine=(-machine q35 -cpu max -smp 1 -m 256M -display none -monitor none -no-reboot
	-nic "user,model=$nic,hostfwd=tcp:127.0.0.1:$port-:8000")
qemu_pid=

stop_guest() {
	[ -n "$qemu_pid" ] && kill "$qemu_pid" 2>/dev/null && wait "$qemu_pid" 2>/dev/null || true
	qemu_pid=
}
trap stop_guest EXIT

# Boots $1 (yolk|linux), waits until GET /hello answers, runs wrk for both workloads.
measure() {
	local who=$1 run=$2 i
	if [ "$who" = yolk ]; then
		qemu-system-x86_64 "${machine[@]}" -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
			-kernel "$build/yolk" -append "ip=10.0.2.15/24 gw=10.0.2.2" \
			-serial "file:$build/http-yolk.$run.log" </dev/null &
	else
		qemu-system-x86_64 "${machine[@]}" -kernel "$kernel" -initrd "$build/http-initrd.gz" \
			-append "console=ttyS0 quiet panic=-1" -serial "file:$build/http-linux.$run.log" </dev/null &
	fi
	qemu_pid=$!
	for i in $(seq 240); do
		[ "$(curl -s --noproxy "*" --max-time 2 "$url" 2>/dev/null)" = "hello yolk" ] && break
		sleep 0.5
	done
	if [ "$(curl -s --noproxy "*" --max-time 5 "$url")" != "hello yolk" ]; then
		echo "bench/http.sh: $who guest never answered $url (see $build/http-$who.$run.log)" >&2
		stop_guest
		return 1
	fi
	wrk -t1 -c "$conns" -d 2s "$url" >/dev/null 2>&1 || true
	wrk -t1 -c "$conns" -d "${duration}s" --latency "$url" >"$build/wrk-$who-keepalive.$run.txt" 2>&1 || true
	wrk -t1 -c "$conns" -d "${duration}s" --latency -H "Connection: close" "$url" \
		>"$build/wrk-$who-close.$run.txt" 2>&1 || true
	stop_guest
}

for run in $(seq "$runs"); do
	measure yolk "$run"
	measure linux "$run"
done

python3 - "$build" "$runs" "$nic" "$conns" "$duration" <<'PY'
import re, statistics, sys
build, runs, nic, conns, duration = sys.argv[1:6]
def ms(v, unit):
    return float(v) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
def read(path):
    text = open(path, errors="replace").read()
    rate = re.search(r"^Requests/sec:\s+([\d.]+)", text, re.M)
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
    errors = re.search(r"Socket errors: (.*)$|Non-2xx or 3xx responses: (\d+)", text, re.M)
    if not rate:
        sys.exit(f"{path}: no result\n{text}")
    return float(rate.group(1)), ms(*p99.groups()) if p99 else float("nan"), errors.group(0) if errors else ""
print(f"GET /hello (11-byte body) over {nic} on QEMU user networking; TCG, 1 CPU; wrk -t1 -c{conns} "
      f"-d{duration}s; median of {runs} alternating runs")
print(f"{'workload':11} {'yolk req/s':>11} {'linux req/s':>12} {'ratio':>7} {'yolk p99':>10} {'linux p99':>10}")
for load in ("keepalive", "close"):
    res = {who: [read(f"{build}/wrk-{who}-{load}.{r}.txt") for r in range(1, int(runs) + 1)]
           for who in ("yolk", "linux")}
    rate = {w: statistics.median(x[0] for x in res[w]) for w in res}
    p99 = {w: statistics.median(x[1] for x in res[w]) for w in res}
    print(f"{load:11} {rate['yolk']:11.0f} {rate['linux']:12.0f} {rate['yolk'] / rate['linux']:6.2f}x "
          f"{p99['yolk']:8.2f}ms {p99['linux']:8.2f}ms")
    for w in res:
        for i, x in enumerate(res[w]):
            if x[2]:
                print(f"  {w} run {i + 1}: {x[2]}")
PY
echo "yolk image ($(sed -n 's/^PARTS=//p' "$build/yolk-selection.txt")): $(stat -c %s "$build/yolk") bytes"
echo "run time: $(($(date +%s) - start)) s"
